"""The area's member municipalities as the 関係市町 column names them."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPLIT_RE = re.compile(r"[、,，・/／\s\u3000]+")
ALL_MUNICIPALITIES_WORDS = ("全市町",)


@dataclass(frozen=True)
class Members:
    """The members' names in the area's order, and the words that mean all of them."""

    names: tuple[str, ...] = ()
    all_words: tuple[str, ...] = ALL_MUNICIPALITIES_WORDS

    def read(self, text: str) -> tuple[list[str], list[str]]:
        """(the member names a cell means, in the area's order; the names that are no member's).
        「山口市、宇部市」, 「全市町」 (every member), 「宇部市・美祢市」."""
        found, unknown = set(), []
        for name in (n for n in SPLIT_RE.split(text) if n):
            if name in self.all_words:
                found.update(self.names)
            elif name in self.names:
                found.add(name)
            else:
                unknown.append(name)
        return [m for m in self.names if m in found], unknown

    def ordered(self, names) -> list[str]:
        wanted = set(names)
        return [m for m in self.names if m in wanted]
