"""Japanese eras and fiscal years: the one table of eras, and everything read or written with it.

A fiscal year N (年度) runs from 1 April N to 31 March N+1 and is named after the era its
year number belongs to: 令和 n = 2018 + n, 平成 n = 1988 + n. A fiscal year is named by its
western start year, so FY2019, which began under 平成, is 令和元年度 (= 平成31年度).
A day is named by the era in force on that day (令和 from 2019-05-01).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from .notation import fold


@dataclass(frozen=True)
class Era:
    name: str
    first_day: datetime.date
    base: int  # western year = base + the era's year number

    def year_number(self, year: int) -> str:
        n = year - self.base
        return "元" if n == 1 else str(n)


# Newest first: the first era a date or a year falls in is the one to name it by.
ERAS = (
    Era("令和", datetime.date(2019, 5, 1), 2018),
    Era("平成", datetime.date(1989, 1, 8), 1988),
    Era("昭和", datetime.date(1926, 12, 25), 1925),
)
_BY_NAME = {era.name: era for era in ERAS}
ERA_NAMES = "|".join(era.name for era in ERAS)  # a regular-expression alternation


def era_to_year(era: str, n: str | int) -> int:
    """Western year of year ``n`` of a Japanese era; ``n`` may be "元" (the first year)."""
    if era not in _BY_NAME:
        raise ValueError(f"unknown era: {era!r}")
    if isinstance(n, str):
        n = n.strip()
        n = 1 if n == "元" else int(unicodedata.normalize("NFKC", n))
    if n < 1:
        raise ValueError(f"invalid era year: {n!r}")
    return _BY_NAME[era].base + n


def fiscal_year_label(year: int) -> str:
    """The era label of a fiscal year; FY2019 began under 平成 but is called 令和元年度."""
    for era in ERAS:
        if year > era.base:
            return f"{era.name}{era.year_number(year)}年度"
    return f"{year}年度"


def wareki(day: datetime.date) -> str:
    """A date in the era calendar, as the meetings write it: 「令和4年1月31日」."""
    for era in ERAS:
        if day >= era.first_day:
            return f"{era.name}{era.year_number(day.year)}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def wareki_long(day: datetime.date) -> str:
    """The era date with the Western one, where there is room: 「令和8年12月18日 (2026-12-18)」."""
    return f"{wareki(day)} ({day.isoformat()})"


_FY_RX = re.compile(
    rf"(?:(?P<era>{ERA_NAMES})[ \t]*(?P<n>元|[0-9]{{1,2}})|(?<![0-9])(?P<y>[0-9]{{4}}))[ \t]*年度"
)


def parse_fiscal_year(title: str) -> int | None:
    """The fiscal year of the first 年度 expression in a title (平成31年度 = 令和元年度 = 2019)."""
    m = _FY_RX.search(fold(title))
    if m is None or (m["era"] and m["n"] != "元" and int(m["n"]) < 1):
        return None  # 令和0年度 names no year
    return era_to_year(m["era"], m["n"]) if m["era"] else int(m["y"])


def next_title(title: str, year: int) -> str:
    """The title with its 年度 expression moved on a year; 「令和2年度…」 → 「令和3年度…」.
    A title that names no year gets the new year's label in front."""
    label = fiscal_year_label(year + 1)
    match = _FY_RX.search(fold(title))
    if match is None:
        return label + title
    return title[: match.start()] + label + title[match.end() :]


_STATED_RX = re.compile(
    rf"(?:(?P<era>{ERA_NAMES})[ \t]*(?P<n>元|[0-9]{{1,2}})|(?<![0-9])(?P<y>[0-9]{{4}}))[ \t]*年"
    r"[ \t]*(?P<m>[0-9]{1,2})[ \t]*月[ \t]*(?P<d>[0-9]{1,2})[ \t]*日[ \t]*(?:現在|時点)"
)


def stated_date(texts) -> datetime.date | None:
    """The date a document says its data stands at: the first 「令和4年1月31日現在」 (or
    「2022年1月31日時点」) in ``texts`` (the title and the notes above the table)."""
    for text in texts:
        m = _STATED_RX.search(fold(text or ""))
        if m is None:
            continue
        try:
            year = era_to_year(m["era"], m["n"]) if m["era"] else int(m["y"])
            return datetime.date(year, int(m["m"]), int(m["d"]))
        except ValueError:
            continue
    return None
