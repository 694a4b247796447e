"""The workbook writer: the 資料 written back in the source's layout, ready to print."""

import zipfile

import openpyxl

from projects.table.reader import read_overview
from projects.table.writer import write_overview
from tests.support.builders import Sheet, build, small_rows


def test_r2_results_cells_survive_write_line_for_line(tmp_path, r2_path):
    ov = read_overview(r2_path)
    out = tmp_path / "out.xlsx"
    write_overview(ov, out)
    source = openpyxl.load_workbook(r2_path).active
    written = openpyxl.load_workbook(out).active
    for row in source.iter_rows():
        for cell in row:
            assert (written[cell.coordinate].value or None) == (cell.value or None), cell.coordinate
    assert {str(r) for r in written.merged_cells.ranges} == {
        str(r) for r in source.merged_cells.ranges
    }


def test_written_workbook_prints_a3_landscape_with_repeated_header(tmp_path, r2_path):
    out = tmp_path / "out.xlsx"
    write_overview(read_overview(r2_path), out)
    ws = openpyxl.load_workbook(out).active
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 8  # A3
    assert ws.print_title_rows == "$2:$2"
    assert ws.freeze_panes == "A3"
    cell = ws["F4"]
    assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert ws["C4"].data_type == "n"


def test_formula_looking_line_stays_text(tmp_path):
    rows = small_rows()
    rows[2].results = '○=HYPERLINK("http://example.invalid")の周知\n・=1+1'
    ov = read_overview(build(tmp_path / "f.xlsx", Sheet(rows)))
    ov.projects()[1].rows[1].activities[0].marker = ""
    ov.projects()[1].rows[1].activities[0].status = None
    out = tmp_path / "f-out.xlsx"
    write_overview(ov, out)
    ws = openpyxl.load_workbook(out).active
    cell = ws["F6"]
    assert cell.value == '=HYPERLINK("http://example.invalid")の周知\n・=1+1'
    assert cell.data_type == "s"
    with zipfile.ZipFile(out) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_row_heights_fit_the_text_like_the_source(tmp_path, r2_path):
    """Spreadsheet programs do not grow rows when opening a file: heights are written."""
    out = tmp_path / "out.xlsx"
    write_overview(read_overview(r2_path), out)
    source = openpyxl.load_workbook(r2_path).active
    written = openpyxl.load_workbook(out).active
    for row in range(1, source.max_row + 1):
        assert written.row_dimensions[row].customHeight
        assert abs(written.row_dimensions[row].height - source.row_dimensions[row].height) <= 2.5, (
            row
        )
