"""Writing the 資料 table as a workbook in its edition's form (openpyxl; no database).

``grid.build_grid`` lays the table out — the rows above it where the edition put them, band and
policy-field rows, strategy/measure/number/name/関係市町 cells merged, repeated or written once,
page breaks — and ``write_overview`` writes that grid with the edition's sheet name, column
widths and print set-up. Every value is written as text or a number, never a formula.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from xml.etree.ElementTree import Element

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.pagebreak import Break
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

from .eras import fiscal_year_label
from .grid import Grid, build_grid, row_heights
from .layout import Layout
from .licence import LICENSE, attribution
from .model import Overview
from .text import escape_ooxml

FONT = "ＭＳ Ｐゴシック"  # as in the secretariat's workbook
SHEET_PART = "xl/worksheets/sheet1.xml"
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
STYLE_OF_KIND = {
    "title": "title",
    "label": "label",
    "header": "header",
    "results_header": "header",
    "band": "band",
    "policy": "policy",
    "note": "note",
    "number": "center",
}


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
        "note": {"font": Font(name=FONT, size=10), "alignment": Alignment(vertical="top")},
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
    text = escape_text(escape_ooxml(str(value)))
    return (
        f'<c r="{ref}" s="{style_id}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    )


def sheet_data(grid: Grid, style_ids: dict[str, int]) -> bytes:
    letters = [get_column_letter(col) for col in range(1, grid.width + 1)]
    ids = {kind: style_ids[STYLE_OF_KIND.get(kind, "cell")] for row in grid.rows for _, kind in row}
    parts = ["<sheetData>"]
    for number, (row, height) in enumerate(zip(grid.rows, row_heights(grid), strict=True), start=1):
        if height is None:
            parts.append(f'<row r="{number}">')
        else:
            parts.append(f'<row r="{number}" ht="{height:g}" customHeight="1">')
        parts.extend(
            cell_xml(f"{letter}{number}", value, ids[kind])
            for letter, (value, kind) in zip(letters, row, strict=True)
        )
        parts.append("</row>")
    parts.append("</sheetData>")
    return "".join(parts).encode("utf-8")


def write_overview(overview: Overview, destination) -> None:
    """Write the 資料 table in its edition's form (by default the 令和2年度 one: A3 landscape,
    fitted to the page width, header repeated on each page, each strategy on a new page).

    openpyxl writes the package (styles, page setup, print titles, merged ranges) around an
    empty sheet; the rows are then serialised here in one pass, which takes a fraction of the
    time openpyxl needs cell by cell for a 9,000-activity table.

    The same table gives the same bytes (``stamp``): a download, ``export_overview`` and a
    round's snapshot of an unchanged year are one file.
    """
    layout = overview.sheet_layout()
    grid = build_grid(overview)
    workbook = openpyxl.Workbook(write_only=True)
    describe(workbook, overview)
    sheet = workbook.create_sheet(layout.sheet or (overview.document_label or "資料")[:31])
    for col, width in sorted(grid.widths.items()):
        sheet.column_dimensions[get_column_letter(col)].width = width
    setup_page(sheet, grid, layout)
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
        written = stamp(overview)
        for info in source.infolist():
            data = source.read(info.filename)
            info.date_time = written.timetuple()[:6]
            if info.filename == ARC_CORE:  # openpyxl stamps the time of saving
                workbook.properties.modified = written
                data = tostring(workbook.properties.to_tree())
            if info.filename == SHEET_PART:
                assert EMPTY_SHEET_DATA in data, "openpyxl wrote an unexpected sheet layout"
                data = data.replace(EMPTY_SHEET_DATA, sheet_data(grid, style_ids), 1)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def describe(workbook, overview: Overview) -> None:
    """The document properties: title, publisher, and the licence (also as a custom property)."""
    props = workbook.properties
    props.title = overview.title or fiscal_year_label(overview.fiscal_year or 0)
    props.creator = overview.publisher or "連携事業ポータル"
    props.subject = "連携事業概要及び実績"
    props.description = attribution(overview.publisher)
    props.keywords = f"{LICENSE['name']}; {LICENSE['url']}"
    props.language = "ja-JP"
    workbook.custom_doc_props.append(StringProperty(name="license", value=LICENSE["url"]))
    props.created = stamp(overview)


def stamp(overview: Overview) -> datetime.datetime:
    """The time the file says it was written: the day the table states (「…現在」), else the
    start of its fiscal year, so that writing the same table twice gives the same bytes."""
    if overview.stated_date is not None:
        return datetime.datetime.combine(overview.stated_date, datetime.time())
    return datetime.datetime(max(overview.fiscal_year or 0, 1980), 4, 1)


def is_on(value) -> bool:
    return str(value).lower() in ("1", "true")


def setup_page(sheet, grid: Grid, layout: Layout):
    """The edition's print set-up: paper, orientation, fit, margins, centring, header and
    footer, print titles and area, frozen panes, and the grid's page breaks."""
    settings = layout.print
    for name, value in settings.get("page_setup", {}).items():
        try:
            setattr(sheet.page_setup, name, value)
        except (TypeError, ValueError):
            continue
    if settings.get("fit_to_page"):
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for name, value in settings.get("margins", {}).items():
        if hasattr(sheet.page_margins, name):
            setattr(sheet.page_margins, name, float(value))
    for name, value in settings.get("options", {}).items():
        if hasattr(sheet.print_options, name):
            setattr(sheet.print_options, name, is_on(value))
    header_footer = settings.get("header_footer", {})
    for name, text in header_footer.items():
        if name in ("differentOddEven", "differentFirst"):
            setattr(sheet.HeaderFooter, name, is_on(text))
        else:
            node = Element(name)
            node.text = text
            setattr(sheet.HeaderFooter, name, HeaderFooterItem.from_tree(node))
    if settings.get("title_rows"):
        sheet.print_title_rows = settings["title_rows"]
    if settings.get("title_cols"):
        sheet.print_title_cols = settings["title_cols"]
    if settings.get("print_area"):
        sheet.print_area = f"A1:{get_column_letter(grid.width)}{max(len(grid.rows), 1)}"
    if settings.get("freeze"):
        sheet.freeze_panes = settings["freeze"]
    for row in grid.breaks:
        sheet.row_breaks.append(Break(id=row))
