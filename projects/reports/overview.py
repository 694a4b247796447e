"""The overview at a glance: the status mix of each 取組 and 施策 and of each town as stacked
bars with their numbers, the latest status changes, and the date the data stands at.

Each function reads whole levels in one or two grouped queries, whatever the year's size.
Bars share one scale per chart (the largest total), so a bar's length and each segment's
are proportional to their counts; every bar comes with its numbers in words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone

from projects.models import Activity, Change, Project, ProjectRow, Status

from .public import status_labels

RECENT_CHANGES = 8


@dataclass
class Segment:
    status: str
    glyph: str
    label: str
    count: int
    width: int = 0  # percent of the chart's scale


@dataclass
class Bar:
    label: str
    url: str = ""
    segments: list[Segment] = field(default_factory=list)
    projects: int = 0
    children: list[Bar] = field(default_factory=list)
    policy_field: str = ""
    label_en: str = ""  # the English label, where an English name is written

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


def widths(bars: list[Bar]) -> list[Bar]:
    """Give every segment its share of the largest total (a count above zero shows at least 1 %)."""
    everything = [b for bar in bars for b in (bar, *bar.children)]
    scale = max((b.total for b in everything), default=0) or 1
    for bar in everything:
        for s in bar.segments:
            s.width = max(1, round(100 * s.count / scale)) if s.count else 0
    return bars


def segments(labels: dict[str, str], counts: dict[str, int]) -> list[Segment]:
    return [Segment(s, Status(s).glyph, labels[s], counts.get(s, 0)) for s in Status.values]


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for s, n in counts.items():
        into[s] = into.get(s, 0) + n


def strategy_bars(fiscal_year, measures, activities=None, *, link) -> list[Bar]:
    """One bar per 取組 with one per 施策 under it: the status mix of their activities, each
    item once (``counted``). ``activities`` narrows it (a town's); ``link(kind, obj)`` gives a
    bar its URL. One query."""
    activities = Activity.objects.for_year(fiscal_year) if activities is None else activities
    by_measure: dict[int, dict[str, int]] = {}
    for measure_id, status, n in (
        activities.counted()
        .marked()
        .values_list("row__project__measure_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_measure.setdefault(measure_id, {})[status] = n
    labels = status_labels(fiscal_year)
    strategies: dict[int, tuple[Bar, dict[str, int]]] = {}
    for m in measures:
        strategy = m.strategy
        if strategy.pk not in strategies:
            bar = Bar(f"{strategy.number} {strategy.title}", link("strategy", strategy))
            if strategy.title_en:
                bar.label_en = f"{strategy.number} {strategy.title_en}"
            strategies[strategy.pk] = (bar, {})
        bar, counts = strategies[strategy.pk]
        own = by_measure.get(m.pk, {})
        _add(counts, own)
        bar.projects += m.n_projects or 0
        bar.children.append(
            Bar(
                m.heading,
                link("measure", m),
                segments(labels, own),
                m.n_projects or 0,
                policy_field=m.policy_field,
                label_en=m.title_en,
            )
        )
    result = []
    for bar, counts in strategies.values():
        bar.segments = segments(labels, counts)
        result.append(bar)
    return widths(result)


def total_bar(fiscal_year, bars: list[Bar]) -> Bar:
    """The sum of the bars: the whole mix on its own scale."""
    counts: dict[str, int] = {}
    for bar in bars:
        _add(counts, {s.status: s.count for s in bar.segments})
    return widths([Bar("", segments=segments(status_labels(fiscal_year), counts))])[0]


def town_project_counts(fiscal_year) -> dict[int, int]:
    """{municipality id: listed projects with a row that concerns it} (two queries)."""
    rows = ProjectRow.objects.filter(
        project__in=Project.objects.filter(fiscal_year=fiscal_year).listed()
    )
    pairs = set(
        rows.filter(municipalities__isnull=False)
        .exclude(municipalities_text="")
        .values_list("municipalities", "project_id")
    )
    pairs |= set(
        rows.filter(municipalities_text="", project__municipalities__isnull=False).values_list(
            "project__municipalities", "project_id"
        )
    )
    counts: dict[int, int] = {}
    for municipality_id, _ in pairs:
        counts[municipality_id] = counts.get(municipality_id, 0) + 1
    return counts


def town_bars(fiscal_year, municipalities) -> list[Bar]:
    """The towns side by side: each one's status mix over the rows that concern it (four
    queries)."""
    totals = Activity.objects.for_year(fiscal_year).counted().status_totals_by_municipality()
    projects = town_project_counts(fiscal_year)
    labels = status_labels(fiscal_year)
    bars = [
        Bar(
            m.name,
            m.get_absolute_url() + f"?year={fiscal_year.year}",
            segments(labels, totals.get(m.pk, {})),
            projects.get(m.pk, 0),
            label_en=m.name_en,
        )
        for m in municipalities
    ]
    return widths(bars)


# ---------------------------------------------------------------------------- what's new


@dataclass
class StatusChange:
    at: datetime.datetime
    old: Segment | None
    new: Segment | None
    text: str
    project: object
    activity_id: int | None
    source: str


def latest_changes(fiscal_year, *, project=None, activities=None, limit=RECENT_CHANGES):
    """The latest status changes of the year (or of a project, or of some activities), newest
    first (one query)."""
    changes = Change.objects.filter(fiscal_year=fiscal_year, field="status")
    if project is not None:
        changes = changes.filter(project=project)
    if activities is not None:
        changes = changes.filter(activity__in=activities)
    labels = status_labels(fiscal_year)

    def segment(value):
        if value not in Status.values:
            return None
        return Segment(value, Status(value).glyph, labels[value], 0)

    return [
        StatusChange(
            c.changed_at,
            segment(c.old_value),
            segment(c.new_value),
            c.activity.text if c.activity else "",
            c.project,
            c.activity_id,
            c.source,
        )
        for c in changes.select_related("activity", "project").order_by("-changed_at", "-id")[
            :limit
        ]
    ]


# ---------------------------------------------------------------------------- data as of


@dataclass
class DataAsOf:
    """What date the statuses describe: the date the document states (「…現在」), and the last
    import or edit, shown when there is no stated date or when it came later."""

    stated: datetime.date | None
    updated: datetime.datetime | None

    @property
    def updated_since(self) -> bool:
        if self.stated is None or self.updated is None:
            return self.updated is not None
        return timezone.localdate(self.updated) > self.stated


def data_as_of(fiscal_year) -> DataAsOf:
    """One query: the year's latest recorded change."""
    last = Change.objects.filter(fiscal_year=fiscal_year).aggregate(last=Max("changed_at"))["last"]
    stamps = [t for t in (fiscal_year.imported_at, last) if t is not None]
    return DataAsOf(fiscal_year.stated_date, max(stamps) if stamps else None)
