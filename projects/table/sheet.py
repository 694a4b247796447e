"""What a sheet's XML says besides its cells, read straight from the package (no openpyxl).

openpyxl's read-only mode, which the reader uses for the cells, exposes none of it: merged
ranges, column widths, the heights of the first rows, the print set-up (paper, orientation,
fit, margins, centring), manual page breaks, header and footer, frozen panes, and — from the
workbook — the sheet's print titles and print area. The ``sheetData`` element is cut out before
the rest is parsed (with defusedxml, which refuses entity declarations), so the cost does not
grow with the table; only the first rows' opening tags are scanned for their heights.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml.ElementTree import fromstring
from openpyxl.utils.cell import range_boundaries

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HEAD_ROWS = 60  # row heights are kept for the rows above the table, which start this early
HEADER_FOOTER_PARTS = (
    "oddHeader",
    "oddFooter",
    "evenHeader",
    "evenFooter",
    "firstHeader",
    "firstFooter",
)
PAGE_SETUP_ATTRS = ("paperSize", "orientation", "fitToWidth", "fitToHeight", "scale", "pageOrder")

_SHEET_DATA_RX = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END_RX = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_ROW_TAG_RX = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ATTR_RX = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')
_ROWS_RX = re.compile(r"^\$?(\d+):\$?(\d+)$")
_COLS_RX = re.compile(r"^\$?([A-Za-z]{1,3}):\$?([A-Za-z]{1,3})$")


@dataclass
class SheetSetup:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    col_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    fit_to_page: bool = False
    page_setup: dict[str, str] = field(default_factory=dict)
    margins: dict[str, float] = field(default_factory=dict)
    print_options: dict[str, str] = field(default_factory=dict)
    header_footer: dict[str, str] = field(default_factory=dict)
    row_breaks: list[int] = field(default_factory=list)  # a new page starts after each row
    freeze: str = ""
    print_title_rows: str = ""  # "2:2"
    print_title_cols: str = ""  # "A:B"
    print_area: bool = False


def sheet_part(archive: zipfile.ZipFile, workbook, index: int) -> str:
    """The package path of the workbook's ``index``-th sheet (0-based, in the workbook's order)."""
    sheets = workbook.findall(f"{MAIN}sheets/{MAIN}sheet")
    rel_id = sheets[index].get(f"{REL}id")
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PACKAGE_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise KeyError(rel_id)


def read_setup(source, title: str) -> SheetSetup:
    """The set-up of the workbook's sheet named ``title``."""
    if hasattr(source, "seek"):
        source.seek(0)
    with zipfile.ZipFile(source) as archive:
        workbook = fromstring(archive.read("xl/workbook.xml"))
        names = [s.get("name") for s in workbook.iterfind(f"{MAIN}sheets/{MAIN}sheet")]
        index = names.index(title)
        data = archive.read(sheet_part(archive, workbook, index))
    setup = SheetSetup()
    skeleton, rows_xml = split_sheet_data(data)
    setup.row_heights = first_row_heights(rows_xml)
    read_worksheet(fromstring(skeleton), setup)
    read_defined_names(workbook, index, setup)
    return setup


def split_sheet_data(data: bytes) -> tuple[bytes, bytes]:
    """(the sheet XML without its rows, the rows' XML)."""
    start = _SHEET_DATA_RX.search(data)
    if start is None:
        return data, b""
    if start.group(1) == b"/":
        return data[: start.start()] + data[start.end() :], b""
    end = _SHEET_DATA_END_RX.search(data, start.end())  # text in cells cannot hold a "<"
    if end is None:
        return data, b""
    return data[: start.start()] + data[end.end() :], data[start.end() : end.start()]


def first_row_heights(rows_xml: bytes) -> dict[int, float]:
    heights = {}
    for number, tag in enumerate(_ROW_TAG_RX.finditer(rows_xml)):
        if number >= HEAD_ROWS:
            break
        attrs = {k.decode(): v.decode() for k, v in _ATTR_RX.findall(tag.group(1))}
        if "r" in attrs and "ht" in attrs:
            try:
                heights[int(attrs["r"])] = float(attrs["ht"])
            except ValueError:
                continue
    return heights


def read_worksheet(root, setup: SheetSetup) -> None:
    for merge in root.iter(f"{MAIN}mergeCell"):
        try:
            c1, r1, c2, r2 = range_boundaries(merge.get("ref", ""))
        except (TypeError, ValueError):
            continue
        setup.merges.append((r1, c1, r2, c2))
    for col in root.iter(f"{MAIN}col"):
        try:
            first, last, width = int(col.get("min")), int(col.get("max")), float(col.get("width"))
        except (TypeError, ValueError):
            continue
        for number in range(first, min(last, 64) + 1):
            setup.col_widths[number] = width
    properties = root.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr")
    setup.fit_to_page = properties is not None and properties.get("fitToPage") in ("1", "true")
    page = root.find(f"{MAIN}pageSetup")
    if page is not None:
        setup.page_setup = {k: page.get(k) for k in PAGE_SETUP_ATTRS if page.get(k) is not None}
    margins = root.find(f"{MAIN}pageMargins")
    if margins is not None:
        for name, value in margins.attrib.items():
            try:
                setup.margins[name] = float(value)
            except ValueError:
                continue
    options = root.find(f"{MAIN}printOptions")
    if options is not None:
        setup.print_options = dict(options.attrib)
    read_header_footer(root.find(f"{MAIN}headerFooter"), setup)
    for brk in root.iterfind(f"{MAIN}rowBreaks/{MAIN}brk"):
        if brk.get("id", "").isdigit() and brk.get("man") in ("1", "true"):
            setup.row_breaks.append(int(brk.get("id")))
    pane = root.find(f"{MAIN}sheetViews/{MAIN}sheetView/{MAIN}pane")
    if pane is not None and pane.get("state") in ("frozen", "frozenSplit"):
        setup.freeze = pane.get("topLeftCell", "")


def read_header_footer(node, setup: SheetSetup) -> None:
    if node is None:
        return
    for name in HEADER_FOOTER_PARTS:
        part = node.find(f"{MAIN}{name}")
        if part is not None and part.text:
            setup.header_footer[name] = part.text
    for flag in ("differentOddEven", "differentFirst"):
        if node.get(flag) in ("1", "true"):
            setup.header_footer[flag] = "1"


def read_defined_names(workbook, index: int, setup: SheetSetup) -> None:
    for name in workbook.iterfind(f"{MAIN}definedNames/{MAIN}definedName"):
        if name.get("localSheetId") != str(index) or not name.text:
            continue
        if name.get("name") == "_xlnm.Print_Area":
            setup.print_area = True
        elif name.get("name") == "_xlnm.Print_Titles":
            for part in name.text.split(","):
                ref = part.rsplit("!", 1)[-1].strip()
                if rows := _ROWS_RX.match(ref):
                    setup.print_title_rows = f"{rows[1]}:{rows[2]}"
                elif cols := _COLS_RX.match(ref):
                    setup.print_title_cols = f"{cols[1].upper()}:{cols[2].upper()}"
