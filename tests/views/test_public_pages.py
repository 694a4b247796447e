"""The citizens' pages: published years only, filters, search, detail, calendar, feeds, open data."""

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET

import icalendar
import openpyxl
import pytest
from django.utils import timezone

from projects.models import Activity, Change, ChangeSource, FiscalYear, Municipality, Project
from tests.support.staff import save_on_staff_page

ATOM = "{http://www.w3.org/2005/Atom}"


def project(number=None, name=None):
    lookup = {"number": number} if number is not None else {"name": name, "number": None}
    return Project.objects.get(fiscal_year__year=2020, **lookup)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def title(response) -> str:
    text = html(response)
    return text[text.index("<title>") + 7 : text.index("</title>")]


# -- published years only -------------------------------------------------------------------


@pytest.mark.django_db
def test_unpublished_year_is_not_found_anywhere(client, r2):
    pk = project(7).pk
    for url in (
        "/?year=2020",
        "/projects/?year=2020",
        f"/projects/{pk}/",
        "/municipalities/ube/?year=2020",
        "/opendata/2020.json",
        "/opendata/2020.csv",
        "/opendata/2020.xlsx",
        "/print/2020/",
    ):
        assert client.get(url).status_code == 404, url
    assert "この年度は公開されていません。" in client.get("/?year=2020").content.decode()
    assert "このポータルは公開の準備中です。" in client.get("/").content.decode()  # 200
    assert f"/projects/{pk}/" not in client.get("/sitemap.xml").content.decode()
    # nothing published: the 404 page sends no one to the project list (itself a 404)
    main = client.get("/projects/").content.decode().split("<main")[1]
    assert "公開中の年度はまだありません。" in main
    assert 'href="/projects/"' not in main
    assert "URL が変わった可能性があります。次のページをご覧ください。" in main


@pytest.mark.django_db
def test_the_404_page_of_a_published_site_offers_the_project_list(client, site):
    main = client.get("/nosuch/").content.decode().split("<main")[1]
    assert '<li><a href="/projects/">事業一覧</a></li>' in main
    english = client.get("/en/projects/99999/").content.decode().split("<main")[1]
    assert '<li><a href="/en/projects/">Projects</a></li>' in english


@pytest.mark.django_db
def test_other_years_and_formats_are_not_found(client, site):
    assert client.get("/?year=2019").status_code == 404
    assert client.get("/projects/?year=abc").status_code == 404
    assert client.get("/opendata/2019.json").status_code == 404
    assert client.get("/opendata/2020.pdf").status_code == 404
    assert client.get("/municipalities/osaka/").status_code == 404
    assert client.get("/calendar/?municipality=osaka").status_code == 404


# -- home -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_status_totals_strategies_and_year_switcher(client, site):
    FiscalYear.objects.create(year=2021, published=True)
    response = client.get("/")
    text = html(response)
    assert title(response) == "令和2年度の連携事業 | 山口県央連携都市圏"
    assert '<html lang="ja">' in text
    # Counted once: the three 【再掲】 lines whose first listing is found are left out; the
    # three whose first listing is not found count as themselves (59 ○ lines, 3 left out).
    for glyph, word, n in (("●", "実施済み", 4), ("○", "実施中", 56), ("△", "実施予定", 18)):
        row = f'<span aria-hidden="true">{glyph}</span> {word}</span></th>'
        assert row in text
        assert f'<span class="count">{n}件</span>' in text.split(row, 1)[1].split("</tr>")[0]
    assert "コロナの影響による中止</span></th>" in text  # the year's own legend wording
    assert "実績項目 85 件の状況" in text
    for heading in ("1 圏域全体の経済成長のけん引", "2 高次の都市機能の集積・強化"):
        assert heading in text
    assert '<a href="/projects/?year=2020&amp;measure=' in text  # each 施策 has its bar
    assert "エ 戦略的な観光施策の展開</a>" in text
    assert "(1) 生活機能の強化に係る政策分野" in text
    assert '<a href="?year=2020" aria-current="page"><span lang="ja">令和2年度</span></a>' in text
    assert '<a href="?year=2021"><span lang="ja">令和3年度</span></a>' in text
    assert 'href="/opendata/2020.json"' in text


# -- project list ---------------------------------------------------------------------------


def listed_numbers(text: str) -> list:
    numbers = []
    for chunk in text.split('<li class="project">')[1:]:
        head = re.search(r"<h[24][^>]*>(.*?)</h[24]>", chunk, re.S).group(1)
        numbers.append(
            int(head.split('<span class="number">')[1].split("<")[0])
            if '<span class="number">' in head
            else head.split('">', 1)[1].split("<")[0]
        )
    return numbers


@pytest.mark.django_db
def test_project_list_groups_strategy_measure_project(client, site):
    text = html(client.get("/projects/"))
    assert text.index('<h2 lang="ja">1 圏域全体の経済成長のけん引</h2>') < text.index(
        '<h3 lang="ja">ア 経済戦略の策定及び推進</h3>'
    )
    assert text.index('<h3 lang="ja">ア 経済戦略の策定及び推進</h3>') < text.index(
        "山口県中央連携都市圏域ビジョンの推進"
    )
    # the number-only placeholders 19, 21 and 23 stay in the table, not in the list
    assert "事業は全部で 26 件です。" in text
    second = html(client.get("/projects/", {"page": "2"}))
    listed = listed_numbers(text) + listed_numbers(second)
    assert (len(listed_numbers(text)), len(listed)) == (20, 26)  # 20 a page
    assert not {19, 21, 23} & set(listed)
    assert '<span aria-hidden="true">△</span> 実施予定</span>' in text


@pytest.mark.django_db
def test_filters_combine_and_stay_in_the_url(client, site):
    response = client.get("/projects/", {"municipality": "ube", "status": "done"})
    text = html(response)
    assert listed_numbers(text) == [4, "博覧会の開催", 27, 28]
    assert "条件に合う事業は 4 件です。 — 条件に合う実績項目だけを表示しています" in text
    assert title(response) == "事業一覧 (令和2年度・宇部市・● 実施済み) | 山口県央連携都市圏"
    # only the matching activities are shown, each with glyph and word
    assert text.count('<span aria-hidden="true">●</span> 実施済み</span>') == 4
    assert "実施中</span>" not in text.split('<h2 lang="ja">')[1]
    assert '<option value="ube" selected lang="ja">宇部市</option>' in text
    assert '<option value="done" selected>● 実施済み</option>' in text
    # the year switcher and pagination keep the filters
    assert "status=done&amp;municipality=ube" in text or "municipality=ube" in text

    text = html(client.get("/projects/", {"strategy": "3", "tag": "新規"}))
    expected = sorted(
        {
            a.row.project.number or a.row.project.name
            for a in Activity.objects.filter(
                row__project__measure__strategy__number=3, tags__contains="新規"
            ).select_related("row__project")
        },
        key=str,
    )
    assert sorted(listed_numbers(text), key=str) == expected
    measure = project(7).measure
    assert listed_numbers(html(client.get("/projects/", {"measure": measure.pk}))) == [7]


@pytest.mark.django_db
def test_search_treats_full_width_and_half_width_alike(client, site):
    for q in ("ＩＣＴ", "ICT", "ict"):
        text = html(client.get("/projects/", {"q": q}))
        assert listed_numbers(text) == [7], q
    activity = Activity.objects.filter(row__project__number=28).first()
    save_on_staff_page(activity, text="市民向け説明会の開催(10月)")
    assert listed_numbers(html(client.get("/projects/", {"q": "１０月"}))) == [28]
    assert listed_numbers(html(client.get("/projects/", {"q": "説明会 １０月"}))) == [28]
    text = html(client.get("/projects/", {"q": "存在しない言葉"}))
    assert '「<span lang="ja">存在しない言葉</span>」に一致する事業は 0 件です。' in text
    assert "条件に合う事業はありません。" in text


@pytest.mark.django_db
def test_long_lists_are_paginated(client, site, monkeypatch):
    monkeypatch.setattr("projects.views.public.PROJECTS_PER_PAGE", 10)
    first = html(client.get("/projects/", {"municipality": "ube"}))
    # 22 listed: the placeholders 19, 21, 23 (every town, from load_demo) are not listed
    assert "条件に合う事業は 22 件です。" in first and len(listed_numbers(first)) == 10
    assert 'href="?year=2020&amp;municipality=ube&amp;page=2"' in first
    third = client.get("/projects/", {"municipality": "ube", "page": "3"})
    assert len(listed_numbers(html(third))) == 2
    assert title(third) == "事業一覧 (令和2年度・宇部市) 3ページ目 | 山口県央連携都市圏"


# -- project detail -------------------------------------------------------------------------


@pytest.mark.django_db
def test_project_detail_shows_rows_activities_tags_and_timeline(client, site):
    p = project(7)
    response = client.get(f"/projects/{p.pk}/")
    text = html(response)
    assert title(response) == "7 広域観光連携 (令和2年度) | 山口県央連携都市圏"
    assert '<span class="number">事業 7</span> <span lang="ja">広域観光連携</span></h1>' in text
    assert ">山口市</a>、<a" in text
    for row in p.rows.all():
        assert row.summary.split("\n")[0] in text
    # the tag is shown once, where the text has it
    assert '<span class="tag">【拡充】</span>' in text
    assert '<span class="tag">拡充</span>' not in text
    assert '<span aria-hidden="true">■</span> コロナの影響による中止</span>' in text
    assert "データの時点</dt><dd><time datetime=" in text
    assert f'href="/projects/{p.pk}/status.atom"' in text
    assert f'href="/projects/{p.pk}/calendar.ics"' in text
    # the timeline: 「10/23 SLモニターツアー開催予定」 is a day, and planned
    timeline = text.split('id="timeline-heading"')[1]
    assert (
        '<time datetime="2020-10-23">2020年10月23日</time> <span class="planned">予定</span>'
        in (timeline)
    )


@pytest.mark.django_db
def test_timeline_keeps_month_precision(client, site):
    text = html(client.get(f"/projects/{project(1).pk}/"))
    timeline = text.split('id="timeline-heading"')[1]
    assert '<time datetime="2021-03">2021年3月頃</time>' in timeline
    assert "(元の表記「3月頃」)" in timeline
    assert "2021年3月1日" not in timeline
    text = html(client.get(f"/projects/{project(3).pk}/"))
    assert '<time datetime="2020-08">2020年8月～2021年1月</time>' in text
    assert '<time datetime="2020-04-26">2020年4月26日～2020年5月6日</time>' in text


@pytest.mark.django_db
def test_relisted_lines_link_to_where_they_are_listed_first(client, site):
    first = project(name="圏域情報の発信")
    original = Activity.objects.get(
        row__project=first, text="新山口駅南北自由通路を活用した情報発信"
    )
    text = html(client.get(f"/projects/{project(14).pk}/"))
    assert (
        f'<p class="relisted"><a href="/projects/{first.pk}/#activity-{original.pk}">'
        '初出: <span lang="ja">圏域情報の発信</span></a></p>'
    ) in text
    assert f'id="activity-{original.pk}"' in html(client.get(f"/projects/{first.pk}/"))
    # 「COC+ テクノロジー×アート講座の開催」 is listed first only inside a detail line
    text = html(client.get(f"/projects/{project(16).pk}/"))
    assert (
        "ほかの事業の項目の再掲です (初出の箇所は特定できませんでした)。"
        "この項目は 1 件として数えます。"
    ) in text


@pytest.mark.django_db
def test_last_updated_comes_from_the_change_history(client, site):
    p = project(7)
    Change.objects.create(
        fiscal_year=site,
        project=p,
        changed_at=datetime.datetime(2030, 5, 1, 12, tzinfo=datetime.UTC),
        source=ChangeSource.PORTAL,
        field="status",
        old_value="planned",
        new_value="done",
    )
    text = html(client.get(f"/projects/{p.pk}/"))
    assert (
        "この事業の最後の変更</dt><dd>"
        '<time datetime="2030-05-01T21:00:00+09:00">2030年5月1日</time> (画面)</dd>'
    ) in text


# -- municipalities -------------------------------------------------------------------------


@pytest.mark.django_db
def test_municipality_pages_list_the_seven_with_totals(client, site):
    text = html(client.get("/municipalities/"))
    for m in Municipality.objects.all():
        assert f'<a href="/municipalities/{m.slug}/?year=2020" lang="ja">{m.name}</a>' in text
    response = client.get("/municipalities/tsuwano/")
    text = html(response)
    assert title(response) == "津和野町の連携事業 (令和2年度) | 山口県央連携都市圏"
    tsuwano = Municipality.objects.get(slug="tsuwano")
    n = Project.objects.filter(fiscal_year=site).listed().for_municipality(tsuwano).count()
    assert f'<span lang="ja">津和野町</span>が関係する {n} 事業の実績項目' in text
    assert "広域観光連携" not in text  # not one of 津和野町's
    totals = (
        Activity.objects.for_year(site)
        .counted()
        .filter(row__project__municipalities__slug="tsuwano")
        .status_totals()
    )
    chart = text.split("</figure>")[0]
    assert f'<span class="count">{totals["in_progress"]}件</span>' in chart
    assert 'href="/calendar/tsuwano.ics"' in text


# -- calendar and feeds ---------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_shows_a_month_and_the_next_30_days_with_honest_precision(
    client, site, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2021, 2, 1))
    text = html(client.get("/calendar/"))
    upcoming, month = text.split('id="month-heading"')
    assert "これから 30 日の予定" in upcoming
    assert '<time datetime="2021-03">2021年3月頃</time>' in upcoming
    assert "(元の表記「3月頃」)" in upcoming
    assert ">2021年2月</h2>" in month  # today's month by default
    assert (
        'href="?month=2021-01" rel="prev"' in month and 'href="?month=2021-03" rel="next"' in month
    )

    may = html(client.get("/calendar/", {"month": "2020-05"}))
    assert '<time datetime="2020-05-22">2020年5月22日</time>' in may
    # 「8月～1月」: shown where it starts (a month only) and where it ends, not on every day
    august = html(client.get("/calendar/", {"month": "2020-08"}))
    whole = august.split("この月のうち (日は書かれていません)")[1].split("</ul>")[0]
    assert '<span class="role">始まり</span>' in whole
    assert '<time datetime="2020-08">2020年8月～2021年1月</time>' in whole
    november = html(client.get("/calendar/", {"month": "2020-11"}))
    assert "この月を通して続いているもの" in november
    assert "2020年8月～2021年1月" in november.split("この月を通して続いているもの")[1]
    assert client.get("/calendar/", {"month": "2020-13"}).status_code == 200  # ignored


@pytest.mark.django_db
def test_icalendar_feeds_use_all_day_dates_and_month_spans(client, site):
    response = client.get("/calendar.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    vision = Activity.objects.get(row__project__number=1, text__contains="3月頃")
    month = events[f"activity-{vision.pk}-0@renkei-portal"]
    assert month.decoded("dtstart") == datetime.date(2021, 3, 1)
    assert month.decoded("dtend") == datetime.date(2021, 4, 1)  # the whole of March
    assert str(month["summary"]).startswith("△ 実施予定 ")
    assert "元の表記: 3月頃" in str(month["description"])
    assert str(month["url"]).endswith(f"/projects/{project(1).pk}/")
    days = [e for e in events.values() if e.decoded("dtstart") == datetime.date(2020, 5, 22)]
    assert days and all(e.decoded("dtend") == datetime.date(2020, 5, 23) for e in days)
    assert len(events) == 39  # 「11/13・14」 and 「12/5・6」 are one event each, over two days
    food_style = [e for e in events.values() if e.decoded("dtstart") == datetime.date(2020, 11, 13)]
    assert [e.decoded("dtend") for e in food_style] == [datetime.date(2020, 11, 15)]

    per_town = icalendar.Calendar.from_ical(client.get("/calendar/hofu.ics").content)
    projects = {e["url"].rsplit("/", 2)[-2] for e in per_town.walk("VEVENT")}
    hofu = {
        str(pk)
        for pk in Project.objects.filter(municipalities__slug="hofu").values_list("pk", flat=True)
    }
    assert projects and projects <= hofu
    assert client.get("/calendar/osaka.ics").status_code == 404


@pytest.mark.django_db
def test_atom_feed_lists_status_changes_of_published_years(client, site):
    activity = Activity.objects.get(row__project__number=28, status="done")
    Change.objects.create(
        fiscal_year=site,
        project=activity.row.project,
        activity=activity,
        changed_at=timezone.now(),
        source=ChangeSource.PORTAL,
        field="status",
        old_value="in_progress",
        new_value="done",
    )
    Change.objects.create(
        fiscal_year=site, changed_at=timezone.now(), source=ChangeSource.PORTAL, field="text"
    )
    hidden = FiscalYear.objects.create(year=2021)
    Change.objects.create(
        fiscal_year=hidden, changed_at=timezone.now(), source=ChangeSource.PORTAL, field="status"
    )
    response = client.get("/feeds/status.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}title").text == (
        "● 実施済み (変更前: ○ 実施中) 宇部市志立市民大学授業料の市外枠の廃止"
    )
    link = entries[0].find(f"{ATOM}link").attrib["href"]
    assert link.endswith(f"/projects/{activity.row.project_id}/#activity-{activity.pk}")


# -- open data, print, sitemap ---------------------------------------------------------------


@pytest.mark.django_db
def test_open_data_files(client, site):
    response = client.get("/opendata/2020.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="renkei-overview-2020.json"'
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["format"] == "renkei-overview/1"
    assert document["fiscal_year_label"] == "令和2年度"
    assert sum(len(m["projects"]) for s in document["strategies"] for m in s["measures"]) == 29

    response = client.get("/opendata/2020.csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["年度", "年度(西暦)", "取組番号"] and len(rows) == 1 + 89
    assert rows[1][1] == "2020"

    response = client.get("/opendata/2020.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "令和2年度連携事業概要及び実績見込み"

    text = html(client.get("/opendata/"))
    assert "クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)" in text
    assert 'href="/opendata/2020.csv"' in text
    for url in ("/projects/", "/municipalities/ube/", f"/projects/{project(7).pk}/"):
        assert 'href="/opendata/2020.json"' in html(client.get(url)), url


@pytest.mark.django_db
def test_printable_table_is_laid_out_like_the_workbook(client, site):
    response = client.get("/print/2020/")
    text = html(response)
    assert title(response) == "令和2年度連携事業概要及び実績見込み (印刷用) | 山口県央連携都市圏"
    assert '<link rel="stylesheet" href="/static/print-a3.css" media="print">' in text
    assert "<style" not in text
    assert '<body class="print-layout">' in text
    assert '<p class="document-label" lang="ja">資料1-2</p>' in text
    assert '<th scope="col" colspan="2">取組</th>' in text
    # project 7 spans its four rows; its name appears once
    assert '<td rowspan="4" class="name">広域観光連携</td>' in text
    assert '<td colspan="5" class="policy">(1) 生活機能の強化に係る政策分野</td>' in text
    assert "△圏域を周遊するモデルルートの造成" in text


@pytest.mark.django_db
def test_sitemap_lists_public_pages(client, site):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    text = response.content.decode()
    assert f"http://testserver/projects/{project(7).pk}/</loc>" in text
    assert "http://testserver/municipalities/ube/</loc>" in text
    assert "http://testserver/print/2020/</loc>" in text
    assert "http://testserver/about/contact/</loc>" in text
    assert text.count("<url>") == 5 + 1 + 26 + 7 + 3  # placeholders 19, 21, 23 left out


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


# -- language -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_english_interface_keeps_content_as_written(client, site):
    text = html(client.get("/projects/?status=done"))
    assert (
        '<a href="/en/projects/?status=done" hreflang="en" lang="en">English</a>' in text
    )  # the same page, in English
    response = client.get("/en/projects/", {"status": "done"})
    text = html(response)
    assert '<html lang="en">' in text
    assert title(response) == "Projects (令和2年度・● Done) | 山口県央連携都市圏"
    assert '<span aria-hidden="true">●</span> Done</span>' in text
    assert ">Projects</a></li>" in text
    # as written, marked where no English name is written
    assert (
        '<span class="number">4</span> 産業人材の育成及び確保 '
        '<span class="ja-only" lang="en">(Japanese only)</span></a>'
    ) in text
    assert '<h4><a href="/en/projects/' in text
    assert '<a href="/projects/?status=done" hreflang="ja" lang="ja">日本語</a>' in text
    assert '<html lang="ja">' in html(client.get("/"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["strategy", "measure"])
def test_project_list_ignores_a_number_filter_that_is_not_ascii_digits(client, r2_published, name):
    unfiltered = client.get("/projects/").context["count"]
    response = client.get("/projects/", {name: "²"})
    assert response.status_code == 200
    assert response.context["count"] == unfiltered == 26
