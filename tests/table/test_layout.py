"""Each edition's form kept on import and written back on export (``edition``, ``layout``,
``grid``, ``writer``): the R2 workbook and a later edition built in code, cell by cell."""

import copy
import zipfile

import openpyxl
import pytest

from projects.table.formats import to_json
from projects.table.html import html_table
from projects.table.layout import default_layout, from_json
from projects.table.layout import to_json as layout_json
from projects.table.model import ActivityData, Overview, StrategyData
from projects.table.reader import read_overview
from projects.table.writer import write_overview
from tests.support.builders import MEMBERS, Sheet, build, small_rows
from tests.support.editions import (
    FOOTER,
    LATER_HEADER,
    LATER_LABEL,
    LATER_SHEET,
    LATER_TITLE,
    TAIL_NOTE,
    build_later_edition,
)
from tests.support.sheets import differences, print_setup, table_sheet


def read(path):
    return read_overview(path, municipalities=MEMBERS)


def written(overview, tmp_path, name="out.xlsx"):
    path = tmp_path / name
    write_overview(overview, path)
    return path


@pytest.fixture
def later(tmp_path):
    return build_later_edition(tmp_path / "later.xlsx")


def test_r2_exports_equal_to_its_source(r2_path, tmp_path):
    out = written(read(r2_path), tmp_path)
    assert differences(r2_path, out) == []
    setup = print_setup(table_sheet(out))
    assert setup["breaks"] == [18, 25]  # before strategies 2 and 3, as the source
    assert setup["footer"] == "|&P / &N|"
    assert (setup["sheet"], setup["paper"], setup["orientation"]) == ("資料1-2", 8, "landscape")
    assert table_sheet(out).print_area == "'資料1-2'!$A$1:$F$46"


def test_later_edition_exports_equal_to_its_source(later, tmp_path):
    out = written(read(later), tmp_path)
    assert differences(later, out) == []
    sheet = table_sheet(out)
    assert print_setup(sheet) == {
        "sheet": LATER_SHEET,
        "paper": 12,
        "orientation": "landscape",
        "fit": (1, 0),
        "fit_to_page": True,
        "print_titles": "$5:$5",
        "breaks": [13, 15],
        "footer": "資料2|&P / &N|",
        "freeze": "A6",
    }
    assert [sheet.cell(5, c).value for c in range(1, 8)] == [
        "取組",
        "施策",
        "番号",
        "事業名",
        "事業の概要",
        "関係市町",
        LATER_HEADER,
    ]
    # project 7: its four rows repeat strategy, measure, number and name; each its own towns
    assert [[sheet.cell(r, c).value for c in (1, 3, 4, 6)] for r in range(10, 14)] == [
        ["1 圏域全体の経済成長のけん引", "7", "広域観光連携", "全市町"],
        ["1 圏域全体の経済成長のけん引", "7", "広域観光連携", "全市町"],
        ["1 圏域全体の経済成長のけん引", "7", "広域観光連携", "全市町"],
        ["1 圏域全体の経済成長のけん引", "7", "広域観光連携", "宇部市、美祢市、山陽小野田市"],
    ]
    assert sheet.merged_cells.ranges and {str(r) for r in sheet.merged_cells.ranges} == {"A3:F3"}
    assert (sheet["A3"].value, sheet["G3"].value) == (LATER_TITLE, LATER_LABEL)
    assert (sheet.max_row, sheet["A23"].value) == (23, TAIL_NOTE)
    assert sheet.column_dimensions["G"].width == 90
    with zipfile.ZipFile(out) as package:
        assert b"&amp;L\xe8\xb3\x87\xe6\x96\x992&amp;C&amp;P / &amp;N" in package.read(
            "xl/worksheets/sheet1.xml"
        )
    assert FOOTER == "&L資料2&C&P / &N"


def test_the_layout_read_from_the_later_edition(later):
    layout = read(later).layout
    assert (layout.sheet, layout.header_row, layout.first_row, layout.width) == (
        LATER_SHEET,
        5,
        6,
        7,
    )
    assert layout.columns == {
        "strategy": 1,
        "measure": 2,
        "number": 3,
        "name": 4,
        "summary": 5,
        "municipalities": 6,
        "results": 7,
    }
    assert layout.spans == dict.fromkeys(
        ("strategy", "measure", "number", "name", "municipalities"), "repeated"
    )
    assert (layout.band, layout.policy, layout.number_as_text) == ([1, 1], [2, 2], True)
    assert (layout.breaks_each_strategy, layout.break_skip, layout.breaks) == (True, 0, [])
    assert layout.extras == [{"before": ["strategy", 3], "cells": []}]
    assert layout.tail == [{"offset": 2, "cells": [[1, TAIL_NOTE]]}]
    assert [(c.row, c.col, c.role) for c in layout.head if c.role != "header"] == [
        (1, 1, "note"),
        (3, 1, "title"),
        (3, 7, "label"),
        (4, 1, "note"),
        (5, 7, "results_header"),
    ]
    assert layout.print["header_footer"] == {"oddFooter": FOOTER}
    assert from_json(layout_json(layout)) == layout


def test_r2_layout_is_merged_with_a_band_and_breaks_before_each_strategy(r2_path):
    layout = read(r2_path).layout
    assert layout.spans == dict.fromkeys(
        ("strategy", "measure", "number", "name", "municipalities"), "merged"
    )
    assert (layout.band, layout.policy, layout.breaks_each_strategy) == ([1, 6], [2, 6], True)
    assert layout.head_merges == [[1, 1, 1, 5], [2, 1, 2, 2], [2, 3, 2, 4]]
    assert layout.print["title_rows"] == "2:2"


@pytest.mark.parametrize("merged, mode", [(True, "first"), (False, "repeated")])
def test_hierarchy_written_once_or_repeated_comes_back_the_same(tmp_path, merged, mode):
    """Built in code without merged ranges: cells written on the first row only (blank below)
    or on every row; either way the export is the source again."""
    source = build(
        tmp_path / "s.xlsx", Sheet(small_rows(), merged=merged, municipality_column=True)
    )
    overview = read(source)
    assert overview.layout.spans["strategy"] == mode
    assert differences(source, written(overview, tmp_path)) == []


def test_legend_on_its_own_row_comes_back_on_its_row(tmp_path):
    path = build(
        tmp_path / "lr.xlsx", Sheet(small_rows(), results_header="事業の実績", bands=False)
    )
    workbook = openpyxl.load_workbook(path)
    workbook.active.insert_rows(3)
    workbook.active["F3"] = "(●は実施済み、○は実施中、△は実施予定、■は中止)"
    workbook.save(path)
    overview = read(path)
    assert overview.layout.band is None
    assert differences(path, written(overview, tmp_path)) == []


@pytest.mark.parametrize("source", ["r2", "later"])
def test_reading_the_export_gives_the_same_table(r2_path, later, tmp_path, source):
    path = r2_path if source == "r2" else later
    first = read(path)
    again = read(written(first, tmp_path))
    assert to_json(again) == to_json(first)
    assert layout_json(again.layout) == layout_json(first.layout)


def band_rows(sheet) -> list[int]:
    bands = {"圏域全体の経済成長のけん引", "高次の都市機能の集積・強化"}
    bands |= {"圏域全体の生活関連機能サービスの向上", "新しい取組の帯"}
    return [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value in bands]


def test_after_edits_page_breaks_stay_before_each_strategy(later, tmp_path):
    overview = read(later)
    s1 = overview.strategies[0]
    s1.measures[1].projects.pop()  # 2 起業・創業支援 removed
    rows = s1.measures[2].projects[0].rows
    rows[0].activities.append(ActivityData("planned", "新しい項目\n"[:-1], "△"))
    extra = copy.deepcopy(overview.strategies[1])
    extra.number, extra.heading, extra.band = 4, "4 新しい取組", "新しい取組の帯"
    overview.strategies.append(extra)
    sheet = table_sheet(written(overview, tmp_path))
    bands = band_rows(sheet)
    assert len(bands) == 4
    # a break before each band but the first; before strategy 3 it stays above the blank row
    assert [b.id for b in sheet.row_breaks.brk] == [bands[1] - 1, bands[2] - 2, bands[3] - 1]
    assert all(sheet.cell(bands[2] - 1, c).value is None for c in range(1, 8))
    assert sheet.cell(bands[3] + 1, 1).value == "4 新しい取組"
    assert sheet.cell(sheet.max_row, 1).value == TAIL_NOTE
    assert sheet.cell(sheet.max_row - 1, 1).value is None


def test_a_table_without_a_layout_is_written_in_the_r2_form(tmp_path):
    overview = read(build(tmp_path / "s.xlsx", Sheet(small_rows(), municipality_column=True)))
    overview.layout = None
    sheet = table_sheet(written(overview, tmp_path))
    assert [sheet.cell(2, c).value for c in (1, 3, 5, 7)] == [
        "取組",
        "事業名",
        "事業の概要",
        "関係市町",
    ]
    assert (sheet["G1"].value, sheet.title) == ("資料1-2", "資料1-2")
    assert {"A1:F1", "A2:B2", "C2:D2", "A3:G3"} <= {str(r) for r in sheet.merged_cells.ranges}
    setup = print_setup(sheet)
    assert (setup["footer"], setup["print_titles"], setup["freeze"]) == ("|&P / &N|", "$2:$2", "A3")
    assert setup["breaks"] == [band_rows(sheet)[1] - 1]
    assert sheet["G4"].value == "全市町"  # as written, not spelled out


def test_a_layout_without_the_column_gets_it_at_the_end():
    layout = default_layout()
    extended = layout.with_municipality_column()
    assert (extended.width, extended.columns["municipalities"], extended.band) == (7, 7, [1, 7])
    assert layout.width == 6 and "municipalities" not in layout.columns
    assert default_layout(municipality_column=True).head_merges[0] == [1, 1, 1, 6]


def test_an_unknown_layout_version_is_no_layout():
    assert from_json({"version": 99, "sheet": "x"}) is None
    assert from_json({}) is None
    assert from_json({"version": 1, "columns": {"strategy": 1}, "oops": 1}).columns == {
        "strategy": 1
    }


def test_print_view_rows_follow_the_layout(later):
    table = html_table(read(later))
    header = [c.text for c in table.head[0].cells]
    assert header[5:] == ["関係市町", LATER_HEADER]
    assert [row.page_break for row in table.body].count(True) == 2
    assert table.notes_above == [
        "※ 令和3年12月1日現在の見込みです。",
        "【注】関係市町の「全市町」は圏域の7市町すべてです。",
    ]
    assert table.notes_below == [TAIL_NOTE]
    assert table.widths == [14.0, 20.0, 5.0, 22.0, 30.0, 14.0, 90.0]


def test_r2_print_view_keeps_the_merged_cells(r2_path):
    table = html_table(read(r2_path))
    first = table.body[1].cells
    assert [(c.css, c.rowspan) for c in first[:4]] == [
        ("strategy", 15),
        ("measure", 1),
        ("number", 1),
        ("name", 1),
    ]
    assert [i for i, row in enumerate(table.body) if row.page_break] == [16, 23]


def test_empty_strategy_still_prints_a_row(tmp_path):
    overview = Overview(
        fiscal_year=2020, title="令和2年度", strategies=[StrategyData(1, "a", "1 a")]
    )
    sheet = table_sheet(written(overview, tmp_path))
    assert (sheet["A3"].value, sheet["A4"].value) == ("a", "1 a")
