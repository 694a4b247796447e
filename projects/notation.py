"""The secretariat's notation: status markers, legends, tags, fiscal years and dates.

Pure standard-library code so that the importer, the exporter and the tests can share it
without Django. The source text is data and is never rewritten here: every function either
classifies it or reads a normalised *copy* whose indexes are aligned with the original, so
that what is reported (a prefix, a date's ``source``) is sliced from the text as written.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, replace

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


# ---------------------------------------------------------------------------- eras, years

_ERA_BASE = {"令和": 2018, "平成": 1988, "昭和": 1925}


def era_to_year(era: str, n: str | int) -> int:
    """Western year of year ``n`` of a Japanese era; ``n`` may be "元" (the first year)."""
    if era not in _ERA_BASE:
        raise ValueError(f"unknown era: {era!r}")
    if isinstance(n, str):
        n = n.strip()
        n = 1 if n == "元" else int(unicodedata.normalize("NFKC", n))
    if n < 1:
        raise ValueError(f"invalid era year: {n!r}")
    return _ERA_BASE[era] + n


_FY_RX = re.compile(
    r"(?:(?P<era>令和|平成|昭和)[ \t]*(?P<n>元|[0-9]{1,2})|(?<![0-9])(?P<y>[0-9]{4}))[ \t]*年度"
)


def parse_fiscal_year(title: str) -> int | None:
    """The fiscal year of the first 年度 expression in a title (平成31年度 = 令和元年度 = 2019)."""
    m = _FY_RX.search(_normalise(title))
    if m is None or (m["era"] and m["n"] != "元" and int(m["n"]) < 1):
        return None  # 令和0年度 names no year
    return era_to_year(m["era"], m["n"]) if m["era"] else int(m["y"])


def fiscal_year_label(year: int) -> str:
    """The era label of a fiscal year; FY2019 began under 平成 but is called 令和元年度."""
    for era, base in (("令和", 2018), ("平成", 1988), ("昭和", 1925)):
        if year > base:
            n = year - base
            return f"{era}{'元' if n == 1 else n}年度"
    return f"{year}年度"


# ---------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class PartialDate:
    """A date known to the month or to the day; ``day is None`` means month precision."""

    year: int
    month: int
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"invalid month: {self.month}")
        if self.day is not None and not 1 <= self.day <= self._days_in_month():
            raise ValueError(f"invalid day: {self.year}-{self.month}-{self.day}")

    def _days_in_month(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def iso(self) -> str:
        month = f"{self.year:04d}-{self.month:02d}"
        return month if self.day is None else f"{month}-{self.day:02d}"

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.day or 1)

    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.day or self._days_in_month())


@dataclass(frozen=True)
class Event:
    """A dated mention in an activity line; ``end`` is None for a single date or an open range."""

    start: PartialDate
    end: PartialDate | None
    approximate: bool
    planned: bool
    source: str

    def as_dict(self) -> dict:
        return {
            "start": self.start.iso(),
            "end": self.end.iso() if self.end else None,
            "approximate": self.approximate,
            "planned": self.planned,
            "source": self.source,
        }


_RANGE_CHARS = "〜～∼~"  # U+301C, U+FF5E, U+223C, ASCII


def _normalise_char(ch: str) -> str:
    """Fold one character for parsing; the result is always one character.

    Circled and other "No" numbers (①, ²) are kept: NFKC would turn ① into a date digit.
    """
    if ch in _RANGE_CHARS:
        return "~"
    if unicodedata.category(ch) == "No":
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _normalise(text: str) -> str:
    """A parsing copy of ``text`` with the same length, so indexes map back to the original."""
    return "".join(_normalise_char(ch) for ch in text)


_SP = r"[ \t]*"  # never cross a line: dates on different lines are unrelated
_N = "[0-9]{1,2}"
_PERIOD = "上旬|中旬|下旬"


def _ymd(p: str) -> str:
    """`年 M 月 [D 日 | 上旬…]` after a year, with groups named by the alternative's prefix."""
    return f"{_SP}年{_SP}(?P<{p}m>{_N}){_SP}月(?:{_SP}(?P<{p}d>{_N}){_SP}日|(?P<{p}p>{_PERIOD}))?"


# Alternatives are tried in this order at each position: the longest notations first.
_ATOM_RX = re.compile(
    f"(?P<ee>令和|平成|昭和){_SP}(?P<ey>元|[1-9][0-9]?){_ymd('e')}"
    f"|(?<![0-9])(?P<wy>[0-9]{{4}}){_ymd('w')}"
    f"|(?<![0-9/])(?P<sy>[0-9]{{4}})/(?P<sm>{_N})/(?P<sd>{_N})(?![0-9/])"
    f"|(?<![0-9/])(?P<km>{_N}){_SP}月{_SP}(?P<kd>{_N}){_SP}日"
    f"|(?<![0-9/])(?P<pm>{_N})/(?P<pd>{_N})(?![0-9/])"
    f"|(?<![0-9第])(?P<mm>{_N}){_SP}月(?!{_SP}曜)(?P<mp>{_PERIOD})?"
)
_ATOM_PREFIXES = "ewskpm"
_PERIODS = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, None)}
_APPROX_RX = re.compile(rf"{_SP}(?:頃|ごろ|ころ)")
_RANGE_RX = re.compile(rf"{_SP}~{_SP}")
_SINCE_RX = re.compile(rf"{_SP}以降")
_RANGE_DAY_RX = re.compile(rf"(?P<d>[0-9]{{1,2}})(?:{_SP}日)?(?![0-9/月時:.])")
_LIST_DAY_RX = re.compile(
    rf"{_SP}[・、,]{_SP}(?P<d>[0-9]{{1,2}})"
    rf"(?:{_SP}日|(?=予定|頃|ごろ|以降|[ \t\n)\]、,・~。(]|$))"
)
_PLANNED_STOP_RX = re.compile(r"[、,)。\r\n]")


@dataclass(frozen=True)
class _Atom:
    """One date as written: ``year`` only when explicit, ``period`` for 上旬/中旬/下旬."""

    year: int | None
    month: int
    day: int | None = None
    period: str | None = None


@dataclass(frozen=True)
class _Group:
    """Dates written as one expression: a list of days, a range, or an open range."""

    atoms: list[_Atom]
    last: _Atom | None  # the end of a closed range
    is_open: bool
    approximate: bool
    end: int  # index just past the expression


def _atom(m: re.Match) -> _Atom:
    g = m.groupdict()
    p = next(p for p in _ATOM_PREFIXES if g.get(p + "m"))
    year, day = g.get(p + "y"), g.get(p + "d")
    if p == "e":
        year = era_to_year(g["ee"], year)
    return _Atom(
        int(year) if year else None, int(g[p + "m"]), int(day) if day else None, g.get(p + "p")
    )


def _skip(rx: re.Pattern, norm: str, pos: int) -> tuple[int, bool]:
    m = rx.match(norm, pos)
    return (m.end(), True) if m else (pos, False)


def _range_end(norm: str, pos: int, first: _Atom) -> tuple[_Atom | None, int]:
    """The date after a range mark; "11/13~14" gives a bare day in the start's month."""
    if m := _ATOM_RX.match(norm, pos):
        return _atom(m), m.end()
    if first.day is not None and (m := _RANGE_DAY_RX.match(norm, pos)):
        day = int(m["d"])
        month = first.month % 12 + 1 if day < first.day else first.month
        return _Atom(None, month, day), m.end()
    return None, pos


def _list_days(norm: str, pos: int, first: _Atom) -> tuple[list[_Atom], int]:
    """Bare days sharing the first date's month: "11/13・14", "11/26、27"."""
    atoms = [first]
    while first.day is not None and (m := _LIST_DAY_RX.match(norm, pos)):
        atoms.append(replace(first, day=int(m["d"])))
        pos = m.end()
    return atoms, pos


def _read_group(norm: str, m: re.Match) -> _Group:
    first = _atom(m)
    pos, approx = _skip(_APPROX_RX, norm, m.end())
    if r := _RANGE_RX.match(norm, pos):
        last, pos = _range_end(norm, r.end(), first)
        if last is None:
            return _Group([first], None, True, approx, r.end())
        pos, approx_end = _skip(_APPROX_RX, norm, pos)
        return _Group([first], last, False, approx or approx_end, pos)
    pos, is_open = _skip(_SINCE_RX, norm, pos)
    atoms, pos = ([first], pos) if is_open else _list_days(norm, pos, first)
    return _Group(atoms, None, is_open, approx, pos)


def _span(atom: _Atom, year: int) -> tuple[PartialDate, PartialDate | None]:
    """Start and (for 上旬/中旬/下旬) end of an atom in a given year."""
    if atom.period is None:
        return PartialDate(year, atom.month, atom.day), None
    first, last = _PERIODS[atom.period]
    end = PartialDate(year, atom.month, last or calendar.monthrange(year, atom.month)[1])
    return PartialDate(year, atom.month, first), end


def _fy_year(month: int, fiscal_year: int) -> int:
    """April–December belong to the fiscal year's own year, January–March to the next."""
    return fiscal_year if month >= 4 else fiscal_year + 1


def _group_spans(group: _Group, fy: int) -> list[tuple[PartialDate, PartialDate | None]]:
    """Resolve years; a range's end follows its start, so "3月~4月" does not run backwards."""
    spans = [_span(a, a.year or _fy_year(a.month, fy)) for a in group.atoms]
    if group.is_open:
        return [(spans[0][0], None)]
    if group.last is None:
        return spans
    start, last = spans[0][0], group.last
    year = last.year or (start.year if last.month >= start.month else start.year + 1)
    end_start, end_end = _span(last, year)
    return [(start, end_end or end_start)]


def _is_planned(norm: str, pos: int) -> bool:
    """Whether "予定" follows before the next date or the end of the clause."""
    nxt = _ATOM_RX.search(norm, pos)
    limit = nxt.start() if nxt else len(norm)
    stop = _PLANNED_STOP_RX.search(norm, pos, limit)
    return "予定" in norm[pos : stop.start() if stop else limit]


def parse_events(text: str, fiscal_year: int) -> list[Event]:
    """The dated mentions of ``text`` in order, for a document of fiscal year ``fiscal_year``.

    Dates without a year follow the fiscal-year rule; an explicit era or western year wins.
    Invalid dates (13/1, 2/30) are skipped rather than guessed.
    """
    norm, events, pos = _normalise(text), [], 0
    while m := _ATOM_RX.search(norm, pos):
        group = _read_group(norm, m)
        pos = group.end
        try:
            spans = _group_spans(group, fiscal_year)
        except ValueError:
            continue
        approx = group.approximate or any(
            a.period for a in [*group.atoms, group.last] if a is not None
        )
        planned, source = _is_planned(norm, pos), text[m.start() : pos].rstrip()
        events += [Event(s, e, approx, planned, source) for s, e in spans]
    return events
