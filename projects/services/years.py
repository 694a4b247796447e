"""The secretariat's year switches: the next year's draft (roll-over), publishing, the current
year. Each is recorded as a ``Change``; links between years are ``linking``'s.

Reads built on the links (a project's history, the comparison of two years, the table as of a
date) are in ``reports.years`` and ``reports.tables``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from projects import cache as public_cache
from projects.models import (
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
from projects.table.carry_over import carry_over_details, carry_over_text
from projects.table.eras import fiscal_year_label, next_title
from projects.table.members import without_names
from projects.table.notation import find_tags

from . import derived

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
    schedule shows up as an event of year N+1. Projects and rows keep their 関係市町 except the
    retired municipalities, which take part in no new year (``_copy_rows``).
    """
    year = source.year + 1
    if FiscalYear.objects.filter(year=year).exists():
        raise LifecycleRefused(f"{fiscal_year_label(year)}は既にあります。")
    target = FiscalYear.objects.create(
        year=year,
        title=next_title(source.title, source.year),
        document_label=source.document_label,
        results_header=source.results_header,
        legend=dict(source.legend),
        has_municipality_column=source.has_municipality_column,
        layout=source.layout,  # the next edition starts in this one's form
    )
    result = RolloverResult(target)
    measures = _copy_structure(source, target)
    projects = _copy_projects(source, target, measures)
    rows = _copy_rows(projects)
    activities = _copy_activities(source, rows, set(keep_activity_ids), reset_kept_status, result)
    result.projects = len(projects)
    _record_creations(target, user, source.year, list(projects.values()), activities)
    derived.refresh_year(fiscal_year=target)
    public_cache.bump_on_commit()  # the copies were bulk-created, without signals
    return result


def _record_creations(target, user, source_year: int, projects, activities) -> None:
    """The new year's own history starts with its creation: the year, then each project and
    activity it was made with (one query)."""

    def record(**kwargs):
        return Change.record(
            fiscal_year=target, user=user, at=now, source=ChangeSource.ROLLOVER, **kwargs
        )

    now = timezone.now()
    changes = [record(field="rollover", old=source_year, new=target.year)]
    changes += [record(project=p, field="project_created", old="", new=str(p)) for p in projects]
    changes += [
        record(
            project=a.row.project_id,
            activity=a,
            field="created",
            old="",
            new="\n".join([a.line(), *a.details]),
        )
        for a in activities
    ]
    Change.objects.bulk_create(changes)


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
            if not m.retired
        ]
    )
    return {old.pk: new for old, new in zip(projects, copies, strict=True)}


def _copy_rows(projects) -> dict[int, ProjectRow]:
    """Rows with their own 関係市町 less the retired municipalities: their names leave the
    cell (「甲市、乙町」 → 「乙町」; the all-words stay and mean the active members). A cell
    that named only retired ones keeps its text and concerns no member: only the secretariat
    can edit such a row, and revises or removes it in the draft."""
    rows = list(
        ProjectRow.objects.filter(project__in=list(projects)).prefetch_related("municipalities")
    )
    copies = []
    for r in rows:
        retired = {m.name for m in r.municipalities.all() if m.retired}
        text = without_names(r.municipalities_text, retired) if retired else ""
        copies.append(
            ProjectRow(
                project=projects[r.project_id],
                order=r.order,
                summary=r.summary,
                municipalities_text=text or r.municipalities_text,
            )
        )
    ProjectRow.objects.bulk_create(copies)
    through = ProjectRow.municipalities.through
    through.objects.bulk_create(
        [
            through(projectrow_id=new.pk, municipality_id=m.pk)
            for old, new in zip(rows, copies, strict=True)
            for m in old.municipalities.all()
            if not m.retired
        ]
    )
    return {old.pk: new for old, new in zip(rows, copies, strict=True)}


def _copy_activities(source, rows, keep: set[int], reset_kept_status, result) -> list[Activity]:
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
                tags=",".join(find_tags(text)),
                previous=a,
                created_at=now,
            )
        )
    Activity.objects.bulk_create(copies)
    Event.objects.bulk_create([e for a in copies for e in events_for(a, year + 1)])
    result.activities = len(copies)
    return copies


# ---------------------------------------------------------------------------- publishing


def _record(fiscal_year, user, field_name: str, old: bool, new: bool) -> Change:
    return Change.record(
        fiscal_year=fiscal_year,
        user=user,
        at=timezone.now(),
        source=ChangeSource.PORTAL,
        field=field_name,
        old=old,
        new=new,
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


# ---------------------------------------------------------------------------- locking


@transaction.atomic
def lock(*, fiscal_year: FiscalYear, user=None) -> str:
    """The year's 資料 is final: staff can no longer change it (``permissions.year_refusal``)
    and the staff page no longer offers it."""
    if fiscal_year.locked:
        return f"{fiscal_year.label}の資料は既に確定しています。"
    open_round = fiscal_year.rounds.open().first()
    if open_round is not None:
        raise LifecycleRefused(
            f"{fiscal_year.label}の照会「{open_round.title}」が受付中です。"
            "照会を締め切ってから確定してください。"
        )
    fiscal_year.locked = True
    fiscal_year.save(update_fields=["locked", "updated_at"])
    _record(fiscal_year, user, "locked", False, True).save()
    return f"{fiscal_year.label}の資料を確定しました。担当者はこの年度の実績項目を変更できません。"


@transaction.atomic
def unlock(*, fiscal_year: FiscalYear, user=None) -> str:
    if not fiscal_year.locked:
        return f"{fiscal_year.label}の資料は確定していません。"
    fiscal_year.locked = False
    fiscal_year.save(update_fields=["locked", "updated_at"])
    _record(fiscal_year, user, "locked", True, False).save()
    return f"{fiscal_year.label}の資料の確定を解除しました。担当者は再び変更できます。"
