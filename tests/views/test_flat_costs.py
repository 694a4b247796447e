"""Pages whose cost stays flat as the table grows: the area's calendar holds a bounded window
(with one file per year for the rest), a town's page lists its projects a page at a time."""

import pytest

from projects.models import FiscalYear, Municipality, Project
from projects.services.demo import assign_municipalities_from_text
from projects.services.imports import import_overview, read_workbook
from tests.support.builders import tenfold


def events_in(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content.decode().count("BEGIN:VEVENT")


@pytest.mark.django_db
def test_the_areas_calendar_holds_this_year_the_next_and_the_current_one(client, site):
    in_2020 = events_in(client, "/calendar/2020.ics")
    assert in_2020 > 20
    assert events_in(client, "/calendar.ics") == in_2020  # 2020 is the current year
    FiscalYear.objects.filter(year=2020).update(is_current=False)
    from projects.cache import bump

    bump()
    assert events_in(client, "/calendar.ics") == 0  # today's fiscal year and the next: none
    assert events_in(client, "/calendar/2020.ics") == in_2020  # the year's own file
    opendata = client.get("/opendata/").content.decode()
    assert '<a href="/calendar/2020.ics"><span lang="ja">令和2年度</span></a>' in opendata
    assert client.get("/calendar/2019.ics").content.decode().count("BEGIN:VEVENT") == 0


@pytest.mark.django_db
def test_a_towns_projects_come_a_page_at_a_time(client, site, r2_path):
    import_overview(tenfold(read_workbook(r2_path)))
    assign_municipalities_from_text(fiscal_year=site)
    hagi = Municipality.objects.get(slug="hagi")
    total = Project.objects.filter(fiscal_year=site).listed().for_municipality(hagi).count()
    assert total > 200
    first = client.get("/municipalities/hagi/").content.decode()
    assert f"が関係する {total} 事業の実績項目" in first  # every project counted
    assert first.count('<li class="project">') == 20
    assert '<a href="?year=2020&amp;page=2#projects-heading" rel="next">' in first
    pages = -(-total // 20)
    last = client.get("/municipalities/hagi/", {"page": pages}).content.decode()
    assert last.count('<li class="project">') == total - 20 * (pages - 1)
    assert f'<a href="?year=2020&amp;page={pages}#projects-heading" aria-current="page">' in last
