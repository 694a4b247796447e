"""Every way of writing the table, each through the path its user takes, times every value that
follows from the text: the public search by kanji and by reading, the tags, the dated events,
the 【再掲】 link, the history, and the cached public pages.

Each write path changes one results line of project 28 (宇部市's) to NEW_TEXT, a line with a tag
and a date, then to the text of another line with 【再掲】."""

import io
import re

import pytest
from django.core.management import call_command

from projects.models import Activity, Change, Event
from tests.support.staff import activity_of, add_users, client_for, workbook_with
from tests.views.test_public_pages import listed_numbers

NEW_TEXT = "秋吉台カルスト台地の見学会【新規】(10/14)"
KANJI, READING, KATAKANA = "秋吉台", "あきよしだい", "かるすと"
UPLOAD = "/admin/projects/fiscalyear/upload/"


@pytest.fixture(autouse=True)
def page_tests_own_cache(own_cache):
    """The public pages of each test are cached in a namespace of its own."""


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def staff_save(users, activity, text, r2_path, tmp_path):
    client = client_for(users["ube"])
    data = {"status": activity.status, "text": text, "details": "\n".join(activity.details)}
    data["version"] = activity.version
    response = client.post(
        f"/staff/activities/{activity.pk}/", {f"a{activity.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def staff_add(users, activity, text, r2_path, tmp_path):
    """A new line on the same row (the old line stays)."""
    row = activity.row
    response = client_for(users["ube"]).post(
        f"/staff/rows/{row.pk}/activities/",
        {f"r{row.pk}-status": "planned", f"r{row.pk}-text": text, f"r{row.pk}-details": ""},
    )
    assert response.status_code == 302


def admin_save(users, activity, text, r2_path, tmp_path):
    response = client_for(users["jimukyoku"]).post(
        f"/admin/projects/activity/{activity.pk}/change/",
        {
            "status": activity.status,
            "text": text,
            "details": "\n".join(activity.details),
            "expected_version": str(activity.version),
        },
    )
    assert response.status_code == 302


def file_with(folder, activity, text) -> bytes:
    """The year as the secretariat exports it, with the activity's line changed."""
    path = folder / "current.xlsx"
    call_command("export_overview", "--year", "2020", "-o", str(path), stdout=io.StringIO())
    line = activity.marker_for_export() + activity.text
    return workbook_with(path, {line: activity.marker_for_export() + text})


def upload(users, activity, text, r2_path, tmp_path):
    client = client_for(users["jimukyoku"])
    content = io.BytesIO(file_with(tmp_path, activity, text))
    content.name = "r02.xlsx"
    preview = client.post(UPLOAD, {"file": content})
    html = client.get(preview["Location"]).content.decode()
    token = re.search(r'name="token" value="(\w+)"', html)[1]
    confirmed = client.post(preview["Location"], {"confirm": "確定して取り込む", "token": token})
    assert confirmed.status_code == 302


def command(users, activity, text, r2_path, tmp_path):
    path = tmp_path / "r02.xlsx"
    path.write_bytes(file_with(tmp_path, activity, text))
    call_command("import_overview", str(path), stdout=io.StringIO())


def undo(users, activity, text, r2_path, tmp_path):
    """An import that puts the old line back, undone from the years page: the new text returns."""
    command(users, activity, text, r2_path, tmp_path)
    changed = Activity.objects.get(pk=activity.pk)
    path = tmp_path / "back.xlsx"
    back = {changed.marker_for_export() + text: activity.marker_for_export() + activity.text}
    path.write_bytes(workbook_with(tmp_path / "r02.xlsx", back))
    call_command("import_overview", str(path), stdout=io.StringIO())
    version = changed.row.project.fiscal_year.import_versions.order_by("-imported_at").first()
    response = client_for(users["jimukyoku"]).post(
        f"/years/imports/{version.pk}/undo/", {"confirm": "yes"}
    )
    assert response.status_code == 302


PATHS = [staff_save, staff_add, admin_save, upload, command, undo]


def found(client, query: str) -> list:
    """The numbers of the projects the public search lists for ``query``."""
    return listed_numbers(client.get("/projects/", {"q": query}).content.decode())


def the_line(activity, text) -> Activity:
    return Activity.objects.get(row=activity.row, text=text)


@pytest.mark.parametrize("write", PATHS, ids=lambda f: f.__name__)
def test_every_write_path_derives_every_value(
    write, users, r2, r2_path, tmp_path, django_capture_on_commit_callbacks
):
    r2.published, r2.is_current = True, True
    r2.save()
    public = client_for(None)
    activity = activity_of(r2, 28)
    project_page = f"/projects/{activity.row.project_id}/"
    assert KANJI not in public.get(project_page).content.decode()  # now cached
    assert found(public, KANJI) == []
    history_before = Change.objects.count()

    with django_capture_on_commit_callbacks(execute=True):  # as the commit of a request
        write(users, activity, NEW_TEXT, r2_path, tmp_path)

    line = the_line(activity, NEW_TEXT)
    assert line.tags == "新規"
    assert [e.start_date.isoformat() for e in Event.objects.filter(activity=line)] == ["2020-10-14"]
    for query in (KANJI, READING, KATAKANA):
        assert found(public, query) == [28], query
    assert KANJI in public.get(project_page).content.decode()  # the cache followed
    assert Change.objects.count() > history_before

    # A line re-listed as another's: its first listing is found, and it counts once.
    first = activity_of(r2, 7)
    relisted = first.text + "【再掲】"
    with django_capture_on_commit_callbacks(execute=True):
        write(users, the_line(activity, NEW_TEXT), relisted, r2_path, tmp_path / "again")
    line = the_line(activity, relisted)
    assert (line.tags, line.original_id) == ("再掲", first.pk)
    dates = [e.start_date.isoformat() for e in Event.objects.filter(activity=line)]
    assert dates == ["2020-10-23"]  # the events follow the text: 10/14 is gone


@pytest.fixture(autouse=True)
def again_folder(tmp_path):
    (tmp_path / "again").mkdir()


def test_a_rolled_over_year_is_derived_like_an_import(users, r2):
    response = client_for(users["jimukyoku"]).post("/years/2020/rollover/", {"reset_status": "on"})
    assert response.status_code == 302
    line = Activity.objects.filter(
        row__project__fiscal_year__year=2021, text__contains="【再掲】"
    ).first()
    assert line.tags == "再掲" and line.original_id is not None
    project = (
        Activity.objects.filter(row__project__fiscal_year__year=2021, row__project__number=28)
        .first()
        .row.project
    )
    assert "じせだい" in project.search_text  # 次世代, read
    assert Change.objects.filter(source="rollover", field="rollover").exists()


def test_a_refused_write_writes_nothing(users, r2):
    """The change set checks before it writes: hagi may not touch 宇部市's line."""
    activity = activity_of(r2, 28)
    response = client_for(users["hagi"]).post(
        f"/staff/activities/{activity.pk}/",
        {
            f"a{activity.pk}-status": "done",
            f"a{activity.pk}-text": NEW_TEXT,
            f"a{activity.pk}-details": "",
            f"a{activity.pk}-version": "1",
        },
    )
    assert response.status_code == 403
    assert Activity.objects.get(pk=activity.pk).text == activity.text
    assert not Change.objects.filter(activity=activity).exists()
