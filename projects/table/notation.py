"""The secretariat's notation: status markers, legends, tags and the lines of a results cell.

Pure standard library (like everything in ``projects.table``). The source text is data and is
never rewritten here: every function either classifies it or reads a folded *copy* whose
indexes are aligned with the original (``fold``), so that what is reported (a prefix, a date's
``source``) is sliced from the text as written. Eras are in ``eras``, dates in ``dates``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

STATUSES = ("done", "in_progress", "planned", "cancelled")
CANONICAL_MARKERS = {"done": "●", "in_progress": "○", "planned": "△", "cancelled": "■"}
DEFAULT_LEGEND = {
    "done": "実施済み",
    "in_progress": "実施中",
    "planned": "実施予定",
    "cancelled": "コロナの影響による中止",
}
LOOKALIKES = {"◯": "○", "⚫": "●"}  # U+25EF -> U+25CB, U+26AB -> U+25CF
TAGS = ("新規", "拡充", "再掲")

_MARKER_STATUS = {m: s for s, m in CANONICAL_MARKERS.items()}
_MARKER_STATUS.update({alike: _MARKER_STATUS[m] for alike, m in LOOKALIKES.items()})
_MARKER_CHARS = "".join(_MARKER_STATUS)
_DETAIL_CHARS = "・･"  # U+30FB and its half-width form U+FF65
_MARKER_SPACES = " \u3000"
# Symbols that are not Unicode So/Sm but are still used as bullets or markers elsewhere.
_EXTRA_MARKERS = "〇※•‣⁃∙＊*"
# Sm characters that open ordinary text (brackets, a wave dash) rather than mark a status.
_PLAIN_SYMBOLS = "<＜≪~～∼"

_LEGEND_RX = re.compile(
    rf"(?P<sym>[{_MARKER_CHARS}])\s*(?:は|[:：=＝])?\s*"
    rf"(?P<label>[^、,，)）/／;；。\r\n{_MARKER_CHARS}]*)"
)
_TAG_RX = re.compile("【(" + "|".join(TAGS) + ")】")
_LINE_BREAK_RX = re.compile(r"\r\n|\r|\n")


def export_marker(status: str | None, marker: str) -> str:
    """The marker as written in the source while it still matches the status, else the glyph."""
    if status is None:
        return ""
    canonical = CANONICAL_MARKERS[status]
    raw = marker.strip(" \u3000")
    if LOOKALIKES.get(raw, raw) == canonical:
        return marker
    return canonical


def parse_legend(text: str) -> dict[str, str]:
    """Return ``{status: wording}`` for the markers a header's legend defines, in written order.

    The wording changes from year to year (■ was "コロナの影響による中止" in FY2020), so it is
    read from the document rather than assumed; the first definition of a status wins.
    """
    legend: dict[str, str] = {}
    for m in _LEGEND_RX.finditer(text):
        status, label = _MARKER_STATUS[m["sym"]], m["label"].strip()
        if label and status not in legend:
            legend[status] = label
    return legend


@dataclass(frozen=True)
class Line:
    """One line of a results cell; ``prefix + text`` always equals the line as written."""

    kind: str  # "activity" | "detail" | "unmarked" | "unknown_marker" | "blank"
    status: str | None
    prefix: str
    text: str
    symbol: str = ""


def _is_marker_like(ch: str) -> bool:
    """A leading character that looks like a marker but is not one of ours.

    Other legends (◎○△×, 〇 the kanji zero) exist elsewhere; guessing their meaning would
    silently corrupt statuses, so they are reported instead of read as plain text.
    """
    if ch in _PLAIN_SYMBOLS:
        return False
    return ch in _EXTRA_MARKERS or unicodedata.category(ch) in ("So", "Sm")


def classify_line(line: str, legend: dict[str, str] | None = None) -> Line:
    """Classify a line by its leading character.

    ``legend`` holds the statuses the document defines (``None`` = all four; an empty dict
    defines none). A known marker outside the legend is an ``unknown_marker``: the document
    gave it no meaning.
    """
    body = line.lstrip()
    if not body:
        return Line("blank", None, "", line)
    lead, ch = line[: len(line) - len(body)], body[0]
    status = _MARKER_STATUS.get(ch)
    if status is not None and (legend is None or status in legend):
        rest = body[1:]
        text = rest.lstrip(_MARKER_SPACES)
        return Line("activity", status, lead + ch + rest[: len(rest) - len(text)], text)
    if status is not None or _is_marker_like(ch):
        return Line("unknown_marker", None, "", line, ch)
    if ch in _DETAIL_CHARS:
        return Line("detail", None, "", line)
    return Line("unmarked", None, "", line)


def split_lines(cell: str) -> list[str]:
    """Split a cell on any of the line breaks spreadsheets produce, dropping blank lines."""
    return [ln for ln in _LINE_BREAK_RX.split(cell) if ln.strip()]


def find_tags(text: str) -> list[str]:
    """The 【新規】/【拡充】/【再掲】 tags of a line, unique, in order of first appearance."""
    return list(dict.fromkeys(_TAG_RX.findall(text)))


def strip_tags(text: str) -> str:
    """The text without its known tags, so that a 【再掲】 copy matches its original."""
    return _TAG_RX.sub("", text)


# ---------------------------------------------------------------------------- folding

_RANGE_CHARS = "〜～∼~"  # U+301C, U+FF5E, U+223C, ASCII


def _fold_char(ch: str) -> str:
    """Fold one character for parsing; the result is always one character.

    Circled and other "No" numbers (①, ²) are kept: NFKC would turn ① into a date digit.
    """
    if ch in _RANGE_CHARS:
        return "~"
    if unicodedata.category(ch) == "No":
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def fold(text: str) -> str:
    """A parsing copy of ``text`` with the same length, so indexes map back to the original:
    full-width forms folded (NFKC, one character at a time), every range mark made "~"."""
    return "".join(_fold_char(ch) for ch in text)
