"""The form of one edition of the 資料: where everything stands on its sheet, kept as data.

Editions differ in the sheet name, the rows above the table (title, document label, notes, the
header and a legend row, with their merges and heights), the order and wording of the columns
(関係市町 anywhere), whether strategy, measure, number, name and 関係市町 cells are merged over
their rows, repeated on each or written once, the band and policy-field rows, column widths and
the print set-up (paper, orientation, fit, margins, print titles, manual page breaks, header and
footer). ``edition.read_layout`` builds a ``Layout`` from a workbook, ``grid.build_grid`` lays a
table out in it; the portal keeps it as JSON on the fiscal year (``to_json`` / ``from_json``).

Page breaks and rows the table does not explain (a blank row, a note) are *anchored* to what
follows them — a strategy, a policy field or a project's row — so that they stay in place when
projects are added or removed: ``["strategy", 2]``, ``["policy", 3, "(2) …"]``,
``["row", "7 広域観光連携", 0]``. A break also says how many of the unexplained rows before its
anchor stand above it (``skip``).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields

FORMAT_VERSION = 1
ROLES = (
    "strategy",
    "measure",
    "number",
    "name",
    "summary",
    "results",
    "municipalities",
    "name_en",  # the optional English columns (事業名 (英語), 概要 (英語))
    "summary_en",
)
SPANNING = ("strategy", "measure", "number", "name", "municipalities", "name_en")
# over its rows: one merged cell, every row, the first only, or not at all (the strategy in
# its numbered band rows only)
MODES = ("merged", "repeated", "first", "none")
COLUMN_WIDTHS = {1: 13.0, 2: 18.0, 3: 4.5, 4: 20.0, 5: 32.0, 6: 100.0, 7: 16.0}
MUNICIPALITY_HEADER = "関係市町"
DEFAULT_PRINT = {
    "page_setup": {
        "paperSize": "8",
        "orientation": "landscape",
        "fitToWidth": "1",
        "fitToHeight": "0",
    },
    "fit_to_page": True,
    "margins": {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3},
    "options": {"horizontalCentered": "1"},
    "header_footer": {"oddFooter": "&C&P / &N"},
    "title_rows": "2:2",
    "title_cols": "",
    "print_area": True,
    "freeze": "A3",
}


@dataclass
class HeadCell:
    """A cell above the table. ``role``: title, label (資料1-2), results_header, legend (a legend
    row of its own), header (another label of the header row) or note; the first three are
    written from the table (a later title, an edited header), the others as they stood."""

    row: int
    col: int
    value: object
    role: str = "note"


@dataclass
class Layout:
    sheet: str = ""
    columns: dict[str, int] = field(default_factory=dict)  # role -> column (1-based)
    width: int = 6  # columns the band rows and the print area span
    header_row: int = 2
    first_row: int = 3  # the table's first row (a band row or the first project's)
    head: list[HeadCell] = field(default_factory=list)
    head_merges: list[list[int]] = field(default_factory=list)  # [first row, col, last row, col]
    head_heights: list[list] = field(default_factory=list)  # [row, points]
    col_widths: list[list] = field(default_factory=list)  # [column, width]
    spans: dict[str, str] = field(default_factory=dict)  # role in SPANNING -> one of MODES
    band: list[int] | None = None  # [first col, last col] of the band rows; None: no band rows
    policy: list[int] | None = None  # [first col, last col] of the policy-field rows
    heading_rows: bool = False  # each strategy's heading on a row of its own
    policy_strategy: bool = False  # the strategy written again on each policy-field row
    newline: str = "\n"  # between the lines of a results cell
    number_as_text: bool = False
    breaks_each_strategy: bool = False  # a new page before every strategy but the first
    break_skip: int = 0  # … after this many of the rows the reader did not read before it
    breaks: list[dict] = field(default_factory=list)  # other manual breaks {"before", "skip"}
    extras: list[dict] = field(default_factory=list)  # {"before": anchor, "cells": [[col, value]]}
    tail: list[dict] = field(default_factory=list)  # {"offset": n, "cells": [[col, value]]}
    tail_merges: list[list[int]] = field(default_factory=list)  # rows counted from the table's end
    print: dict = field(default_factory=lambda: {k: _copy(v) for k, v in DEFAULT_PRINT.items()})

    def column(self, role: str) -> int | None:
        return self.columns.get(role)

    def mode(self, role: str) -> str:
        """How ``role``'s cells span a project's rows; an English column as its Japanese one."""
        return self.spans.get(role) or self.spans.get(role.removesuffix("_en"), "merged")

    def cell(self, role: str) -> HeadCell | None:
        return next((c for c in self.head if c.role == role), None)

    def with_municipality_column(self) -> Layout:
        """This form with a 関係市町 column added after the last one (a year that gained the
        column in the portal)."""
        if "municipalities" in self.columns:
            return self
        col = self.width + 1
        extended = copy.deepcopy(self)
        extended.columns["municipalities"] = col
        extended.width = col
        extended.head.append(HeadCell(self.header_row, col, MUNICIPALITY_HEADER, "header"))
        extended.col_widths.append([col, COLUMN_WIDTHS[7]])
        for span in (extended.band, extended.policy):
            if span and span[1] == self.width:
                span[1] = col
        return extended


MODE_WORDS = {
    "merged": "結合",
    "repeated": "各行に繰り返し",
    "first": "最初の行だけ",
    "none": "帯の行だけ",
}
PAPER_WORDS = {"8": "A3", "9": "A4", "11": "A5", "12": "B4", "13": "B5"}


def describe(layout: Layout) -> list[str]:
    """The form in words, for the secretariat (the admin's year page)."""
    labels = {c.col: str(c.value).split("\n")[0] for c in layout.head if c.row == layout.header_row}
    settings = layout.print
    setup = settings.get("page_setup", {})
    paper = PAPER_WORDS.get(str(setup.get("paperSize", "")), "用紙の指定なし")
    orientation = {"landscape": "横", "portrait": "縦"}.get(setup.get("orientation", ""), "")
    modes = {MODE_WORDS[m] for m in layout.spans.values()}
    breaks = "取組ごと" if layout.breaks_each_strategy else "なし"
    if layout.breaks:
        breaks += f" (ほかに {len(layout.breaks)} か所)"
    footer = settings.get("header_footer", {}).get("oddFooter", "")
    return [
        f"シート「{layout.sheet}」、見出しは {layout.header_row} 行目",
        "列: " + "・".join(labels.get(c, "") or "(空欄)" for c in range(1, layout.width + 1)),
        "取組・施策・事業のセル: " + "・".join(sorted(modes)),
        f"印刷: {paper}{orientation}、改ページ: {breaks}、フッター: {footer or 'なし'}",
    ]


def _copy(value):
    return dict(value) if isinstance(value, dict) else value


def default_layout(*, municipality_column: bool = False, sheet: str = "") -> Layout:
    """The form of the 令和2年度 資料: title and label on row 1, the header on row 2, hierarchy
    merged, a band row per strategy, A3 landscape, each strategy on a new page, 「1 / N」."""
    layout = Layout(
        sheet=sheet,
        columns={role: col for col, role in enumerate(ROLES[:6], start=1)},
        width=6,
        head=[
            HeadCell(1, 1, "", "title"),
            HeadCell(1, 6, "", "label"),
            HeadCell(2, 1, "取組", "header"),
            HeadCell(2, 3, "事業名", "header"),
            HeadCell(2, 5, "事業の概要", "header"),
            HeadCell(2, 6, "", "results_header"),
        ],
        head_merges=[[1, 1, 1, 5], [2, 1, 2, 2], [2, 3, 2, 4]],
        head_heights=[[1, 24.0]],
        col_widths=[[c, w] for c, w in COLUMN_WIDTHS.items() if c <= 6],
        spans=dict.fromkeys(SPANNING, "merged"),
        band=[1, 6],
        policy=[2, 6],
        breaks_each_strategy=True,
    )
    if not municipality_column:
        return layout
    layout = layout.with_municipality_column()
    layout.head = [
        HeadCell(c.row, 7, c.value, c.role) if c.role == "label" else c for c in layout.head
    ]
    layout.head_merges[0] = [1, 1, 1, 6]
    return layout


def to_json(layout: Layout) -> dict:
    return {"version": FORMAT_VERSION, **asdict(layout)}


def from_json(data) -> Layout | None:
    """The layout kept on a fiscal year; None for none (a year imported before layouts were
    kept) or one this version cannot read."""
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return None
    known = {f.name for f in fields(Layout)}
    values = {k: v for k, v in data.items() if k in known}
    values["head"] = [HeadCell(**cell) for cell in values.get("head", [])]
    try:
        return Layout(**values)
    except TypeError:
        return None
