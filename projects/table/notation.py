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

# Between the definitions of a legend, and around it; never inside a wording (・ is not here).
_LEGEND_SPLIT_RX = re.compile(r"[、,，/／;；。\r\n()（）\[\]［］【】「」『』〔〕<>＜＞]+")
_LEGEND_CONNECTORS = "は:：=＝"
_LEGEND_SPACES = " \u3000\t"
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


@dataclass(frozen=True)
class LegendEntry:
    """One definition of a legend: the symbol as written, its status and its wording."""

    symbol: str
    status: str
    wording: str


def legend_entries(text: str) -> list[LegendEntry]:
    """Every definition of the legend in ``text``, in written order, in any of the forms seen:
    「(●は実施済み、○は実施中…)」, 「（実施済みは●、実施中は○…）」, 「●実施済み ○実施中 …」,
    「(●：完了、○＝継続)」. Text without a marker (「事業の実績見込み」) is not part of it."""
    entries = []
    for piece in _LEGEND_SPLIT_RX.split(text):
        piece = piece.strip(_LEGEND_SPACES)
        marks = [i for i, ch in enumerate(piece) if ch in _MARKER_STATUS]
        if not marks:
            continue
        if piece[0] not in _MARKER_STATUS and piece[-1] in _MARKER_STATUS:
            # 「実施済みは●」: each wording comes before its marker
            starts = [0, *(i + 1 for i in marks[:-1])]
            for start, at in zip(starts, marks, strict=True):
                wording = _trim_connector(piece[start:at].strip(_LEGEND_SPACES), end=True)
                entries.append(_entry(piece[at], wording))
            continue
        for at, end in zip(marks, [*marks[1:], len(piece)], strict=True):
            wording = _trim_connector(piece[at + 1 : end].strip(_LEGEND_SPACES), end=False)
            entries.append(_entry(piece[at], wording))
    return [e for e in entries if e.wording]


def _trim_connector(text: str, *, end: bool) -> str:
    if text and (text[-1] if end else text[0]) in _LEGEND_CONNECTORS:
        text = text[:-1] if end else text[1:]
    return text.strip(_LEGEND_SPACES)


def _entry(symbol: str, wording: str) -> LegendEntry:
    return LegendEntry(symbol, _MARKER_STATUS[symbol], wording)


def parse_legend(text: str) -> dict[str, str]:
    """Return ``{status: wording}`` for the markers a header's legend defines, in written order.

    The wording changes from year to year (■ was "コロナの影響による中止" in FY2020), so it is
    read from the document rather than assumed; the first definition of a status wins
    (``legend_problems`` reports the others).
    """
    legend: dict[str, str] = {}
    for entry in legend_entries(text):
        legend.setdefault(entry.status, entry.wording)
    return legend


def legend_problems(text: str) -> list[str]:
    """What is wrong with a legend that defines anything: a status defined twice (● and ⚫ are
    one status) and each status it leaves undefined, as messages."""
    entries = legend_entries(text)
    if not entries:
        return []
    problems, first = [], {}
    for entry in entries:
        if entry.status in first:
            problems.append(
                f"凡例で「{CANONICAL_MARKERS[entry.status]}」が 2 回定義されています"
                f" (「{first[entry.status].symbol}{first[entry.status].wording}」と"
                f"「{entry.symbol}{entry.wording}」)。"
            )
        else:
            first[entry.status] = entry
    missing = [CANONICAL_MARKERS[s] for s in STATUSES if s not in first]
    if missing:
        problems.append(
            f"凡例に「{'」「'.join(missing)}」の定義がありません"
            " (● ○ △ ■ のそれぞれの意味を書いてください)。"
        )
    return problems


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
