"""The area's member municipalities as the 関係市町 column names them."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .eras import fiscal_year_label

SPLIT_RE = re.compile(r"[、,，・/／\s\u3000]+")
ALL_MUNICIPALITIES_WORDS = ("全市町",)


class Reading(NamedTuple):
    names: list[str]  # the members the cell means, in the area's order
    unknown: list[str]  # names that are no member's
    retired: list[str]  # retired members named in a year they are not part of

    def problems(self, year: int | None) -> list[tuple[str, str]]:
        """(code, message) for each name the cell may not use in the table of ``year``."""
        label = fiscal_year_label(year) if year else "この年度"
        return [
            ("unknown_municipality", f"関係市町「{name}」は圏域の市町ではありません。")
            for name in self.unknown
        ] + [
            (
                "retired_municipality",
                f"関係市町「{name}」は新しい年度に含めない市町です ({label}のデータにはありません)。",
            )
            for name in self.retired
        ]


@dataclass(frozen=True)
class Members:
    """The members' names in the area's order, the words that mean all of them, and for each
    retired member the fiscal years it is still part of (those whose data names it)."""

    names: tuple[str, ...] = ()
    all_words: tuple[str, ...] = ALL_MUNICIPALITIES_WORDS
    retired: Mapping[str, Collection[int]] = field(default_factory=dict, hash=False)

    def of_year(self, year: int | None) -> list[str]:
        """The members of a fiscal year: what the all-words mean in its table."""
        return [n for n in self.names if n not in self.retired or year in self.retired[n]]

    def read(self, text: str, year: int | None = None) -> Reading:
        """What a cell means in the table of ``year``: 「甲市、乙町」, 「全市町」 (every member of
        that year), 「乙町・丙村」."""
        members = self.of_year(year)
        found, unknown, retired = set(), [], []
        for name in (n for n in SPLIT_RE.split(text) if n):
            if name in self.all_words:
                found.update(members)
            elif name in members:
                found.add(name)
            elif name in self.names:
                retired.append(name)
            else:
                unknown.append(name)
        return Reading(self.ordered(found), unknown, retired)

    def ordered(self, names) -> list[str]:
        wanted = set(names)
        return [m for m in self.names if m in wanted]


def without_names(text: str, names: Collection[str]) -> str:
    """A 関係市町 cell with ``names`` taken out, its other names and separators as written
    (「甲市、乙町」 without 甲市 is 「乙町」)."""
    parts = re.split(f"({SPLIT_RE.pattern})", text)
    kept: list[str] = []
    for index in range(0, len(parts), 2):
        if parts[index] in names:
            continue
        if kept:
            kept.append(parts[index - 1])
        kept.append(parts[index])
    return "".join(kept).strip()
