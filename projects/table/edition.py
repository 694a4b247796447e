"""An edition's form read from its workbook: the ``Layout`` of the sheet the table was found on.

The reader marks each row it read (a band, a strategy's own heading row, a policy field, a
project's row, a legend row); with the cells, the sheet's merged ranges and its print set-up
(``sheet.read_setup``) that is enough to tell where everything stands and how it is written.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from .columns import Columns, cell_text
from .layout import SPANNING, HeadCell, Layout
from .model import MeasureData, Overview, ProjectData, StrategyData
from .sheet import SheetSetup


@dataclass
class Mark:
    """A row the reader read: ``kind`` is legend, band, heading, policy or data."""

    row: int
    kind: str
    strategy: StrategyData | None = None
    measure: MeasureData | None = None
    project: ProjectData | None = None
    index: int = 0  # the project's row
    policy: str = ""


def anchor(mark: Mark) -> list:
    """What a page break or an unexplained row before this mark stays attached to."""
    if mark.kind == "policy":
        return ["policy", mark.strategy.number, mark.policy]
    if mark.kind == "data":
        return ["row", mark.project.label, mark.index]
    return ["strategy", mark.strategy.number]


class EditionReader:
    def __init__(self, sheet: str, rows: list[tuple], cols: Columns, marks, setup, overview):
        self.sheet, self.rows, self.cols, self.setup, self.ov = sheet, rows, cols, setup, overview
        self.legend_rows = [m.row for m in marks if m.kind == "legend"]
        self.marks = [m for m in marks if m.kind != "legend"]
        following = None
        for mark in reversed(self.marks):  # a band row belongs to the strategy after it
            if mark.kind == "band":
                mark.strategy = following
            following = mark.strategy
        self.marks = [m for m in self.marks if m.strategy is not None]
        self.merges = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in setup.merges}
        self.columns = {
            role: getattr(cols, role) + 1
            for role in ("strategy", "measure", "number", "name", "summary", "results")
            if getattr(cols, role) is not None
        }
        for role in ("municipalities", "name_en", "summary_en"):
            if getattr(cols, role) is not None:
                self.columns[role] = getattr(cols, role) + 1

    def value(self, row: int, col: int):
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return values[col - 1] if col <= len(values) else None

    def cells(self, row: int) -> list[list]:
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return [[c, plain(v)] for c, v in enumerate(values, start=1) if v not in (None, "")]

    def read(self) -> Layout:
        header_row = self.cols.header_row + 1
        first = self.marks[0].row if self.marks else header_row + 1 + len(self.legend_rows)
        last = self.marks[-1].row if self.marks else first - 1
        layout = Layout(
            sheet=self.sheet,
            columns=self.columns,
            header_row=header_row,
            first_row=first,
            head=self.head(first, header_row),
            head_merges=[list(m) for m in self.setup.merges if m[2] < first],
            head_heights=[[r, h] for r, h in sorted(self.setup.row_heights.items()) if r < first],
            spans=self.spans(),
            band=self.span_of_row("band", "strategy"),
            policy=self.span_of_row("policy", "measure"),
            heading_rows=any(m.kind == "heading" for m in self.marks),
            policy_strategy=self.policy_strategy(),
            newline=self.newline(),
            number_as_text=self.number_as_text(),
        )
        layout.width = max(
            [*self.columns.values(), *(s[1] for s in (layout.band, layout.policy) if s)]
            + [c for c, _ in self.cells(header_row)]
        )
        widest = max([layout.width, *(c.col for c in layout.head)])
        layout.col_widths = [
            [c, w] for c, w in sorted(self.setup.col_widths.items()) if c <= widest
        ]
        self.read_breaks(layout, first)
        self.read_extras(layout, first, last)
        layout.print = self.print_setup()
        return layout

    def head(self, first: int, header_row: int) -> list[HeadCell]:
        cells, title, label = [], self.ov.title, self.ov.document_label
        for row in range(1, first):
            for col, value in self.cells(row):
                role = "note"
                if row == header_row:
                    role = "results_header" if col == self.columns["results"] else "header"
                elif row in self.legend_rows and col == self.columns["results"]:
                    role = "legend"
                elif row < header_row and title and cell_text(value).strip() == title:
                    role, title = "title", ""
                elif row < header_row and label and cell_text(value).strip() == label:
                    role, label = "label", ""
                cells.append(HeadCell(row, col, value, role))
        return cells

    def groups(self, role: str) -> list[list[int]]:
        """The rows each strategy, measure or project spans, for telling how ``role`` is written."""
        keyed: dict[int, list[int]] = {}
        for mark in self.marks:
            if mark.kind == "band" or (role != "strategy" and mark.kind != "data"):
                continue
            owner = {"strategy": mark.strategy, "measure": mark.measure}.get(role, mark.project)
            keyed.setdefault(id(owner), []).append(mark.row)
        if role != "municipalities":
            return list(keyed.values())
        runs, previous = [], (None, None)
        for mark in (m for m in self.marks if m.kind == "data"):
            text = mark.project.rows[mark.index].municipalities_text
            if runs and previous[0] is mark.project and previous[1] == text:
                runs[-1].append(mark.row)
            else:
                runs.append([mark.row])
            previous = (mark.project, text)
        return runs

    def spans(self) -> dict[str, str]:
        seen = {}
        for role in SPANNING:
            col = self.columns.get(role)
            if col is not None and (mode := self.observe(col, self.groups(role))):
                seen[role] = mode
        fallback = Counter(seen.values()).most_common(1)[0][0] if seen else "merged"
        # An English column seen nowhere spanning rows is written on each project's first row.
        spans = {
            role: seen.get(role, "first" if role.endswith("_en") else fallback)
            for role in SPANNING
            if not role.endswith("_en") or role in self.columns
        }
        if self.strategy_only_in_bands():
            spans["strategy"] = "none"
        return spans

    def strategy_only_in_bands(self) -> bool:
        """Whether the strategy stands in its band rows only (numbered bands, the strategy's
        own cells empty on every row below them)."""
        col = self.columns["strategy"]
        data = [m for m in self.marks if m.kind in ("data", "policy")]
        return (
            any(m.kind == "band" for m in self.marks)
            and bool(data)
            and all(self.value(m.row, col) in (None, "") for m in data)
        )

    def observe(self, col: int, groups: list[list[int]]) -> str | None:
        for rows in groups:
            if len(rows) < 2 or self.value(rows[0], col) in (None, ""):
                continue
            end = self.merges.get((rows[0], col))
            if end and end[0] >= rows[1]:
                return "merged"
            return "repeated" if self.value(rows[1], col) not in (None, "") else "first"
        return None

    def span_of_row(self, kind: str, role: str) -> list[int] | None:
        mark = next((m for m in self.marks if m.kind == kind), None)
        if mark is None:
            return None
        cells = self.cells(mark.row)
        col = self.columns.get(role) or (cells[0][0] if cells else 1)
        if kind == "band" and cells:
            col = cells[0][0]
        end = self.merges.get((mark.row, col))
        return [col, end[1] if end else col]

    def policy_strategy(self) -> bool:
        """Whether a policy-field row that does not start its strategy repeats the strategy."""
        col, seen = self.columns["strategy"], set()
        for mark in self.marks:
            starts = id(mark.strategy) not in seen and mark.kind != "band"
            if mark.kind != "band":
                seen.add(id(mark.strategy))
            if mark.kind == "policy" and not starts:
                return self.value(mark.row, col) not in (None, "")
        return False

    def newline(self) -> str:
        col = self.columns["results"]
        for mark in (m for m in self.marks if m.kind == "data"):
            text = cell_text(self.value(mark.row, col))
            if "\r\n" in text:
                return "\r\n"
            if "\r" in text:
                return "\r"
            if "\n" in text:
                return "\n"
        return "\n"

    def number_as_text(self) -> bool:
        col = self.columns.get("number")
        for mark in (m for m in self.marks if m.kind == "data") if col else ():
            value = self.value(mark.row, col)
            if value not in (None, ""):
                return isinstance(value, str)
        return False

    def read_breaks(self, layout: Layout, first: int) -> None:
        """Each manual break as the mark it comes before and how many of the unread rows just
        before that mark stand above it; breaks before every strategy but the first (each at
        the same place) become the rule, so that a strategy added later gets one too."""
        found, rows = [], [m.row for m in self.marks]
        for after in sorted(set(self.setup.row_breaks)):
            index = bisect.bisect_right(rows, after)
            if after + 1 < first or index == len(rows):
                continue
            above = rows[index - 1] if index else first - 1
            found.append((self.marks[index], max(after - above, 0)))
        starts = {}
        for mark in self.marks:
            starts.setdefault(mark.strategy.number, mark)
        later = list(starts.values())[1:]
        later_ids = {id(mark) for mark in later}
        before_strategy = {id(mark): skip for mark, skip in found if id(mark) in later_ids}
        skips = {before_strategy.get(id(mark)) for mark in later}
        if later and None not in skips and len(skips) == 1:
            layout.breaks_each_strategy, layout.break_skip = True, skips.pop()
            found = [(mark, skip) for mark, skip in found if id(mark) not in before_strategy]
        layout.breaks = [{"before": anchor(mark), "skip": skip} for mark, skip in found]

    def read_extras(self, layout: Layout, first: int, last: int) -> None:
        """Rows inside the table the reader did not read (blank rows, notes), attached to what
        follows them; and what stands below the table, by its distance from the table's end."""
        read = {m.row for m in self.marks}
        following = iter(self.marks)
        mark = next(following, None)
        for row in range(first, last + 1):
            while mark is not None and mark.row < row:
                mark = next(following, None)
            if row not in read and mark is not None:
                layout.extras.append({"before": anchor(mark), "cells": self.cells(row)})
        for row in range(last + 1, len(self.rows) + 1):
            if cells := self.cells(row):
                layout.tail.append({"offset": row - last, "cells": cells})
        layout.tail_merges = [
            [r1 - last, c1, r2 - last, c2] for r1, c1, r2, c2 in self.setup.merges if r1 > last
        ]

    def print_setup(self) -> dict:
        s: SheetSetup = self.setup
        return {
            "page_setup": dict(s.page_setup),
            "fit_to_page": s.fit_to_page,
            "margins": dict(s.margins),
            "options": dict(s.print_options),
            "header_footer": dict(s.header_footer),
            "title_rows": s.print_title_rows,
            "title_cols": s.print_title_cols,
            "print_area": s.print_area,
            "freeze": s.freeze,
        }


def plain(value):
    """A cell value as JSON keeps it: text and numbers as they are, anything else as text."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    return cell_text(value)


def read_layout(sheet, rows, cols, marks, setup: SheetSetup, overview: Overview) -> Layout:
    return EditionReader(sheet, rows, cols, marks, setup, overview).read()
