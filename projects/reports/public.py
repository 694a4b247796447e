"""What the public pages show, read in a fixed number of queries however large the year is.

Each function loads whole levels in single queries and arranges them in Python: filtering and
free-text search run over the prefetched year, so their cost never shows up as more queries.
Only published fiscal years are ever returned: asking for another raises ``NotPublished``.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.models import (
    Activity,
    Event,
    FiscalYear,
    Measure,
    Municipality,
    Precision,
    Project,
    ProjectRow,
    Status,
)
from projects.table.dates import last_day_of_month
from projects.table.notation import strip_tags

TAG_FILTERS = ("新規", "拡充")


def normalise(text: str) -> str:
    """Fold full-width and half-width forms and case, so that ＩＣＴ finds ICT and １０月 10月."""
    return unicodedata.normalize("NFKC", text).casefold()


# ---------------------------------------------------------------------------- years, statuses


def published_years() -> list[FiscalYear]:
    return list(FiscalYear.objects.published().order_by("-year"))


class NotPublished(LookupError):
    """What was asked for is not on the public pages (the message says why, translated)."""


def choose_year(years: list[FiscalYear], requested: str | None) -> FiscalYear:
    """The requested published year, else the current one; NotPublished for anything else."""
    if requested:
        found = next((y for y in years if str(y.year) == requested), None)
        if found is None:
            raise NotPublished(_("この年度は公開されていません。"))
        return found
    current = next((y for y in years if y.is_current), None) or (years[0] if years else None)
    if current is None:
        raise NotPublished(_("公開中の年度はまだありません。"))
    return current


def status_labels(fiscal_year: FiscalYear) -> dict[str, str]:
    """Status words: the year's own legend in Japanese (it changes from year to year), else the
    interface's translation."""
    if (get_language() or "ja").startswith("ja"):
        return {s: fiscal_year.legend_for(s) for s in Status.values}
    return {s: str(Status(s).label) for s in Status.values}


@dataclass
class StatusTotal:
    status: str
    glyph: str
    label: str
    count: int
    percent: int = 0


def status_totals(fiscal_year: FiscalYear, counts: dict[str, int]) -> list[StatusTotal]:
    labels = status_labels(fiscal_year)
    total = sum(counts.values()) or 1
    return [
        StatusTotal(
            s, Status(s).glyph, labels[s], counts.get(s, 0), round(100 * counts.get(s, 0) / total)
        )
        for s in Status.values
    ]


def label_activities(activities, labels: dict[str, str]) -> None:
    for a in activities:
        a.status_label = labels.get(a.status or "", "")


# ---------------------------------------------------------------------------- hierarchy


@dataclass
class MeasureGroup:
    measure: Measure
    projects: list = field(default_factory=list)


@dataclass
class StrategyGroup:
    strategy: object
    measures: list[MeasureGroup] = field(default_factory=list)


def year_measures(fiscal_year: FiscalYear) -> list[Measure]:
    """The year's measures with their strategy and project count, in table order (one query)."""
    return list(
        Measure.objects.filter(strategy__fiscal_year=fiscal_year)
        .select_related("strategy")
        .annotate(n_projects=Count("projects"))
        .order_by("strategy__number", "order")
    )


def group(measures: list[Measure], projects: list[Project], *, keep_empty=False):
    """Projects grouped strategy → measure, in table order; empty measures left out unless asked."""
    groups = {m.pk: MeasureGroup(m) for m in measures}
    for project in projects:
        groups[project.measure_id].projects.append(project)
    strategies: dict[int, StrategyGroup] = {}
    for m in measures:
        if groups[m.pk].projects or keep_empty:
            strategies.setdefault(m.strategy_id, StrategyGroup(m.strategy)).measures.append(
                groups[m.pk]
            )
    return list(strategies.values())


# ---------------------------------------------------------------------------- list filters


@dataclass
class Filters:
    status: str = ""
    municipality: str = ""
    strategy: int | None = None
    measure: int | None = None
    tag: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> Filters:
        """Read the query string; a value that is not one of the choices is ignored."""

        def number(name):
            value = params.get(name, "")
            return int(value) if value.isascii() and value.isdigit() else None

        status = params.get("status", "")
        tag = params.get("tag", "")
        return cls(
            status=status if status in Status.values else "",
            municipality=params.get("municipality", "")[:50],
            strategy=number("strategy"),
            measure=number("measure"),
            tag=tag if tag in TAG_FILTERS else "",
            q=params.get("q", "").strip()[:100],
        )

    @property
    def filters_activities(self) -> bool:
        return bool(self.status or self.tag)

    @property
    def active(self) -> bool:
        return any((self.status, self.municipality, self.strategy, self.measure, self.tag, self.q))

    def activity_matches(self, activity) -> bool:
        return (not self.status or activity.status == self.status) and (
            not self.tag or self.tag in activity.tag_list
        )

    def project_matches(self, project) -> bool:
        if self.strategy and project.measure.strategy.number != self.strategy:
            return False
        if self.measure and project.measure_id != self.measure:
            return False
        if self.municipality and self.municipality not in {
            m.slug for m in project.municipalities.all()
        }:
            return False
        if self.filters_activities and not project.shown_activities:
            return False
        terms = normalise(self.q).split()
        return all(t in project.search_text for t in terms)

    def params(self, **overrides) -> dict:
        values = {
            "year": overrides.pop("year", ""),
            "status": self.status,
            "municipality": self.municipality,
            "strategy": self.strategy or "",
            "measure": self.measure or "",
            "tag": self.tag,
            "q": self.q,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def query_string(self, **overrides) -> str:
        return urlencode(self.params(**overrides))


def search_text(project) -> str:
    parts = [str(project.number or ""), project.name]
    for row in project.rows.all():
        parts.append(row.summary)
        for a in row.activities.all():
            parts += [a.text, *a.details]
    return normalise("\n".join(parts))


def year_projects(fiscal_year: FiscalYear, measures: list[Measure]) -> list[Project]:
    """Every project of the year with municipalities, rows and activities (four queries)."""
    by_pk = {m.pk: m for m in measures}
    projects = list(Project.objects.filter(fiscal_year=fiscal_year).with_rows().order_by("order"))
    for p in projects:
        p.measure = by_pk[p.measure_id]
    return projects


def filter_projects(projects, filters: Filters, labels: dict[str, str]) -> list[Project]:
    result = []
    for p in projects:
        activities = [a for row in p.rows.all() for a in row.activities.all()]
        label_activities(activities, labels)
        p.shown_activities = [a for a in activities if filters.activity_matches(a)]
        p.all_activity_count = len(activities)
        p.search_text = search_text(p) if filters.q else ""
        if filters.project_matches(p):
            result.append(p)
    return result


# ---------------------------------------------------------------------------- detail page


def find_originals(fiscal_year: FiscalYear, activities) -> dict[int, Activity]:
    """For each 【再掲】 activity, the first activity of the year with the same text without tags
    (itself not a re-listing): where the item is listed first. One query, or none if no line
    of the project is re-listed."""
    wanted = {a.pk: strip_tags(a.text).strip() for a in activities if a.is_relisted}
    if not wanted:
        return {}
    texts = set(wanted.values())
    candidates = (
        Activity.objects.for_year(fiscal_year)
        .counted()
        .filter(reduce(or_, (Q(text__contains=t) for t in texts)))
        .select_related("row__project")
        .order_by("row__project__order", "row__order", "order")
    )
    first: dict[str, Activity] = {}
    for candidate in candidates:
        first.setdefault(strip_tags(candidate.text).strip(), candidate)
    return {pk: first[text] for pk, text in wanted.items() if text in first}


def last_updated(project, activities, last_change) -> datetime.datetime:
    stamps = [project.updated_at, *(a.updated_at for a in activities)]
    if last_change is not None:
        stamps.append(last_change)
    return max(stamps)


# ---------------------------------------------------------------------------- dates


def partial_date(value: datetime.date, precision: str) -> str:
    """A date as precise as it was written: 「2021年3月」 for a month, never a made-up day."""
    fmt = "DATE_FORMAT" if precision == Precision.DAY else "YEAR_MONTH_FORMAT"
    return formats.date_format(value, fmt)


def event_label(event) -> str:
    label = partial_date(event.start_date, event.start_precision)
    if event.end_date:
        label = _("%(start)s～%(end)s") % {
            "start": label,
            "end": partial_date(event.end_date, event.end_precision),
        }
    if event.approximate:
        label = _("%(date)s頃") % {"date": label}
    return label


def last_day(value: datetime.date, precision: str) -> datetime.date:
    if precision == Precision.DAY:
        return value
    return last_day_of_month(value.year, value.month)


def event_last_day(event) -> datetime.date:
    if event.end_date:
        return last_day(event.end_date, event.end_precision)
    return last_day(event.start_date, event.start_precision)


def municipality_list(fiscal_year: FiscalYear | None = None) -> list[Municipality]:
    """The members of the year (a retired one only where the year's data names it), or all."""
    members = Municipality.objects.all()
    return list(members if fiscal_year is None else members.of_year(fiscal_year))


def published_events(municipality=None) -> list[Event]:
    """Every event of the published years with its activity, project and year (one query),
    each with its label, its last day and its activity's status words."""
    events = Event.objects.published().with_hierarchy()
    if municipality is not None:
        events = events.filter(activity__row__in=ProjectRow.objects.concerning(municipality))
    events = list(events.order_by("start_date", "activity__row__project__order", "activity__order"))
    labels = {}
    for e in events:
        fy = e.activity.row.project.fiscal_year
        if fy.pk not in labels:
            labels[fy.pk] = status_labels(fy)
        e.activity.status_label = labels[fy.pk].get(e.activity.status or "", "")
        e.label = event_label(e)
        e.last_day = event_last_day(e)
    return events
