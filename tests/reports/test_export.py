"""One export: the round's snapshot, the download buttons, the open data, the admin's and
``export_overview`` give the same file of the same year, in the edition's layout; every CSV
has the BOM and lists each row's own 関係市町."""

import csv
import datetime
import io

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.models import FiscalYear, Municipality, Round
from projects.services.imports import import_overview, read_workbook
from tests.admin.test_admin_pages import admin_export
from tests.support.editions import LATER_SHEET, build_later_edition
from tests.support.history import imported_on
from tests.support.sheets import print_setup, table_sheet
from tests.support.staff import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_cache")]

BOM = b"\xef\xbb\xbf"
SITE = "http://testserver"


@pytest.fixture
def users(demo_users):
    return demo_users


@pytest.fixture
def later(tmp_path, users):
    """The later edition (2021) imported and published: its own sheet, columns and pages."""
    import_overview(read_workbook(build_later_edition(tmp_path / "later.xlsx")))
    year = FiscalYear.objects.get(year=2021)
    year.published = True
    year.save()
    return year


def command(year: int, fmt: str, tmp_path, *options) -> bytes:
    path = tmp_path / f"command.{fmt}"
    call_command("export_overview", "--year", str(year), "--format", fmt, "-o", str(path), *options)
    return path.read_bytes()


def cells(data: bytes) -> tuple[list[list], set[str], dict]:
    """Every cell's value (the whole used range), the merged ranges and the print set-up."""
    path = io.BytesIO(data)
    sheet = table_sheet(path)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    return values, {str(r) for r in sheet.merged_cells.ranges}, print_setup(sheet)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def close_a_round(client, fiscal_year) -> Round:
    """The secretariat opens a round for the year and closes it, on the round pages."""
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    client.post(
        "/staff/rounds/new/",
        {
            "fiscal_year": fiscal_year.pk,
            "title": "実績照会",
            "deadline": deadline.isoformat(),
            "message": "",
            "municipalities": [m.pk for m in Municipality.objects.active()],
        },
    )
    round_ = Round.objects.get(fiscal_year=fiscal_year)
    response = client.post(f"/staff/rounds/{round_.pk}/close/", {"confirm": "yes"})
    assert response.status_code == 302
    return round_


def test_the_round_snapshot_of_a_later_edition_is_the_export_of_that_year(
    users, later, tmp_path, pdf_renderer
):
    secretariat = client_for(users["jimukyoku"])
    round_ = close_a_round(secretariat, later)
    snapshot = round_.snapshots.get()
    link = f"/staff/rounds/{round_.pk}/snapshots/{snapshot.pk}"
    saved = secretariat.get(f"{link}.xlsx").content
    exported = command(2021, "xlsx", tmp_path)
    values, merges, setup = cells(saved)
    assert setup["sheet"] == LATER_SHEET  # the edition's layout, not R2's
    assert (values, merges, setup) == cells(exported)
    assert saved == exported
    saved_pdf = secretariat.get(f"{link}.pdf").content
    assert pdf_pages(saved_pdf) == pdf_pages(command(2021, "pdf", tmp_path))
    # the edition's footer (資料2, 「1 / N」) and a page for each strategy
    assert [page.splitlines()[-1] for page in pdf_pages(saved_pdf)] == [
        "資料2 1 / 3",
        "資料2 2 / 3",
        "資料2 3 / 3",
    ]


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_download_buttons_and_the_command_give_the_same_files(users, later, year, tmp_path):
    fiscal_year = FiscalYear.objects.get(year=year)
    fiscal_year.published = True
    fiscal_year.save()
    secretariat = client_for(users["jimukyoku"])
    xlsx = command(year, "xlsx", tmp_path)
    downloads = {
        "staff": secretariat.get(f"/staff/export/overview.xlsx?year={year}"),
        "admin": secretariat.get(f"/admin/projects/fiscalyear/{fiscal_year.pk}/export/"),
        "open data": client_for(None).get(f"/opendata/{year}.xlsx"),
    }
    for where, response in downloads.items():
        assert response.status_code == 200, where
        assert response.content == xlsx, where
    for fmt in ("csv", "json"):
        response = client_for(None).get(f"/opendata/{year}.{fmt}")
        assert response.content == command(year, fmt, tmp_path, "--base-url", SITE), fmt
    assert command(year, "csv", tmp_path).startswith(BOM)


def test_the_pdf_buttons_and_the_command_give_the_same_pages(users, later, tmp_path, pdf_renderer):
    secretariat = client_for(users["jimukyoku"])
    expected = pdf_pages(command(2021, "pdf", tmp_path))
    assert len(expected) == 3
    for response in (
        secretariat.get("/staff/export/overview.pdf?year=2021"),
        secretariat.get(f"/admin/projects/fiscalyear/{later.pk}/export.pdf"),
        client_for(None).get("/print/2021.pdf"),
    ):
        assert response.status_code == 200
        assert pdf_pages(response.content) == expected


def test_every_csv_has_the_bom_and_each_rows_own_towns(users, later):
    secretariat = client_for(users["jimukyoku"])
    admin_csv = admin_export(secretariat, "0")
    staff_csv = secretariat.get("/staff/export/activities.csv?year=2021")
    open_csv = client_for(None).get("/opendata/2021.csv")
    for response in (admin_csv, staff_csv, open_csv):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith(BOM)
    # 2 起業・創業支援 concerns 山口市 and 宇部市; its second row (交流会) 宇部市 alone.
    rows = csv.DictReader(io.StringIO(admin_csv.content.decode("utf-8-sig")))
    towns = {
        (r["行"], r["内容"]): r["関係市町"]
        for r in rows
        if (r["年度"], r["事業名"]) == ("2021", "起業・創業支援")
    }
    assert towns == {
        ("1", "創業セミナーの開催(11/12・13)【新規】"): "山口市、宇部市",
        ("1", "相談窓口の運営"): "山口市、宇部市",
        ("2", "交流会の実施"): "宇部市",
    }
    staff_rows = csv.DictReader(io.StringIO(staff_csv.content.decode("utf-8-sig")))
    assert {
        (r["行"], r["内容"]): r["関係市町"] for r in staff_rows if r["事業名"] == "起業・創業支援"
    } == towns
    open_rows = csv.DictReader(io.StringIO(open_csv.content.decode("utf-8-sig")))
    assert {
        (str(r["行"]), r["内容"]): r["関係市町"].replace(";", "、")
        for r in open_rows
        if r["事業名"] == "起業・創業支援"
    } == towns


def test_the_year_as_of_a_day_is_the_same_file_on_the_years_page_and_from_the_command(
    users, later, tmp_path
):
    imported_on(later)
    response = client_for(users["jimukyoku"]).get("/years/2021/export/?as_of=2021-12-01")
    assert response["Content-Disposition"] == (
        'attachment; filename="renkei-overview-2021-as-of-2021-12-01.xlsx"'
    )
    assert response.content == command(2021, "xlsx", tmp_path, "--as-of", "2021-12-01")
    assert table_sheet(io.BytesIO(response.content)).title == LATER_SHEET
