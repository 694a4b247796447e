"""Malformed input on the staff and public pages: a clear answer, never a server error."""

import pytest
from builders import Sheet, build, small_rows
from staff_helpers import client_for

from projects.models import Activity
from projects.spreadsheets import read_overview


@pytest.fixture
def hagi(demo_users):
    return client_for(demo_users["hagi"], raise_request_exception=True)


def hagi_activity(fiscal_year):
    return Activity.objects.filter(
        row__project__fiscal_year=fiscal_year, row__project__municipalities__code="hagi"
    ).first()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "１２", "٣"])
def test_staff_page_ignores_a_saved_value_that_is_not_ascii_digits(hagi, r2, value):
    response = hagi.get("/staff/", {"saved": value})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "１２", "٣"])
def test_delete_with_a_garbled_version_is_a_conflict_not_an_error(hagi, r2, value):
    activity = hagi_activity(r2)
    response = hagi.post(f"/staff/activities/{activity.pk}/delete/", {"version": value})
    assert response.status_code == 409
    assert Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["strategy", "measure"])
def test_project_list_ignores_a_number_filter_that_is_not_ascii_digits(client, r2_published, name):
    response = client.get("/projects/", {name: "²"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_export_as_of_an_extreme_date_is_refused_or_exported(demo_users, r2, day):
    client = client_for(demo_users["jimukyoku"], raise_request_exception=True)
    response = client.get(f"/years/{r2.year}/export/", {"as_of": day})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["activity", "project", "measure"])
@pytest.mark.parametrize("name", ["strategy", "measure"])
@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999999"])
def test_admin_list_filter_with_a_garbled_id_is_not_a_server_error(
    demo_users, r2, model, name, value
):
    client = client_for(demo_users["jimukyoku"], raise_request_exception=True)
    response = client.get(f"/admin/projects/{model}/", {name: value})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("number", ["❶", "⓵"])
def test_a_project_number_in_dingbat_digits_is_reported_with_its_cell(tmp_path, number):
    rows = small_rows()
    rows[1].number = number
    ov = read_overview(build(tmp_path / "n.xlsx", Sheet(rows)))
    assert [p.message for p in ov.errors] == [f"事業番号「{number}」が数字ではありません。"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"year": "2020"}, {"strategy": "abc"}, {"measure": "²"}],
)
def test_activity_export_with_a_filter_it_cannot_apply_goes_back_to_the_list(demo_users, r2, query):
    client = client_for(demo_users["hagi"], raise_request_exception=True)
    response = client.get("/admin/projects/activity/export/", query)
    assert response.status_code == 302
    assert response["Location"] == "/admin/projects/activity/"


@pytest.mark.django_db
def test_a_status_saved_on_the_staff_page_shows_on_the_public_page(
    client, r2_published, demo_users, django_capture_on_commit_callbacks
):
    activity = Activity.objects.filter(
        row__project__fiscal_year=r2_published,
        row__project__municipalities__code="hagi",
        status="in_progress",
    ).first()
    project = activity.row.project
    assert "status-in_progress" in client.get(f"/projects/{project.pk}/").content.decode()
    staff = client_for(demo_users["hagi"])
    prefix = f"a{activity.pk}-"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/activities/{activity.pk}/",
            {
                prefix + "status": "done",
                prefix + "text": activity.text,
                prefix + "details": "\n".join(activity.details),
                prefix + "version": activity.version,
            },
        )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "done"
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'<li id="activity-{activity.pk}">\n      <span class="status status-done">' in page
