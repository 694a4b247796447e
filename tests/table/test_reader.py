"""The workbook reader, on workbooks built in code and on the real R2 workbook."""

import zipfile

import openpyxl
import pytest

from projects.table.files import WorkbookError
from projects.table.formats import to_json
from projects.table.members import without_names
from projects.table.reader import read_overview
from tests.support.builders import MEMBERS, Row, Sheet, build, small_rows


def read(source, **kwargs):
    return read_overview(source, municipalities=MEMBERS, **kwargs)


def messages(problems):
    return [str(p) for p in problems]


def test_reads_small_merged_workbook(tmp_path):
    ov = read(build(tmp_path / "a.xlsx", Sheet(small_rows())))
    assert ov.fiscal_year == 2020
    assert ov.document_label == "資料1-2"
    assert ov.legend == {
        "done": "実施済み",
        "in_progress": "実施中",
        "planned": "実施予定",
        "cancelled": "コロナの影響による中止",
    }
    assert [s.number for s in ov.strategies] == [1, 3]
    assert [(m.label, m.title, m.policy_field) for m in ov.measures()] == [
        ("ア", "経済戦略の策定及び推進", ""),
        ("イ", "戦略産業の育成", ""),
        ("ア", "地域医療・福祉", "(1) 生活機能の強化に係る政策分野"),
        ("ア", "地域公共交通", "(2) 結びつきやネットワークの強化に係る政策分野"),
    ]
    assert [(p.number, p.name, len(p.rows)) for p in ov.projects()] == [
        (1, "山口県中央連携都市圏域ビジョンの推進", 1),
        (2, "起業・創業支援", 2),
        (None, "MICE誘致に向けた検討", 1),
        (18, "地域医療提供体制の確保", 1),
        (19, "", 1),
        (26, "地域公共交通対策", 1),
    ]
    first = ov.projects()[0].rows[0].activities
    assert [(a.status, a.text) for a in first] == [
        ("planned", "ビジョン懇談会の開催(3月頃)"),
        ("in_progress", "幹事会の開催"),
    ]
    assert first[1].details == ["・第1回幹事会(5/22)、第2回幹事会(1/28)"]
    assert ov.projects()[0].municipalities is None  # no 関係市町 column


def test_merged_and_repeated_hierarchy_read_the_same(tmp_path):
    merged = read(build(tmp_path / "m.xlsx", Sheet(small_rows(), merged=True)))
    repeated = read(build(tmp_path / "r.xlsx", Sheet(small_rows(), merged=False)))
    assert to_json(merged) == to_json(repeated)


def test_later_edition_layout(tmp_path):
    """Title and header moved, notes above and on another sheet, hierarchy repeated, 関係市町,
    CRLF line breaks, full-width digits and 〜 ranges."""
    sheet = Sheet(
        small_rows(),
        title="令和3年度連携事業概要及び実績",
        label="資料2",
        merged=False,
        municipality_column=True,
        notes_above=["注: 速報値", ""],
        notes_sheet_first=True,
        newline="\r\n",
        results_header="事業の実績\r\n(●は実施済み、○は実施中、△は実施予定、■中止)",
    )
    ov = read(build(tmp_path / "later.xlsx", sheet))
    assert (ov.fiscal_year, ov.document_label, ov.sheet) == (2021, "資料2", "資料2")
    assert ov.legend["cancelled"] == "中止"
    assert ov.has_municipality_column
    projects = ov.projects()
    assert projects[0].municipalities == list(MEMBERS)
    assert projects[1].municipalities == ["山口市", "宇部市"]
    assert projects[3].municipalities == ["宇部市", "美祢市"]
    activity = projects[-1].rows[0].activities[0]
    assert activity.text == "交通系ICカードの導入促進【新規】(１０/２３〜１１/５)"
    events = activity.events(ov.fiscal_year)
    assert [(e.start.iso(), e.end.iso()) for e in events] == [("2021-10-23", "2021-11-05")]
    assert projects[0].rows[0].activities[1].details == ["・第1回幹事会(5/22)、第2回幹事会(1/28)"]
    assert ov.errors == []


@pytest.mark.parametrize(
    "title, year",
    [
        ("令和2年度連携事業概要", 2020),
        ("令和元年度連携事業概要", 2019),
        ("平成31年度連携事業概要", 2019),
        ("令和３年度 連携事業概要", 2021),
    ],
)
def test_fiscal_year_from_title(tmp_path, title, year):
    assert read(build(tmp_path / "t.xlsx", Sheet(small_rows(), title=title))).fiscal_year == year


def test_year_option_overrides_title(tmp_path):
    path = build(tmp_path / "t.xlsx", Sheet(small_rows(), title="連携事業概要"))
    assert read(path, year=2022).fiscal_year == 2022


def test_warnings_for_unmarked_line_and_number_only_row(tmp_path):
    ov = read(build(tmp_path / "w.xlsx", Sheet(small_rows())))
    assert messages(ov.warnings) == [
        "シート「資料1-2」 セル F7 事業「MICE誘致に向けた検討」: 1 行目に状況の記号がありません。"
        "記号なしで取り込みます: パンフレットの制作【新規】",
        "シート「資料1-2」 セル C11 事業「19」: 番号だけの行です (事業名・概要・実績がありません)。取り込んで残します。",
    ]
    unmarked = ov.projects()[2].rows[0].activities[0]
    assert (unmarked.status, unmarked.marker, unmarked.text, unmarked.tags) == (
        None,
        "",
        "パンフレットの制作【新規】",
        ["新規"],
    )


def test_every_error_reported_in_one_run(tmp_path):
    rows = small_rows()
    rows[0].results = "◎二重丸の行\n○普通の行"
    rows[1].number = "二"
    rows[4].results = "〇漢数字のゼロ"
    rows[6].municipalities = "下関市"
    ov = read(build(tmp_path / "e.xlsx", Sheet(rows, municipality_column=True)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル F4 事業「1 山口県中央連携都市圏域ビジョンの推進」: 1 行目の記号「◎」は凡例にありません: ◎二重丸の行",
        "シート「資料1-2」 セル C5: 事業番号「二」が数字ではありません。",
        "シート「資料1-2」 セル F10 事業「18 地域医療提供体制の確保」: 1 行目の記号「〇」は凡例にありません: 〇漢数字のゼロ",
        "シート「資料1-2」 セル G13 事業「26 地域公共交通対策」: 関係市町「下関市」は圏域の市町ではありません。",
    ]


def test_marker_the_legend_does_not_define(tmp_path):
    """A legend that leaves a status undefined is itself an error, and so is each line that
    uses the undefined marker."""
    header = "事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定)"
    ov = read(build(tmp_path / "l.xlsx", Sheet(small_rows(), results_header=header)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル F2: 凡例に「■」の定義がありません (● ○ △ ■ のそれぞれの意味を書いてください)。",
        "シート「資料1-2」 セル F5 事業「2 起業・創業支援」: 2 行目の記号「■」は凡例にありません: ■交流会の実施",
    ]


def test_missing_legend_is_a_warning_and_defaults_apply(tmp_path):
    ov = read(build(tmp_path / "n.xlsx", Sheet(small_rows(), results_header="事業の実績")))
    assert ov.errors == []
    assert messages(ov.warnings)[0] == (
        "シート「資料1-2」 セル F2: 実績欄の見出しに凡例 (●は実施済み…) がありません。既定の凡例で読みます。"
    )
    assert ov.projects()[1].rows[0].activities[1].status == "cancelled"


def test_no_fiscal_year_is_an_error(tmp_path):
    ov = read(build(tmp_path / "y.xlsx", Sheet(small_rows(), title="連携事業概要")))
    assert messages(ov.errors) == [
        "シート「資料1-2」: 表題から年度 (例: 令和2年度) を読み取れません。"
    ]


def test_empty_table_is_an_error(tmp_path):
    ov = read(build(tmp_path / "empty.xlsx", Sheet([])))
    assert messages(ov.errors) == ["シート「資料1-2」: 表に事業が 1 件もありません。"]


def test_no_header_is_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "令和2年度 何かの表"
    wb.active["A2"] = "項目"
    wb.save(tmp_path / "h.xlsx")
    with pytest.raises(WorkbookError) as info:
        read(tmp_path / "h.xlsx")
    assert messages(info.value.problems) == [
        "表の見出し行が見つかりません。シート「Sheet」の最初の 40 行に見出し「取組」「事業名」"
        "「事業の概要」「事業の実績」のどれもありません。資料の表があるブックか確かめてください。"
    ]


def test_not_an_xlsx_is_refused(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("取組,事業名\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        read(path)
    assert messages(info.value.problems) == [
        f"Excel ブック (.xlsx) ではありません: {path.name}。中身はテキスト (CSV など) で、名前だけが"
        " .xlsx になっています。名前を変えただけでは Excel ブックになりません。Excel で開き、"
        "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"
    ]


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(WorkbookError) as info:
        read(path)
    assert info.value.problems[0].code == "not_xlsx"


def test_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types")
        z.writestr("xl/workbook.xml", "not xml at all")
    with pytest.raises(WorkbookError) as info:
        read(path)
    assert info.value.problems[0].code == "damaged"
    assert messages(info.value.problems) == [
        "ブックが壊れているため読めません: broken.xlsx。Excel で開けるか確かめ、保存し直してください。"
    ]


def test_oversized_file_is_refused(r2_path):
    with pytest.raises(WorkbookError) as info:
        read(r2_path, max_bytes=1000)
    assert str(info.value.problems[0]).startswith("ファイルが大きすぎます (")
    assert "(0.012 MB、上限 0.001 MB)" in str(info.value.problems[0])


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(WorkbookError) as info:
        read(path, max_uncompressed=10 * 1024 * 1024)
    assert info.value.problems[0].code == "too_large_uncompressed"


def test_progress_is_reported(tmp_path):
    calls = []
    read(
        build(tmp_path / "p.xlsx", Sheet(small_rows())), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0


def test_line_without_marker_from_r2(r2_path):
    ov = read(r2_path)
    unmarked = [a for a in ov.activities() if a.status is None]
    assert [a.text for a in unmarked] == ["MICE誘致用ユニークベニュー版パンフレットの制作【新規】"]
    assert [a.cell for a in unmarked] == ["F16"]


def test_rows_split_on_any_line_break(tmp_path):
    rows = small_rows()
    rows[0].results = "△一つ目\r○二つ目\r\n・詳細\n●三つ目"
    ov = read(build(tmp_path / "nl.xlsx", Sheet(rows)))
    acts = ov.projects()[0].rows[0].activities
    assert [(a.status, a.text, a.details) for a in acts] == [
        ("planned", "一つ目", []),
        ("in_progress", "二つ目", ["・詳細"]),
        ("done", "三つ目", []),
    ]


def test_duplicate_measure_is_an_error(tmp_path):
    rows = small_rows()
    rows.insert(3, Row(rows[0].strategy, "ア 経済戦略の策定及び推進", 9, "別の事業", "", "○何か"))
    ov = read(build(tmp_path / "d.xlsx", Sheet(rows)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル B7: 施策「ア」が同じ取組・政策分野の中で重複しています。",
        "シート「資料1-2」 セル B8: 施策「イ」が同じ取組・政策分野の中で重複しています。",
    ]


def test_legend_on_its_own_row_under_the_header(tmp_path):
    path = build(
        tmp_path / "lr.xlsx", Sheet(small_rows(), results_header="事業の実績", bands=False)
    )
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_rows(3)
    ws["F3"] = "(●は実施済み、○は実施中、△は実施予定)"
    wb.save(path)
    ov = read(path)
    assert ov.legend == {"done": "実施済み", "in_progress": "実施中", "planned": "実施予定"}
    assert ov.results_header == "事業の実績\n(●は実施済み、○は実施中、△は実施予定)"
    assert ov.warnings[0].code == "unmarked"
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル F3: 凡例に「■」の定義がありません (● ○ △ ■ のそれぞれの意味を書いてください)。",
        "シート「資料1-2」 セル F5 事業「2 起業・創業支援」: 2 行目の記号「■」は凡例にありません: ■交流会の実施",
    ]


def test_title_prefers_the_text_about_projects(tmp_path):
    sheet = Sheet(
        small_rows(),
        notes_above=["令和3年度第2回幹事会"],
        title="令和2年度連携事業概要及び実績見込み",
    )
    ov = read(build(tmp_path / "tt.xlsx", sheet))
    assert (ov.title, ov.fiscal_year) == ("令和2年度連携事業概要及び実績見込み", 2020)


@pytest.mark.parametrize(
    "labels",
    [
        ("取組", "事業名", "事業の概要", "事業の実績"),
        ("取組み", "事業名称", "事業概要", "実績"),
    ],
)
def test_header_labels_vary(tmp_path, labels):
    path = build(tmp_path / "hl.xlsx", Sheet(small_rows()))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for cell, label in zip(("A2", "C2", "E2"), labels[:3], strict=True):
        ws[cell] = label
    ws["F2"] = labels[3] + "\n(●は実施済み、○は実施中、△は実施予定、■中止)"
    wb.save(path)
    ov = read(path)
    assert len(ov.projects()) == 6 and ov.errors == []


def test_era_year_zero_is_no_fiscal_year(tmp_path):
    ov = read(build(tmp_path / "z.xlsx", Sheet(small_rows(), title="令和0年度連携事業概要")))
    assert [p.code for p in ov.errors] == ["no_year"]


@pytest.mark.parametrize("number", ["❶", "⓵"])
def test_a_project_number_in_dingbat_digits_is_reported_with_its_cell(tmp_path, number):
    rows = small_rows()
    rows[1].number = number
    ov = read(build(tmp_path / "n.xlsx", Sheet(rows)))
    assert messages(ov.errors) == [
        f"シート「資料1-2」 セル C5: 事業番号「{number}」が数字ではありません。"
    ]


def two_town_rows():
    """Project 2 with two rows: one for 山口市 alone, one for 「全市町」; project 1 merged."""
    rows = small_rows()
    rows[1].municipalities = "山口市"
    rows[2].municipalities = "全市町"
    return rows


def test_each_row_keeps_its_own_municipalities_as_written(tmp_path):
    ov = read(build(tmp_path / "r.xlsx", Sheet(two_town_rows(), municipality_column=True)))
    project = ov.projects()[1]
    assert [(r.municipalities_text, r.municipalities) for r in project.rows] == [
        ("山口市", ["山口市"]),
        ("全市町", list(MEMBERS)),
    ]
    assert project.municipalities == list(MEMBERS)  # the union of its rows


def test_an_empty_cell_under_a_row_of_the_same_project_continues_it(tmp_path):
    """A merged 関係市町 cell reads empty below its first row."""
    rows = two_town_rows()
    rows[2].municipalities = ""
    ov = read(build(tmp_path / "m.xlsx", Sheet(rows, municipality_column=True)))
    assert [r.municipalities_text for r in ov.projects()[1].rows] == ["山口市", "山口市"]
    assert ov.projects()[2].rows[0].municipalities_text == "萩市"


def test_the_words_for_every_member_are_the_areas(tmp_path):
    rows = small_rows()
    rows[0].municipalities = "圏域市町"
    path = build(tmp_path / "w.xlsx", Sheet(rows, municipality_column=True))
    assert messages(read(path).errors) == [
        "シート「資料1-2」 セル G4 事業「1 山口県中央連携都市圏域ビジョンの推進」:"
        " 関係市町「圏域市町」は圏域の市町ではありません。"
    ]
    ov = read_overview(path, municipalities=MEMBERS, all_words=("圏域市町",))
    assert ov.errors == [] and ov.projects()[0].municipalities == list(MEMBERS)


def test_a_name_outside_the_area_is_an_error_with_its_cell(tmp_path):
    rows = small_rows()
    rows[1].municipalities = "宇部市、北九州市"
    ov = read(build(tmp_path / "k.xlsx", Sheet(rows, municipality_column=True)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル G5 事業「2 起業・創業支援」: 関係市町「北九州市」は圏域の市町ではありません。"
    ]


def test_a_retired_member_is_one_only_of_the_years_that_name_it(tmp_path):
    """萩市 retired, its data in 令和2年度: that year's cells still mean it, a later year's not."""
    retired = {"萩市": {2020}}
    rows = small_rows()
    path = build(tmp_path / "r2.xlsx", Sheet(rows, municipality_column=True))
    ov = read_overview(path, municipalities=MEMBERS, retired=retired)
    assert ov.errors == []
    assert ov.projects()[0].municipalities == list(MEMBERS)  # 全市町
    assert ov.projects()[2].municipalities == ["萩市"]

    later = build(
        tmp_path / "r3.xlsx",
        Sheet(rows, municipality_column=True, title="令和3年度連携事業概要及び実績見込み"),
    )
    ov = read_overview(later, municipalities=MEMBERS, retired=retired)
    assert ov.projects()[0].municipalities == [m for m in MEMBERS if m != "萩市"]
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル G7 事業「MICE誘致に向けた検討」:"
        " 関係市町「萩市」は新しい年度に含めない市町です (令和3年度のデータにはありません)。"
    ]
    assert [p.code for p in ov.errors] == ["retired_municipality"]


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("萩市、宇部市", "宇部市"),
        ("宇部市・萩市・美祢市", "宇部市・美祢市"),
        ("萩市", ""),
        ("全市町", "全市町"),
    ],
)
def test_a_retired_members_name_leaves_a_cell_as_written(text, left):
    assert without_names(text, {"萩市"}) == left


def test_legend_in_the_other_word_order_is_read_as_written(tmp_path):
    header = "事業の実績\n（実施済みは●、実施中は○、実施予定は△、中止は■）"
    ov = read(build(tmp_path / "o.xlsx", Sheet(small_rows(), results_header=header)))
    assert ov.legend == {
        "done": "実施済み",
        "in_progress": "実施中",
        "planned": "実施予定",
        "cancelled": "中止",
    }
    assert ov.results_header == header
    assert [w.code for w in ov.warnings] == ["unmarked", "number_only"]
    assert ov.errors == []


def test_a_marker_defined_twice_is_a_located_error(tmp_path):
    header = "事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■中止、■延期)"
    ov = read(build(tmp_path / "d.xlsx", Sheet(small_rows(), results_header=header)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル F2: 凡例で「■」が 2 回定義されています (「■中止」と「■延期」)。"
    ]
    assert ov.legend["cancelled"] == "中止"
