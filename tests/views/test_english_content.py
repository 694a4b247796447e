"""English content: the secretariat's English names and summaries (admin, or a column of the
workbook) on the English site, marked 「日本語のみ」/“Japanese only” where missing, in the open
data and feeds, and found by the English site's search."""

import openpyxl
import pytest
from django.core.management import call_command

from projects.models import Project
from tests.support.sheets import differences
from tests.support.staff import client_for
from tests.views.test_search_quality import listed_numbers

TOURISM = "Wide-area tourism partnership"
SUMMARY = "Tourism between the cities of the area"


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def project_form(project, row, **changes) -> dict:
    return {
        "fiscal_year": project.fiscal_year_id,
        "measure": project.measure_id,
        "number": project.number,
        "name": project.name,
        "order": project.order,
        "municipalities": [m.pk for m in project.municipalities.all()],
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "1",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "rows-0-id": row.pk,
        "rows-0-project": project.pk,
        "rows-0-order": row.order,
        "rows-0-summary": row.summary,
        **changes,
    }


@pytest.mark.django_db
def test_the_secretariats_english_shows_on_the_english_site(
    client, site, demo_users, django_capture_on_commit_callbacks
):
    project = Project.objects.get(fiscal_year=site, number=7)
    row = project.rows.order_by("order").first()
    url = f"/projects/{project.pk}/"
    assert "(Japanese only)" in page(client, f"/en{url}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(demo_users["jimukyoku"]).post(
            f"/admin/projects/project/{project.pk}/change/",
            project_form(project, row, name_en=TOURISM, **{"rows-0-summary_en": SUMMARY}),
        )
    assert response.status_code == 302
    english = page(client, f"/en{url}")
    assert f'<span lang="ja"><span lang="en">{TOURISM}</span></span></h1>' in english
    assert f'<p class="summary" lang="ja"><span lang="en">{SUMMARY}</span></p>' in english
    assert f"<title>7 {TOURISM} (令和2年度)" not in english  # the title names it in English
    assert f"{TOURISM} (令和2年度)" in english
    # the other rows have no English summary: shown in Japanese, marked
    assert (
        "都市間ツーリズムの促進</span></p>" not in english
        and '<span class="ja-only" lang="en">(Japanese only)</span></p>' in english
    )
    japanese = page(client, url)
    assert TOURISM not in japanese and "広域観光連携" in japanese
    listed = page(client, "/en/projects/", q="partnership")
    assert listed_numbers(listed) == [7]
    assert f'<span lang="en"><mark>{TOURISM[:9]}' not in listed  # marked in the English name
    assert "<mark>partnership</mark>" in listed
    # 4 has no English name: its Japanese one, marked
    assert (
        '<span class="number">4</span> 産業人材の育成及び確保 '
        '<span class="ja-only" lang="en">(Japanese only)</span>'
    ) in page(client, "/en/projects/")


@pytest.mark.django_db
def test_english_names_in_the_open_data_and_the_feeds(client, site):
    project = Project.objects.get(fiscal_year=site, number=7)
    Project.objects.filter(pk=project.pk).update(name_en=TOURISM)
    document = client.get("/opendata/2020.json").json()
    projects = {
        p["number"]: p for s in document["strategies"] for m in s["measures"] for p in m["projects"]
    }
    assert projects[7]["name_en"] == TOURISM
    assert projects[4]["name_en"] is None  # Japanese only
    assert {m["slug"]: m["name_en"] for m in document["municipalities"]}["hagi"] == "Hagi"
    feed = page(client, f"/en/projects/{project.pk}/status.atom")
    assert f"7 {TOURISM}" in feed
    home = page(client, "/en/")
    assert '<a href="/en/municipalities/hagi/?year=2020" lang="en">Hagi</a>' in home
    assert ">萩市</a>" in page(client, "/")  # the Japanese site as it was
    town_feed = page(client, "/en/municipalities/hagi/status.atom")
    assert "Hagi" in town_feed.split("</title>")[0] and "萩市" not in town_feed


@pytest.mark.django_db
def test_the_charts_mark_names_written_in_japanese_only(client, site):
    home = page(client, "/en/")
    assert (
        'lang="ja">1 圏域全体の経済成長のけん引</a> '
        '<span class="ja-only" lang="en">(Japanese only)</span> <span class="muted">'
    ) in home
    assert (
        '<a href="/en/municipalities/hagi/?year=2020" lang="en">Hagi</a> <span class="muted">'
    ) in home  # written in English: no mark
    assert "(Japanese only)" not in page(client, "/").split("<main")[1]


def english_workbook(folder):
    """R2 with 事業名 (英語) and 概要 (英語) columns after the table, written for project 7's
    first row: (its path, the English name's column)."""
    book = openpyxl.load_workbook("fixtures/r02_renkei_jigyo_gaiyo.xlsx")
    sheet = book.worksheets[0]
    header = next(
        r for r in sheet.iter_rows() if any(str(c.value or "").startswith("事業名") for c in r)
    )
    english_col = sheet.max_column + 1
    sheet.cell(header[0].row, english_col, "事業名 (英語)")
    sheet.cell(header[0].row, english_col + 1, "概要 (英語)")
    for r in range(header[0].row + 1, sheet.max_row + 1):
        if any(c.value == "広域観光連携" for c in sheet[r]):
            sheet.cell(r, english_col, TOURISM)
            sheet.cell(r, english_col + 1, SUMMARY)
            break
    path = folder / "r02_english.xlsx"
    book.save(path)
    return path, english_col


@pytest.mark.django_db
def test_the_workbooks_english_column_is_read_when_present(r2, tmp_path):
    with_english, _ = english_workbook(tmp_path)
    call_command("import_overview", str(with_english), verbosity=0)
    project = Project.objects.get(fiscal_year=r2, number=7)
    assert project.name_en == TOURISM
    assert project.rows.order_by("order").first().summary_en == SUMMARY
    assert Project.objects.get(fiscal_year=r2, number=4).name_en == ""
    # a workbook without the column keeps the English written before
    call_command("import_overview", "fixtures/r02_renkei_jigyo_gaiyo.xlsx", verbosity=0)
    assert Project.objects.get(pk=project.pk).name_en == TOURISM


@pytest.mark.django_db
def test_the_workbooks_english_columns_come_back_in_the_export(r2, tmp_path):
    """A workbook with 事業名 (英語) and 概要 (英語) columns, imported and exported by the
    command, gives back the same cells, the English columns included."""
    source, english_col = english_workbook(tmp_path)
    call_command("import_overview", str(source), verbosity=0)
    written = tmp_path / "exported.xlsx"
    call_command("export_overview", "--year", "2020", "-o", str(written), verbosity=0)
    exported = openpyxl.load_workbook(written).worksheets[0]
    english = [
        exported.cell(row, col).value
        for row in range(1, exported.max_row + 1)
        for col in (english_col, english_col + 1)
        if exported.cell(row, col).value
    ]
    assert english == ["事業名 (英語)", "概要 (英語)", TOURISM, SUMMARY]
    assert differences(source, written) == []
