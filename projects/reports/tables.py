"""The year's table read from the database as an ``Overview``, now or as it stood on a day.

Every export (xlsx, json, csv, the print view) is written from these: a fixed number of
queries build the whole year and its members whatever its size; the writers are in
``projects.table``.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections import defaultdict

from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import (
    Activity,
    Area,
    Change,
    FiscalYear,
    Measure,
    Municipality,
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
    MunicipalityData,
    Overview,
    ProjectData,
    RowData,
    StrategyData,
)
from projects.table.notation import classify_line


def overview_from_db(
    fiscal_year: FiscalYear,
    *,
    projects=None,
    activity_filter=None,
    restored=None,
    former_names=None,
) -> Overview:
    """Build the year's table; ``projects`` (a queryset) limits it to some projects,
    ``activity_filter`` (a callable taking and returning an Activity, or None to drop it)
    rewrites activities, ``restored`` ({row id: [Activity]}) puts back activities deleted since
    and ``former_names`` ({project id: (number, name)}) names projects as they were (the three
    are used for as-of-date exports). Reads plain values, not model instances, where it can: a
    9,000-activity year is read in a fraction of a second."""
    partial = projects is not None
    projects = Project.objects.filter(fiscal_year=fiscal_year) if projects is None else projects
    project_ids = projects.values("id")
    by_measure = defaultdict(list)
    datas = {}
    project_url = url_pattern("projects:project_detail")
    for pk, measure_id, number, name, name_en in projects.order_by("order").values_list(
        "id", "measure_id", "number", "name", "name_en"
    ):
        number, name = (former_names or {}).get(pk, (number, name))
        datas[pk] = ProjectData(
            number, name, municipalities=[], id=pk, url=project_url(pk), name_en=name_en
        )
        by_measure[measure_id].append(datas[pk])
    for pk, municipality in (
        Project.municipalities.through.objects.filter(project__in=project_ids)
        .order_by("municipality__order")
        .values_list("project_id", "municipality__name")
    ):
        datas[pk].municipalities.append(municipality)
    rows, row_urls = row_data(project_ids, datas)
    for row_id, activity in activity_data(project_ids, activity_filter, restored or {}):
        if row_id in rows:
            activity.url = f"{row_urls[row_id]}#activity-{activity.id}"
            rows[row_id].activities.append(activity)
    area = Area.objects.current()
    return Overview(
        fiscal_year=fiscal_year.year,
        title=fiscal_year.title,
        document_label=fiscal_year.document_label,
        results_header=fiscal_year.results_header,
        legend=dict(fiscal_year.legend),
        has_municipality_column=fiscal_year.has_municipality_column,
        stated_date=fiscal_year.stated_date,
        strategies=strategy_data(fiscal_year, by_measure, partial=partial),
        municipalities=municipality_data(fiscal_year),
        publisher=area.council or area.name if area else "",
        layout=fiscal_year.sheet_layout(),
    )


def url_pattern(name: str):
    """``pk → URL`` of a public page, without a reverse() per record (the Japanese URL, which
    has no language prefix)."""
    with translation.override("ja"):
        sample = reverse(name, args=[987654321])
    head, _, tail = sample.partition("987654321")
    return lambda pk: f"{head}{pk}{tail}"


def municipality_data(fiscal_year: FiscalYear) -> list[MunicipalityData]:
    """The year's member towns with their codes (one query; a retired town only in the years
    whose data names it)."""
    with translation.override("ja"):
        return [
            MunicipalityData(
                m.name, m.reading, m.lg_code, m.slug, m.get_absolute_url(), name_en=m.name_en
            )
            for m in Municipality.objects.of_year(fiscal_year)
        ]


def row_data(project_ids, datas: dict[int, ProjectData]):
    """The projects' rows in order, each with its own 関係市町 as written and the member names
    it means (rows without a cell of their own keep ``municipalities`` None), and each row's
    project URL: one query, two when some row has its own."""
    rows, row_urls = {}, {}
    for pk, project_id, summary, summary_en, municipalities_text in (
        ProjectRow.objects.filter(project__in=project_ids)
        .order_by("project_id", "order")
        .values_list("id", "project_id", "summary", "summary_en", "municipalities_text")
    ):
        own = [] if municipalities_text else None
        rows[pk] = RowData(
            summary,
            municipalities_text=municipalities_text,
            municipalities=own,
            summary_en=summary_en,
        )
        row_urls[pk] = datas[project_id].url
        datas[project_id].rows.append(rows[pk])
    if all(row.municipalities is None for row in rows.values()):
        return rows, row_urls  # no row has a 関係市町 cell of its own: no query for their names
    for row_id, name in (
        ProjectRow.municipalities.through.objects.filter(projectrow__project__in=project_ids)
        .order_by("municipality__order")
        .values_list("projectrow_id", "municipality__name")
    ):
        if rows[row_id].municipalities is not None:
            rows[row_id].municipalities.append(name)
    return rows, row_urls


def activity_data(project_ids, activity_filter, restored):
    """(row id, ActivityData) in table order; ``restored`` activities take their recorded
    place (before the one that holds the same order now)."""
    activities = Activity.objects.filter(row__project__in=project_ids).order_by("row_id", "order")
    if activity_filter is None and not restored:
        for pk, row_id, status, marker, text, details in activities.values_list(
            "id", "row_id", "status", "marker", "text", "details"
        ):
            marker = export_marker(status, marker)
            yield row_id, ActivityData(status, text, marker, list(details), id=pk)
        return
    by_row = defaultdict(list)
    for activity in activities:
        activity = activity_filter(activity) if activity_filter else activity
        if activity is not None:
            by_row[activity.row_id].append((activity.order, 1, activity))
    for row_id, extra in restored.items():
        by_row[row_id].extend((a.order, 0, a) for a in extra)
    for row_id in sorted(by_row):
        for _, _, activity in sorted(by_row[row_id], key=lambda t: t[:2]):
            yield (
                activity.row_id,
                ActivityData(
                    activity.status,
                    activity.text,
                    activity.marker_for_export(),
                    list(activity.details),
                    id=activity.pk,
                ),
            )


def strategy_data(fiscal_year, by_measure, *, partial: bool) -> list[StrategyData]:
    """Strategies and measures in order; a partial export leaves out those with no project."""
    strategies = {
        s.pk: StrategyData(s.number, s.title, s.heading, s.band, title_en=s.title_en)
        for s in Strategy.objects.filter(fiscal_year=fiscal_year).order_by("number")
    }
    for m in Measure.objects.filter(strategy__fiscal_year=fiscal_year).order_by("order"):
        if by_measure.get(m.pk) or not partial:
            strategies[m.strategy_id].measures.append(
                MeasureData(
                    m.label,
                    m.title,
                    m.heading,
                    m.policy_field,
                    by_measure.get(m.pk, []),
                    title_en=m.title_en,
                )
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


class AsOfRefused(Exception):
    """No truthful table can be given for that day; the message says from when one can."""


def history_start(fiscal_year: FiscalYear):
    """The first moment the portal knows the year's content: its earliest project or recorded
    change. Before it nothing is recorded (the year did not exist yet, or was imported before
    the history was kept), so no table as of an earlier day can be told. None: no project."""
    first_project = fiscal_year.projects.aggregate(first=Min("created_at"))["first"]
    if first_project is None:
        return None
    first_change = fiscal_year.changes.aggregate(first=Min("changed_at"))["first"]
    return min(first_project, first_change or first_project)


def check_as_of(fiscal_year: FiscalYear, day: datetime.date) -> None:
    """Raise AsOfRefused when the history cannot answer for the end of ``day``."""
    start = history_start(fiscal_year)
    if start is None:
        raise AsOfRefused(f"{fiscal_year.label}にはまだ事業がないため、資料を作れません。")
    if end_of_day(day) <= start:
        first = timezone.localdate(start).isoformat()
        raise AsOfRefused(
            f"{day.isoformat()} 時点の資料は作れません。{fiscal_year.label}の記録は {first} から"
            f"始まり、それより前の内容は分かりません。{first} 以降の日付を指定してください。"
        )


def overview_as_of(fiscal_year: FiscalYear, day: datetime.date) -> Overview:
    """The year's table as it stood at the end of ``day``.

    Each activity's status, text and details are put back to the value before the first change
    recorded after that day; activities and projects created after it are left out, activities
    deleted since come back at their place, and projects renamed or renumbered since carry
    their former name and number. Raises AsOfRefused for a day before the history begins.
    """
    check_as_of(fiscal_year, day)
    cutoff = end_of_day(day)
    later = list(
        Change.objects.filter(fiscal_year=fiscal_year, changed_at__gte=cutoff)
        .order_by("changed_at", "id")
        .values_list("id", "activity_id", "project_id", "field", "old_value", "new_value", "source")
    )
    earliest: dict[tuple[int, str], str] = {}
    for _, activity_id, _, field_name, old, _, _ in later:
        if activity_id is not None and field_name in ACTIVITY_FIELDS:
            earliest.setdefault((activity_id, field_name), old)

    def as_it_stood(activity: Activity) -> Activity | None:
        if activity.created_at >= cutoff:
            return None
        restored = copy.copy(activity)
        for field_name in ACTIVITY_FIELDS:
            if (activity.pk, field_name) in earliest:
                _restore(restored, field_name, earliest[activity.pk, field_name])
        return restored

    projects = fiscal_year.projects.filter(created_at__lt=cutoff)
    overview = overview_from_db(
        fiscal_year,
        projects=projects,
        activity_filter=as_it_stood,
        restored=deleted_since(fiscal_year, later, cutoff),
        former_names=former_names(fiscal_year, later),
    )
    overview.title = f"{overview.title}（{wareki(day)}現在）"
    return overview


ACTIVITY_FIELDS = ("status", "text", "details")


def deleted_since(fiscal_year, later, cutoff) -> dict[int, list[Activity]]:
    """The activities deleted after the cutoff that existed before it, as they stood then, by
    row: each deletion records the activity's place, values and recorded changes
    (``deleted_activity_value``); one without that record goes to the end of its project's
    first row."""
    restored: dict[int, list[Activity]] = defaultdict(list)
    deletions = [c for c in later if c[3] == "deleted" and c[1] is None and c[2] is not None]
    if not deletions:
        return restored
    first_rows = dict(
        ProjectRow.objects.filter(project__fiscal_year=fiscal_year, order=0).values_list(
            "project_id", "pk"
        )
    )
    row_ids = set(
        ProjectRow.objects.filter(project__fiscal_year=fiscal_year).values_list("pk", flat=True)
    )
    for _, _, project_id, _, old, new, _ in deletions:
        record = read_deleted_value(old, new)
        if not record:
            continue
        created = record.get("created_at")
        if created and datetime.datetime.fromisoformat(created) >= cutoff:
            continue
        row_id = record.get("row")
        if row_id not in row_ids:
            row_id, record["order"] = first_rows.get(project_id), 10**9
        if row_id is None:
            continue
        activity = Activity(
            row_id=row_id,
            order=record.get("order", 10**9),
            status=record.get("status"),
            marker=record.get("marker", ""),
            text=record.get("text", ""),
            details=list(record.get("details", [])),
        )
        own = set(record.get("changes", []))
        done = set()
        for change_id, _, _, field_name, value, _, _ in later:  # oldest first
            if change_id in own and field_name in ACTIVITY_FIELDS and field_name not in done:
                done.add(field_name)
                _restore(activity, field_name, value)
        restored[row_id].append(activity)
    return restored


def read_deleted_value(old: str, new: str) -> dict:
    """What a deletion recorded: the JSON of ``deleted_activity_value`` in the new value, or
    else only the line in the old value (marker, text, then the detail lines); {} when it is
    not an activity's."""
    try:
        record = json.loads(new) if new else {}
    except ValueError:
        record = {}
    if isinstance(record, dict) and "text" in record:
        return record
    first, *details = old.split("\n") if old else [""]
    line = classify_line(first)
    if line.status is None:  # not recognisably an activity (another level's deletion)
        return {}
    return {"status": line.status, "marker": line.marker, "text": line.text, "details": details}


def former_names(fiscal_year, later) -> dict[int, tuple[int | None, str]]:
    """{project id: (number, name)} for projects renamed or renumbered after the cutoff (the
    import and the admin record the name and the number each in its own field)."""
    current = {
        pk: (number, name)
        for pk, number, name in fiscal_year.projects.values_list("pk", "number", "name")
    }
    former: dict[int, list] = {}
    seen = set()
    for _, activity_id, project_id, field_name, old, _, _source in later:
        if activity_id is not None or project_id not in current:
            continue
        if field_name not in ("name", "number") or (project_id, field_name) in seen:
            continue
        seen.add((project_id, field_name))
        number, name = former.setdefault(project_id, list(current[project_id]))
        if field_name == "number":
            number = int(old) if old.isascii() and old.isdigit() else None
        else:
            name = old
        former[project_id] = [number, name]
    return {pk: tuple(v) for pk, v in former.items()}
