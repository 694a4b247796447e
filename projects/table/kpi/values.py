"""The cells of the 成果指標 sheet, one at a time: numbers, placeholders, periods, targets.

Numbers are written as the councils write them: ▲ for minus (``▲１２１`` = −121), full-width
digits, thousands separators, and large units inside the number (``9兆1,400億円``,
``3,737万8千人``). A period is calendar (``H30``, ``R3年1月～12月``) unless it says 年度
(``R元年度``, ``R4年度``). Each parser reads a folded copy and never changes the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

VALUE = "value"
PENDING = "pending"
NONE = "none"

PENDING_WORDS = ("集計中",)
NONE_WORDS = ("", "―", "-", "－", "—", "‐", "ー", "検討中", "なし", "未設定")
MINUS_MARKS = "▲−－-"
UNITS = {"兆": Decimal(10) ** 12, "億": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": 1000}
ERA_LETTERS = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988, "S": 1925, "昭和": 1925}
RANGE_MARKS = "～~∼〜〰"

_GROUP = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_NUMBER_RX = re.compile(
    rf"^(?P<sign>[{MINUS_MARKS}]?)(?P<body>(?:{_GROUP}[兆億万千]?)+)(?P<unit>.*)$"
)
_PART_RX = re.compile(rf"({_GROUP})([兆億万千]?)")


def fold(text: str) -> str:
    """A parsing copy: full-width forms folded, every range mark made "~", spaces dropped
    (but those between two digits, so that ``12 34`` stays two numbers)."""
    folded = unicodedata.normalize("NFKC", text)
    for mark in RANGE_MARKS:
        folded = folded.replace(mark, "~")
    return re.sub(r"(?<![0-9])\s+|\s+(?![0-9])", "", folded)


def strip_brackets(text: str) -> str:
    folded = fold(text)
    if folded[:1] == "(" and folded[-1:] == ")":
        return folded[1:-1]
    return folded


@dataclass(frozen=True)
class Quantity:
    """A number read from a cell and the unit written after it (``12件`` → 12, 件)."""

    number: Decimal
    unit: str = ""


def parse_number(text: str) -> Quantity | None:
    """The number in ``text`` or None when it holds none: ``▲１２１`` → −121,
    ``9兆1,400億円`` → 9140000000000 円, ``3,737万8千人`` → 37378000 人, ``±0`` → 0."""
    folded = fold(text)
    if folded.startswith("±"):
        folded = folded[1:]
    match = _NUMBER_RX.match(folded)
    if match is None:
        return None
    parts = _PART_RX.findall(match["body"])
    if any(not unit for _, unit in parts[:-1]):
        return None  # two numbers without a unit between them: not one number
    total = Decimal(0)
    for digits, unit in parts:
        if not _separators_ok(digits):
            return None
        try:
            total += Decimal(digits.replace(",", "")) * UNITS.get(unit, 1)
        except InvalidOperation:
            return None
    unit = match["unit"]
    if unit and re.search(r"[0-9]", unit):
        return None
    return Quantity(-total if match["sign"] else total, unit)


def _separators_ok(digits: str) -> bool:
    whole = digits.split(".")[0]
    if "," not in whole:
        return True
    groups = whole.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


@dataclass(frozen=True)
class Reading:
    """What a year's cell says: a value, pending (集計中) or none (―, -, 検討中, empty)."""

    state: str
    number: Decimal | None = None
    unit: str = ""


def read_value(text: str) -> Reading | None:
    """A year's cell; None when it is neither a number nor a placeholder (an error to report)."""
    bare = strip_brackets(text)
    if bare in PENDING_WORDS:
        return Reading(PENDING)
    if bare in NONE_WORDS or fold(text) in NONE_WORDS:
        return Reading(NONE)
    quantity = parse_number(text)
    if quantity is None:
        return None
    return Reading(VALUE, quantity.number, quantity.unit)


def format_number(number: Decimal, *, minus: str = "▲") -> str:
    """A number as the sheet writes it: thousands separators, ▲ for minus, no trailing zeros."""
    if number == number.to_integral():
        text = f"{int(abs(number)):,}"
    else:
        text = f"{abs(number).normalize():,f}"
    return (minus if number < 0 else "") + text


@dataclass(frozen=True)
class Period:
    """A year or a span of months: ``fiscal`` for 年度 (April–March), else calendar months.
    ``start``/``end`` are (year, month); a whole year is months 1–12 or, fiscal, 4–3."""

    fiscal: bool
    start: tuple[int, int]
    end: tuple[int, int]

    @property
    def year(self) -> int:
        """The fiscal-year column the period belongs to: its start's year (a calendar year Y is
        column Y, as the sheets write it; a fiscal year is itself)."""
        return self.start[0]

    def label(self) -> str:
        if self.fiscal and self.start[1] == 4 and self.end == (self.start[0] + 1, 3):
            return f"{self.start[0]}年度"
        if self.start == (self.start[0], 1) and self.end == (self.start[0], 12):
            return f"{self.start[0]}年"
        return f"{self.start[0]}-{self.start[1]:02d}/{self.end[0]}-{self.end[1]:02d}"


_ERA = r"(?P<era{n}>R|H|S|令和|平成|昭和)?(?P<y{n}>元|[0-9]{{1,4}})"
_POINT = _ERA + r"(?:年(?P<fy{n}>度)?)?(?:(?P<m{n}>[0-9]{{1,2}})月(?:[0-9]{{1,2}}日)?)?"
_PERIOD_RX = re.compile(
    "^"
    + _POINT.format(n=1)
    + r"(?:~(?:"
    + _ERA.format(n=2)
    + r"年)?(?P<m2>[0-9]{1,2})月)?(?:末|時点|現在)?$"
)


def _year(era: str | None, number: str) -> int | None:
    n = 1 if number == "元" else int(number)
    if era:
        return ERA_LETTERS[era] + n if n >= 1 else None
    return n if n >= 1900 else None


def parse_period(text: str) -> Period | None:
    """``H30`` → calendar 2018; ``R元年度`` → fiscal 2019; ``R3年1月～12月`` → 2021-01..2021-12;
    ``R4年10月∼R5年9月`` → 2022-10..2023-09; ``2022年3月末`` → 2022-03. None if unreadable."""
    match = _PERIOD_RX.match(fold(text).replace("年度末", "年度"))
    if match is None:
        return None
    year = _year(match["era1"], match["y1"])
    if year is None:
        return None
    if match["fy1"] and not match["m1"]:
        return Period(True, (year, 4), (year + 1, 3))
    if not match["m1"]:
        return Period(False, (year, 1), (year, 12))
    month = int(match["m1"])
    start = (year, month)
    if match["m2"] is None:
        return Period(False, start, start) if 1 <= month <= 12 else None
    end_year = _year(match["era2"], match["y2"]) if match["y2"] else year
    end = (end_year, int(match["m2"])) if end_year else None
    if end is None or not (1 <= month <= 12 and 1 <= end[1] <= 12) or end < start:
        return None
    return Period(False, start, end)


def parse_year_header(text: str) -> int | None:
    """A year column's header: ``R2``, ``令和2年度``, ``H30年度``, ``2020年度``, ``FY2020``."""
    folded = fold(text).upper().removeprefix("FY")
    match = re.fullmatch(r"(R|H|令和|平成)?(元|[0-9]{1,4})(?:年度?)?(?:実績)?(?:\(.*\))?", folded)
    if match is None:
        return None
    return _year(match[1], match[2])


_WITH_PERIOD_RX = re.compile(r"^(?P<value>.*?)[(（](?P<period>[^()（）]*)[)）]$", re.S)


def split_period(text: str) -> tuple[str, str]:
    """``1,520（H30）`` → (``1,520``, ``H30``); a cell without brackets → (text, "")."""
    match = _WITH_PERIOD_RX.match(text.strip())
    if match is None or not match["value"].strip():
        return text, ""
    return match["value"], match["period"]


UP_WORDS = ("上昇", "増加", "向上", "拡大", "増")
DOWN_WORDS = ("減少", "低下", "縮小", "削減", "減")
KEEP_WORDS = ("維持",)


def words_direction(text: str) -> str | None:
    """The direction a target in words asks for: ``策定時より上昇`` → "up", ``減少`` → "down",
    ``維持`` → "keep"; None when the words say none."""
    folded = fold(text)
    if any(word in folded for word in KEEP_WORDS):
        return "keep"
    if any(word in folded for word in UP_WORDS[:-1]):
        return "up"
    if any(word in folded for word in DOWN_WORDS[:-1]):
        return "down"
    return None
