"""What the public pages show, read in a fixed number of queries however large the year is.

Filtering, search, sorting and pagination run in the database: a page loads the projects it
shows, not the year. Only published fiscal years are ever returned: asking for another raises
``NotPublished``. Charts and "what's new" are in ``overview``, the search terms in ``search``,
the calendar in ``calendar``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.models import (
    Activity,
    Change,
    FiscalYear,
    Measure,
    Municipality,
    Precision,
    Project,
    ProjectRow,
    Status,
)
from projects.table.dates import last_day_of_month

from . import search

TAG_FILTERS = ("新規", "拡充")
SORTS = ("", "number", "updated")  # table order, project number, latest change first


class NotFound(LookupError):
    """Nothing public to show; the message is meant for the visitor (in their language). The
    web answers it with the 404 page (``portal.middleware.NotFoundMiddleware``)."""


class NotPublished(NotFound):
    """What was asked for is not on the public pages (the message says why, translated)."""


# ---------------------------------------------------------------------------- years, statuses


def published_years() -> list[FiscalYear]:
    return list(FiscalYear.objects.published().order_by("-year"))


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


def municipality_list(fiscal_year: FiscalYear | None = None) -> list[Municipality]:
    """The members of the year (a retired one only where the year's data names it), or all."""
    members = Municipality.objects.all()
    return list(members if fiscal_year is None else members.of_year(fiscal_year))


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
    """The year's measures with their strategy and the number of listed projects (one query)."""
    listed = (
        Project.objects.listed()
        .filter(measure=OuterRef("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Measure.objects.filter(strategy__fiscal_year=fiscal_year)
        .select_related("strategy")
        .annotate(n_projects=Subquery(listed))
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
    sort: str = ""

    @classmethod
    def from_query(cls, params, municipalities=()) -> Filters:
        """Read the query string; a value that is not one of the choices is ignored."""

        def number(name):
            value = params.get(name, "")
            return int(value) if value.isascii() and value.isdigit() and len(value) < 9 else None

        def choice(name, choices):
            value = params.get(name, "")
            return value if value in choices else ""

        return cls(
            status=choice("status", Status.values),
            municipality=choice("municipality", {m.slug for m in municipalities}),
            strategy=number("strategy"),
            measure=number("measure"),
            tag=choice("tag", TAG_FILTERS),
            q=params.get("q", "").strip()[:100],
            sort=choice("sort", SORTS),
        )

    @property
    def filters_activities(self) -> bool:
        return bool(self.status or self.tag)

    @property
    def active(self) -> bool:
        return any((self.status, self.municipality, self.strategy, self.measure, self.tag, self.q))

    @property
    def folded_open(self) -> bool:
        """Whether the form's optional filters start unfolded (one of them is in use)."""
        return any((self.status, self.municipality, self.strategy, self.measure, self.tag))

    def params(self, **overrides) -> dict:
        values = {
            "year": overrides.pop("year", ""),
            "status": self.status,
            "municipality": self.municipality,
            "strategy": self.strategy or "",
            "measure": self.measure or "",
            "tag": self.tag,
            "q": self.q,
            "sort": self.sort,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def query_string(self, **overrides) -> str:
        return urlencode(self.params(**overrides))


def activity_condition(filters: Filters, municipality) -> Q | None:
    """Which activities a list shows, or None for all of them."""
    if not filters.filters_activities:
        return None
    condition = Q()
    if filters.status:
        condition &= Q(status=filters.status)
    if filters.tag:
        condition &= Q(tags__contains=filters.tag)
    if municipality is not None:
        condition &= Q(row__in=ProjectRow.objects.concerning(municipality))
    return condition


def filtered_projects(fiscal_year, filters: Filters, municipality, chunks):
    """The projects of the list as a queryset: every condition in the database."""
    projects = Project.objects.filter(fiscal_year=fiscal_year).listed()
    if filters.strategy:
        projects = projects.filter(measure__strategy__number=filters.strategy)
    if filters.measure:
        projects = projects.filter(measure_id=filters.measure)
    if municipality is not None:
        projects = projects.for_municipality(municipality)
    shown = activity_condition(filters, municipality)
    if shown is not None:
        projects = projects.filter(
            Exists(Activity.objects.filter(shown, row__project=OuterRef("pk")))
        )
    if chunks:
        found = projects.filter(search.condition(chunks, fiscal_year))
        if search.has_loose(chunks) and not found.exists():  # 観光客 → 観光
            found = projects.filter(search.condition(chunks, fiscal_year, loose=True))
        projects = found
        if not filters.sort:
            return search.title_first(projects, chunks).order_by("title_rank", "order")
    return sorted_projects(projects, filters.sort)


def found_ids(projects) -> list[int]:
    """The ids of the projects a search finds, in their order: the search texts are read once
    (counting them and then reading a page would read them twice)."""
    return list(projects.values_list("pk", flat=True))


def projects_by_id(ids: list[int]):
    """The projects of ``ids`` in that order (a page of ``found_ids``)."""
    if not ids:
        return Project.objects.none()
    order = Case(*(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)))
    return Project.objects.filter(pk__in=ids).order_by(order)


def sorted_projects(projects, sort: str):
    if sort == "number":
        return projects.order_by(F("number").asc(nulls_last=True), "order")
    if sort == "updated":
        last = (
            Change.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(last=Max("changed_at"))
            .values("last")
        )
        return projects.annotate(last_change=Subquery(last)).order_by(
            F("last_change").desc(nulls_last=True), "order"
        )
    return projects.order_by("order")


def page_projects(fiscal_year, projects, measures, labels, filters: Filters, municipality, chunks):
    """The projects of one page with their municipalities, rows and activities (three queries,
    one more to tell a town's rows), each with the activities the list shows."""
    by_pk = {m.pk: m for m in measures}
    activities = Activity.objects.all() if chunks else Activity.objects.defer("search_text")
    projects = list(
        projects.defer("search_text").prefetch_related(
            "municipalities", Prefetch("rows__activities", queryset=activities)
        )
    )
    town_rows = set()
    if municipality is not None and filters.filters_activities:
        town_rows = set(
            ProjectRow.objects.concerning(municipality)
            .filter(project__in=[p.pk for p in projects])
            .values_list("pk", flat=True)
        )
    statuses = search.status_words(fiscal_year) if chunks else {}
    for p in projects:
        p.measure = by_pk[p.measure_id]
        p.municipality_names = "、".join(m.name for m in p.municipalities.all())
        activities = [a for row in p.rows.all() for a in row.activities.all()]
        label_activities(activities, labels)
        p.all_activity_count = len(activities)
        p.shown_activities = [
            a
            for a in activities
            if (not filters.status or a.status == filters.status)
            and (not filters.tag or filters.tag in a.tag_list)
            and (not town_rows or a.row_id in town_rows)
        ]
        if chunks:
            matching = [
                a for a in p.shown_activities if search.activity_matches(a, chunks, statuses)
            ]
            p.shown_activities = matching or p.shown_activities
    return projects


# ---------------------------------------------------------------------------- detail page


def detail_project(pk: int) -> Project:
    """A listed project of a published year, with everything its page shows (six queries)."""
    project = (
        Project.objects.published()
        .listed()
        .with_hierarchy()
        .prefetch_related(
            "municipalities",
            Prefetch(
                "rows__activities",
                queryset=Activity.objects.select_related("original__row__project"),
            ),
            "rows__activities__events",
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound(_("この事業は公開されていません。"))
    return project


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
    elif event.open_ended:
        label = _("%(date)s以降") % {"date": label}
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
