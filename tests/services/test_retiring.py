"""A retired municipality: kept in the years whose data names it, part of no new year."""

import json

import pytest

from projects.models import FiscalYear, Municipality, Project, ProjectRow
from projects.reports.public import municipality_list
from projects.reports.tables import overview_from_db
from projects.services.imports import ImportRefused, import_overview, read_workbook
from projects.services.years import roll_over
from projects.table.formats import render
from tests.support.builders import MEMBERS, Sheet, build, small_rows

ALL_BUT_HAGI = [m for m in MEMBERS if m != "萩市"]
R3_TITLE = "令和3年度連携事業概要及び実績見込み"


def names(municipalities) -> list[str]:
    return [m.name for m in municipalities]


def rows_with_hagi():
    """The small table; project 26 names 萩市 beside 防府市 (row 7 of the list)."""
    rows = small_rows()
    rows[6].municipalities = "萩市、防府市"
    return rows


@pytest.fixture
def r2_with_hagi(db, tmp_path):
    """令和2年度 imported with 萩市 in its 関係市町, then 萩市 retired."""
    path = build(tmp_path / "r2.xlsx", Sheet(rows_with_hagi(), municipality_column=True))
    import_overview(read_workbook(path))
    Municipality.objects.filter(slug="hagi").update(retired=True)
    return FiscalYear.objects.get(year=2020), path


def project(year: int, number) -> Project:
    if number is None:
        return Project.objects.get(fiscal_year__year=year, number=None)
    return Project.objects.get(fiscal_year__year=year, number=number)


def test_reimporting_a_year_that_names_it_keeps_it(r2_with_hagi):
    r2, path = r2_with_hagi
    result = import_overview(read_workbook(path))
    assert not result.changed
    assert names(project(2020, 1).municipalities.all()) == list(MEMBERS)  # 全市町
    assert names(municipality_list(r2)) == list(MEMBERS)


def test_all_words_in_a_new_year_mean_the_active_members(r2_with_hagi, tmp_path):
    rows = small_rows()
    rows[3].municipalities = "防府市"  # the 萩市 row moved on
    path = build(tmp_path / "r3.xlsx", Sheet(rows, municipality_column=True, title=R3_TITLE))
    import_overview(read_workbook(path))
    r3 = FiscalYear.objects.get(year=2021)
    assert names(project(2021, 1).municipalities.all()) == ALL_BUT_HAGI
    assert names(municipality_list(r3)) == ALL_BUT_HAGI
    assert names(municipality_list(r2_with_hagi[0])) == list(MEMBERS)


def test_naming_it_in_a_new_year_is_refused_with_its_cell(r2_with_hagi, tmp_path):
    path = build(
        tmp_path / "r3.xlsx", Sheet(small_rows(), municipality_column=True, title=R3_TITLE)
    )
    with pytest.raises(ImportRefused) as info:
        import_overview(read_workbook(path))
    assert [str(e) for e in info.value.result.errors] == [
        "シート「資料1-2」 セル G7 事業「MICE誘致に向けた検討」:"
        " 関係市町「萩市」は新しい年度に含めない市町です (令和3年度のデータにはありません)。"
    ]
    assert not FiscalYear.objects.filter(year=2021).exists()


def test_the_roll_over_leaves_it_out_of_the_new_year(r2_with_hagi):
    r2, _ = r2_with_hagi
    roll_over(source=r2)
    r3 = FiscalYear.objects.get(year=2021)
    assert names(project(2021, 1).municipalities.all()) == ALL_BUT_HAGI
    row = ProjectRow.objects.get(project=project(2021, 1))
    assert (row.municipalities_text, names(row.municipalities.all())) == ("全市町", ALL_BUT_HAGI)
    row26 = ProjectRow.objects.get(project=project(2021, 26))
    assert (row26.municipalities_text, names(row26.municipalities.all())) == ("防府市", ["防府市"])
    assert names(project(2021, 26).municipalities.all()) == ["防府市"]
    # A row for 萩市 alone keeps its cell for the secretariat to revise, and concerns no member.
    alone = ProjectRow.objects.get(project=project(2021, None))
    assert (alone.municipalities_text, names(alone.municipalities.all())) == ("萩市", [])
    assert not project(2021, None).municipalities.exists()
    hagi = Municipality.objects.get(slug="hagi")
    assert not ProjectRow.objects.filter(project__fiscal_year=r3).concerning(hagi).exists()
    assert names(municipality_list(r3)) == ALL_BUT_HAGI
    # The year it was in is untouched.
    assert names(project(2020, None).municipalities.all()) == ["萩市"]


def test_the_open_data_lists_the_members_of_the_year(r2_with_hagi):
    r2, _ = r2_with_hagi
    roll_over(source=r2)
    r3 = FiscalYear.objects.get(year=2021)
    for year, expected in ((r2, list(MEMBERS)), (r3, ALL_BUT_HAGI)):
        document = json.loads(render(overview_from_db(year), "json"))
        assert [m["name"] for m in document["municipalities"]] == expected
    assert document["municipalities"][0] == {
        "name": "山口市",
        "name_en": "Yamaguchi",
        "reading": "やまぐちし",
        "code": "352039",
        "slug": "yamaguchi",
        "url": "/municipalities/yamaguchi/",
    }
