"""The KPI section of the meeting handout: the year's 成果指標 after the 資料 table, on a page
of its own (the indicators, their baseline, yearly values, target, achievement ratio and
evaluation, and the sheet's legend). Empty when the year has no KPI sheet."""

from __future__ import annotations

from django.template.loader import render_to_string

from projects.models import KpiEdition

from . import views


def kpi_section(fiscal_year: int | None) -> str:
    edition = (
        KpiEdition.objects.filter(fiscal_year__year=fiscal_year)
        .select_related("fiscal_year")
        .first()
        if fiscal_year
        else None
    )
    if edition is None:
        return ""
    indicators = views(edition.indicators.for_page(), edition)
    years = sorted({year for view in indicators for year in view.years})
    return render_to_string(
        "projects/kpi/_handout.html",
        {
            "edition": edition,
            "legend": edition.get_legend(),
            "indicators": indicators,
            "years": years,
        },
    )
