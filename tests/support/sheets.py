"""Comparing a workbook the portal wrote with the workbook it was read from, cell by cell."""

from __future__ import annotations

import openpyxl


def table_sheet(path):
    """The sheet with the table (the one whose first rows hold the label 「取組」)."""
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        if any(c.value == "取組" for row in sheet.iter_rows(max_row=40) for c in row):
            return sheet
    raise AssertionError(f"no table in {path}")


def footer(sheet) -> str:
    parts = sheet.oddFooter
    return "|".join(p.text or "" for p in (parts.left, parts.center, parts.right))


def print_setup(sheet) -> dict:
    return {
        "sheet": sheet.title,
        "paper": sheet.page_setup.paperSize and int(sheet.page_setup.paperSize),
        "orientation": sheet.page_setup.orientation,
        "fit": (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight),
        "fit_to_page": sheet.sheet_properties.pageSetUpPr.fitToPage,
        "print_titles": sheet.print_title_rows,
        "breaks": [b.id for b in sheet.row_breaks.brk],
        "footer": footer(sheet),
        "freeze": sheet.freeze_panes,
    }


def differences(source_path, written_path) -> list[str]:
    """Every way the written table sheet differs from the source's: a non-empty cell's value
    at its coordinates, the merged ranges, the sheet name and the print set-up."""
    source, written = table_sheet(source_path), table_sheet(written_path)
    found = [
        f"{cell.coordinate}: {cell.value!r} → {written[cell.coordinate].value!r}"
        for row in source.iter_rows()
        for cell in row
        if cell.value not in (None, "") and written[cell.coordinate].value != cell.value
    ]
    merges = {str(r) for r in source.merged_cells.ranges}
    written_merges = {str(r) for r in written.merged_cells.ranges}
    if merges != written_merges:
        found.append(f"merges: missing {merges - written_merges}, extra {written_merges - merges}")
    a, b = print_setup(source), print_setup(written)
    found += [f"{key}: {a[key]!r} → {b[key]!r}" for key in a if a[key] != b[key]]
    return found
