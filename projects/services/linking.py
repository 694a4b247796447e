"""Links from a fiscal year to the year before: each project and activity to the same one of N-1.

The rules are ``table.matching``'s, the same as a re-import's; the import service calls
``link_to_previous_year`` after every import and reports what it found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from projects.models import Activity, FiscalYear, Project
from projects.table.carry_over import activity_key
from projects.table.eras import fiscal_year_label
from projects.table.matching import match_activities, match_projects
from projects.table.model import project_label

from .bulk import update


@dataclass
class ProjectLink:
    previous: str
    current: str
    renumbered: bool = False
    renamed: bool = False


@dataclass
class LinkReport:
    """How a year's projects and activities correspond to those of the year before."""

    fiscal_year: int
    previous_year: int | None = None
    links: list[ProjectLink] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    activity_links: int = 0
    activities_new: int = 0

    @property
    def renumbered(self) -> list[ProjectLink]:
        return [link for link in self.links if link.renumbered]

    @property
    def renamed(self) -> list[ProjectLink]:
        return [link for link in self.links if link.renamed]

    def lines(self) -> list[str]:
        if self.previous_year is None:
            return []
        label = fiscal_year_label(self.previous_year)
        lines = [
            f"前年度 ({label}) の事業との対応: 対応 {len(self.links)}、"
            f"番号変更 {len(self.renumbered)}、名称変更 {len(self.renamed)}、"
            f"新規 {len(self.added)}、終了 {len(self.dropped)}"
        ]
        lines += [f"  番号変更: {k.previous} → {k.current}" for k in self.renumbered]
        lines += [f"  名称変更: {k.previous} → {k.current}" for k in self.renamed]
        lines += [f"  新規 (前年度になし): {name}" for name in self.added]
        lines += [f"  終了 (今年度になし): {name}" for name in self.dropped]
        lines.append(
            f"実績項目: 前年度の項目と対応 {self.activity_links}、"
            f"前年度に対応のない項目 {self.activities_new}"
        )
        return lines

    def fill(self, result) -> None:
        """Copy the report into an ``ImportResult``."""
        result.previous_year = self.previous_year
        result.links = [(k.previous, k.current) for k in self.links]
        result.renumbered = [(k.previous, k.current) for k in self.renumbered]
        result.renamed = [(k.previous, k.current) for k in self.renamed]
        result.added_vs_previous = list(self.added)
        result.dropped_vs_previous = list(self.dropped)
        result.activity_links = self.activity_links
        result.link_lines = self.lines()


def link_to_previous_year(*, fiscal_year: FiscalYear) -> LinkReport:
    """Set ``previous`` on the year's projects and activities from year N-1, if it exists.

    Links are recomputed on every call, so the rules alone decide; a fixed number of queries
    whatever the size of the table. Without a year N-1 nothing is changed.
    """
    report = LinkReport(fiscal_year.year)
    before = FiscalYear.objects.filter(year=fiscal_year.year - 1).first()
    if before is None:
        return report
    report.previous_year = before.year
    fields = ("id", "number", "name", "order", "previous_id")
    projects = list(Project.objects.filter(fiscal_year=fiscal_year).only(*fields))
    old_projects = list(Project.objects.filter(fiscal_year=before).only(*fields))
    pairs = match_projects(projects, old_projects)
    links = {projects[i].pk: old_projects[j] for i, j in pairs.items()}
    changed = []
    for project in projects:
        old = links.get(project.pk)
        if project.previous_id != (old.pk if old else None):
            changed.append(project)
        project.previous = old
        if old is None:
            report.added.append(project_label(project.number, project.name))
            continue
        report.links.append(
            ProjectLink(
                project_label(old.number, old.name),
                project_label(project.number, project.name),
                renumbered=old.number != project.number,
                renamed=old.name != project.name,
            )
        )
    linked = {old.pk for old in links.values()}
    report.dropped = [project_label(p.number, p.name) for p in old_projects if p.pk not in linked]
    update(Project, changed, ["previous"])
    _link_activities(fiscal_year, before, links, report)
    return report


def _activities_by_project(fiscal_year: FiscalYear) -> dict[int, list[Activity]]:
    grouped = defaultdict(list)
    activities = (
        Activity.objects.filter(row__project__fiscal_year=fiscal_year)
        .annotate(project_pk=F("row__project_id"))
        .only("id", "text", "previous_id")
        .order_by("row__order", "order")
    )
    for activity in activities:
        grouped[activity.project_pk].append(activity)
    return grouped


def _link_activities(fiscal_year, before, project_links, report: LinkReport) -> None:
    current = _activities_by_project(fiscal_year)
    previous = _activities_by_project(before)
    changed = []
    for project_pk, activities in current.items():
        old = project_links.get(project_pk)
        pairs = {}
        if old is not None:
            olds = previous.get(old.pk, [])
            pairs = match_activities(
                [(a.text, activity_key(a.text, fiscal_year.year)) for a in activities],
                [(a.text, activity_key(a.text, before.year)) for a in olds],
            )
            pairs = {activities[i].pk: olds[j].pk for i, j in pairs.items()}
        for activity in activities:
            if activity.previous_id != pairs.get(activity.pk):
                activity.previous_id = pairs.get(activity.pk)
                changed.append(activity)
        report.activity_links += len(pairs)
        report.activities_new += len(activities) - len(pairs)
    update(Activity, changed, ["previous"])


def relink_next_year(*, fiscal_year: FiscalYear) -> LinkReport | None:
    """After year N is re-imported, link year N+1 (if any) to it again."""
    following = FiscalYear.objects.filter(year=fiscal_year.year + 1).first()
    return None if following is None else link_to_previous_year(fiscal_year=following)
