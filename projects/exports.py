"""The database as an ``Overview``, and the three export formats written from it.

Five queries build the whole year whatever its size; the writers are in overview.py (json,
csv) and spreadsheets.py (xlsx).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

from .models import Activity, FiscalYear, Measure, Project, ProjectRow, Strategy, export_marker
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
    ``activity_filter`` (a callable taking and returning an Activity, or None to drop it)
    rewrites activities (used for as-of-date exports). Reads plain values, not model
    instances, where it can: a 9,000-activity year is read in a fraction of a second."""
    partial = projects is not None
    projects = Project.objects.filter(fiscal_year=fiscal_year) if projects is None else projects
    project_ids = projects.values("id")
    by_measure = defaultdict(list)
    datas = {}
    for pk, measure_id, number, name in projects.order_by("order").values_list(
        "id", "measure_id", "number", "name"
    ):
        datas[pk] = ProjectData(number, name, municipalities=[])
        by_measure[measure_id].append(datas[pk])
    for pk, municipality in (
        Project.municipalities.through.objects.filter(project__in=project_ids)
        .order_by("municipality__order")
        .values_list("project_id", "municipality__name")
    ):
        datas[pk].municipalities.append(municipality)
    rows = {}
    for pk, project_id, summary in (
        ProjectRow.objects.filter(project__in=project_ids)
        .order_by("project_id", "order")
        .values_list("id", "project_id", "summary")
    ):
        rows[pk] = RowData(summary)
        datas[project_id].rows.append(rows[pk])
    for row_id, activity in activity_data(project_ids, activity_filter):
        rows[row_id].activities.append(activity)
    return Overview(
        fiscal_year=fiscal_year.year,
        title=fiscal_year.title,
        document_label=fiscal_year.document_label,
        results_header=fiscal_year.results_header,
        legend=dict(fiscal_year.legend),
        has_municipality_column=fiscal_year.has_municipality_column,
        strategies=strategy_data(fiscal_year, by_measure, partial=partial),
    )


def activity_data(project_ids, activity_filter):
    """(row id, ActivityData) in table order."""
    activities = Activity.objects.filter(row__project__in=project_ids).order_by("row_id", "order")
    if activity_filter is None:
        for row_id, status, marker, text, details in activities.values_list(
            "row_id", "status", "marker", "text", "details"
        ):
            yield row_id, ActivityData(status, text, export_marker(status, marker), list(details))
        return
    for activity in activities:
        activity = activity_filter(activity)
        if activity is not None:
            yield (
                activity.row_id,
                ActivityData(
                    activity.status,
                    activity.text,
                    activity.marker_for_export(),
                    list(activity.details),
                ),
            )


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
