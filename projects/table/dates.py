"""Dates as the 資料 writes them, read in the document's fiscal year (pure standard library).

Notations: (5/22); 10月23日; 令和3年11月29日; (3月頃) a month; 上旬/中旬/下旬; ranges with any of
〜 ～ ~ ∼ ((4/26～5/6), (8月～1月) across the new year, (7/3~3/26予定)); open ranges (11月以降);
lists of days sharing a month ((11/13・14), (11/26、27)); full-width digits. A date without a
year belongs to the fiscal year: months 4–12 to its first year, 1–3 to the next. Consecutive
days joined by ・ are one event over those days (11/12・13 is 12 to 13 November); days that
are not consecutive (12/5・12), or listed with 、, are events of their own.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, replace

from .eras import ERA_NAMES, era_to_year
from .notation import fold


def last_day_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


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
        return last_day_of_month(self.year, self.month).day

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


_SP = r"[ \t]*"  # never cross a line: dates on different lines are unrelated
_N = "[0-9]{1,2}"
_PERIOD = "上旬|中旬|下旬"


def _ymd(p: str) -> str:
    """`年 M 月 [D 日 | 上旬…]` after a year, with groups named by the alternative's prefix."""
    return f"{_SP}年{_SP}(?P<{p}m>{_N}){_SP}月(?:{_SP}(?P<{p}d>{_N}){_SP}日|(?P<{p}p>{_PERIOD}))?"


# Alternatives are tried in this order at each position: the longest notations first.
_ATOM_RX = re.compile(
    f"(?P<ee>{ERA_NAMES}){_SP}(?P<ey>元|[1-9][0-9]?){_ymd('e')}"
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
    rf"{_SP}(?P<sep>[・、,]){_SP}(?P<d>[0-9]{{1,2}})"
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
    joined: tuple[bool, ...] = ()  # for a list: whether each later day follows a 「・」


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


def _list_days(norm: str, pos: int, first: _Atom) -> tuple[list[_Atom], int, tuple[bool, ...]]:
    """Bare days sharing the first date's month: "11/13・14", "11/26、27"; and for each day
    after the first, whether it was joined by 「・」 (folded: ・ and ･ alike)."""
    atoms, joined = [first], []
    while first.day is not None and (m := _LIST_DAY_RX.match(norm, pos)):
        previous, day = atoms[-1], int(m["d"])
        if day < previous.day:  # "11/30・1": the day after the month's end
            month = previous.month % 12 + 1
            year = previous.year + 1 if previous.year and month == 1 else previous.year
            atoms.append(_Atom(year, month, day))
        else:
            atoms.append(replace(previous, day=day))
        joined.append(m["sep"] == "・")
        pos = m.end()
    return atoms, pos, tuple(joined)


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
    if is_open:
        return _Group([first], None, True, approx, pos)
    atoms, pos, joined = _list_days(norm, pos, first)
    return _Group(atoms, None, False, approx, pos, joined)


def _span(atom: _Atom, year: int) -> tuple[PartialDate, PartialDate | None]:
    """Start and (for 上旬/中旬/下旬) end of an atom in a given year."""
    if atom.period is None:
        return PartialDate(year, atom.month, atom.day), None
    first, last = _PERIODS[atom.period]
    end = PartialDate(year, atom.month, last or last_day_of_month(year, atom.month).day)
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
        return _join_consecutive(spans, group.joined)
    start, last = spans[0][0], group.last
    year = last.year or (start.year if last.month >= start.month else start.year + 1)
    end_start, end_end = _span(last, year)
    return [(start, end_end or end_start)]


def _join_consecutive(spans, joined: tuple[bool, ...]):
    """Days joined by 「・」 that follow each other are one event from the first to the last."""
    merged = spans[:1]
    for (start, end), dot in zip(spans[1:], joined, strict=True):
        previous_start, previous_end = merged[-1]
        last = previous_end or previous_start
        if (
            dot
            and end is None
            and start.day is not None
            and last.day is not None
            and start.first_day() - last.first_day() == datetime.timedelta(days=1)
        ):
            merged[-1] = (previous_start, start)
        else:
            merged.append((start, end))
    return merged


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
    norm, events, pos = fold(text), [], 0
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
