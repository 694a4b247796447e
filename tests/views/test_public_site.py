"""What a resident finds wrong or missing: placeholders, 404s, counting, English, tags, the
date the data stands at, what's new and next, feeds, share previews, the contact pages."""

import datetime
import gettext
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from projects.models import (
    Activity,
    Area,
    Change,
    ChangeSource,
    FiscalYear,
    Project,
    SitePage,
)
from projects.services.changes import ChangeSet
from tests.support.html import japanese_outside_lang_ja
from tests.support.staff import client_for, save_on_staff_page, secretariat_account

ROOT = Path(__file__).resolve().parent.parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def project(number):
    return Project.objects.get(fiscal_year__year=2020, number=number)


# -- broken or wrong --------------------------------------------------------------------------


@pytest.mark.django_db
def test_number_only_placeholders_stay_in_the_data_but_not_on_the_pages(client, site):
    placeholder = project(19)
    assert placeholder.name == "" and not placeholder.rows.filter(summary__gt="").exists()
    assert "(名称なし)" not in page(client, "/projects/")
    assert f"/projects/{placeholder.pk}/" not in page(client, "/projects/")
    assert f"/projects/{placeholder.pk}/" not in page(client, "/sitemap.xml")
    assert f"/projects/{placeholder.pk}/" not in page(client, "/municipalities/ube/")
    text = page(client, f"/projects/{placeholder.pk}/", 404)
    assert "この事業は公開されていません。" in text
    document = client.get("/opendata/2020.json").json()
    numbers = [
        p["number"] for s in document["strategies"] for m in s["measures"] for p in m["projects"]
    ]
    assert {19, 21, 23} <= set(numbers)  # they are in the document, so in its data


@pytest.mark.django_db
def test_not_found_pages_are_ours_in_the_visitors_language(client, site, settings):
    settings.DEBUG = False
    for url in ("/no-such-page/", "/projects/999999/", "/municipalities/osaka/"):
        text = page(client, url, 404)
        assert "<h1>ページが見つかりません</h1>" in text, url
        for internal in ("Resolver404", "No Project matches", "Traceback", "tried", "urlconf"):
            assert internal not in text, (url, internal)
    assert "市町が見つかりません。" in page(client, "/municipalities/osaka/", 404)
    assert "この年度は公開されていません。" in page(client, "/?year=2019", 404)
    english = page(client, "/en/no-such-page/", 404)
    assert '<html lang="en">' in english and "<h1>Page not found</h1>" in english
    assert not client.get("/no-such-page/").cookies


@pytest.mark.django_db
def test_each_item_counts_once_and_a_relisted_item_without_its_first_listing_counts(
    client, site, django_capture_on_commit_callbacks
):
    home = page(client, "/")
    assert "実績項目 85 件の状況" in home  # 89 lines, 1 without a marker, 3 found elsewhere
    lonely = Activity.objects.filter(
        row__project__fiscal_year=site, tags__contains="再掲", original__isnull=True
    ).first()
    before = lonely.status
    with django_capture_on_commit_callbacks(execute=True):
        save_on_staff_page(lonely, status="cancelled")
    totals = Activity.objects.for_year(site).counted().status_totals()
    assert totals["cancelled"] == 8 and before != "cancelled"
    assert '<span class="count">8件</span>' in page(client, "/")  # the change reaches the home
    counted_twice = Activity.objects.filter(tags__contains="再掲", original__isnull=False).first()
    with django_capture_on_commit_callbacks(execute=True):
        save_on_staff_page(counted_twice, status="done")
    assert "実績項目 85 件の状況" in page(client, "/")  # counted where it is listed first


def test_the_english_catalogue_has_no_doubled_paragraphs():
    with open(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    doubled = [
        source
        for source, text in catalog.items()
        if isinstance(text, str)
        and len(text) > 8
        and any(text[:k] == text[k:] or text[:k] == text[k + 1 :] for k in (len(text) // 2,))
    ]
    assert doubled == []
    assert catalog["ログイン"] == "Sign in"
    assert catalog[
        "新規 %(added)s 事業、終了 %(dropped)s 事業、名称・番号の変更 %(renamed)s 事業。"
    ]


@pytest.mark.django_db
def test_english_pages_mark_every_piece_of_japanese(client, site):
    urls = [
        "/en/",
        "/en/projects/",
        "/en/projects/?q=かんこう",
        f"/en/projects/{project(7).pk}/",
        f"/en/projects/{project(14).pk}/",
        "/en/municipalities/",
        "/en/municipalities/ube/",
        "/en/calendar/?month=2020-11",
        "/en/opendata/",
        "/en/about/contact/",
        "/en/accounts/login/",
        "/en/print/2020/",
    ]
    for url in urls:
        text = page(client, url)
        assert '<html lang="en">' in text, url
        assert japanese_outside_lang_ja(text) == [], url
    login = page(client, "/en/accounts/login/")
    assert "<h1>Sign in</h1>" in login
    cancelled = page(client, f"/en/projects/{project(7).pk}/")
    assert '<span aria-hidden="true">■</span> Cancelled</span>' in cancelled


@pytest.mark.django_db
def test_a_tag_shows_once_where_the_text_has_it(client, site):
    activity = Activity.objects.filter(row__project=project(4), tags__contains="新規").first()
    line = page(client, f"/projects/{project(4).pk}/").split(f'id="activity-{activity.pk}"')[1]
    line = line.split("</li>")[0]
    assert line.count("新規") == 1
    assert '<span class="tag">【新規】</span>' in line


@pytest.mark.django_db
def test_favicon_and_share_previews(client, site):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    text = page(client, f"/projects/{project(7).pk}/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in text
    assert '<meta property="og:title" content="7 広域観光連携 (令和2年度)">' in text
    assert '<meta property="og:type" content="article">' in text
    assert f'<meta property="og:url" content="http://testserver/projects/{project(7).pk}/">' in text
    assert '<meta property="og:image" content="http://testserver/static/og-image.png">' in text
    description = re.search(r'<meta property="og:description" content="([^"]+)">', text)
    assert description and description.group(1).startswith(project(7).rows.first().summary[:10])
    assert '<link rel="alternate" hreflang="en" href="/en/projects/' in text


@pytest.mark.django_db
def test_pages_say_which_date_the_data_describes(client, site, django_capture_on_commit_callbacks):
    site.stated_date = datetime.date(2021, 1, 31)
    site.imported_at = timezone.make_aware(datetime.datetime(2021, 1, 30, 9))
    site.save()
    Change.objects.filter(fiscal_year=site).delete()
    stated = '<time datetime="2021-01-31">2021年1月31日</time> 現在 (資料の記載)'
    for url in ("/", "/projects/", f"/projects/{project(7).pk}/", "/municipalities/ube/"):
        text = page(client, url)
        assert stated in text, url
        assert "その後の更新" not in text, url
    with django_capture_on_commit_callbacks(execute=True):
        save_on_staff_page(Activity.objects.filter(row__project=project(7)).first(), status="done")
    assert "その後の更新: <time" in page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):  # as the year's admin form writes
        changes = ChangeSet(user=secretariat_account(), source=ChangeSource.ADMIN)
        site.stated_date = None
        changes.add(changes.secretariat_only, lambda: (site.save(), changes.whole_table()))
        changes.commit()
    text = page(client, "/")
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日</time> (最後の取込・更新)" in text


@pytest.mark.django_db
def test_the_home_shows_what_is_new_and_what_is_next(client, site, monkeypatch):
    activity = Activity.objects.filter(row__project=project(28), status="done").first()
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
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2020, 10, 20))
    text = page(client, "/")
    news = text.split('id="news-heading"')[1].split("</section>")[0]
    assert f'href="/projects/{activity.row.project_id}/#activity-{activity.pk}"' in news
    assert '<span class="status status-in_progress">' in news and "→" in news
    upcoming = text.split('id="next-heading"')[1].split("</section>")[0]
    assert '<time datetime="2020-10-23">2020年10月23日</time>' in upcoming  # 3 days ahead
    assert "2020年5月22日" not in upcoming  # the past is not next


@pytest.mark.django_db
def test_the_overview_has_a_bar_per_strategy_measure_and_town(client, site):
    text = page(client, "/")
    strategies = text.split('id="strategies-heading"')[1].split("</section>")[0]
    assert strategies.count('<span class="stack" aria-hidden="true">') == 3 + 16
    towns = text.split('id="towns-heading"')[1].split("</section>")[0]
    assert towns.count('<span class="stack" aria-hidden="true">') == 7
    # every bar's numbers are written under it, with glyph and word
    assert towns.count('<span class="num">') == 7 * 4
    widths = [int(w) for w in re.findall(r'class="seg seg-\w+ w(\d+)"', towns)]
    counts = [int(c) for c in re.findall(r'data-count="(\d+)"', towns)]
    largest = max(counts_per_bar(towns))
    for width, count in zip(widths, counts, strict=True):
        assert abs(width - 100 * count / largest) <= 1
    ube = page(client, "/municipalities/ube/")
    assert ube.count('<span class="stack" aria-hidden="true">') == 1 + 3 + 16


def counts_per_bar(html: str) -> list[int]:
    bars = html.split('<span class="stack" aria-hidden="true">')[1:]
    return [
        sum(int(c) for c in re.findall(r'data-count="(\d+)"', b.split("</span></span>")[0]))
        for b in bars
    ]


@pytest.mark.django_db
def test_feeds_and_calendars_of_a_project_and_a_town_with_authors(client, site):
    p = project(28)
    activity = Activity.objects.filter(row__project=p).first()
    Change.objects.create(
        fiscal_year=site,
        project=p,
        activity=activity,
        changed_at=timezone.now(),
        source=ChangeSource.PORTAL,
        field="status",
        old_value="planned",
        new_value=activity.status,
    )
    council = Area.objects.current().council
    for url, entries in (
        (f"/projects/{p.pk}/status.atom", 1),
        ("/municipalities/ube/status.atom", 1),
        ("/municipalities/tsuwano/status.atom", 0),
        ("/feeds/status.atom", 1),
    ):
        feed = ET.fromstring(client.get(url).content)
        assert feed.find(f"{ATOM}author/{ATOM}name").text == council, url
        found = feed.findall(f"{ATOM}entry")
        assert len(found) == entries, url
        for entry in found:
            assert entry.find(f"{ATOM}author/{ATOM}name").text == council
    ics = client.get(f"/projects/{project(7).pk}/calendar.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
    assert f"/projects/{project(7).pk}/".encode() in ics.content
    assert client.get("/projects/999999/status.atom").status_code == 404
    detail = page(client, f"/projects/{p.pk}/")
    assert f'href="/projects/{p.pk}/status.atom"' in detail
    assert 'href="/municipalities/ube/status.atom"' in page(client, "/municipalities/ube/")


@pytest.mark.django_db
def test_open_ended_and_long_dates_in_the_calendar(client, site):
    november = page(client, "/calendar/?month=2020-11")
    assert '2020年11月以降</time> <span class="open-ended">終わりは未定</span>' in november
    assert '<span class="role">この日から (以降)</span>' in november


# -- contact, accessibility, privacy ----------------------------------------------------------


@pytest.mark.django_db
def test_contact_accessibility_and_privacy_pages(client, site):
    area = Area.objects.current()
    area.secretariat_phone, area.secretariat_email = "083-000-0000", "renkei@example.jp"
    area.save()
    contact = page(client, "/about/contact/")
    assert '<h1 lang="ja">お問い合わせ</h1>' in contact
    assert area.secretariat_name in contact and area.secretariat_address in contact
    assert '<a href="tel:0830000000">083-000-0000</a>' in contact
    assert '<a href="mailto:renkei@example.jp">renkei@example.jp</a>' in contact
    assert "JIS X 8341-3" in page(client, "/about/accessibility/")
    assert "Cookie" in page(client, "/about/privacy/")
    page(client, "/about/other/", 404)
    # the secretariat writes these pages in Japanese only: marked so on the English site
    english = page(client, "/en/about/contact/")
    assert (
        '<h1 lang="ja">お問い合わせ <span class="ja-only" lang="en">(Japanese only)</span></h1>'
        in english
    )
    assert '<h2 id="secretariat-heading">Secretariat</h2>' in english
    for kind in ("contact", "accessibility", "privacy"):
        assert f'href="/about/{kind}/"' in page(client, "/")


@pytest.mark.django_db
def test_the_secretariat_edits_the_pages_and_staff_cannot(
    site, demo_users, django_capture_on_commit_callbacks
):
    privacy = SitePage.objects.get(kind="privacy")
    url = f"/admin/projects/sitepage/{privacy.pk}/change/"
    staff = client_for(demo_users["ube"])
    assert staff.get(url).status_code == 403
    secretariat = client_for(demo_users["jimukyoku"])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            url, {"kind": "privacy", "title": "個人情報の取扱い", "body": "第一段落\n\n第二段落"}
        )
    assert response.status_code == 302
    text = page(Client(), "/about/privacy/")
    assert '<h1 lang="ja">個人情報の取扱い</h1>' in text
    assert "<p>第一段落</p><p>第二段落</p>" in text


@pytest.mark.django_db
def test_navigation_marks_the_current_page(client, site):
    assert '<a href="/projects/" aria-current="page">事業一覧</a>' in page(client, "/projects/")
    assert '<a href="/calendar/" aria-current="page">カレンダー</a>' in page(client, "/calendar/")
    assert 'aria-current="page">お問い合わせ</a>' in page(client, "/about/contact/")
    home = page(client, "/")
    assert 'class="brand" href="/" aria-current="page"' in home
    assert '<a href="/projects/" aria-current="page">' not in home


@pytest.mark.django_db
def test_no_inline_scripts_or_styles_on_public_pages(client, site):
    for url in (
        "/",
        "/projects/",
        f"/projects/{project(7).pk}/",
        "/calendar/",
        "/print/2020/",
        "/municipalities/ube/",
        "/opendata/",
        "/about/contact/",
    ):
        text = page(client, url)
        assert "<style" not in text and " style=" not in text, url
        assert re.findall(r"<script(?![^>]*\bsrc=)", text) == [], url


@pytest.mark.django_db
def test_a_year_without_a_published_twin_still_counts(client, site):
    FiscalYear.objects.create(year=2021, published=True)
    assert page(client, "/?year=2021").count('<span class="stack" aria-hidden="true">') >= 1


@pytest.mark.django_db
def test_a_busy_month_is_paged(client, site, monkeypatch):
    monkeypatch.setattr("projects.reports.calendar.MONTH_PAGE", 3)
    first = page(client, "/calendar/?month=2020-11")
    assert 'href="?month=2020-11&amp;page=3"' in first
    counted = re.search(r"この月の日程 (\d+) 件", first).group(1)
    assert int(counted) > 6
    third = page(client, "/calendar/?month=2020-11&page=3")
    assert f"この月の日程 {counted} 件" in third  # the whole month is counted on every page
    assert third.count('<ul class="month-items">') >= 1
    # 「11月以降」 of 令和2年度 runs to the end of that fiscal year, not for ever
    assert "11月以降" in page(client, "/calendar/?month=2021-03")
    assert "11月以降" not in page(client, "/calendar/?month=2021-04")


@pytest.mark.django_db
def test_the_towns_count_the_projects_a_citizen_can_open(client, site):
    from projects.models import Municipality

    text = page(client, "/municipalities/")
    for m in Municipality.objects.all():
        n = Project.objects.filter(fiscal_year=site).listed().for_municipality(m).count()
        assert f'lang="ja">{m.name}</a> <span class="muted">({n}事業 / ' in text, m.name
