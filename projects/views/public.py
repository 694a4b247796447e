"""Public pages: published fiscal years only, each read in a fixed number of queries and cached
(``page_cache``). The calendar and its feeds are in ``calendar``."""

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from projects.feeds import StatusChangesFeed
from projects.models import Activity, Change, FiscalYear, Municipality, Project, Status
from projects.reports import public as data
from projects.reports.handout import PdfUnavailable, overview_pdf
from projects.reports.tables import overview_from_db
from projects.sitemaps import SITEMAPS
from projects.table.formats import CONTENT_TYPES, OPEN_DATA_FORMATS, filename
from projects.table.formats import render as render_export
from projects.table.html import html_table

from .page_cache import cached_response, render_public

PROJECTS_PER_PAGE = 30
LIST_PARAMS = ("year", "status", "municipality", "strategy", "measure", "tag", "q", "page")


def shown_year(requested: str):
    """(published years, the one asked for or the current one); 404 when there is none."""
    years = data.published_years()
    try:
        return years, data.choose_year(years, requested)
    except data.NotPublished as exc:
        raise Http404(str(exc)) from exc


def healthz(request):
    """A trivial view: the baseline for bench/public_pages.py and a load balancer's check."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    def build(params):
        years, fy = shown_year(params["year"])
        counts = Activity.objects.for_year(fy).counted().status_totals()
        return {
            "title": _("%(year)sの連携事業") % {"year": fy.label},
            "fiscal_year": fy,
            "years": years,
            "totals": data.status_totals(fy, counts),
            "total": sum(counts.values()),
            "groups": data.group(data.year_measures(fy), [], keep_empty=True),
            "municipalities": data.municipality_list(fy),
            "statuses": data.status_totals(fy, {}),
        }

    return render_public(request, "projects/home.html", build, params=("year",))


def project_list(request):
    def build(params):
        years, fy = shown_year(params["year"])
        filters = data.Filters.from_query(params)
        measures = data.year_measures(fy)
        municipalities = data.municipality_list(fy)
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
    names = {m.slug: m.name for m in municipalities}
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
        years, fy = shown_year(params["year"])
        municipalities = data.municipality_list(fy)
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


def municipality_detail(request, slug):
    def build(params):
        municipality = get_object_or_404(Municipality, slug=slug)
        years, fy = shown_year(params["year"])
        measures = data.year_measures(fy)
        by_pk = {m.pk: m for m in measures}
        projects = list(
            Project.objects.filter(fiscal_year=fy)
            .for_municipality(municipality)
            .with_counted_status_counts(municipality)
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
            "municipalities": data.municipality_list(fy),
        }

    return render_public(
        request, "projects/municipality_detail.html", build, params=("year",), key=(slug,)
    )


def opendata(request):
    def build(params):
        return {
            "title": _("オープンデータ"),
            "years": data.published_years(),
            "formats": OPEN_DATA_FORMATS,
        }

    return render_public(request, "projects/opendata.html", build)


def opendata_file(request, year, fmt):
    if fmt not in OPEN_DATA_FORMATS:
        raise Http404(_("この形式には対応していません。"))

    def build():
        fy = get_object_or_404(FiscalYear.objects.published(), year=year)
        overview = overview_from_db(fy)
        return render_export(overview, fmt), CONTENT_TYPES[fmt]

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
            "table": html_table(overview),
            "filename": filename(overview, "xlsx"),
            "print": True,
        }

    return render_public(request, "projects/print_table.html", build, key=(year,))


def print_pdf(request, year):
    """The published year's 資料 as the meeting's PDF (cached like the other files)."""

    def build():
        fy = get_object_or_404(FiscalYear.objects.published(), year=year)
        return overview_pdf(overview_from_db(fy)), CONTENT_TYPES["pdf"]

    try:
        return cached_response(
            request,
            build,
            headers={"Content-Disposition": f'attachment; filename="renkei-overview-{year}.pdf"'},
        )
    except PdfUnavailable as exc:
        return HttpResponse(
            _("PDF を作れません: %(reason)s") % {"reason": exc},
            status=503,
            content_type="text/plain; charset=utf-8",
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
