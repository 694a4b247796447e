"""Pages a cache can keep: no cookie for anonymous visitors, Cache-Control, an ETag from the
data's version, 304 on a conditional request without building or rendering anything."""

import gzip

import pytest
from django.test import Client

from projects import cache as public_cache
from projects.models import Activity, Project
from tests.support.staff import client_for, save_on_staff_page

PAGES = ["/", "/projects/", "/projects/?q=ＩＣＴ", "/municipalities/ube/", "/calendar/"]
FILES = ["/opendata/2020.json", "/calendar.ics", "/feeds/status.atom", "/opendata/schema.json"]


@pytest.fixture
def site(r2_published):
    return r2_published  # its own cache namespace: tests/views/conftest.py


@pytest.mark.django_db
def test_anonymous_pages_set_no_cookie_and_say_they_may_be_kept(site):
    client = Client()
    for url in [*PAGES, f"/projects/{Project.objects.get(number=7).pk}/", "/en/", *FILES]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert response["Cache-Control"] == "public, max-age=300", url
        assert response["ETag"].startswith('W/"'), url
        assert "Cookie" in response["Vary"] and "Accept-Encoding" in response["Vary"], url
    assert "csrfmiddlewaretoken" not in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_pages_are_gzipped_once_for_clients_that_accept_it(site):
    client = Client()
    plain = client.get("/projects/").content
    zipped = client.get("/projects/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain
    assert len(zipped.content) < len(plain) / 4


@pytest.mark.django_db
def test_a_conditional_request_is_answered_304_without_rendering(
    site, monkeypatch, settings, django_assert_num_queries
):
    # the version stamp, nothing else: a query with the database cache, none with Redis
    stamp_queries = 1 if "DatabaseCache" in settings.CACHES["default"]["BACKEND"] else 0
    client = Client()
    for url in [*PAGES, *FILES]:
        etag = client.get(url)["ETag"]

        def never(*args, **kwargs):
            raise AssertionError("rendered for a conditional request")

        with monkeypatch.context() as m:
            m.setattr("projects.views.page_cache.render_to_string", never)
            m.setattr("projects.cache.get_or_build", never)
            with django_assert_num_queries(stamp_queries):
                response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, url
        assert response.content == b""
        assert response["ETag"] == etag
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


@pytest.mark.django_db
def test_a_change_gives_a_new_etag(site, django_capture_on_commit_callbacks):
    client = Client()
    before = client.get("/")["ETag"]
    activity = Activity.objects.filter(status="in_progress").first()
    with django_capture_on_commit_callbacks(execute=True):
        save_on_staff_page(activity, status="done")
    response = client.get("/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


@pytest.mark.django_db
def test_signed_in_visitors_get_private_pages_with_their_navigation(site, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "a@example.jp", "pw")
    client = client_for(user)
    response = client.get("/projects/")
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")
    assert "実績の更新</a>" in response.content.decode()
    assert "実績の更新</a>" not in Client().get("/projects/").content.decode()


@pytest.mark.django_db
def test_without_a_stamp_nothing_is_promised(site, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = Client().get("/")
    assert not response.has_header("ETag")
    assert public_cache.version() is None


def seconds_left(key: str) -> float:
    """How long the shared cache keeps ``key`` (inf: for ever)."""
    import datetime

    from django.core.cache import caches
    from django.db import connection
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    cache = caches["default"]
    if "DatabaseCache" not in type(cache).__name__:
        ttl = cache._cache.get_client(key).ttl(cache.make_key(key))
        return float("inf") if ttl < 0 else ttl
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(cache._table)
        cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s", [cache.make_key(key)])  # noqa: S608 - the cache's own table
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):
        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=datetime.UTC)
    return (expires - timezone.now()).total_seconds()


@pytest.mark.django_db
def test_years_asked_for_in_urls_but_not_published_leave_no_lasting_stamp(site):
    client = Client()
    for year in (1999, 3000):
        response = client.get(f"/opendata/{year}.json")
        assert response.status_code == 404
        assert 0 < seconds_left(public_cache.scope_key(year)) <= public_cache.TIMEOUT
    assert client.get("/opendata/2020.json").status_code == 200
    assert seconds_left(public_cache.scope_key(2020)) <= public_cache.TIMEOUT
