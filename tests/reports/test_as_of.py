"""The table as of a date tells the truth: it refuses days before the history, brings back
activities deleted since and projects' former names."""

import datetime
import io
import subprocess
import sys

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from projects.models import ChangeSource, FiscalYear, Project
from projects.reports.tables import AsOfRefused, overview_as_of
from projects.services import editing, years
from projects.services.changes import ChangeSet
from projects.services.imports import import_overview, read_workbook
from tests.conftest import ROOT
from tests.support.history import imported_on
from tests.support.staff import activity_of, client_for

APRIL = datetime.datetime(2020, 4, 1, 9, tzinfo=datetime.UTC)
DAY = datetime.date(2021, 1, 31)


@pytest.fixture
def dated(demo_users, r2):
    """R2 as if imported on 1 April 2020 (everything edited later is edited now; load_demo's
    publishing, today, is dropped with the import's records)."""
    return imported_on(r2, APRIL)


def lines(overview, number):
    project = next(p for p in overview.projects() if p.number == number)
    return [a.line for row in project.rows for a in row.activities]


def test_a_day_before_the_history_is_refused_with_the_first_day(demo_users, r2):
    rolled = years.roll_over(source=r2, user=demo_users["jimukyoku"]).fiscal_year
    today = datetime.date.today().isoformat()
    message = (
        f"2022-01-31 時点の資料は作れません。令和3年度の記録は {today} から始まり、"
        f"それより前の内容は分かりません。{today} 以降の日付を指定してください。"
    )
    with pytest.raises(AsOfRefused) as refused:
        overview_as_of(rolled, datetime.date(2022, 1, 31))
    assert str(refused.value) == message
    with pytest.raises(CommandError) as failed:
        call_command("export_overview", "--year", "2021", "--as-of", "2022-01-31")
    assert str(failed.value) == message
    client = client_for(demo_users["jimukyoku"])
    response = client.get("/years/2021/export/", {"as_of": "2022-01-31"}, follow=True)
    assert response.redirect_chain == [("/years/", 302)]
    assert f"出力する時点: {message}" in response.content.decode()
    assert overview_as_of(rolled, datetime.date.today()).projects()  # from its first day on
    empty = FiscalYear.objects.create(year=2030)
    with pytest.raises(AsOfRefused, match="令和12年度にはまだ事業がないため、資料を作れません。"):
        overview_as_of(empty, datetime.date(2031, 1, 31))


@pytest.mark.django_db
def test_a_malformed_date_is_one_line_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "export_overview", "--year", "2020", "--as-of", "2022-13-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "CommandError: --as-of は YYYY-MM-DD の形式で指定してください: 2022-13-01"
    ]


def test_an_activity_deleted_since_comes_back_at_its_place(dated, demo_users):
    gone = activity_of(dated, 1, 1)
    before = lines(overview_as_of(dated, DAY), 1)
    editing.update_activity(
        user=demo_users["yamaguchi"],
        activity=gone,
        status="done",
        text=gone.text + "（済）",
        details=gone.details,
        expected_version=gone.version,
    )
    gone.refresh_from_db()
    editing.remove_activity(user=demo_users["yamaguchi"], activity=gone)
    assert lines(overview_as_of(dated, DAY), 1) == before
    assert before[1] == "△山口県中央連携都市圏域推進協議会の開催(2/4)"
    today = lines(overview_as_of(dated, datetime.date.today()), 1)
    assert "△山口県中央連携都市圏域推進協議会の開催(2/4)" not in today


def test_a_renamed_project_carries_its_former_name(dated, demo_users, r2_path):
    project = Project.objects.get(fiscal_year=dated, number=2)
    workbook = openpyxl.load_workbook(r2_path)
    workbook.active["D5"] = "起業・創業・事業承継支援"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "renamed.xlsx"
    import_overview(read_workbook(buffer), user=demo_users["jimukyoku"], filename="renamed.xlsx")
    project.refresh_from_db()
    assert project.name == "起業・創業・事業承継支援"
    labels = [p.label for p in overview_as_of(dated, DAY).projects()]
    assert "2 起業・創業支援" in labels and "2 起業・創業・事業承継支援" not in labels
    # A rename in the admin (name and number recorded each on its own) reads back too.
    changes = ChangeSet(user=demo_users["jimukyoku"], source=ChangeSource.ADMIN)
    project.name, project.number = "創業支援", 32
    changes.save_project(project, write=project.save)  # as the admin's project form does
    changes.commit()
    labels = [p.label for p in overview_as_of(dated, DAY).projects()]
    assert "2 起業・創業支援" in labels and "32 創業支援" not in labels
    assert "32 創業支援" in [
        p.label for p in overview_as_of(dated, datetime.date.today()).projects()
    ]
