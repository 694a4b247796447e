"""Public KPI (成果指標) pages: the index of a published year, one page per 取組 with a small
chart and a table per indicator, and the open-data files (JSON with its schema, CSV). Each page
is read in a fixed number of queries and cached like the other public pages."""

import json

from django.conf import settings
from django.utils.translation import gettext as _

from projects.models import KpiEdition
from projects.reports import kpi as data
from projects.reports import public
from projects.reports.kpi.chart import chart
from projects.reports.kpi.export import to_csv, to_json

from .opendata import OPEN, published_year
from .page_cache import cached_response, render_public, year_scope

SCHEMA_PATH = settings.BASE_DIR / "opendata" / "kpi-schema.json"
TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def _edition(fiscal_year):
    edition = KpiEdition.objects.filter(fiscal_year=fiscal_year).first()
    if edition is not None:
        edition.fiscal_year = fiscal_year
    return edition


def _with_charts(views):
    for view in views:
        view.chart = chart(view.indicator)
    return views


def kpi_index(request):
    def build(params):
        years = public.published_years()
        fy = public.choose_year(years, params["year"])
        edition = _edition(fy)
        strategies = list(fy.strategies.all())
        groups = []
        if edition is not None:
            indicators = data.views(edition.indicators.for_page(), edition)
            for strategy in strategies:
                mine = [
                    v
                    for v in indicators
                    if (v.indicator.strategy_id or v.indicator.measure.strategy_id) == strategy.pk
                ]
                groups.append((strategy, mine))
        return {
            "title": _("成果指標 (KPI) (%(year)s)") % {"year": fy.label},
            "fiscal_year": fy,
            "years": years,
            "edition": edition,
            "groups": groups,
        }

    return render_public(
        request,
        "projects/kpi/index.html",
        build,
        params=("year",),
        section="kpi",
        scope=year_scope(request),
    )


def kpi_strategy(request, year, number):
    def build(params):
        fy = published_year(year)
        strategy = fy.strategies.filter(number=number).first()
        if strategy is None:
            raise public.NotFound(_("この取組はありません。"))
        edition = _edition(fy)
        views = _with_charts(data.strategy_indicators(edition, strategy))
        legend = edition.get_legend() if edition else None
        return {
            "title": _("成果指標: %(number)s %(title)s (%(year)s)")
            % {"number": strategy.number, "title": strategy.title, "year": fy.label},
            "fiscal_year": fy,
            "strategy": strategy,
            "edition": edition,
            "legend": legend,
            "indicators": views,
        }

    return render_public(request, "projects/kpi/strategy.html", build, section="kpi", scope=year)


def kpi_file(request, year, fmt):
    if fmt not in TYPES:
        raise public.NotFound(_("この形式には対応していません。"))

    def build():
        edition = _edition(published_year(year))
        if edition is None:
            raise public.NotFound(_("この年度の成果指標はありません。"))
        return (to_json(edition) if fmt == "json" else to_csv(edition)), TYPES[fmt]

    return cached_response(
        request,
        build,
        headers={"Content-Disposition": f'attachment; filename="renkei-kpi-{year}.{fmt}"', **OPEN},
        scope=year,
    )


def kpi_schema(request):
    def build():
        document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"), TYPES["json"]

    return cached_response(request, build, headers=OPEN)
