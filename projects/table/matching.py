"""Which project and which activity of one table is the same as which of another.

One set of rules for both uses: a re-import of a year (the file against what the database
holds, so that it updates in place and keeps history) and the link from a year to the year
before (so that a project can be followed across years). Both functions take plain sequences
and return ``{index in current: index in previous}``; each item is paired at most once.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from .carry_over import name_key

SIMILAR_RATIO = 0.9


class Numbered(Protocol):
    number: int | None
    name: str


# Tried in this order, each over every still-unpaired project in table order. The name comes
# before the number: when a project is dropped the later ones are often renumbered, and the
# project that takes over a number is rarely the one that had it.
_PROJECT_RULES = (
    lambda new, old: (new.number, new.name) == (old.number, old.name),
    lambda new, old: bool(new.name) and name_key(new.name) == name_key(old.name),
    lambda new, old: new.number is not None and new.number == old.number,
)


def match_projects(current: Sequence[Numbered], previous: Sequence[Numbered]) -> dict[int, int]:
    """Pair projects by number and name, then by name alone (renumbered), then by number
    alone (renamed). Unnumbered projects are paired by name."""
    remaining = list(range(len(previous)))
    pairs: dict[int, int] = {}
    for rule in _PROJECT_RULES:
        for i, project in enumerate(current):
            if i in pairs:
                continue
            found = next((j for j in remaining if rule(project, previous[j])), None)
            if found is not None:
                pairs[i] = found
                remaining.remove(found)
    return pairs


def match_activities(
    current: Sequence[tuple[str, str]],
    previous: Sequence[tuple[str, str]],
    *,
    by_position: bool = False,
) -> dict[int, int]:
    """Pair activities given as ``(text, key)`` (the key from ``carry_over.activity_key``):
    the same text, then the same key, then the most similar keys (ratio ≥ ``SIMILAR_RATIO``),
    and with ``by_position`` what is left in order (a re-import: a rewritten line updates the
    activity in its place instead of replacing it)."""
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def pair_equal(part: int):
        waiting = defaultdict(list)
        for j, item in enumerate(previous):
            if j not in used and item[part]:
                waiting[item[part]].append(j)
        for i, item in enumerate(current):
            if i not in pairs and waiting.get(item[part]):
                pairs[i] = waiting[item[part]].pop(0)
                used.add(pairs[i])

    pair_equal(0)
    pair_equal(1)
    candidates = []
    for i, (_, key) in enumerate(current):
        if i in pairs or not key:
            continue
        for j, (_, old_key) in enumerate(previous):
            if j in used or not old_key:
                continue
            matcher = difflib.SequenceMatcher(None, key, old_key, autojunk=False)
            if matcher.quick_ratio() >= SIMILAR_RATIO and matcher.ratio() >= SIMILAR_RATIO:
                candidates.append((-matcher.ratio(), i, j))
    for _, i, j in sorted(candidates):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    if by_position:
        left = [j for j in range(len(previous)) if j not in used]
        for i in range(len(current)):
            if i not in pairs and left:
                pairs[i] = left.pop(0)
    return pairs
