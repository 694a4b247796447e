"""The year's table read from the database as an ``Overview``, now or as it stood on a day.

Every export (xlsx, json, csv, the print view) is written from these: five queries build the
whole year whatever its size; the writers are in ``projects.table``.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict

from django.utils import timezone

from projects.models import (
    Activity,
    Change,
    FiscalYear,
    Measure,
    Project,
    ProjectRow,
    Status,
    Strategy,
    export_marker,
)
from projects.table.eras import wareki
from projects.table.model import (
    ActivityData,
    MeasureData,
    Overview,
    ProjectData,
    RowData,
    StrategyData,
)


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
    rows = row_data(project_ids, datas)
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
        layout=fiscal_year.sheet_layout(),
    )


def row_data(project_ids, datas: dict[int, ProjectData]) -> dict[int, RowData]:
    """The projects' rows in order, each with its own 関係市町 as written and the member names
    it means (rows without a cell of their own keep ``municipalities`` None): one query, two
    when some row has its own."""
    rows = {}
    for pk, project_id, summary, municipalities_text in (
        ProjectRow.objects.filter(project__in=project_ids)
        .order_by("project_id", "order")
        .values_list("id", "project_id", "summary", "municipalities_text")
    ):
        own = [] if municipalities_text else None
        rows[pk] = RowData(summary, municipalities_text=municipalities_text, municipalities=own)
        datas[project_id].rows.append(rows[pk])
    if all(row.municipalities is None for row in rows.values()):
        return rows  # no row has a 関係市町 cell of its own: no query for their names
    for row_id, name in (
        ProjectRow.municipalities.through.objects.filter(projectrow__project__in=project_ids)
        .order_by("municipality__order")
        .values_list("projectrow_id", "municipality__name")
    ):
        if rows[row_id].municipalities is not None:
            rows[row_id].municipalities.append(name)
    return rows


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


# ---------------------------------------------------------------------------- as of a date


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the portal's time zone (Asia/Tokyo)."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


# Statuses were once recorded as glyphs or words; every form still reads back.
_STATUS_WORDS = {
    **{s.value: s.value for s in Status},
    **{s.glyph: s.value for s in Status},
    **{str(s.label): s.value for s in Status},
}


def _restore(activity: Activity, field_name: str, old: str) -> None:
    if field_name == "status":
        activity.status = _STATUS_WORDS.get(old.strip()) if old.strip() else None
    elif field_name == "text":
        activity.text = old
    elif field_name == "details":
        activity.details = old.split("\n") if old else []


def overview_as_of(fiscal_year: FiscalYear, day: datetime.date) -> Overview:
    """The year's table as it stood at the end of ``day``.

    Each activity's status, text and details are put back to the value before the first change
    recorded after that day; activities and projects created after it are left out. Activities
    deleted since and project names are not restored (their history is not kept in this form).
    """
    cutoff = end_of_day(day)
    earliest: dict[tuple[int, str], str] = {}
    changes = (
        Change.objects.filter(
            fiscal_year=fiscal_year,
            activity__isnull=False,
            field__in=("status", "text", "details"),
            changed_at__gte=cutoff,
        )
        .order_by("changed_at", "id")
        .values_list("activity_id", "field", "old_value")
    )
    for activity_id, field_name, old in changes:
        earliest.setdefault((activity_id, field_name), old)

    def as_it_stood(activity: Activity) -> Activity | None:
        if activity.created_at >= cutoff:
            return None
        restored = copy.copy(activity)
        for field_name in ("status", "text", "details"):
            if (activity.pk, field_name) in earliest:
                _restore(restored, field_name, earliest[activity.pk, field_name])
        return restored

    projects = fiscal_year.projects.filter(created_at__lt=cutoff)
    overview = overview_from_db(fiscal_year, projects=projects, activity_filter=as_it_stood)
    overview.title = f"{overview.title}（{wareki(day)}現在）"
    return overview
