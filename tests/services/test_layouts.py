"""An edition's form kept with its year: import, export, round trips through the database,
edits, the next year's draft and the table as of a date, for R2 and a later edition."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model

from projects.models import FiscalYear, Project, StaffProfile
from projects.reports.tables import overview_as_of, overview_from_db
from projects.services import editing
from projects.services.imports import import_overview, read_workbook
from projects.services.years import roll_over
from projects.table.formats import render, to_json
from projects.table.layout import from_json
from tests.support.editions import LATER_SHEET, build_later_edition
from tests.support.history import imported_on
from tests.support.opendata import without_ids
from tests.support.sheets import differences, print_setup, table_sheet

pytestmark = pytest.mark.django_db

SEVEN = ["山口市", "宇部市", "萩市", "防府市", "美祢市", "山陽小野田市", "津和野町"]


@pytest.fixture
def later_path(tmp_path):
    return build_later_edition(tmp_path / "later.xlsx")


def imported(path) -> FiscalYear:
    result = import_overview(read_workbook(path))
    return FiscalYear.objects.get(year=result.fiscal_year)


def exported(fiscal_year, path, overview=None):
    path.write_bytes(render(overview or overview_from_db(fiscal_year), "xlsx"))
    return path


@pytest.fixture(params=["r2", "later"])
def source(request, r2_path, later_path):
    return r2_path if request.param == "r2" else later_path


def test_the_export_of_an_imported_workbook_is_that_workbook(source, tmp_path):
    fiscal_year = imported(source)
    assert fiscal_year.layout["version"] == 1
    assert differences(source, exported(fiscal_year, tmp_path / "out.xlsx")) == []


def test_importing_the_export_gives_the_same_table(source, tmp_path):
    fiscal_year = imported(source)
    before = without_ids(to_json(overview_from_db(fiscal_year)))
    layout = fiscal_year.layout
    out = exported(fiscal_year, tmp_path / "out.xlsx")
    FiscalYear.objects.all().delete()
    again = imported(out)
    assert without_ids(to_json(overview_from_db(again))) == before
    assert again.layout == layout


def test_rows_keep_their_own_municipalities_in_json_and_csv(later_path):
    fiscal_year = imported(later_path)
    assert fiscal_year.sheet_layout().sheet == LATER_SHEET
    overview = overview_from_db(fiscal_year)
    document = to_json(overview)
    project7 = document["strategies"][0]["measures"][2]["projects"][0]
    assert project7["municipalities"] == SEVEN
    assert [r["municipalities"] for r in project7["rows"]] == [
        SEVEN,
        SEVEN,
        SEVEN,
        ["宇部市", "美祢市", "山陽小野田市"],
    ]
    project2 = document["strategies"][0]["measures"][1]["projects"][0]
    assert project2["municipalities"] == ["山口市", "宇部市"]
    assert [r["municipalities"] for r in project2["rows"]] == [["山口市", "宇部市"], ["宇部市"]]
    rows = list(csv.reader(io.StringIO(render(overview, "csv").decode("utf-8-sig"))))
    by_text = {r[rows[0].index("内容")]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    as_written = {text: row["関係市町(記載)"] for text, row in by_text.items()}
    assert as_written["DMOの運営支援"] == "全市町"
    assert as_written["産業観光推進事業の推進"] == "宇部市、美祢市、山陽小野田市"
    assert as_written["交流会の実施"] == "宇部市"
    assert by_text["DMOの運営支援"]["関係市町"] == ";".join(SEVEN)
    assert by_text["産業観光推進事業の推進"]["関係市町コード"] == "352021;352136;352161"


def test_json_rows_follow_their_project_where_the_edition_has_no_column(r2):
    project = Project.objects.get(fiscal_year=r2, number=7)
    project.municipalities.set(project.fiscal_year.projects.none())
    document = to_json(overview_from_db(r2))
    project7 = document["strategies"][0]["measures"][3]["projects"][0]
    assert [r["municipalities"] for r in project7["rows"]] == [[], [], [], []]


def test_export_reads_rows_municipalities_in_one_more_query(
    r2, later_path, django_assert_num_queries
):
    # projects, their towns, rows, activities, the area (publisher), strategies, measures,
    # the year's towns; no row of R2 has a 関係市町 cell of its own
    with django_assert_num_queries(8):
        overview_from_db(r2)
    later = imported(later_path)
    with django_assert_num_queries(9):
        overview_from_db(later)


def test_after_edits_the_layout_adapts_and_breaks_stay_before_each_strategy(later_path, tmp_path):
    fiscal_year = imported(later_path)
    secretariat = get_user_model().objects.create_user("sec", password="x")
    StaffProfile.objects.create(user=secretariat, is_secretariat=True)
    Project.objects.get(fiscal_year=fiscal_year, number=2).delete()
    row = Project.objects.get(fiscal_year=fiscal_year, number=13).rows.get()
    editing.add_activity(
        user=secretariat, row=row, status="planned", text="救急医療の研修会(2/3)", details=[]
    )
    sheet = table_sheet(exported(fiscal_year, tmp_path / "out.xlsx"))
    bands = [
        r
        for r in range(6, sheet.max_row)
        if sheet.cell(r, 1).value
        and " " not in sheet.cell(r, 1).value
        and sheet.cell(r, 2).value is None
    ]
    assert [sheet.cell(r, 1).value for r in bands] == [
        "圏域全体の経済成長のけん引",
        "高次の都市機能の集積・強化",
        "圏域全体の生活関連機能サービスの向上",
    ]
    # the blank row before strategy 3 stays, below its page break
    assert print_setup(sheet)["breaks"] == [bands[1] - 1, bands[2] - 2]
    assert sheet.cell(bands[1] + 1, 7).value == (
        "○二次救急医療体制の確保に向けた運営支援\n△救急医療の研修会(2/3)"
    )
    assert "起業・創業支援" not in {sheet.cell(r, 4).value for r in range(1, sheet.max_row + 1)}


def test_the_next_years_draft_inherits_the_layout(later_path, tmp_path):
    fiscal_year = imported(later_path)
    result = roll_over(source=fiscal_year)
    draft = result.fiscal_year
    assert draft.layout == fiscal_year.layout
    sheet = table_sheet(exported(draft, tmp_path / "r4.xlsx"))
    setup = print_setup(sheet)
    assert (setup["sheet"], setup["paper"], setup["footer"]) == (LATER_SHEET, 12, "資料2|&P / &N|")
    assert sheet["A3"].value == "令和4年度連携事業概要及び実績"
    assert sheet["A1"].value == "※ 令和3年12月1日現在の見込みです。"
    assert len(setup["breaks"]) == 2


def test_r2s_draft_keeps_its_breaks_and_footer(r2, tmp_path):
    draft = roll_over(source=r2).fiscal_year
    setup = print_setup(table_sheet(exported(draft, tmp_path / "r3.xlsx")))
    assert (setup["breaks"], setup["footer"]) == ([18, 25], "|&P / &N|")


def test_the_table_as_of_a_date_is_written_in_the_years_layout(later_path, tmp_path):
    fiscal_year = imported(later_path)
    overview = overview_as_of(imported_on(fiscal_year), datetime.date(2021, 12, 1))
    sheet = table_sheet(exported(fiscal_year, tmp_path / "asof.xlsx", overview))
    assert sheet["A3"].value == "令和3年度連携事業概要及び実績（令和3年12月1日現在）"
    assert sheet.title == LATER_SHEET and sheet["G3"].value == "資料2"


def test_a_year_imported_before_layouts_were_kept_is_written_in_the_r2_form(r2, tmp_path):
    FiscalYear.objects.filter(pk=r2.pk).update(layout={})
    r2.refresh_from_db()
    assert from_json(r2.layout) is None
    sheet = table_sheet(exported(r2, tmp_path / "old.xlsx"))
    assert print_setup(sheet)["breaks"] == [18, 25]
    assert sheet["A1"].value == "令和2年度連携事業概要及び実績見込み"
