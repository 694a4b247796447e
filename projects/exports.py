"""The database as an ``Overview``, and the three export formats written from it.

Five queries build the whole year whatever its size; the writers are in overview.py (json,
csv) and spreadsheets.py (xlsx).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

from .models import Activity, FiscalYear, Measure, Project, ProjectRow, Strategy
from .overview import (
    ActivityData,
    MeasureData,
    Overview,
    ProjectData,
    RowData,
    StrategyData,
    csv_rows,
    neutralise_formula,
    to_json,
)
from .spreadsheets import write_overview

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def overview_from_db(fiscal_year: FiscalYear, *, projects=None, activity_filter=None) -> Overview:
    """Build the year's table; ``projects`` (a queryset) limits it to some projects,
    ``activity_filter`` (a callable) rewrites or drops activities (used for as-of-date exports)."""
    partial = projects is not None
    projects = Project.objects.filter(fiscal_year=fiscal_year) if projects is None else projects
    projects = list(projects.prefetch_related("municipalities").order_by("order"))
    rows = defaultdict(list)
    for row in ProjectRow.objects.filter(project__in=[p.pk for p in projects]).order_by("order"):
        rows[row.project_id].append(row)
    activities = defaultdict(list)
    for activity in Activity.objects.filter(row__project__in=[p.pk for p in projects]).order_by(
        "order"
    ):
        activities[activity.row_id].append(activity)
    by_measure = defaultdict(list)
    for project in projects:
        by_measure[project.measure_id].append(
            project_data(project, rows, activities, activity_filter)
        )
    return Overview(
        fiscal_year=fiscal_year.year,
        title=fiscal_year.title,
        document_label=fiscal_year.document_label,
        results_header=fiscal_year.results_header,
        legend=dict(fiscal_year.legend),
        has_municipality_column=fiscal_year.has_municipality_column,
        strategies=strategy_data(fiscal_year, by_measure, partial=partial),
    )


def project_data(project, rows, activities, activity_filter) -> ProjectData:
    data = ProjectData(
        project.number, project.name, municipalities=[m.name for m in project.municipalities.all()]
    )
    for row in rows[project.pk]:
        items = activities[row.pk]
        if activity_filter is not None:
            items = [a for a in (activity_filter(a) for a in items) if a is not None]
        data.rows.append(
            RowData(
                row.summary,
                [
                    ActivityData(a.status, a.text, a.marker_for_export(), list(a.details))
                    for a in items
                ],
            )
        )
    return data


def strategy_data(fiscal_year, by_measure, *, partial: bool) -> list[StrategyData]:
    """Strategies and measures in order; a partial export leaves out those with no project."""
    strategies = {
        s.pk: StrategyData(s.number, s.title, s.heading, s.band)
        for s in Strategy.objects.filter(fiscal_year=fiscal_year).order_by("number")
    }
    for m in Measure.objects.filter(strategy__fiscal_year=fiscal_year).order_by("order"):
        if by_measure.get(m.pk) or not partial:
            strategies[m.strategy_id].measures.append(
                MeasureData(m.label, m.title, m.heading, m.policy_field, by_measure.get(m.pk, []))
            )
    return [s for s in strategies.values() if s.measures or not partial]


def render(overview: Overview, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(to_json(overview), ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in csv_rows(overview):
            writer.writerow([neutralise_formula(v) for v in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_overview(overview, buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format: {fmt}")


def filename(overview: Overview, fmt: str, suffix: str = "") -> str:
    return f"renkei-overview-{overview.fiscal_year}{suffix}.{fmt}"
