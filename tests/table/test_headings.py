"""Headings as a family: band rows with or without numbers (half- or full-width digits, any
space, merged or not), hierarchy merged or repeated, results headers of the usual wordings with
the legend wherever it stands; and, when no header is found, a message that says why. Each
variant read and exported again cell for cell (workbook and print view)."""

import openpyxl
import pytest

from projects.table.files import WorkbookError
from projects.table.html import html_table
from projects.table.reader import read_overview
from projects.table.writer import write_overview
from tests.support.builders import MEMBERS, Sheet, build, small_rows
from tests.support.sheets import differences, table_sheet

LEGEND = "(●は実施済み、○は実施中、△は実施予定、■は中止)"
BANDS = {
    "no number": "{title}",
    "full-width number and space": "{wide}\u3000{title}",
    "number and full-width space": "{number}\u3000{title}",
    "number and space": "{number} {title}",
}
HIERARCHY = {
    "merged ranges": {"merged": True, "merge_ranges": True},
    "written once": {"merged": True},
    "repeated": {"merged": False},
}


def read(path):
    return read_overview(path, municipalities=MEMBERS)


def exported(overview, tmp_path):
    path = tmp_path / "out.xlsx"
    write_overview(overview, path)
    return path


def body_is_never_empty(overview) -> bool:
    """Every row of the print view's table shows something (a band, a cell or a merge)."""
    return all(any(c.text for c in row.cells) for row in html_table(overview).body)


@pytest.mark.parametrize("band", BANDS.values(), ids=BANDS.keys())
@pytest.mark.parametrize("band_merged", [True, False], ids=["band merged", "band alone"])
@pytest.mark.parametrize("hierarchy", HIERARCHY.values(), ids=HIERARCHY.keys())
def test_band_rows_of_every_form_read_and_export_cell_for_cell(
    tmp_path, band, band_merged, hierarchy
):
    sheet = Sheet(
        small_rows(),
        municipality_column=True,
        band_format=band,
        band_merged=band_merged,
        **hierarchy,
    )
    source = build(tmp_path / "source.xlsx", sheet)
    overview = read(source)
    assert [str(p) for p in overview.errors] == []
    assert [s.number for s in overview.strategies] == [1, 3]
    assert overview.strategies[0].band == band.format(
        number="1", wide="１", title="圏域全体の経済成長のけん引"
    )
    assert overview.layout.heading_rows is False
    assert overview.layout.band == ([1, 7] if band_merged else [1, 1])
    assert differences(source, exported(overview, tmp_path)) == []
    assert table_sheet(source).max_row == table_sheet(exported(overview, tmp_path)).max_row
    assert body_is_never_empty(overview)


def test_a_strategy_heading_on_its_own_row_stays_a_heading(tmp_path):
    """「1 取組名」 alone on a row with the strategy cell left empty below: the strategy's own
    heading row, not a band."""
    source = build(tmp_path / "h.xlsx", Sheet(small_rows(), bands=False))
    workbook = openpyxl.load_workbook(source)
    ws = workbook.active
    ws.insert_rows(3)
    ws["A3"] = "1 圏域全体の経済成長のけん引"
    ws["A4"] = None
    workbook.save(source)
    overview = read(source)
    assert [str(p) for p in overview.errors] == []
    assert overview.layout.heading_rows is True
    assert [s.heading for s in overview.strategies] == [
        "1 圏域全体の経済成長のけん引",
        "3 圏域全体の生活関連機能サービスの向上",
    ]


RESULTS_HEADERS = [
    f"事業の実績見込み\n{LEGEND}",
    f"事業の実績\n{LEGEND}",
    f"実績{LEGEND}",
    f"実施状況\n{LEGEND}",
    "取組状況（●は実施済み、○は実施中、△は実施予定、■は中止）",
    f"進捗状況\n{LEGEND}",
    f"令和5年度の実施状況\n{LEGEND}",
    f"{LEGEND}\n令和5年度の実施状況",
]


@pytest.mark.parametrize("header", RESULTS_HEADERS)
def test_results_headers_of_the_usual_wordings(tmp_path, header):
    source = build(tmp_path / "r.xlsx", Sheet(small_rows(), results_header=header))
    overview = read(source)
    assert [str(p) for p in overview.errors] == []
    assert overview.results_header == header
    assert overview.legend["cancelled"] == "中止"
    first = overview.strategies[0].measures[1].projects[0].rows[0].activities
    assert [a.status for a in first] == ["done", "cancelled"]
    assert differences(source, exported(overview, tmp_path)) == []


@pytest.mark.parametrize("where", ["row below, across", "beside the title", "header row"])
def test_the_legend_is_read_wherever_it_stands_in_the_header(tmp_path, where):
    source = build(tmp_path / "l.xlsx", Sheet(small_rows(), results_header="令和5年度の実施状況"))
    workbook = openpyxl.load_workbook(source)
    ws = workbook.active
    if where == "row below, across":
        ws.insert_rows(3)
        ws["A3"] = LEGEND
        ws.merge_cells("A3:F3")
    elif where == "beside the title":
        ws["D1"] = LEGEND
    else:
        ws["H2"] = LEGEND
    workbook.save(source)
    overview = read(source)
    assert [str(p) for p in overview.errors] == []
    assert [str(w) for w in overview.warnings if w.code == "no_legend"] == []
    assert overview.legend["cancelled"] == "中止"
    assert overview.results_header == "令和5年度の実施状況"
    assert differences(source, exported(overview, tmp_path)) == []


def refusal(path) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        read(path)
    return [str(p) for p in info.value.problems]


def test_a_missing_results_label_is_named_with_its_sheet_and_row(tmp_path):
    source = build(tmp_path / "m.xlsx", Sheet(small_rows(), results_header="備考"))
    assert refusal(source) == [
        "シート「資料1-2」: 表の見出し行が見つかりません。2 行目に見出し「取組」「事業名」"
        "「事業の概要」はありますが、「事業の実績」がありません (実績の列は 実績・実績見込み・"
        "実施状況・取組状況・進捗状況 のどれかを含む見出し)。見出し行に「取組」「事業名」"
        "「事業の概要」「事業の実績」の列をそろえてください。"
    ]


def test_the_sheet_closest_to_a_header_is_named(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "メモ"
    workbook.active["A1"] = "取組"
    table = workbook.create_sheet("R5")
    for col, label in enumerate(["取組", "施策", "番号", "事業名"], start=1):
        table.cell(4, col, label)
    workbook.save(tmp_path / "two.xlsx")
    assert refusal(tmp_path / "two.xlsx") == [
        "シート「R5」: 表の見出し行が見つかりません。4 行目に見出し「取組」「事業名」はありますが、"
        "「事業の概要」「事業の実績」がありません (実績の列は 実績・実績見込み・実施状況・"
        "取組状況・進捗状況 のどれかを含む見出し)。見出し行に「取組」「事業名」「事業の概要」"
        "「事業の実績」の列をそろえてください。"
    ]


def test_a_workbook_without_any_label_and_an_empty_one_are_told_apart(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "令和2年度 何かの表"
    workbook.active["A2"] = "項目"
    workbook.save(tmp_path / "labels.xlsx")
    assert refusal(tmp_path / "labels.xlsx") == [
        "表の見出し行が見つかりません。シート「Sheet」の最初の 40 行に見出し「取組」「事業名」"
        "「事業の概要」「事業の実績」のどれもありません。資料の表があるブックか確かめてください。"
    ]
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    assert refusal(tmp_path / "empty.xlsx") == [
        "ブックのシートがすべて空です。資料の表 (取組・事業名・事業の概要・事業の実績の見出し行と、"
        "その下の事業) があるブックを選んでください。"
    ]


def test_a_numbered_band_merged_across_with_the_strategy_cells_left_empty(tmp_path):
    """「１　取組名」 merged across the table, the strategy's own cells empty below it (the
    strategy written only in its band): still a band, and exported as it stood."""
    source = build(
        tmp_path / "b.xlsx",
        Sheet(small_rows(), band_format="{wide}\u3000{title}", band_merged=True),
    )
    workbook = openpyxl.load_workbook(source)
    ws = workbook.active
    for row in range(3, ws.max_row + 1):
        value = ws.cell(row, 1).value
        if isinstance(value, str) and value[0] in "13" and ws.cell(row, 2).value:
            ws.cell(row, 1).value = None
    workbook.save(source)
    overview = read(source)
    assert [str(p) for p in overview.errors] == []
    assert overview.layout.heading_rows is False and overview.layout.band == [1, 6]
    assert [s.number for s in overview.strategies] == [1, 3]
    assert overview.layout.spans["strategy"] == "none"
    out = exported(overview, tmp_path)
    assert differences(source, out) == []
    written = table_sheet(out)
    assert [written.cell(r, 1).value for r in range(3, written.max_row + 1)] == [
        "１\u3000圏域全体の経済成長のけん引",
        *[None] * 4,
        "３\u3000圏域全体の生活関連機能サービスの向上",
        *[None] * 5,
    ]
