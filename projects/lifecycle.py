"""A project's story across fiscal years: links between years, roll-over, publishing.

- ``link_to_previous_year`` pairs each project (and activity) of a year with the same one of the
  year before, by the rules of the domain (number and name, then name, then number), and says
  what it did: the import service calls it after every import.
- ``roll_over`` creates next year's draft from a year; ``publish``/``unpublish``/``make_current``
  are the secretariat's switches, each recorded as a ``Change``.

Reads built on the links (a project's history, the comparison of two years, the table as of a
date) are in ``year_reports``; the text rules (dates and tags left behind, matching keys) in
``year_text``.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import cache as public_cache
from . import notation
from .models import (
    Activity,
    Change,
    ChangeSource,
    Event,
    FiscalYear,
    Measure,
    Project,
    ProjectRow,
    Status,
    Strategy,
    events_for,
)
from .year_reports import (
    project_history,  # noqa: F401 - the history belongs to this API too
    project_label,
)
from .year_text import activity_key, carry_over_details, carry_over_text, name_key

ACTIVITY_MATCH_RATIO = 0.9

# ---------------------------------------------------------------------------- linking


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
        label = notation.fiscal_year_label(self.previous_year)
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


# Tried in this order, each over every still-unlinked project in table order. The name comes
# before the number: when a project is dropped the later ones are often renumbered, and the
# project that takes over a number is rarely the one that had it.
_PROJECT_RULES = (
    lambda new, old: (new.number, new.name) == (old.number, old.name),
    lambda new, old: bool(new.name) and name_key(new.name) == name_key(old.name),
    lambda new, old: new.number is not None and new.number == old.number,
)


def match_projects(current: list, previous: list) -> dict[int, object]:
    """Pair projects (anything with ``number``/``name``/``pk``) of two years:
    returns {current pk: previous project}."""
    remaining = list(previous)
    links = {}
    for rule in _PROJECT_RULES:
        for project in current:
            if project.pk in links:
                continue
            found = next((old for old in remaining if rule(project, old)), None)
            if found is not None:
                links[project.pk] = found
                remaining.remove(found)
    return links


def match_activities(current: list[tuple], previous: list[tuple]) -> dict[int, int]:
    """Pair (pk, key) items of one linked project: same key first, then the closest pairs whose
    similarity reaches ``ACTIVITY_MATCH_RATIO``. Returns {current pk: previous pk}."""
    links, used = {}, set()
    by_key = defaultdict(list)
    for pk, key in previous:
        by_key[key].append(pk)
    for pk, key in current:
        if key and by_key.get(key):
            links[pk] = by_key[key].pop(0)
            used.add(links[pk])
    candidates = []
    for pk, key in current:
        if pk in links or not key:
            continue
        for old_pk, old_key in previous:
            if old_pk in used or not old_key:
                continue
            matcher = difflib.SequenceMatcher(None, key, old_key, autojunk=False)
            if matcher.quick_ratio() >= ACTIVITY_MATCH_RATIO:
                ratio = matcher.ratio()
                if ratio >= ACTIVITY_MATCH_RATIO:
                    candidates.append((-ratio, pk, old_pk))
    for _, pk, old_pk in sorted(candidates):
        if pk not in links and old_pk not in used:
            links[pk] = old_pk
            used.add(old_pk)
    return links


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
    links = match_projects(projects, old_projects)
    for project in projects:
        old = links.get(project.pk)
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
    Project.objects.bulk_update(projects, ["previous"])
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
            pairs = match_activities(
                [(a.pk, activity_key(a.text, fiscal_year.year)) for a in activities],
                [(a.pk, activity_key(a.text, before.year)) for a in previous.get(old.pk, [])],
            )
        for activity in activities:
            activity.previous_id = pairs.get(activity.pk)
            changed.append(activity)
        report.activity_links += len(pairs)
        report.activities_new += len(activities) - len(pairs)
    Activity.objects.bulk_update(changed, ["previous"])


def relink_next_year(*, fiscal_year: FiscalYear) -> LinkReport | None:
    """After year N is re-imported, link year N+1 (if any) to it again."""
    following = FiscalYear.objects.filter(year=fiscal_year.year + 1).first()
    return None if following is None else link_to_previous_year(fiscal_year=following)


# ---------------------------------------------------------------------------- roll-over


class LifecycleRefused(Exception):
    """A roll-over or publishing step that was not done; the message says why (Japanese)."""


def rollover_candidates(fiscal_year: FiscalYear):
    """The year's done (●) and cancelled (■) activities: the secretariat keeps or drops each."""
    return (
        Activity.objects.for_year(fiscal_year)
        .filter(status__in=[Status.DONE, Status.CANCELLED])
        .select_related("row__project")
        .order_by("row__project__order", "row__order", "order")
    )


@dataclass
class RolloverResult:
    fiscal_year: FiscalYear
    projects: int = 0
    activities: int = 0
    dropped: int = 0

    def message(self) -> str:
        return (
            f"{self.fiscal_year.label}を下書きとして作成しました"
            f" (事業 {self.projects}、実績項目 {self.activities}、載せなかった項目 {self.dropped})。"
        )


def next_title(title: str, year: int) -> str:
    """The title with its 年度 expression moved on a year; 「令和2年度…」 → 「令和3年度…」."""
    label = notation.fiscal_year_label(year + 1)
    new, n = _TITLE_YEAR_RX.subn(label, title, count=1)
    return new if n else label + title


_TITLE_YEAR_RX = re.compile(r"(?:令和|平成)[ \t]*(?:元|[0-9０-９]{1,2})[ \t]*年度|[0-9]{4}年度")


@transaction.atomic
def roll_over(
    *,
    source: FiscalYear,
    keep_activity_ids: Iterable[int] = (),
    reset_kept_status: bool = True,
    user=None,
) -> RolloverResult:
    """Create year N+1 as an unpublished draft from year N, everything linked via ``previous``.

    Activities in progress, planned or without a marker are carried over; done and cancelled
    ones only when listed in ``keep_activity_ids`` (as △ planned with ``reset_kept_status``).
    【新規】 and dates are removed from the copied text and details, so nothing of year N's
    schedule shows up as an event of year N+1.
    """
    year = source.year + 1
    if FiscalYear.objects.filter(year=year).exists():
        raise LifecycleRefused(f"{notation.fiscal_year_label(year)}は既にあります。")
    target = FiscalYear.objects.create(
        year=year,
        title=next_title(source.title, source.year),
        document_label=source.document_label,
        results_header=source.results_header,
        legend=dict(source.legend),
        has_municipality_column=source.has_municipality_column,
    )
    result = RolloverResult(target)
    measures = _copy_structure(source, target)
    projects = _copy_projects(source, target, measures)
    rows = _copy_rows(projects)
    _copy_activities(source, rows, set(keep_activity_ids), reset_kept_status, result)
    result.projects = len(projects)
    Change.objects.create(
        fiscal_year=target,
        user=user,
        changed_at=timezone.now(),
        source=ChangeSource.ROLLOVER,
        field="rollover",
        old_value=str(source.year),
        new_value=str(year),
    )
    public_cache.bump_on_commit()  # the copies were bulk-created, without signals
    return result


def _copy_structure(source, target) -> dict[int, Measure]:
    strategies = list(Strategy.objects.filter(fiscal_year=source))
    copies = [
        Strategy(fiscal_year=target, number=s.number, title=s.title, heading=s.heading, band=s.band)
        for s in strategies
    ]
    Strategy.objects.bulk_create(copies)
    strategy_map = {old.pk: new for old, new in zip(strategies, copies, strict=True)}
    measures = list(Measure.objects.filter(strategy__fiscal_year=source))
    measure_copies = [
        Measure(
            strategy=strategy_map[m.strategy_id],
            policy_field=m.policy_field,
            label=m.label,
            title=m.title,
            heading=m.heading,
            order=m.order,
        )
        for m in measures
    ]
    Measure.objects.bulk_create(measure_copies)
    return {old.pk: new for old, new in zip(measures, measure_copies, strict=True)}


def _copy_projects(source, target, measures) -> dict[int, Project]:
    projects = list(Project.objects.filter(fiscal_year=source).prefetch_related("municipalities"))
    copies = [
        Project(
            fiscal_year=target,
            measure=measures[p.measure_id],
            number=p.number,
            name=p.name,
            order=p.order,
            previous=p,
        )
        for p in projects
    ]
    Project.objects.bulk_create(copies)
    through = Project.municipalities.through
    through.objects.bulk_create(
        [
            through(project_id=new.pk, municipality_id=m.pk)
            for old, new in zip(projects, copies, strict=True)
            for m in old.municipalities.all()
        ]
    )
    return {old.pk: new for old, new in zip(projects, copies, strict=True)}


def _copy_rows(projects) -> dict[int, ProjectRow]:
    rows = list(ProjectRow.objects.filter(project__in=list(projects)))
    copies = [
        ProjectRow(project=projects[r.project_id], order=r.order, summary=r.summary) for r in rows
    ]
    ProjectRow.objects.bulk_create(copies)
    return {old.pk: new for old, new in zip(rows, copies, strict=True)}


def _copy_activities(source, rows, keep: set[int], reset_kept_status, result) -> None:
    year, now = source.year, timezone.now()
    copies = []
    for a in Activity.objects.for_year(source).order_by("pk"):
        status, marker = a.status, a.marker
        if status in (Status.DONE, Status.CANCELLED):
            if a.pk not in keep:
                result.dropped += 1
                continue
            if reset_kept_status:
                status, marker = Status.PLANNED.value, Status.PLANNED.glyph
        text = carry_over_text(a.text, year)
        copies.append(
            Activity(
                row=rows[a.row_id],
                order=a.order,
                status=status,
                marker=marker,
                text=text,
                details=carry_over_details(a.details, year),
                tags=",".join(notation.find_tags(text)),
                previous=a,
                created_at=now,
            )
        )
    Activity.objects.bulk_create(copies)
    Event.objects.bulk_create([e for a in copies for e in events_for(a, year + 1)])
    result.activities = len(copies)


# ---------------------------------------------------------------------------- publishing


def _record(fiscal_year, user, field_name: str, old: bool, new: bool) -> Change:
    return Change(
        fiscal_year=fiscal_year,
        user=user,
        changed_at=timezone.now(),
        source=ChangeSource.PORTAL,
        field=field_name,
        old_value="true" if old else "false",
        new_value="true" if new else "false",
    )


def _set_current(fiscal_year, user, changes: list[Change]) -> None:
    for other in FiscalYear.objects.filter(is_current=True).exclude(pk=fiscal_year.pk):
        other.is_current = False
        other.save(update_fields=["is_current", "updated_at"])
        changes.append(_record(other, user, "is_current", True, False))
    if not fiscal_year.is_current:
        fiscal_year.is_current = True
        fiscal_year.save(update_fields=["is_current", "updated_at"])
        changes.append(_record(fiscal_year, user, "is_current", False, True))


@transaction.atomic
def publish(*, fiscal_year: FiscalYear, user=None) -> str:
    """Make a year public; the first published year also becomes the current one."""
    if fiscal_year.published:
        return f"{fiscal_year.label}は既に公開しています。"
    changes = [_record(fiscal_year, user, "published", False, True)]
    fiscal_year.published = True
    fiscal_year.save(update_fields=["published", "updated_at"])
    message = f"{fiscal_year.label}を公開しました。"
    if not FiscalYear.objects.filter(is_current=True).exists():
        _set_current(fiscal_year, user, changes)
        message += "現在の年度にしました。"
    Change.objects.bulk_create(changes)
    return message


@transaction.atomic
def unpublish(*, fiscal_year: FiscalYear, user=None) -> str:
    """Hide a year; if it was the current one, the latest other published year takes over."""
    if not fiscal_year.published:
        return f"{fiscal_year.label}は公開していません。"
    changes = [_record(fiscal_year, user, "published", True, False)]
    fiscal_year.published = False
    was_current, fiscal_year.is_current = fiscal_year.is_current, False
    fiscal_year.save(update_fields=["published", "is_current", "updated_at"])
    message = f"{fiscal_year.label}を非公開にしました。"
    if was_current:
        changes.append(_record(fiscal_year, user, "is_current", True, False))
        successor = FiscalYear.objects.published().order_by("-year").first()
        if successor is not None:
            _set_current(successor, user, changes)
            message += f"現在の年度は{successor.label}です。"
    Change.objects.bulk_create(changes)
    return message


@transaction.atomic
def make_current(*, fiscal_year: FiscalYear, user=None) -> str:
    """The year the public pages open on; it must be published."""
    if not fiscal_year.published:
        raise LifecycleRefused(
            f"{fiscal_year.label}は公開していないため、現在の年度にできません。先に公開してください。"
        )
    changes: list[Change] = []
    _set_current(fiscal_year, user, changes)
    Change.objects.bulk_create(changes)
    return f"{fiscal_year.label}を現在の年度にしました。"
