"""The 資料 table as HTML rows, laid out as its workbook is (``grid``): merged cells become
rowspan/colspan, the header rows a ``thead`` printed on every page, and a new page starts where
the workbook's page breaks are (each strategy, in the 令和2年度 form).

Pure Python over an ``Overview``, like the workbook writer; the print view and the PDF render
these rows with the same template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .grid import Grid, build_grid
from .layout import COLUMN_WIDTHS
from .model import Overview

CSS_OF_KIND = {"cell": "", "note": "note", "header": "", "results_header": "results"}


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    css: str = ""


@dataclass
class Row:
    cells: list[Cell]
    page_break: bool = False  # a new page starts with this row


@dataclass
class Table:
    head: list[Row] = field(default_factory=list)
    body: list[Row] = field(default_factory=list)
    notes_above: list[str] = field(default_factory=list)  # the edition's notes over the table
    notes_below: list[str] = field(default_factory=list)
    width: int = 6
    widths: list[float] = field(default_factory=list)  # each column's, as in the workbook


def html_rows(grid: Grid, first: int, last: int) -> list[Row]:
    spans, covered = {}, set()
    for r1, c1, r2, c2 in grid.merges:
        spans[r1, c1] = (min(r2, last) - r1 + 1, c2 - c1 + 1)
        covered.update(
            (r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1)
        )
    breaks = {row + 1 for row in grid.breaks}
    rows = []
    for number in range(first, last + 1):
        cells = []
        for col, (value, kind) in enumerate(grid.rows[number - 1], start=1):
            if (number, col) in covered:
                continue
            rowspan, colspan = spans.get((number, col), (1, 1))
            text = "" if value is None else str(value)
            cells.append(Cell(text, rowspan, colspan, CSS_OF_KIND.get(kind, kind)))
        rows.append(Row(cells, page_break=number in breaks))
    return rows


def html_table(overview: Overview) -> Table:
    grid = build_grid(overview)
    layout = overview.sheet_layout()
    header_row = min(layout.header_row, grid.body - 1)
    above = [
        str(value)
        for row in grid.rows[: header_row - 1]
        for value, kind in row
        if kind == "note" and value not in (None, "")
    ]
    below = [
        str(value) for row in grid.rows[grid.last :] for value, _ in row if value not in (None, "")
    ]
    return Table(
        head=html_rows(grid, header_row, grid.body - 1),
        body=html_rows(grid, grid.body, grid.last),
        notes_above=above,
        notes_below=below,
        width=grid.width,
        widths=[grid.widths.get(c, COLUMN_WIDTHS.get(c, 8.43)) for c in range(1, grid.width + 1)],
    )
