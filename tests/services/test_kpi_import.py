"""Importing the 成果指標 sheet: the usual sheet and another area's variant, each imported and
exported cell for cell; bad cells refused with their sheet and cell, nothing written; identity
carried across re-imports."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from projects.models import Indicator, IndicatorChange, IndicatorValue, KpiEdition
from projects.reports.kpi.export import workbook_bytes
from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets

R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"
OTHER_R2_TITLE = "令和2年度 連携中枢都市圏ビジョン 重要業績評価指標（KPI）の達成状況"


def load(data: bytes):
    return import_kpi(sheet=read_kpi_file(io.BytesIO(data)), filename="kpi.xlsx")


def cells(data: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return {
        (c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None
    }


def test_the_usual_sheet_is_read_into_indicators(r2):
    result = load(kpi_sheets.usual(title=R2_TITLE))
    assert [str(e) for e in result.errors] == []
    assert (result.created, result.updated, result.removed) == (5, 0, 0)
    visitors, startups, migration, shipments, waiting = Indicator.objects.order_by("order")
    assert (visitors.strategy.number, visitors.unit, visitors.direction) == (1, "万人", "up")
    assert (visitors.baseline, visitors.baseline_period) == (Decimal(1520), "2018年")
    assert (visitors.target, visitors.target_year) == (Decimal(1600), 2024)
    assert [m.name for m in visitors.municipalities.all()] == ["山口市", "宇部市"]
    assert (startups.strategy.number, startups.cumulative, startups.unit) == (1, True, "件")
    assert (startups.baseline_period, startups.target_words) == ("2019年度", "策定時より上昇")
    assert startups.municipalities.count() == 7
    assert (migration.baseline, migration.target, migration.direction) == (-899, 0, "up")
    assert migration.values.get(year=2020).value == -121
    assert migration.values.get(year=2020).survey_period == ""
    assert migration.values.get(year=2022).survey_period == "R4年10月∼R5年9月"
    assert shipments.baseline == Decimal("9140000000000")
    assert [v.state for v in shipments.values.all()] == ["value", "none", "pending", "none", "none"]
    assert (waiting.direction, waiting.strategy.number) == ("down", 3)
    edition = KpiEdition.objects.get()
    assert edition.get_legend().symbols() == "◎○△×"


def test_the_usual_sheet_comes_back_cell_for_cell(r2):
    source = kpi_sheets.usual(title=R2_TITLE)
    load(source)
    exported = workbook_bytes(KpiEdition.objects.get())
    assert cells(exported) == cells(source)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    assert sheet.title == "成果指標"
    assert [str(m) for m in sheet.merged_cells.ranges] == ["A1:M1"]


def test_another_areas_variant_comes_back_cell_for_cell(r2):
    source = kpi_sheets.other(title=OTHER_R2_TITLE)
    result = load(source)
    assert [str(e) for e in result.errors] == []
    jobs, spending, library = Indicator.objects.order_by("order")
    assert (jobs.measure.label, jobs.measure.strategy.number, jobs.strategy) == ("ア", 1, None)
    assert spending.measure == jobs.measure  # the merged 基本目標 and 施策 cells
    assert [p.number for p in jobs.projects.order_by("number")] == [1, 2]
    assert (jobs.cumulative, jobs.unit, spending.baseline) == (True, "人", Decimal("410.5"))
    assert library.measure.strategy.number == 3
    assert KpiEdition.objects.get().get_legend().for_score(Decimal("86")) == "A"
    exported = workbook_bytes(KpiEdition.objects.get())
    assert cells(exported) == cells(source)
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).worksheets[0]
    assert sorted(str(m) for m in sheet.merged_cells.ranges) == ["A5:A6", "B5:B6"]
    assert isinstance(sheet["F6"].value, float) and isinstance(sheet["H5"].value, int)


def bad_rows():
    rows = [list(r) for r in kpi_sheets.ROWS]
    rows[0][5] = "1,1888"  # a thousands separator in the wrong place
    rows[1][11] = "◯"  # U+25EF, not the legend's ○
    rows[2][0] = "安心な暮らし"
    rows[3][12] = "宇部市、下関市"
    rows[4][10] = "R5年13月"
    rows[4][9] = "できるだけ"
    return rows


def test_bad_cells_are_refused_with_their_cells_and_nothing_is_written(r2):
    result = load(kpi_sheets.usual(bad_rows(), title=R2_TITLE))
    assert [str(e) for e in result.errors] == [
        "シート「成果指標」 セル F4: 2021年度の値「1,1888」を読めません (数、(集計中)、―、- のいずれかです)。",
        "シート「成果指標」 セル L5: 評価「◯」は凡例 (◎○△×) にない記号です。",
        "シート「成果指標」 セル M7: 担当市町「下関市」は圏域の市町ではありません。",
        "シート「成果指標」 セル J8: 目標値「できるだけ」は数でも向き (策定時より上昇・減少・維持) でもありません。",
        "シート「成果指標」 セル K8: 調査時点「R5年13月」を読めません (例: R3年1月～12月、R4年度)。",
        "シート「成果指標」 セル A6: 分野「安心な暮らし」は資料の取組にありません。",
    ]
    assert not KpiEdition.objects.exists() and not Indicator.objects.exists()


def test_a_sheet_without_a_legend_cannot_carry_evaluations(r2):
    result = load(kpi_sheets.usual(title=R2_TITLE, legend=""))
    assert [str(e) for e in result.errors][0] == (
        "シート「成果指標」 セル L4: 評価「△」がありますが、凡例 (例: 凡例：◎目標達成 ○概ね順調) が見つかりません。"
    )


def test_a_year_without_its_table_is_refused(r2):
    result = load(kpi_sheets.usual())
    assert [str(e) for e in result.errors] == [
        "シート「成果指標」: 令和4年度の資料 (事業の表) がまだありません。先に資料を取り込んでください。"
    ]


def test_a_reimport_updates_the_same_indicators_and_records_what_changed(r2):
    load(kpi_sheets.usual(title=R2_TITLE))
    ids = list(Indicator.objects.order_by("order").values_list("pk", flat=True))
    rows = [list(r) for r in kpi_sheets.ROWS]
    rows[0][6] = "1,250"
    rows[0][11] = "○"
    result = load(kpi_sheets.usual(rows, title=R2_TITLE))
    assert (result.created, result.updated, result.removed) == (0, 5, 0)
    assert list(Indicator.objects.order_by("order").values_list("pk", flat=True)) == ids
    changes = IndicatorChange.objects.order_by("field")
    assert [(c.field, c.year, c.old_value, c.new_value, c.source) for c in changes] == [
        ("evaluation", None, "△", "○", "import"),
        ("value", 2022, "(集計中)", "1,250", "import"),
    ]
    assert IndicatorValue.objects.get(indicator_id=ids[0], year=2022).value == 1250


def test_the_commands_import_and_export(r2, tmp_path):
    source = tmp_path / "kpi.xlsx"
    source.write_bytes(kpi_sheets.usual(title=R2_TITLE))
    out = io.StringIO()
    call_command("import_kpi", str(source), stdout=out)
    assert out.getvalue() == "令和2年度の成果指標を取り込みました: 新規 5、更新 0、削除 0\n"
    target = tmp_path / "out.xlsx"
    call_command("export_kpi", "--year", "2020", "-o", str(target), stdout=io.StringIO())
    assert cells(target.read_bytes()) == cells(source.read_bytes())


def test_the_import_command_lists_every_error(r2, tmp_path):
    source = tmp_path / "kpi.xlsx"
    source.write_bytes(kpi_sheets.usual(bad_rows()[:1], title=R2_TITLE))
    from django.core.management import CommandError

    with pytest.raises(CommandError) as raised:
        call_command("import_kpi", str(source), stdout=io.StringIO())
    assert str(raised.value) == (
        "取り込みませんでした (1 件の誤り):\n"
        "シート「成果指標」 セル F4: 2021年度の値「1,1888」を読めません (数、(集計中)、―、- のいずれかです)。"
    )


def test_an_indicator_keeps_its_identity_from_year_to_year(r2):
    from projects.services.years import roll_over

    load(kpi_sheets.usual(title=R2_TITLE))
    roll_over(source=r2)
    rows = [list(r) for r in kpi_sheets.ROWS]
    rows[0][1] = "6"  # renumbered: still the same indicator by its name
    rows[4][2] = "保育所等待機児童数（人）"  # renamed and its number kept: a new indicator
    result = load(kpi_sheets.usual(rows, title="【参考】成果指標評価・検証一覧（令和3年度）"))
    assert [str(e) for e in result.errors] == []
    r3 = {i.name: i for i in Indicator.objects.filter(edition__fiscal_year__year=2021)}
    r2_ids = {i.name: i.pk for i in Indicator.objects.filter(edition__fiscal_year__year=2020)}
    assert r3["圏域内観光入込客数（万人）"].previous_id == r2_ids["圏域内観光入込客数（万人）"]
    assert r3["社会増減（人）"].previous_id == r2_ids["社会増減（人）"]
    assert r3["保育所等待機児童数（人）"].previous is None
    assert r3["社会増減（人）"].strategy.fiscal_year.year == 2021


def test_indicators_after_a_gap_and_a_sub_heading_are_read_and_written_back_in_place(r2):
    source = kpi_sheets.usual(title=R2_TITLE, gap_after=2)
    result = load(source)
    assert [str(e) for e in result.errors] == []
    assert result.created == 5  # none lost after the sub-heading
    assert cells(workbook_bytes(KpiEdition.objects.get())) == cells(source)
    sheet = openpyxl.load_workbook(io.BytesIO(source)).worksheets[0]
    assert (
        sheet["A7"].value == "（以下、令和3年度に追加した指標）"
        and sheet["C8"].value == "社会増減（人）"
    )


def test_the_baseline_period_may_stand_in_the_header(r2):
    header = list(kpi_sheets.HEADER)
    header[3] = "策定時\n（H30）"
    rows = [list(r) for r in kpi_sheets.ROWS]
    for row in rows:
        row[3] = kv_split(row[3])
    result = load(kpi_sheets.usual(rows, title=R2_TITLE, header=header))
    assert [str(e) for e in result.errors] == []
    assert {i.baseline_period for i in Indicator.objects.all()} == {"2018年"}


def kv_split(text: str) -> str:
    from projects.table.kpi.values import split_period

    return split_period(text)[0]
