"""Values derived when the table is written: the search text, each 【再掲】 line's first
listing, and the date the document states."""

from io import StringIO

import pytest
from django.core.management import call_command

from projects.models import Activity, FiscalYear, Project
from projects.services.derived import first_listings
from projects.services.imports import import_overview, read_workbook
from projects.table.reader import read_overview
from tests.support.builders import MEMBERS, Sheet, build, small_rows


def test_first_listings_in_table_order():
    activities = [
        (1, "広報誌での発信", ""),
        (2, "広報誌での発信【再掲】", "再掲"),
        (3, "見つからない項目【再掲】", "再掲"),
        (4, "広報誌での発信", ""),  # a second plain listing: the first one stays the original
    ]
    assert first_listings(activities) == {2: 1, 3: None}


@pytest.mark.django_db
def test_an_import_points_relisted_lines_at_their_first_listing(r2):
    relisted = Activity.objects.filter(row__project__fiscal_year=r2, tags__contains="再掲")
    assert relisted.count() == 6
    found = relisted.filter(original__isnull=False)
    assert found.count() == 3
    for a in found.select_related("original"):
        assert a.original.text == a.text.replace("【再掲】", "")
    # the other three count as themselves
    assert Activity.objects.for_year(r2).counted().count() == 89 - 3


@pytest.mark.django_db
def test_the_date_the_document_states_is_kept_with_its_year(db, tmp_path):
    sheet = Sheet(small_rows(), notes_above=["※令和3年1月31日現在"])
    overview = read_overview(build(tmp_path / "as-of.xlsx", sheet), municipalities=MEMBERS)
    assert str(overview.stated_date) == "2021-01-31"
    import_overview(read_workbook(tmp_path / "as-of.xlsx"))
    assert str(FiscalYear.objects.get(year=2020).stated_date) == "2021-01-31"


def test_rebuild_search_writes_every_years_search_texts_again(r2):
    project = Project.objects.get(fiscal_year=r2, number=26)
    Project.objects.filter(pk=project.pk).update(search_text="")  # made the old way, say
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    assert out.getvalue() == "2020年度: 検索用の文字列を 1 件更新しました\n"
    assert " ちいき " in Project.objects.get(pk=project.pk).search_text
