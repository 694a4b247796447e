"""Where a query was found in a text, to mark it on the page: the spans of the folded text as
written, else of the words whose readings spell a needle; and where the tags stand."""

from __future__ import annotations

from functools import lru_cache

from .notation import TAGS
from .search import Chunk, fold_with_positions, words


def marks(text: str, chunks: list[Chunk], index: str | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` (original indices, merged, in order) that the query matched: a needle
    found in the folded text as written, else the words whose readings spell it. ``index``, the
    text's stored index where there is one, spares the analysis of needles it does not hold;
    a short text (a name) is marked once per process and query."""
    if not chunks or not text:
        return []
    needles = tuple(n for c in chunks for n in c.needles if index is None or n in index)
    if index is not None:
        needles += tuple(n for c in chunks for n in c.pieces(index))
    if not needles:
        return []
    if len(text) <= 24:
        return list(_short_marks(text, needles))
    return _marks(text, needles)


@lru_cache(maxsize=4096)
def _short_marks(text: str, needles: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    return tuple(_marks(text, needles))


def _marks(text: str, needles) -> list[tuple[int, int]]:
    folded, positions = fold_with_positions(text)
    spans, by_reading = [], []
    for needle in needles:
        found = _find_all(folded, needle)
        if found:
            spans += [(positions[s], positions[e - 1] + 1) for s, e in found]
        else:
            by_reading.append(needle)
    if by_reading:
        spans += _reading_spans(text, by_reading)
    return _merge(spans)


def _find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    found, start = [], 0
    while needle and (i := haystack.find(needle, start)) >= 0:
        found.append((i, i + len(needle)))
        start = i + len(needle)
    return found


def _reading_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    ws = words(text)
    reading, owner = "", []
    for k, w in enumerate(ws):
        reading += w.reading
        owner += [k] * len(w.reading)
    spans = []
    for needle in needles:
        for s, e in _find_all(reading, needle):
            spans.append((ws[owner[s]].start, ws[owner[e - 1]].end))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def tag_spans(text: str) -> list[tuple[int, int]]:
    """Where the tags 【新規】【拡充】【再掲】 stand in a text."""
    return _merge([s for tag in TAGS for s in _find_all(text, f"【{tag}】")])
