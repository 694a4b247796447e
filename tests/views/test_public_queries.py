"""Every public page runs a fixed number of queries: the same for R2 as for ten times its projects.

Counted with the cache switched off (DummyCache), so the figures are the page's own reads; the
cached path is counted separately with the database cache, whose hit costs one query.
"""

import uuid

import pytest
from django.core.management import call_command

from projects.models import Project
from projects.services.demo import assign_municipalities_from_text
from projects.services.imports import import_overview, read_workbook
from tests.support.builders import tenfold

# (url, queries); {p7} is project 7 (rows, events), {p14} has 【再掲】 lines (their first
# listings come in the same query as the activities). Every page reads the area (its name in
# the title and footer) once; the overview pages read one grouped query per chart.
PAGES = [
    # years, measures, status mix, towns (municipalities, 2 totals, 2 project counts),
    # latest changes, next 30 days, data as of, area
    ("/", 12),
    # years, municipalities, measures, count, page, its municipalities, rows, activities,
    # data as of, area
    ("/projects/", 10),
    # a query reads the synonyms first
    ("/projects/?municipality=ube&status=done&tag=新規&q=ＩＣＴ&strategy=1", 8),  # no result
    ("/projects/?q=かんこう", 12),  # municipalities for the query's town names, then the page
    ("/projects/?q=観光萩&sort=updated", 12),
    # nothing as written: whether anything is found, then 観光 looked for
    ("/projects/?q=かんこうきゃく", 14),
    ("/projects/?sort=number&page=2", 10),
    ("/projects/{p7}/", 13),
    ("/projects/{p14}/", 13),
    ("/projects/{p7}/calendar.ics", 2),
    ("/projects/{p7}/status.atom", 3),
    ("/municipalities/", 8),
    ("/municipalities/ube/", 11),  # its projects a page at a time: the count, then the page
    ("/municipalities/ube/status.atom", 3),
    # municipalities, the month's count and page, months with events, next 30 days, years,
    # data as of, area
    ("/calendar/", 7),  # this month has no dates: no page to read
    ("/calendar/?municipality=ube", 7),
    ("/calendar/?month=2020-11", 8),
    ("/calendar.ics", 2),  # the current year (for its window), the events
    ("/calendar/ube.ics", 3),
    ("/calendar/2020.ics", 2),  # the year (published?), its events
    ("/feeds/status.atom", 2),
    ("/opendata/", 2),
    ("/opendata/2020.json", 9),
    ("/opendata/2020.csv", 9),
    ("/opendata/2020.xlsx", 9),
    ("/opendata/schema.json", 0),
    ("/opendata/catalog.jsonld", 3),
    ("/print/2020/", 10),
    ("/about/contact/", 2),
    ("/sitemap.xml", 4),  # years, projects, municipalities, site pages
    ("/en/", 12),
    ("/healthz", 0),
]


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def urls(pages):
    p7 = Project.objects.get(fiscal_year__year=2020, number=7).pk
    p14 = Project.objects.get(fiscal_year__year=2020, number=14).pk
    return [(url.format(p7=p7, p14=p14), n) for url, n in pages]


def assert_counts(client, django_assert_num_queries, pages):
    for url, expected in urls(pages):
        try:
            with django_assert_num_queries(expected):
                response = client.get(url)
        except pytest.fail.Exception as failed:
            pytest.fail(f"{url}: {failed}")
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_table(
    client, r2_published, r2_path, no_cache, django_assert_num_queries
):
    assign_municipalities_from_text(fiscal_year=r2_published)
    assert_counts(client, django_assert_num_queries, PAGES)

    result = import_overview(tenfold(read_workbook(r2_path)))
    assert result.totals["projects"] == 290
    assign_municipalities_from_text(fiscal_year=r2_published)
    assert Project.objects.filter(fiscal_year=r2_published).count() == 290
    assert_counts(client, django_assert_num_queries, PAGES)


@pytest.mark.django_db
def test_a_cached_page_costs_one_query_with_the_database_cache(
    client, r2_published, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    call_command("createcachetable", verbosity=0)  # not made at start-up when REDIS_URL is set
    for url, _ in urls(PAGES[:-1]):
        first = client.get(url)
        with django_assert_num_queries(1):  # the version stamp; the page is this process's copy
            again = client.get(url)
        assert again.content == first.content, url  # no token to mask: nothing personal
