"""The values of a workbook's sheets, as openpyxl's ``iter_rows(values_only=True)`` gives them,
each sheet's XML parsed once by Python's C parser.

openpyxl reads the package's parts that say how to read the cells (content types, the
workbook, the styles that tell a date from a number); the shared strings and the sheets are
parsed here. openpyxl's read-only mode parses them with the pure-Python XML parser, and a
sheet that does not state its size (no ``<dimension>``, as in the portal's own exports) twice:
three quarters of an import's reading time. A part that declares a document type is refused
(no Office part has one: that is how entity expansion attacks start), as defusedxml would;
expat itself bounds entity expansion and fetches nothing.

The values are openpyxl's: a shared or inline string is the text of its runs without their
phonetic guide, a number is an int or a float, a date style makes a number a date, a formula
gives its last computed value, an error its code; a row is as wide as its last cell, a row the
file leaves out is empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from xml.etree.ElementTree import XMLPullParser

from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v"
INLINE, STRING_ITEM, TEXT, RUN = f"{MAIN}is", f"{MAIN}si", f"{MAIN}t", f"{MAIN}r"
# How a document type declaration begins, in the encodings an XML part may use.
DOCTYPES = tuple("<!DOCTYPE".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))
OVERLAP = max(len(d) for d in DOCTYPES)
CHUNK = 1 << 20
MAX_ROWS = 1_048_576  # a sheet's last row in Excel


class DocumentTypeRefused(DefusedXmlException):
    """A part declares a document type (where entities are declared): refused, as defusedxml
    refuses entities (``files.unreadable`` says so in words)."""


class Workbook:
    """A workbook opened for its values: ``sheets()`` yields (title, rows) in the workbook's
    order, each sheet read when it is reached."""

    def __init__(self, source):
        self.reader = ExcelReader(source, read_only=True, data_only=True)
        self.reader.read_manifest()
        self.reader.read_workbook()
        apply_stylesheet(self.reader.archive, self.reader.wb)
        self.shared: list[str] = []
        part = self.reader.package.find(SHARED_STRINGS)
        if part is not None:
            with self.reader.archive.open(part.PartName[1:]) as source:
                self.shared = [
                    text_of(si).replace("x005F_", "") for si in elements(source, STRING_ITEM)
                ]

    def sheets(self) -> Iterator[tuple[str, list[tuple]]]:
        reader = self.reader
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            with reader.archive.open(rel.target) as source:
                rows = self.rows(elements(source, ROW))
            yield sheet.name, rows

    def rows(self, elements) -> list[tuple]:
        wb = self.reader.wb
        dates, durations = wb._date_formats, wb._timedelta_formats
        rows: list[tuple] = []
        number = 0
        for row in elements:
            r = row.get("r")
            number = _row_number(r) if r else number + 1
            if number > MAX_ROWS:
                raise ValueError(f"row {number} is past the last row a sheet can have")
            if number <= len(rows):
                continue  # a row out of order: openpyxl skips it too
            rows += [()] * (number - 1 - len(rows))  # rows the file leaves out
            cells, column = [], 0
            for cell in row:
                if cell.tag != CELL:
                    continue
                coordinate = cell.get("r")
                column = _column(coordinate) if coordinate else column + 1
                cells.append((column, cell_value(cell, self.shared, dates, durations, wb.epoch)))
            width = cells[-1][0] if cells else 0
            values = [None] * width
            for col, value in cells:
                if col <= width:
                    values[col - 1] = value
            rows.append(tuple(values))
        return rows

    def close(self):
        self.reader.archive.close()


def elements(source, tag: str) -> Iterator:
    """The elements named ``tag`` of an Office part's XML (a binary stream), each whole when
    it is yielded and emptied after, so a sheet of any size is never held at once. A part that
    declares a document type is refused."""
    parser, tail = XMLPullParser(events=("end",)), b""
    while chunk := source.read(CHUNK):
        seen = tail + chunk
        if any(doctype in seen for doctype in DOCTYPES):
            raise DocumentTypeRefused()
        tail = chunk[-OVERLAP:]
        parser.feed(chunk)
        yield from _done(parser, tag)
    parser.close()
    yield from _done(parser, tag)


def _done(parser, tag: str) -> Iterator:
    for _, element in parser.read_events():
        if element.tag == tag:
            yield element
            element.clear()


def text_of(node) -> str:
    """A string item's text: its own ``t`` and its runs' (not the phonetic guide's)."""
    parts = [node.findtext(TEXT) or ""]
    parts += [run.findtext(TEXT) or "" for run in node.iterfind(RUN)]
    return "".join(parts)


def cell_value(cell, shared, dates, durations, epoch):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(INLINE)
        return None if inline is None else text_of(inline)
    value = cell.findtext(VALUE) or None
    if value is None:
        return None
    if kind == "n":
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        style = int(cell.get("s") or 0)  # the first style too may be a date's
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date style on a serial no date has
        return number
    if kind == "s":
        return shared[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value  # str (a formula's text), e (an error's code)


def _column(coordinate: str) -> int:
    return _column_number(coordinate.rstrip("0123456789"))


@lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    return column_index_from_string(letters)


def _row_number(r: str) -> int:
    try:
        return int(r)
    except ValueError:
        number = float(r)
        if not number.is_integer():
            raise ValueError(f"{r} is not a valid row number") from None
        return int(number)
