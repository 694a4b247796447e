"""Public pages: published fiscal years only, each read in a fixed number of queries and cached
(``page_cache``). The calendar and its feeds are in ``calendar``, open data in ``opendata``."""

import re

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from projects.cache import ALL, project_scope
from projects.feeds import MunicipalityStatusFeed, ProjectStatusFeed, StatusChangesFeed
from projects.models import Activity, Area, Change, Municipality, SitePage, SitePageKind, Status
from projects.reports import calendar as schedule
from projects.reports import overview, search
from projects.reports import public as data
from projects.sitemaps import SITEMAPS
from projects.table import search as table_search

from .page_cache import cached_response, render_public, soon_scope, year_scope

PROJECTS_PER_PAGE = 20  # a phone screenful or two; the cost of a page stays the same
LIST_PARAMS = ("year", "status", "municipality", "strategy", "measure", "tag", "q", "sort", "page")
UPCOMING_ON_HOME = 6


def shown_year(requested: str):
    """(published years, the one asked for or the current one); 404 when there is none."""
    years = data.published_years()
    return years, data.choose_year(years, requested)


def healthz(request):
    """A trivial view: the baseline for bench/public_pages.py and a load balancer's check."""
    return HttpResponse("ok", content_type="text/plain")


def links(fiscal_year):
    """URLs of the list filtered by a 取組 or a 施策, for the overview's bars."""
    base = reverse("projects:project_list") + f"?year={fiscal_year.year}"

    def link(kind, obj):
        return f"{base}&strategy={obj.number}" if kind == "strategy" else f"{base}&measure={obj.pk}"

    return link


def home(request):
    today = timezone.localdate()

    def build(params):
        years, fy = shown_year(params["year"])
        measures = data.year_measures(fy)
        municipalities = data.municipality_list(fy)
        bars = overview.strategy_bars(fy, measures, link=links(fy))
        totals = overview.total_bar(fy, bars)
        upcoming = schedule.upcoming(today, limit=UPCOMING_ON_HOME)
        return {
            "title": _("%(year)sの連携事業") % {"year": fy.label},
            "meta": {"description": _("%(year)sの連携事業の一覧と実績の状況") % {"year": fy.label}},
            "fiscal_year": fy,
            "years": years,
            "totals": totals,
            "strategy_bars": bars,
            "town_bars": overview.town_bars(fy, municipalities),
            "changes": overview.latest_changes(fy),
            "upcoming": upcoming,
            "as_of": overview.data_as_of(fy),
            "municipalities": municipalities,
            "statuses": data.status_totals(fy, {}),
            "today": today,
            "search_example": search_example(measures, municipalities),
        }

    try:
        return render_public(
            request,
            "projects/home.html",
            build,
            params=("year",),
            key=(today,),
            section="home",
            scope=(year_scope(request), *soon_scope(today)),
        )
    except data.NotPublished:
        if request.GET.get("year"):
            raise
        return welcome(request)


KANJI = re.compile(r"[\u4e00-\u9fff]")
JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def search_example(measures, municipalities) -> str:
    """The search box's example from the year's own data: the reading of a word of a measure's
    title (reading search) and the first member's name without 市・町; "" when there is none."""
    reading = ""
    for measure in measures:
        for word in table_search.words(measure.title):
            text = measure.title[word.start : word.end]
            if word.content and len(text) >= 2 and KANJI.search(text) and word.reading:
                reading = table_search.reading(text)
                break
        if reading:
            break
    town = municipalities[0].name if municipalities else ""
    if len(town) > 2 and town[-1] in "市町村":
        town = town[:-1]
    example = " ".join(part for part in (reading, town) if part)
    return _("例: %(example)s") % {"example": example} if example else ""


def welcome(request):
    """The home page of a site with no published year yet: what citizens will find here, and
    for the secretariat the steps from an empty site to a published year (200, not a 404)."""
    area = Area.objects.current()
    return render(
        request,
        "projects/welcome.html",
        {"area": area, "has_area": area is not None, "section": "home"},
    )


def project_list(request):
    def build(params):
        years, fy = shown_year(params["year"])
        municipalities = data.municipality_list(fy)
        filters = data.Filters.from_query(params, municipalities)
        municipality = next((m for m in municipalities if m.slug == filters.municipality), None)
        measures = data.year_measures(fy)
        labels = data.status_labels(fy)
        chunks = search.query_chunks(filters.q)
        projects = data.filtered_projects(fy, filters, municipality, chunks)
        if chunks:  # the search texts read once: the ids found, then a page of them
            projects = data.found_ids(projects)
        page = Paginator(projects, PROJECTS_PER_PAGE).get_page(params["page"])
        on_page = data.projects_by_id(page.object_list) if chunks else page.object_list
        shown = data.page_projects(fy, on_page, measures, labels, filters, municipality, chunks)
        count = page.paginator.count
        return {
            "title": list_title(fy, filters, labels, municipality, page),
            "fiscal_year": fy,
            "years": years,
            "filters": filters,
            "chunks": chunks,
            "query": filters.query_string(year=fy.year),
            "year_query": filters.query_string(measure=None),
            "sort_query": filters.query_string(year=fy.year, sort=None),
            "page_obj": page,
            "projects": shown,
            # sorted or searched (names that hold the query first): one list, each with its place
            "grouped": not filters.sort and not chunks,
            "groups": data.group(measures, shown),
            "count": count,
            "count_words": count_words(filters, count),
            "measures": measures,
            "strategies": {m.strategy.number: m.strategy for m in measures}.values(),
            "municipalities": municipalities,
            "statuses": data.status_totals(fy, {}),
            "tags": data.TAG_FILTERS,
            "as_of": overview.data_as_of(fy),
        }

    return render_public(
        request,
        "projects/project_list.html",
        build,
        params=LIST_PARAMS,
        section="projects",
        scope=year_scope(request),
    )


def count_words(filters, count: int) -> str:
    """The result count as a sentence (read out by screen readers as the page's status)."""
    if filters.q:
        sentence = ngettext(
            "「%(q)s」に一致する事業は %(n)d 件です。",
            "「%(q)s」に一致する事業は %(n)d 件です。",
            count,
        )
        # the resident's words: Japanese unless typed without Japanese script on the English site
        if get_language() == "en" and not JAPANESE_SCRIPT.search(filters.q):
            query = format_html("{}", filters.q)  # escaped
        else:
            query = format_html('<span lang="ja">{}</span>', filters.q)  # escaped
        return mark_safe(sentence % {"q": query, "n": count})  # noqa: S308 - a translation
    if filters.active:
        return ngettext(
            "条件に合う事業は %(n)d 件です。", "条件に合う事業は %(n)d 件です。", count
        ) % {"n": count}
    return ngettext("事業は全部で %(n)d 件です。", "事業は全部で %(n)d 件です。", count) % {
        "n": count
    }


def list_title(fy, filters, labels, municipality, page) -> str:
    parts = [fy.label]
    if municipality is not None:
        parts.append(municipality.name)
    if filters.status:
        parts.append(f"{Status(filters.status).glyph} {labels[filters.status]}")
    if filters.tag:
        parts.append(f"【{filters.tag}】")
    if filters.q:
        parts.append(f"「{filters.q}」")
    title = _("事業一覧 (%(conditions)s)") % {"conditions": "・".join(parts)}
    if page.number > 1:
        title += " " + _("%(n)dページ目") % {"n": page.number}
    return title


def project_detail(request, pk):
    today = timezone.localdate()

    def build(params):
        project = data.detail_project(pk)
        fy = project.fiscal_year
        rows = list(project.rows.all())
        activities = [a for row in rows for a in row.activities.all()]
        data.label_activities(activities, data.status_labels(fy))
        timeline = sorted(
            ((e, a) for a in activities for e in a.events.all()),
            key=lambda pair: (pair[0].start_date, pair[0].start_precision != "month"),
        )
        for e, _activity in timeline:
            e.label = data.event_label(e)
        last = Change.objects.for_project(project).order_by("-changed_at", "-id").first()
        return {
            "title": _("%(project)s (%(year)s)")
            % {"project": in_language(str(project), project.name_en), "year": fy.label},
            "meta": {"description": first_summary(rows) or str(project), "type": "article"},
            "project": project,
            "fiscal_year": fy,
            "rows": rows,
            "timeline": [(e.label, e, a) for e, a in timeline],
            "last_change": last,
            "as_of": overview.data_as_of(fy),
            "changes": overview.latest_changes(fy, project=project, limit=5),
        }

    return render_public(
        request,
        "projects/project_detail.html",
        build,
        key=(pk, today),
        section="projects",
        scope=project_scope(pk),
    )


def in_language(japanese: str, english: str) -> str:
    """The English text on the English site where there is one, else the Japanese."""
    return english if english and get_language() == "en" else japanese


def first_summary(rows) -> str:
    text = next((in_language(r.summary, r.summary_en) for r in rows if r.summary), "")
    return " ".join(text.split())[:120]


def municipality_index(request):
    def build(params):
        years, fy = shown_year(params["year"])
        municipalities = data.municipality_list(fy)
        return {
            "title": _("市町別の連携事業 (%(year)s)") % {"year": fy.label},
            "fiscal_year": fy,
            "years": years,
            "town_bars": overview.town_bars(fy, municipalities),
            "as_of": overview.data_as_of(fy),
        }

    return render_public(
        request,
        "projects/municipality_list.html",
        build,
        params=("year",),
        section="municipalities",
        scope=year_scope(request),
    )


def municipality_detail(request, slug):
    today = timezone.localdate()

    def build(params):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise data.NotFound(_("市町が見つかりません。"))
        years, fy = shown_year(params["year"])
        measures = data.year_measures(fy)
        activities = Activity.objects.for_year(fy).for_municipality(municipality)
        bars = overview.strategy_bars(fy, measures, activities, link=town_links(fy, municipality))
        listed = (
            data.filtered_projects(fy, data.Filters(), municipality, [])
            .with_counted_status_counts(municipality)
            .order_by("order")
        )
        page = Paginator(listed, PROJECTS_PER_PAGE).get_page(params["page"])  # in the database
        projects = list(page.object_list)
        by_pk = {m.pk: m for m in measures}
        for p in projects:
            p.measure = by_pk[p.measure_id]
            p.totals = data.status_totals(fy, {s: getattr(p, f"n_{s}") for s in Status.values})
        return {
            "title": _("%(name)sの連携事業 (%(year)s)")
            % {"name": in_language(municipality.name, municipality.name_en), "year": fy.label},
            "municipality": municipality,
            "fiscal_year": fy,
            "years": years,
            "totals": overview.total_bar(fy, bars),
            "strategy_bars": bars,
            "groups": data.group(measures, projects),
            "project_count": page.paginator.count,
            "page_obj": page,
            "query": f"year={fy.year}",
            "municipalities": data.municipality_list(fy),
            "changes": overview.latest_changes(fy, activities=activities),
            "upcoming": schedule.upcoming(today, municipality=municipality, limit=UPCOMING_ON_HOME),
            "as_of": overview.data_as_of(fy),
        }

    return render_public(
        request,
        "projects/municipality_detail.html",
        build,
        params=("year", "page"),
        key=(slug, today),
        section="municipalities",
        scope=(year_scope(request), *soon_scope(today)),
    )


def town_links(fiscal_year, municipality):
    link = links(fiscal_year)
    return lambda kind, obj: link(kind, obj) + f"&municipality={municipality.slug}"


def site_page(request, kind):
    def build(params):
        if kind not in SitePageKind.values:
            raise data.NotFound(_("ページが見つかりません。"))
        page = SitePage.objects.filter(kind=kind).first()
        title = page.title if page else str(SitePageKind(kind).label)
        return {
            "title": title,
            "kind": kind,
            "site_page": page,
            "paragraphs": [
                p.strip() for p in (page.body if page else "").split("\n\n") if p.strip()
            ],
        }

    return render_public(request, "projects/site_page.html", build, key=(kind,), section=kind)


def status_feed(request):
    return feed_response(request, StatusChangesFeed(), scope=ALL)


def project_feed(request, pk):
    return feed_response(request, ProjectStatusFeed(), scope=project_scope(pk), pk=pk)


def municipality_feed(request, slug):
    return feed_response(request, MunicipalityStatusFeed(), scope=ALL, slug=slug)


def feed_response(request, feed, *, scope, **kwargs):
    def build():
        response = feed(request, **kwargs)
        return response.content, response["Content-Type"]

    return cached_response(request, build, key=(request.build_absolute_uri("/"),), scope=scope)


def sitemap(request):
    def build():
        response = sitemap_view(request, sitemaps=SITEMAPS)
        response.render()
        return response.content, response["Content-Type"]

    return cached_response(request, build, key=(request.build_absolute_uri("/"),), scope=ALL)
