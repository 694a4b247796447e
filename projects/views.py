"""Public pages: published fiscal years only, each read in a fixed number of queries and cached.

A page is cached under the shared version stamp (see cache.py), per language and per query
parameter it reads, twice over: its main part, which the shell (navigation, messages, the
language switch) is rendered around for signed-in visitors, and the whole page as an anonymous
visitor sees it, served with only the CSRF token of the language switch filled in: that page
is also kept in each process, gzipped ahead of time around the token (public_gzip.py), and
reused while the shared stamp is unchanged. Responses are gzipped for clients that accept it
(the CSRF token is masked afresh on every response, so compression does not expose it to BREACH).
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import cache as public_cache
from . import public_calendar
from . import public_data as data
from .exports import FORMATS, filename, overview_from_db
from .exports import render as render_export
from .feeds import StatusChangesFeed
from .models import Activity, Change, FiscalYear, Municipality, Project, Status
from .public_gzip import SplicedPage
from .public_print import table_rows
from .sitemaps import SITEMAPS

PROJECTS_PER_PAGE = 30
LIST_PARAMS = ("year", "status", "municipality", "strategy", "measure", "tag", "q", "page")
CSRF_PLACEHOLDER = "csrf-token-placeholder-4d1f0c"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def render_public(request, template, build, *, params=(), key=()):
    """Render ``template`` with ``build(values)`` as its context, cached; ``params`` are the
    query parameters the page reads (the only ones in its cache key)."""
    values = {name: request.GET.get(name, "") for name in params}
    parts = ("page", template, get_language(), request.path, *values.items(), *key)
    query = urlencode({k: v for k, v in values.items() if v})
    path = request.path + (f"?{query}" if query else "")

    def build_page():
        context = build(values)
        return {
            "title": str(context["title"]),
            "content": render_to_string(template, context),
            "print": context.get("print", False),
        }

    def build_anonymous():
        anonymous = {
            "page": public_cache.get_or_build(parts, build_page),
            "user": AnonymousUser(),
            "csrf_token": CSRF_PLACEHOLDER,
            "request": {"get_full_path": path},
        }
        return render_to_string("projects/public_page.html", anonymous)

    if is_anonymous_visit(request):
        page = public_cache.get_local(
            (*parts, "anonymous"),
            lambda: SplicedPage(
                public_cache.get_or_build((*parts, "anonymous"), build_anonymous),
                CSRF_PLACEHOLDER,
            ),
        )
        return spliced_response(request, page, get_token(request))
    page = public_cache.get_or_build(parts, build_page)
    return render(request, "projects/public_page.html", {"page": page})


def spliced_response(request, page: SplicedPage, token: str) -> HttpResponse:
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(page.gzipped(token))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.plain(token))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def is_anonymous_visit(request) -> bool:
    """No session and no pending message: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and (
        getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def cached_response(request, build, *, key=(), headers=None):
    """A cached non-HTML response: ``build()`` returns ``(content bytes, content type)``."""
    parts = ("response", get_language(), request.path, *key)
    content, content_type = public_cache.get_or_build(parts, build)
    response = HttpResponse(content, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def healthz(request):
    """A trivial view: the baseline for bench/public_pages.py and a load balancer's check."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    def build(params):
        years = data.published_years()
        fy = data.choose_year(years, params["year"])
        counts = Activity.objects.for_year(fy).counted().status_totals()
        return {
            "title": _("%(year)sの連携事業") % {"year": fy.label},
            "fiscal_year": fy,
            "years": years,
            "totals": data.status_totals(fy, counts),
            "total": sum(counts.values()),
            "groups": data.group(data.year_measures(fy), [], keep_empty=True),
            "municipalities": data.municipality_list(),
            "statuses": data.status_totals(fy, {}),
        }

    return render_public(request, "projects/home.html", build, params=("year",))


def project_list(request):
    def build(params):
        years = data.published_years()
        fy = data.choose_year(years, params["year"])
        filters = data.Filters.from_query(params)
        measures = data.year_measures(fy)
        municipalities = data.municipality_list()
        labels = data.status_labels(fy)
        projects = data.filter_projects(data.year_projects(fy, measures), filters, labels)
        page = Paginator(projects, PROJECTS_PER_PAGE).get_page(params["page"])
        return {
            "title": list_title(fy, filters, labels, municipalities, page),
            "fiscal_year": fy,
            "years": years,
            "filters": filters,
            "query": filters.query_string(year=fy.year),
            "year_query": filters.query_string(measure=None),
            "page_obj": page,
            "groups": data.group(measures, page.object_list),
            "count": len(projects),
            "measures": measures,
            "strategies": {m.strategy.number: m.strategy for m in measures}.values(),
            "municipalities": municipalities,
            "statuses": data.status_totals(fy, {}),
            "tags": data.TAG_FILTERS,
        }

    return render_public(request, "projects/project_list.html", build, params=LIST_PARAMS)


def list_title(fy, filters, labels, municipalities, page) -> str:
    parts = [fy.label]
    names = {m.code: m.name for m in municipalities}
    if filters.municipality in names:
        parts.append(names[filters.municipality])
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
    def build(params):
        project = get_object_or_404(
            Project.objects.published()
            .with_hierarchy()
            .select_related("fiscal_year")
            .with_activities(),
            pk=pk,
        )
        fy = project.fiscal_year
        rows = list(project.rows.all())
        activities = [a for row in rows for a in row.activities.all()]
        data.label_activities(activities, data.status_labels(fy))
        originals = data.find_originals(fy, activities)
        for a in activities:
            a.original = originals.get(a.pk)
        timeline = sorted(
            ((e, a) for a in activities for e in a.events.all()),
            key=lambda pair: (pair[0].start_date, pair[0].start_precision != "month"),
        )
        last_change = Change.objects.filter(project=project).aggregate(last=Max("changed_at"))
        return {
            "title": _("%(project)s (%(year)s)") % {"project": project, "year": fy.label},
            "project": project,
            "fiscal_year": fy,
            "rows": rows,
            "timeline": [(data.event_label(e), e, a) for e, a in timeline],
            "last_updated": data.last_updated(project, activities, last_change["last"]),
        }

    return render_public(request, "projects/project_detail.html", build, key=(pk,))


def municipality_index(request):
    def build(params):
        years = data.published_years()
        fy = data.choose_year(years, params["year"])
        municipalities = data.municipality_list()
        totals = Activity.objects.for_year(fy).counted().status_totals_by_municipality()
        counts = dict(
            Project.objects.filter(fiscal_year=fy)
            .values_list("municipalities")
            .annotate(n=Count("id"))
            .order_by()
        )
        for m in municipalities:
            m.totals = data.status_totals(fy, totals.get(m.pk, {}))
            m.project_count = counts.get(m.pk, 0)
        return {
            "title": _("市町別の連携事業 (%(year)s)") % {"year": fy.label},
            "fiscal_year": fy,
            "years": years,
            "municipalities": municipalities,
        }

    return render_public(request, "projects/municipality_list.html", build, params=("year",))


def municipality_detail(request, code):
    def build(params):
        municipality = get_object_or_404(Municipality, code=code)
        years = data.published_years()
        fy = data.choose_year(years, params["year"])
        measures = data.year_measures(fy)
        by_pk = {m.pk: m for m in measures}
        projects = list(
            Project.objects.filter(fiscal_year=fy)
            .for_municipality(municipality)
            .with_counted_status_counts()
            .order_by("order")
        )
        counts = {}
        for p in projects:
            p.measure = by_pk[p.measure_id]
            p.totals = data.status_totals(fy, {s: getattr(p, f"n_{s}") for s in Status.values})
            for t in p.totals:
                counts[t.status] = counts.get(t.status, 0) + t.count
        return {
            "title": _("%(name)sの連携事業 (%(year)s)")
            % {"name": municipality.name, "year": fy.label},
            "municipality": municipality,
            "fiscal_year": fy,
            "years": years,
            "totals": data.status_totals(fy, counts),
            "groups": data.group(measures, projects),
            "project_count": len(projects),
            "municipalities": data.municipality_list(),
        }

    return render_public(
        request, "projects/municipality_detail.html", build, params=("year",), key=(code,)
    )


def opendata(request):
    def build(params):
        return {
            "title": _("オープンデータ"),
            "years": data.published_years(),
            "formats": ("json", "csv", "xlsx"),
        }

    return render_public(request, "projects/opendata.html", build)


def opendata_file(request, year, fmt):
    if fmt not in FORMATS:
        raise Http404(_("この形式には対応していません。"))

    def build():
        fy = get_object_or_404(FiscalYear.objects.published(), year=year)
        overview = overview_from_db(fy)
        return render_export(overview, fmt), FORMATS[fmt]

    return cached_response(
        request,
        build,
        headers={
            "Content-Disposition": f'attachment; filename="renkei-overview-{year}.{fmt}"',
            "Access-Control-Allow-Origin": "*",
        },
    )


def print_table(request, year):
    def build(params):
        fy = get_object_or_404(FiscalYear.objects.published(), year=year)
        overview = overview_from_db(fy)
        return {
            "title": _("%(title)s (印刷用)") % {"title": overview.title or fy.label},
            "fiscal_year": fy,
            "overview": overview,
            "rows": table_rows(overview),
            "width": 7 if overview.has_municipality_column else 6,
            "filename": filename(overview, "xlsx"),
            "print": True,
        }

    return render_public(request, "projects/print_table.html", build, key=(year,))


def calendar(request):
    today = timezone.localdate()

    def build(params):
        municipalities = data.municipality_list()
        code = params["municipality"]
        municipality = next((m for m in municipalities if m.code == code), None)
        if code and municipality is None:
            raise Http404(_("市町が見つかりません。"))
        upcoming, past = public_calendar.split(
            public_calendar.published_events(municipality), today
        )
        title = _("予定と実績のカレンダー")
        if municipality:
            title += f" ({municipality.name})"
        return {
            "title": title,
            "today": today,
            "municipality": municipality,
            "municipalities": municipalities,
            "upcoming": upcoming,
            "past": past,
        }

    return render_public(
        request, "projects/calendar.html", build, params=("municipality",), key=(today,)
    )


def calendar_ics(request, code=None):
    def build():
        municipality = get_object_or_404(Municipality, code=code) if code else None
        name = _("連携事業の日程")
        if municipality:
            name += f" ({municipality.name})"
        events = public_calendar.published_events(municipality)
        base_url = request.build_absolute_uri("/").rstrip("/")
        content = public_calendar.ical(events, name=name, base_url=base_url)
        return content, "text/calendar; charset=utf-8"

    filename = f"renkei-{code or 'all'}.ics"
    return cached_response(
        request,
        build,
        key=(request.build_absolute_uri("/"),),
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def status_feed(request):
    def build():
        response = StatusChangesFeed()(request)
        return response.content, response["Content-Type"]

    return cached_response(request, build, key=(request.build_absolute_uri("/"),))


def sitemap(request):
    def build():
        response = sitemap_view(request, sitemaps=SITEMAPS)
        response.render()
        return response.content, response["Content-Type"]

    return cached_response(request, build, key=(request.build_absolute_uri("/"),))
