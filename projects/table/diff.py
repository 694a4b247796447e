"""Two stored tables of the same year side by side, item by item (by id): what a round's
answers changed since the round before it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .notation import CANONICAL_MARKERS, STATUSES
from .stored import activities_of, label_of, line_of


@dataclass
class ItemChange:
    project: str
    old: str  # the line as it read ("" when added)
    new: str  # "" when removed
    old_status: str | None = None
    new_status: str | None = None

    @property
    def status_changed(self) -> bool:
        return bool(self.old and self.new) and self.old_status != self.new_status


@dataclass
class StateDiff:
    totals_a: dict[str, int] = field(default_factory=dict)
    totals_b: dict[str, int] = field(default_factory=dict)
    changed: list[ItemChange] = field(default_factory=list)
    added: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)

    def distribution(self) -> list[tuple[str, str, int, int]]:
        """(status, glyph, count before, count after) in legend order."""
        return [
            (s, CANONICAL_MARKERS[s], self.totals_a.get(s, 0), self.totals_b.get(s, 0))
            for s in STATUSES
        ]


def totals(state: dict) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for _, activity in activities_of(state):
        if activity["status"] in counts:
            counts[activity["status"]] += 1
    return counts


def diff_states(a: dict, b: dict) -> StateDiff:
    """What changed from table ``a`` to table ``b`` (every activity counted, 【再掲】 too)."""
    olds = {act["id"]: (p, act) for p, act in activities_of(a)}
    news = {act["id"]: (p, act) for p, act in activities_of(b)}
    result = StateDiff(totals(a), totals(b))
    for item_id, (project, new) in news.items():
        if item_id not in olds:
            result.added.append(
                ItemChange(label_of(project), "", line_of(new), None, new["status"])
            )
            continue
        _, old = olds[item_id]
        if (old["status"], old["text"], old["details"]) != (
            new["status"],
            new["text"],
            new["details"],
        ):
            result.changed.append(
                ItemChange(
                    label_of(project), line_of(old), line_of(new), old["status"], new["status"]
                )
            )
    for item_id, (project, old) in olds.items():
        if item_id not in news:
            result.removed.append(ItemChange(label_of(project), line_of(old), "", old["status"]))
    return result
