"""Hostile input answers 400 (or is ignored), never a server error: every public parameter and
admin filter that parses a number or a date, fuzzed with huge, negative, non-ASCII and
overflowing values; control characters in multipart bodies as in urlencoded ones."""

import io

import pytest

from projects.models import Activity, Change, FiscalYear, PendingUpload, Project
from tests.support.html import page_text
from tests.support.staff import activity_of, add_users, client_for

VALUES = [
    "99999999999999999999999999",
    "99999999",
    "-1",
    "0",
    "１２",  # full-width digits
    "٣",  # Arabic-Indic three
    "²",
    "2020-13-45",
    "abc",
    "",
]
PUBLIC = [
    "/?year={v}",
    "/projects/?year={v}",
    "/projects/?page={v}",
    "/projects/?strategy={v}",
    "/projects/?measure={v}",
    "/projects/?status={v}&municipality={v}&tag={v}",
    "/calendar/?municipality={v}",
    "/years/compare/?a={v}&b=2020",
    "/years/compare.csv?a=2020&b={v}",
    "/sitemap.xml?p={v}",
    "/municipalities/{v}/",
]
ALLOWED = {200, 301, 302, 400, 404}


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


@pytest.mark.parametrize("pattern", PUBLIC)
def test_public_parameters(client, r2_published, pattern):
    for value in VALUES:
        response = client.get(pattern.format(v=value))
        assert response.status_code in ALLOWED, (pattern, value, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/projects/{v}/",
        "/print/{v}/",
        "/opendata/{v}.json",
        "/calendar/{v}.ics",
        "/print/{v}.pdf",
        "/projects/{v}/calendar.ics",
        "/projects/{v}/status.atom",
        "/kpi/{v}/1/",
        "/opendata/kpi-{v}.csv",
        "/staff/activities/{v}/delete/",
        "/admin/projects/activity/{v}/change/",
        "/admin/projects/project/{v}/change/",
        "/admin/projects/fiscalyear/upload/{v}/",
        "/admin/projects/fiscalyear/{v}/export/",
    ],
)
def test_numbers_in_paths(users, r2_published, path):
    client = client_for(users["jimukyoku"])
    for value in ("99999999999999999999999999", "9223372036854775808", "2147483648", "0"):
        response = client.get(path.format(v=value))
        assert response.status_code in ALLOWED, (path, value, response.status_code)


def test_the_calendar_of_a_year_not_published_is_not_found(client, r2_published):
    assert client.get("/calendar/2020.ics").status_code == 200
    for year in ("1999", "99999999999999999999999999"):
        response = client.get(f"/calendar/{year}.ics")
        assert response.status_code == 404, year
        assert "この年度は公開されていません。" in page_text(response.content.decode())


ADMIN = [
    "/admin/projects/change/?changed_at__year={v}",
    "/admin/projects/change/?changed_at__year=2020&changed_at__month={v}",
    "/admin/projects/change/?changed_at__year=2020&changed_at__month=1&changed_at__day={v}",
    "/admin/projects/change/?fiscal_year__id__exact={v}",
    "/admin/projects/activity/?row__project__fiscal_year__id__exact={v}",
    "/admin/projects/activity/?strategy={v}&measure={v}",
    "/admin/projects/activity/?row__project__municipalities__id__exact={v}",
    "/admin/projects/activity/?p={v}",
    "/admin/projects/activity/?o={v}",
    "/admin/projects/activity/export/?strategy={v}",
    "/admin/projects/project/?fiscal_year__id__exact={v}&municipalities__id__exact={v}",
    "/admin/projects/project/?q={v}",
    "/admin/projects/fiscalyear/?q={v}",
    "/admin/projects/fiscalyear/?published__exact={v}",
    "/admin/projects/measure/?strategy={v}",
    "/admin/autocomplete/?app_label=projects&model_name=project&field_name=previous&term={v}&page={v}",
]


@pytest.mark.parametrize("pattern", ADMIN)
def test_admin_filters(users, r2, pattern):
    client = client_for(users["jimukyoku"])
    for value in VALUES:
        response = client.get(pattern.format(v=value))
        assert response.status_code in ALLOWED, (pattern, value, response.status_code)


def test_a_huge_date_hierarchy_year_is_a_400_with_a_message(users, r2):
    response = client_for(users["jimukyoku"]).get(
        "/admin/projects/change/?changed_at__year=99999999"
    )
    assert response.status_code == 400
    assert response.content.decode() == (
        "日付の絞り込み (changed_at__year=99999999) が正しくありません。一覧から選び直してください。"
    )


def test_staff_page_parameters(users, r2):
    client = client_for(users["jimukyoku"])
    for value in VALUES:
        for query in ("saved", "deleted", "municipality", "page", "strategy", "project"):
            response = client.get(f"/staff/?{query}={value}")
            assert response.status_code in ALLOWED, (query, value, response.status_code)
        response = client.post(
            f"/staff/activities/{activity_of(r2, 28).pk}/delete/", {"version": value}
        )
        assert response.status_code in {200, 302, 409}, (value, response.status_code)


def test_a_huge_version_in_a_staff_form_is_no_server_error(users, r2):
    activity = activity_of(r2, 28)
    prefix = f"a{activity.pk}"
    response = client_for(users["ube"]).post(
        f"/staff/activities/{activity.pk}/",
        {
            f"{prefix}-status": "done",
            f"{prefix}-text": activity.text,
            f"{prefix}-details": "",
            f"{prefix}-version": "99999999999999999999",
        },
    )
    assert response.status_code in {400, 409}
    assert Activity.objects.get(pk=activity.pk).status == activity.status


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_multipart_fields_are_refused(users, r2, character):
    activity = activity_of(r2, 28)
    prefix = f"a{activity.pk}"
    response = client_for(users["ube"]).post(  # the test client posts multipart
        f"/staff/activities/{activity.pk}/",
        {
            f"{prefix}-status": "done",
            f"{prefix}-text": f"内容{character}",
            f"{prefix}-details": "",
            f"{prefix}-version": str(activity.version),
        },
    )
    assert response.status_code == 400  # the form says at the field where the character is
    code = f"U+{ord(character):04X}"
    named = f"NUL ({code})" if character == "\x00" else f"制御文字 {code}"
    assert f"{named} は使えません (3 文字目)。" in page_text(response.content.decode())
    assert Activity.objects.get(pk=activity.pk).text == activity.text
    assert not Change.objects.filter(activity=activity, source="portal").exists()


def test_control_characters_in_the_upload_are_refused(users, r2, r2_path):
    client = client_for(users["jimukyoku"])
    upload = io.BytesIO(r2_path.read_bytes())
    upload.name = "r02\x00.xlsx"  # Django drops what is not printable from file names
    response = client.post("/admin/projects/fiscalyear/upload/", {"file": upload})
    assert response.status_code == 302
    assert PendingUpload.objects.get().filename == "r02.xlsx"
    upload = io.BytesIO(r2_path.read_bytes())
    upload.name = "r02.xlsx"
    response = client.post(
        "/admin/projects/fiscalyear/upload/", {"file": upload, "year": "20\x0020"}
    )
    assert response.status_code == 400
    assert "欄「year」" in response.content.decode()
    assert FiscalYear.objects.count() == 1 and Project.objects.filter(fiscal_year=r2).count() == 29


def test_a_content_length_that_is_no_number_is_no_server_error(users, r2):
    client = client_for(users["jimukyoku"])
    response = client.post("/admin/projects/fiscalyear/upload/", {}, CONTENT_LENGTH="abc")
    assert response.status_code in {200, 400}  # read as no body: the form again
