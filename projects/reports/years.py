"""Reads across fiscal years, built on the ``previous`` links that ``services.linking`` sets.

- ``project_history``: one project through every year it appears in, with its status totals.
- ``compare_years``: two years side by side (projects added, dropped, renamed; statuses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import override, pgettext_lazy

from projects.models import Activity, FiscalYear, Project, Status
from projects.table.model import project_label

STATUS_ORDER = tuple(Status.values)


def overall_status(totals: dict[str, int]) -> str | None:
    """One status for a project-year: ○ while anything is in progress, else △ while anything
    is planned, else ● if anything was done, else ■ if everything was cancelled."""
    for status in (Status.IN_PROGRESS, Status.PLANNED, Status.DONE, Status.CANCELLED):
        if totals.get(status):
            return status.value
    return None


@dataclass
class ProjectYear:
    """A project in one year, with the count of its activities by status."""

    project: Project
    fiscal_year: FiscalYear
    totals: dict[str, int]
    is_self: bool = False
    renamed: bool = False  # numbered or named otherwise than the project the history is of

    @property
    def label(self) -> str:
        return project_label(self.project.number, self.project.name)

    @property
    def status(self) -> str | None:
        return overall_status(self.totals)

    @property
    def glyph(self) -> str:
        return Status(self.status).glyph if self.status else ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else "記号なし"

    def breakdown(self) -> list[tuple[str, str, int]]:
        """(glyph, label, count) for each status the project has, in legend order."""
        return [
            (Status(s).glyph, Status(s).label, self.totals[s])
            for s in STATUS_ORDER
            if self.totals.get(s)
        ]


class _Links:
    """Every project's id, year and link, loaded once: chains are walked in memory."""

    def __init__(self):
        self.years = {fy.pk: fy for fy in FiscalYear.objects.all()}
        self.projects = {
            p.pk: p
            for p in Project.objects.only("id", "fiscal_year_id", "previous_id", "number", "name")
        }
        self.successors = defaultdict(list)
        for p in sorted(self.projects.values(), key=lambda p: p.pk):
            if p.previous_id in self.projects:
                self.successors[p.previous_id].append(p)

    def chain(self, project_pk: int) -> list[Project]:
        start = self.projects[project_pk]
        back, seen = [], {start.pk}
        node = self.projects.get(start.previous_id)
        while node is not None and node.pk not in seen:
            back.append(node)
            seen.add(node.pk)
            node = self.projects.get(node.previous_id)
        forward, node = [], start
        while self.successors.get(node.pk):
            node = self.successors[node.pk][0]
            if node.pk in seen:
                break
            forward.append(node)
            seen.add(node.pk)
        return [*reversed(back), start, *forward]

    def ancestor_in(self, project: Project, fiscal_year: FiscalYear) -> Project | None:
        node, seen = project, set()
        while node is not None and node.pk not in seen:
            if node.fiscal_year_id == fiscal_year.pk:
                return node
            seen.add(node.pk)
            node = self.projects.get(node.previous_id)
        return None


def _totals(project_pks) -> dict[int, dict[str, int]]:
    totals = defaultdict(lambda: dict.fromkeys(STATUS_ORDER, 0))
    rows = (
        Activity.objects.filter(row__project__in=list(project_pks), status__isnull=False)
        .values_list("row__project_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for project_pk, status, n in rows:
        totals[project_pk][status] = n
    return totals


def project_history(project: Project, *, published_only: bool = True) -> list[ProjectYear]:
    """The project in every linked year, oldest first, with status totals (three queries).

    Only published years are listed (the project's own year always is); the chain is followed
    through unpublished years, so hiding a year does not break the story.
    """
    links = _Links()
    chain = [
        p
        for p in links.chain(project.pk)
        if p.pk == project.pk or not published_only or links.years[p.fiscal_year_id].published
    ]
    totals = _totals(p.pk for p in chain)
    label = project_label(project.number, project.name)
    return [
        ProjectYear(
            p,
            links.years[p.fiscal_year_id],
            totals[p.pk],
            is_self=p.pk == project.pk,
            renamed=project_label(p.number, p.name) != label,
        )
        for p in sorted(chain, key=lambda p: links.years[p.fiscal_year_id].year)
    ]


def continued_activities(project: Project, *, published_only: bool = True) -> list[tuple]:
    """(previous, current) for each of the project's activities that continues one of an
    earlier year, in table order (one query)."""
    activities = (
        Activity.objects.filter(row__project=project, previous__isnull=False)
        .select_related("previous__row__project__fiscal_year")
        .order_by("row__order", "order")
    )
    if published_only:
        activities = activities.filter(previous__row__project__fiscal_year__published=True)
    return [(a.previous, a) for a in activities]


# ---------------------------------------------------------------------------- comparison

# In the page's language on the page; Japanese in the CSV, as its other headings.
KIND_LABELS = {
    "continued": pgettext_lazy("year comparison", "継続"),
    "renumbered": pgettext_lazy("year comparison", "番号変更"),
    "renamed": pgettext_lazy("year comparison", "名称変更"),
    "renumbered_renamed": pgettext_lazy("year comparison", "番号・名称変更"),
    "added": pgettext_lazy("year comparison", "新規"),
    "dropped": pgettext_lazy("year comparison", "終了"),
}


@dataclass
class ComparedProject:
    a: ProjectYear | None
    b: ProjectYear | None

    @property
    def kind(self) -> str:
        if self.a is None:
            return "added"
        if self.b is None:
            return "dropped"
        renumbered = self.a.project.number != self.b.project.number
        renamed = self.a.project.name != self.b.project.name
        if renumbered and renamed:
            return "renumbered_renamed"
        return "renumbered" if renumbered else "renamed" if renamed else "continued"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Comparison:
    year_a: FiscalYear
    year_b: FiscalYear
    rows: list[ComparedProject] = field(default_factory=list)
    totals_a: dict[str, int] = field(default_factory=dict)
    totals_b: dict[str, int] = field(default_factory=dict)

    def of_kind(self, *kinds: str) -> list[ComparedProject]:
        return [r for r in self.rows if r.kind in kinds]

    @property
    def added(self):
        return self.of_kind("added")

    @property
    def dropped(self):
        return self.of_kind("dropped")

    @property
    def renamed(self):
        return self.of_kind("renamed", "renumbered", "renumbered_renamed")

    def distribution(self) -> list[tuple[str, str, str, int, int]]:
        """(status, glyph, label, count in year a, count in year b) for each status."""
        return [
            (
                s,
                Status(s).glyph,
                self.year_b.legend_for(s) if s == Status.CANCELLED else Status(s).label,
                self.totals_a[s],
                self.totals_b[s],
            )
            for s in STATUS_ORDER
        ]


def compare_years(year_a: FiscalYear, year_b: FiscalYear) -> Comparison:
    """Year b's projects against year a's, through the chain of links (a before b)."""
    if year_a.year > year_b.year:
        year_a, year_b = year_b, year_a
    links = _Links()
    in_a = [p for p in links.projects.values() if p.fiscal_year_id == year_a.pk]
    in_b = [p for p in links.projects.values() if p.fiscal_year_id == year_b.pk]
    order = dict(
        Project.objects.filter(pk__in=[p.pk for p in in_a + in_b]).values_list("pk", "order")
    )
    totals = _totals(order)
    result = Comparison(year_a, year_b)
    # Each year's distribution counts a 【再掲】 item once, as the public totals do.
    result.totals_a = Activity.objects.for_year(year_a).counted().status_totals()
    result.totals_b = Activity.objects.for_year(year_b).counted().status_totals()
    matched = set()
    for p in sorted(in_b, key=lambda p: order[p.pk]):
        ancestor = links.ancestor_in(p, year_a)
        a = ProjectYear(ancestor, year_a, totals[ancestor.pk]) if ancestor else None
        result.rows.append(ComparedProject(a, ProjectYear(p, year_b, totals[p.pk])))
        if ancestor:
            matched.add(ancestor.pk)
    for p in sorted(in_a, key=lambda p: order[p.pk]):
        if p.pk not in matched:
            result.rows.append(ComparedProject(ProjectYear(p, year_a, totals[p.pk]), None))
    return result


def comparison_csv_rows(comparison: Comparison):
    """Header, one row per project, then the totals: each year's columns side by side."""
    labels = [comparison.year_a.label, comparison.year_b.label]
    statuses = [f"{Status(s).glyph} {Status(s).label}" for s in STATUS_ORDER]
    header = ["区分"]
    for label in labels:
        header += [f"{label} 番号", f"{label} 事業名", f"{label} 状況"]
        header += [f"{label} {s}" for s in statuses]
    yield header
    for row in comparison.rows:
        with override("ja"):
            line = [str(row.kind_label)]
        for side in (row.a, row.b):
            if side is None:
                line += [""] * (3 + len(STATUS_ORDER))
                continue
            status = f"{side.glyph} {side.status_label}".strip()
            line += ["" if side.project.number is None else side.project.number]
            line += [side.project.name, status] + [side.totals[s] for s in STATUS_ORDER]
        yield line
    total = ["合計 (【再掲】は1回)"]
    for totals in (comparison.totals_a, comparison.totals_b):
        total += ["", "", ""] + [totals[s] for s in STATUS_ORDER]
    yield total
