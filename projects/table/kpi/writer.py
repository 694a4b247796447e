"""Writing a 成果指標 sheet back in its edition's layout, cell for cell (openpyxl; no database).

The rows come as ``{column key: (text, numeric)}``: the text as the cell shows it and whether
the cell holds a number. Cells above the header and below the table (title, legend, notes) are
written where the edition had them, the notes moved down or up with the number of rows.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

DEFAULT_COLUMNS = [
    (0, "field", "分野"),
    (1, "number", "No."),
    (2, "name", "成果指標"),
    (3, "baseline", "策定時"),
    (9, "target", "目標値"),
    (10, "survey", "調査時点"),
    (11, "evaluation", "評価"),
    (12, "towns", "担当市町"),
]


def cell_value(text: str, numeric: bool):
    """A number cell gets a number back (int when whole); any other text stays text."""
    if numeric and text:
        try:
            number = Decimal(text.replace(",", ""))
        except ArithmeticError:
            return text
        return int(number) if number == number.to_integral() else float(number)
    return text or None


def put(sheet, row: int, col: int, value) -> None:
    """Write a cell; text is typed as text, so a cell starting with = never becomes a formula.
    An empty cell is not made at all (as in the workbook it came from)."""
    if value is None:
        return
    cell = sheet.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"


def default_columns(years: list[int]) -> list[tuple[int, str, str]]:
    """The usual column set (分野 | No. | 成果指標 | 策定時 | R… | 目標値 | 調査時点 | 評価 | 担当市町)
    for a year with no imported sheet."""
    head = DEFAULT_COLUMNS[:4]
    year_columns = [(4 + i, f"y{y}", f"R{y - 2018}") for i, y in enumerate(years)]
    tail = [
        (4 + len(years) + i, key, label) for i, (_, key, label) in enumerate(DEFAULT_COLUMNS[4:])
    ]
    return head + year_columns + tail


def write_kpi(
    *, layout: dict, columns: list, rows: list[dict[str, tuple[str, bool]]], title: str = ""
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = layout.get("sheet") or "成果指標"
    header_row = layout.get("header_row") or 2
    first = layout.get("first_row") or header_row + 1
    above = layout.get("above")
    if above is None:
        above = [[1, 1, title, False]] if title else []
    for r, c, text, numeric in above:
        put(sheet, r, c, cell_value(text, numeric))
    for col, _, header in columns:
        put(sheet, header_row, col + 1, cell_value(header, False))
    same_rows = layout.get("rows") == len(rows)
    # The rows where the edition had them (gaps and sub-headings kept) while the table has as
    # many rows as it had; one after another otherwise.
    places = layout.get("row_offsets") if same_rows else None
    places = places or list(range(len(rows)))
    for place, row in zip(places, rows, strict=True):
        for col, key, _ in columns:
            text, numeric = row.get(key, ("", False))
            put(sheet, first + place, col + 1, cell_value(text, numeric))
    if same_rows:
        for offset, c, text, numeric in layout.get("between", []):
            put(sheet, first + offset, c, cell_value(text, numeric))
    last = first + (places[-1] if places else -1)
    for offset, c, text, numeric in layout.get("below", []):
        put(sheet, last + offset, c, cell_value(text, numeric))
    for merge in layout.get("merges", []):
        _, min_row, _, max_row = range_boundaries(merge)
        if max_row <= header_row or same_rows:
            sheet.merge_cells(merge)
    for letter, width in layout.get("widths", {}).items():
        sheet.column_dimensions[letter].width = width
    if not layout.get("widths"):
        for col, key, _ in columns:
            sheet.column_dimensions[get_column_letter(col + 1)].width = 30 if key == "name" else 12
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
