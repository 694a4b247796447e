"""Writing the 資料 table as a workbook in the source's layout (openpyxl; no database).

``layout`` turns an Overview into a grid of cells and merged ranges — title, header with the
legend, band rows, merged strategy/measure/number/name cells, policy-field rows — and
``write_overview`` writes that grid. Every value is written as text or a number, never a formula.
"""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from .model import MeasureData, Overview, ProjectData, RowData, StrategyData

COLUMN_WIDTHS = [13.0, 18.0, 4.5, 20.0, 32.0, 100.0, 16.0]
A3_PAPER = 8
FONT = "ＭＳ Ｐゴシック"  # as in the secretariat's workbook
LINE_POINTS, ROW_PADDING_POINTS, TITLE_ROW_POINTS = 14.5, 4.0, 24.0
SHEET_PART = "xl/worksheets/sheet1.xml"
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"


@dataclass
class Grid:
    """Rows of (value, style name) and merged ranges as (first_row, first_col, last_row, last_col)."""

    width: int
    rows: list[list[tuple[object, str]]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add_row(self, values: dict[int, object], style: str = "cell") -> int:
        self.rows.append([(values.get(col), style) for col in range(1, self.width + 1)])
        return len(self.rows)

    def set(self, row: int, col: int, value, style: str | None = None):
        old_value, old_style = self.rows[row - 1][col - 1]
        self.rows[row - 1][col - 1] = (value, style or old_style)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int | None = None):
        last_col = last_col or first_col
        if last_row > first_row or last_col > first_col:
            self.merges.append((first_row, first_col, last_row, last_col))


def layout(overview: Overview) -> Grid:
    grid = Grid(width=overview.width)
    width = grid.width
    grid.add_row({1: overview.title, width: overview.document_label}, style="title")
    grid.set(1, width, overview.document_label, "label")
    grid.merge(1, 1, 1, width - 1)
    header = {1: "取組", 3: "事業名", 5: "事業の概要", 6: overview.results_header}
    if width == 7:
        header[7] = "関係市町"
    grid.add_row(header, style="header")
    grid.merge(2, 1, 2, 2)
    grid.merge(2, 3, 2, 4)
    for strategy in overview.strategies:
        layout_strategy(grid, strategy)
    return grid


def layout_strategy(grid: Grid, strategy: StrategyData):
    band = grid.add_row({1: strategy.band or strategy.title}, style="band")
    grid.merge(band, 1, band, grid.width)
    first = band + 1
    policy = ""
    for measure in strategy.measures:
        if measure.policy_field and measure.policy_field != policy:
            policy = measure.policy_field
            row = grid.add_row({2: policy}, style="policy")
            grid.set(row, 1, None, "cell")
            grid.merge(row, 2, row, grid.width)
        layout_measure(grid, measure)
    span_rows(grid, first, 1, strategy.heading)


def span_rows(grid: Grid, first: int, col: int, value):
    """Put ``value`` in column ``col`` merged over the rows from ``first`` to the last one
    written (at least one row, so an empty strategy or measure still prints)."""
    if len(grid.rows) < first:
        grid.add_row({})
    grid.set(first, col, value)
    grid.merge(first, col, len(grid.rows))


def layout_measure(grid: Grid, measure: MeasureData):
    first = len(grid.rows) + 1
    for project in measure.projects:
        layout_project(grid, project)
    span_rows(grid, first, 2, measure.heading)


def layout_project(grid: Grid, project: ProjectData):
    first = len(grid.rows) + 1
    for data in project.rows or [RowData()]:
        grid.add_row({5: data.summary or None, 6: data.results or None})
    last = len(grid.rows)
    grid.set(first, 3, project.number, "center")
    grid.set(first, 4, project.name or None)
    grid.merge(first, 3, last)
    grid.merge(first, 4, last)
    if grid.width == 7:
        grid.set(first, 7, "、".join(project.municipalities or []) or None)
        grid.merge(first, 7, last)


def row_heights(grid: Grid) -> list[float]:
    """Row heights in points that fit each row's wrapped text, as the secretariat sets them
    by hand (14.5 pt a line of 10 pt text, plus 4): spreadsheet programs do not grow rows
    on opening a file, and a clipped cell would print clipped."""
    spans, covered = {}, set()
    for first_row, first_col, last_row, last_col in grid.merges:
        spans[first_row, first_col] = (last_row, last_col)
        covered.update(
            (r, c)
            for r in range(first_row, last_row + 1)
            for c in range(first_col, last_col + 1)
            if (r, c) != (first_row, first_col)
        )
    heights = []
    for number, row in enumerate(grid.rows, start=1):
        lines = 1
        for col, (value, _) in enumerate(row, start=1):
            last_row, last_col = spans.get((number, col), (number, col))
            if value is None or (number, col) in covered or last_row > number:
                continue
            chars = sum(COLUMN_WIDTHS[c - 1] for c in range(col, last_col + 1))
            lines = max(lines, wrapped_lines(str(value), chars))
        height = LINE_POINTS * lines + ROW_PADDING_POINTS
        heights.append(max(height, TITLE_ROW_POINTS) if row[0][1] == "title" else height)
    return heights


def wrapped_lines(text: str, chars: float) -> int:
    """Lines ``text`` takes in a column ``chars`` wide (full-width characters count two)."""
    total = 0
    for line in text.splitlines() or [""]:
        width = 2 * len(line) - len(line.encode("ascii", "ignore"))  # non-ASCII counts two
        total += max(1, math.ceil(width / chars))
    return total


def cell_styles() -> dict[str, dict]:
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(name=FONT, size=10, bold=True)
    return {
        "cell": {"border": border, "alignment": wrap, "font": Font(name=FONT, size=10)},
        "center": {
            "border": border,
            "font": Font(name=FONT, size=10),
            "alignment": Alignment(wrap_text=True, vertical="top", horizontal="center"),
        },
        "title": {
            "font": Font(name=FONT, bold=True, size=14),
            "alignment": Alignment(vertical="top"),
        },
        "label": {"font": bold, "alignment": Alignment(horizontal="right", vertical="top")},
        "header": {
            "border": border,
            "font": bold,
            "fill": PatternFill("solid", fgColor="BFBFBF"),
            "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        },
        "band": {
            "border": border,
            "font": bold,
            "fill": PatternFill("solid", fgColor="D9E1F2"),
            "alignment": wrap,
        },
        "policy": {"border": border, "font": bold, "alignment": wrap},
    }


def register_styles(workbook, sheet) -> dict[str, int]:
    """Add each named cell style to the workbook's style table; return its index (``s="…"``)."""
    ids = {}
    for name, attrs in cell_styles().items():
        cell = WriteOnlyCell(sheet)
        for attr, obj in attrs.items():
            setattr(cell, attr, obj)
        ids[name] = workbook._cell_styles.add(cell._style)
    return ids


def escape_text(text: str) -> str:
    """Text as XML character data; characters XML 1.0 forbids are dropped."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_xml(ref: str, value, style_id: int) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style_id}"/>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}" s="{style_id}"><v>{value}</v></c>'
    # An inline string is text by type: a line starting with = never becomes a formula.
    text = escape_text(str(value))
    return (
        f'<c r="{ref}" s="{style_id}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    )


def sheet_data(grid: Grid, style_ids: dict[str, int]) -> bytes:
    letters = [get_column_letter(col) for col in range(1, grid.width + 1)]
    parts = ["<sheetData>"]
    for number, (row, height) in enumerate(zip(grid.rows, row_heights(grid), strict=True), start=1):
        parts.append(f'<row r="{number}" ht="{height:g}" customHeight="1">')
        parts.extend(
            cell_xml(f"{letter}{number}", value, style_ids[style])
            for letter, (value, style) in zip(letters, row, strict=True)
        )
        parts.append("</row>")
    parts.append("</sheetData>")
    return "".join(parts).encode("utf-8")


def write_overview(overview: Overview, destination) -> None:
    """Write the 資料 table: A3 landscape, fitted to the page width, header repeated on each page.

    openpyxl writes the package (styles, page setup, print titles, merged ranges) around an
    empty sheet; the rows are then serialised here in one pass, which takes a fraction of the
    time openpyxl needs cell by cell for a 9,000-activity table.
    """
    grid = layout(overview)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet((overview.document_label or "資料")[:31])
    for col, width in enumerate(COLUMN_WIDTHS[: grid.width], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    setup_page(sheet, grid)
    for first_row, first_col, last_row, last_col in grid.merges:
        sheet.merged_cells.ranges.add(
            CellRange(min_row=first_row, min_col=first_col, max_row=last_row, max_col=last_col)
        )
    style_ids = register_styles(workbook, sheet)
    skeleton = io.BytesIO()
    workbook.save(skeleton)
    with (
        zipfile.ZipFile(skeleton) as source,
        zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET_PART:
                assert EMPTY_SHEET_DATA in data, "openpyxl wrote an unexpected sheet layout"
                data = data.replace(EMPTY_SHEET_DATA, sheet_data(grid, style_ids), 1)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def setup_page(sheet, grid: Grid):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A3_PAPER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.print_area = f"A1:{get_column_letter(grid.width)}{max(len(grid.rows), 2)}"
    sheet.freeze_panes = "A3"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
