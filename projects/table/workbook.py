"""The values of a workbook's sheets, each sheet's XML parsed once.

openpyxl's read-only mode parses a sheet twice when the sheet does not state its size (no
``<dimension>``, as in the portal's own exports and other generated files): once to look for
the size, which it only learns is missing at the end of the rows, then again for the cells.
Here openpyxl's own parts read the package (content types, shared strings, the workbook, the
styles that tell a date from a number) and its sheet parser reads each sheet's cells in one
pass, with the same values as ``iter_rows(values_only=True)``: a row is as wide as its last
cell, a missing row is empty, a formula gives its last computed value.
"""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import WorkSheetParser


class Workbook:
    """A workbook opened for its values: ``sheets()`` yields (title, rows) in the workbook's
    order, each sheet read when it is reached."""

    def __init__(self, source):
        self.reader = ExcelReader(source, read_only=True, data_only=True)
        self.reader.read_manifest()
        self.reader.read_strings()
        self.reader.read_workbook()
        apply_stylesheet(self.reader.archive, self.reader.wb)

    def sheets(self) -> Iterator[tuple[str, list[tuple]]]:
        reader, wb = self.reader, self.reader.wb
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            with reader.archive.open(rel.target) as source:
                parser = WorkSheetParser(
                    source,
                    reader.shared_strings,
                    data_only=True,
                    epoch=wb.epoch,
                    date_formats=wb._date_formats,
                    timedelta_formats=wb._timedelta_formats,
                )
                rows: list[tuple] = []
                for number, cells in parser.parse():
                    if number <= len(rows):
                        continue  # a row out of order: openpyxl skips it too
                    rows += [()] * (number - 1 - len(rows))  # rows the file leaves out
                    width = cells[-1]["column"] if cells else 0
                    values = [None] * width
                    for cell in cells:
                        if cell["column"] <= width:
                            values[cell["column"] - 1] = cell["value"]
                    rows.append(tuple(values))
            yield sheet.name, rows

    def close(self):
        self.reader.archive.close()
