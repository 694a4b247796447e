"""The cells a workbook is read with (``table.workbook``) are openpyxl's own values, from the
portal's exports, from Excel-made files with shared strings, and from every kind of cell."""

import datetime
import re
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from projects.table.files import WorkbookError
from projects.table.reader import read_overview
from projects.table.workbook import Workbook
from tests.support.builders import MEMBERS, Sheet, build, small_rows
from tests.support.packages import rewritten


def openpyxl_rows(path):
    """openpyxl's read-only values, each row without its trailing empty cells (openpyxl pads
    rows to the stated size of a sheet that has one)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for sheet in workbook.worksheets:
        rows = [trimmed(row) for row in sheet.iter_rows(values_only=True)]
        sheets.append((sheet.title, rows))
    workbook.close()
    return sheets


def portal_rows(path):
    workbook = Workbook(path)
    sheets = [(title, [trimmed(row) for row in rows]) for title, rows in workbook.sheets()]
    workbook.close()
    return sheets


def trimmed(row):
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def without_trailing_empty_rows(sheets):
    out = []
    for title, rows in sheets:
        while rows and rows[-1] == ():
            rows = rows[:-1]
        out.append((title, rows))
    return out


INLINE_CELL = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is>(.*?)</is></c>', re.S)
PHONETIC = '<rPh sb="0" eb="1"><t>よみ</t></rPh>'


def with_shared_strings(path, target):
    """The workbook as Excel saves it: every text in the shared strings (one with a phonetic
    guide, which is no part of its text), the cells pointing at them."""
    strings: list[str] = []

    def shared(match):
        strings.append(match.group(3))
        return f'<c {match.group(1)}t="s"{match.group(2)}><v>{len(strings) - 1}</v></c>'

    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        cells = INLINE_CELL.sub(shared, source.read(sheet).decode()).encode()
    changes = {
        sheet: lambda _: cells,
        "[Content_Types].xml": lambda data: data.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": lambda data: data.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings" '
            b'Target="sharedStrings.xml"/></Relationships>',
        ),
    }
    items = [f"<si>{text}{PHONETIC if k == 0 else ''}</si>" for k, text in enumerate(strings)]
    table = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(items)}" uniqueCount="{len(items)}">{"".join(items)}</sst>'
    )
    return rewritten(path, target, changes, {"xl/sharedStrings.xml": table})


def test_the_r2_workbook_and_an_export_read_as_openpyxl_reads_them(r2_path, tmp_path):
    exported = build(tmp_path / "export.xlsx", Sheet(small_rows(), notes_sheet_first=True))
    shared = with_shared_strings(r2_path, tmp_path / "shared.xlsx")
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(shared).namelist()
    assert portal_rows(shared) == portal_rows(r2_path)  # the same texts, read from the table
    for path in (r2_path, exported, shared):
        assert without_trailing_empty_rows(portal_rows(path)) == without_trailing_empty_rows(
            openpyxl_rows(path)
        )


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    path = tmp_path / "kinds.xlsx"
    wb = openpyxl.Workbook()  # a workbook as Excel saves it: shared strings, a stated size
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "令和2年度\n事業"
    ws["B1"] = 12
    ws["C1"] = 3.5
    ws["D1"] = True
    ws["E1"] = datetime.datetime(2020, 5, 22, 9, 30)
    ws["F1"] = datetime.date(2021, 1, 28)
    ws["G1"] = "=B1*2"  # a formula: no value was computed, as openpyxl saves it
    ws["A3"] = CellRichText(["●", TextBlock(InlineFont(b=True), "見学会"), "の開催"])
    ws["C3"] = "_x000D_ と x005F_ と\ttab"
    ws["H5"] = "離れたセル"
    wb.create_sheet("空")
    wb.save(path)
    assert portal_rows(path) == openpyxl_rows(path)
    (_, rows), _ = portal_rows(path)
    assert rows[0][:6] == (
        "令和2年度\n事業",
        12,
        3.5,
        True,
        datetime.datetime(2020, 5, 22, 9, 30),
        datetime.datetime(2021, 1, 28),
    )
    assert rows[1] == () and rows[2][0] == "●見学会の開催"


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_part_that_declares_a_document_type_is_refused_in_words(tmp_path, part, encoding):
    original = with_shared_strings(
        build(tmp_path / "x.xlsx", Sheet(small_rows())), tmp_path / "s.xlsx"
    )

    def declared(data):
        body = data.decode("utf-8").split("?>", 1)[-1]  # after a declaration if any
        text = f'<?xml version="1.0" encoding="{encoding}"?>'
        return (text + '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + body).encode(encoding)

    path = rewritten(original, tmp_path / "doctype.xlsx", {part: declared})
    with pytest.raises(WorkbookError) as refused:
        read_overview(path, municipalities=MEMBERS)
    assert [p.code for p in refused.value.problems] == ["entities"]


def test_a_number_in_the_first_style_reads_as_a_date_when_that_style_is_a_dates(tmp_path):
    """Excel's Normal style (the first) may be given a date format: its numbers are dates."""
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = 43831, "テキスト"
    saved, path = tmp_path / "saved.xlsx", tmp_path / "normal-date.xlsx"
    wb.save(saved)

    def first_style_a_date(data):
        head, xfs = data.split(b"<cellXfs", 1)
        return head + b"<cellXfs" + xfs.replace(b'numFmtId="0"', b'numFmtId="14"', 1)

    rewritten(saved, path, {"xl/styles.xml": first_style_a_date})
    assert portal_rows(path) == openpyxl_rows(path)
    assert portal_rows(path)[0][1][0][0] == datetime.datetime(2020, 1, 1)


def test_a_row_past_the_last_a_sheet_can_have_is_a_damaged_workbook(r2_path, tmp_path):
    far = b'<row r="300000000"/></sheetData>'
    path = rewritten(
        r2_path,
        tmp_path / "far.xlsx",
        {"xl/worksheets/sheet1.xml": lambda data: data.replace(b"</sheetData>", far)},
    )
    with pytest.raises(WorkbookError) as refused:
        read_overview(path, municipalities=MEMBERS)
    assert [p.code for p in refused.value.problems] == ["damaged"]
