"""Public pages are cached, and any change shows on the next page view (in this process here;
across processes in test_public_production.py)."""

import uuid

import pytest

from projects import cache as public_cache
from projects.models import Activity, ChangeSource, Municipality, Project
from projects.services.changes import ChangeSet
from projects.services.imports import import_overview, read_workbook
from projects.services.years import unpublish
from tests.support.html import inner_html, text_of
from tests.support.staff import client_for, save_on_staff_page, secretariat_account


def detail(client, number) -> str:
    p = Project.objects.get(fiscal_year__year=2020, number=number)
    response = client.get(f"/projects/{p.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def status_shown(page: str, activity) -> str:
    """The status as the activity's line on the page shows it: 「○ 実施中」."""
    line = inner_html(page, f"activity-{activity.pk}")
    assert f'<span class="status status-{activity.status}">' in line
    return text_of(page, f"activity-{activity.pk}").split(activity.text[:5])[0].strip()


@pytest.mark.django_db
def test_a_status_change_shows_on_the_next_page_view(
    client, site, django_capture_on_commit_callbacks
):
    activity = (
        Activity.objects.filter(row__project__number=27, status="in_progress")
        .exclude(tags__contains="再掲")
        .first()
    )
    assert status_shown(detail(client, 27), activity) == "○ 実施中"

    # A write around the change set leaves the cached page as it was: the cache is in use.
    Activity.objects.filter(pk=activity.pk).update(status="planned")
    assert status_shown(detail(client, 27), activity) == "○ 実施中"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        activity = save_on_staff_page(activity, status="done")
    assert callbacks  # bumped after the commit, not before
    assert status_shown(detail(client, 27), activity) == "● 実施済み"
    home = client.get("/").content.decode()
    assert '<span class="count">5件</span>' in home  # 4 done before


@pytest.mark.django_db
def test_an_import_bumps_the_cache(client, site, r2_path, django_capture_on_commit_callbacks):
    activity = Activity.objects.get(row__project__number=28, status="done")
    assert status_shown(detail(client, 28), activity) == "● 実施済み"
    overview = read_workbook(r2_path)
    project = next(p for p in overview.projects() if p.number == 28)
    data = next(a for a in project.activities() if a.text == activity.text)
    data.status, data.marker = "cancelled", "■"
    with django_capture_on_commit_callbacks(execute=True):
        import_overview(overview)
    activity.refresh_from_db()
    assert status_shown(detail(client, 28), activity) == "■ コロナの影響による中止"


@pytest.mark.django_db
def test_unpublishing_and_municipalities_bump_the_cache(
    client, site, django_capture_on_commit_callbacks
):
    hagi = Municipality.objects.get(slug="hagi")
    assert "次世代の人材育成" not in client.get("/municipalities/hagi/").content.decode()
    row = Project.objects.get(fiscal_year=site, number=28).rows.first()
    with django_capture_on_commit_callbacks(execute=True):  # the row's 関係市町 in the admin
        changes = ChangeSet(user=secretariat_account(), source=ChangeSource.ADMIN)
        row.municipalities_text = "宇部市、萩市"
        changes.save_rows(row.project, write=lambda: [row.save() or row])
        changes.commit()
    assert hagi in row.project.municipalities.all()
    assert "次世代の人材育成" in client.get("/municipalities/hagi/").content.decode()

    assert client.get("/opendata/2020.json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        unpublish(fiscal_year=site, user=secretariat_account())
    assert client.get("/opendata/2020.json").status_code == 404
    assert client.get("/?year=2020").status_code == 404
    assert "このポータルは公開の準備中です。" in client.get("/").content.decode()


@pytest.mark.django_db
def test_pages_are_cached_per_language(client, site):
    assert (
        '<h1>事業一覧 (<span lang="ja">令和2年度</span>)</h1>'
        in client.get("/projects/").content.decode()
    )
    text = client.get("/en/projects/").content.decode()
    assert '<h1>Projects (<span lang="ja">令和2年度</span>)</h1>' in text
    assert (
        '<h1>事業一覧 (<span lang="ja">令和2年度</span>)</h1>'
        in client.get("/projects/").content.decode()
    )


def test_entries_of_an_older_stamp_are_rebuilt_and_a_lost_stamp_is_replaced(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"stamp-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import cache

    builds = []

    def build():
        builds.append(1)
        return f"value {len(builds)}"

    assert public_cache.get_or_build(("page", "/"), build) == "value 1"
    assert public_cache.get_or_build(("page", "/"), build) == "value 1"
    first = public_cache.version()
    public_cache.bump()
    assert public_cache.version() == first + 1
    assert public_cache.get_or_build(("page", "/"), build) == "value 2"

    cache.delete(public_cache.VERSION_KEY)  # evicted: a newer stamp, never an old one again
    assert public_cache.get_or_build(("page", "/"), build) == "value 3"
    assert public_cache.version() > first + 1
    cache.delete(public_cache.VERSION_KEY)
    public_cache.bump()  # bumping a missing stamp creates a fresh one
    assert public_cache.version() > first + 1
    assert public_cache.get_or_build(("page", "/"), build) == "value 4"


@pytest.mark.django_db
def test_a_status_saved_on_the_staff_page_shows_on_the_public_page(
    client, r2_published, demo_users, django_capture_on_commit_callbacks
):
    activity = Activity.objects.filter(
        row__project__fiscal_year=r2_published,
        row__project__municipalities__slug="hagi",
        status="in_progress",
    ).first()
    project = activity.row.project
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert status_shown(page, activity) == "○ 実施中"
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
    assert status_shown(page, activity) == "● 実施済み"


@pytest.fixture
def two_years(site, django_capture_on_commit_callbacks):
    """R2 (current) and R3 rolled over from it, both published."""
    from projects.services.years import publish, roll_over

    with django_capture_on_commit_callbacks(execute=True):
        publish(fiscal_year=roll_over(source=site).fiscal_year, current=False)
    return site


def reads(client, url) -> int:
    """The queries a page view makes: 1 when the page is kept (the stamps), more when built."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_a_years_bump_renews_only_that_years_pages(
    client, two_years, django_capture_on_commit_callbacks
):
    project_2021 = Project.objects.get(fiscal_year__year=2021, number=29)
    pages = {
        2020: ["/projects/?year=2020", "/", "/municipalities/ube/", "/opendata/2020.json"],
        2021: ["/projects/?year=2021", f"/projects/{project_2021.pk}/", "/opendata/2021.json"],
    }
    every_year = ["/feeds/status.atom", "/calendar/?month=2020-11"]
    for url in pages[2020] + pages[2021] + every_year:
        reads(client, url)  # cached now
    kept = reads(client, pages[2020][0])  # the stamps' read: 1 query, or none with Redis
    assert kept <= 1
    with django_capture_on_commit_callbacks(execute=True):
        public_cache.bump_on_commit(years=[2021])
    assert [reads(client, url) for url in pages[2020]] == [kept] * 4  # kept
    assert [reads(client, url) > kept for url in pages[2021] + every_year] == [True] * 5
    assert reads(client, f"/projects/{project_2021.pk}/") == kept  # its year known: the stamps

    with django_capture_on_commit_callbacks(execute=True):
        public_cache.bump_on_commit(years=[2020])  # the current year: the pages without ?year=
    assert reads(client, "/") > kept and reads(client, "/projects/?year=2021") == kept

    with django_capture_on_commit_callbacks(execute=True):
        public_cache.bump_on_commit()  # every page
    assert reads(client, "/projects/?year=2021") > kept


@pytest.mark.django_db
def test_a_new_release_renders_its_pages_again(client, site, monkeypatch):
    """After a deploy (other code, templates or translations) the pages the previous release
    cached are not served, and browsers' ETags no longer match; the data stamps are unchanged."""
    reads(client, "/projects/")  # cached now
    kept = reads(client, "/projects/")
    etag = client.get("/projects/")["ETag"]
    monkeypatch.setattr(public_cache, "release", lambda: "the-next-release")
    assert reads(client, "/projects/") > kept  # rendered again
    response = client.get("/projects/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
