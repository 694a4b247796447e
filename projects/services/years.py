"""The secretariat's year switches: the next year's draft (roll-over), publishing, the current
year. Each is recorded as a ``Change``; links between years are ``linking``'s.

Reads built on the links (a project's history, the comparison of two years, the table as of a
date) are in ``reports.years`` and ``reports.tables``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from projects.models import (
    Activity,
    ChangeSource,
    FiscalYear,
    Measure,
    Project,
    ProjectRow,
    Status,
    Strategy,
)
from projects.table.carry_over import carry_over_details, carry_over_text
from projects.table.eras import fiscal_year_label, next_title
from projects.table.members import without_names

from . import derived
from .changes import ChangeSet, Refusal, commit_one

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


def _secretariat(changes: ChangeSet) -> list[Refusal]:
    """The year switches are the secretariat's (``user`` None: the server's operator)."""
    return [] if changes.user is None else changes.secretariat_only()


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
    return commit_one(
        user=user,
        source=ChangeSource.ROLLOVER,
        check=_secretariat,
        write=lambda changes: _roll_over(
            changes, source, set(keep_activity_ids), reset_kept_status
        ),
    )


def _roll_over(changes, source, keep: set[int], reset_kept_status: bool) -> RolloverResult:
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
    activities = _copy_activities(source, rows, keep, reset_kept_status, result)
    result.projects = len(projects)
    _record_creations(changes, target, source.year, list(projects.values()), activities)
    changes.activities_written(target.year, activities, created=True)
    changes.year_changed(target.pk, [p.pk for p in projects.values()])
    return result


def _record_creations(changes, target, source_year: int, projects, activities) -> None:
    """The new year's own history starts with its creation: the year, then each project and
    activity it was made with."""

    def record(**kwargs):
        return changes.record(fiscal_year=target, **kwargs)

    record(field="rollover", old=source_year, new=target.year)
    for p in projects:
        record(project=p, field="project_created", old="", new=str(p))
    for a in activities:
        record(
            project=a.row.project_id,
            activity=a,
            field="created",
            old="",
            new="\n".join([a.line(), *a.details]),
        )


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
                previous=a,
                created_at=now,
            )
        )
    derived.prepare_activities(copies)
    Activity.objects.bulk_create(copies, batch_size=500)
    result.activities = len(copies)
    return copies


# ---------------------------------------------------------------------------- publishing


@dataclass
class YearSwitch:
    """What a year switch did: ``done`` False when the year already was so; ``current`` the
    year that became the current one on the way (None when the current year did not move)."""

    fiscal_year: FiscalYear
    action: str  # publish, unpublish, current, lock, unlock
    done: bool = True
    current: FiscalYear | None = None
    no_current: bool = False  # unpublishing left no published year to be the current one


def _switch(fiscal_year, user, action: str, write) -> YearSwitch:
    """Run ``write(changes, outcome)`` as a change set of the secretariat's."""
    outcome = YearSwitch(fiscal_year, action)

    def run(changes):
        write(changes, outcome)
        if outcome.done or outcome.current is not None:
            changes.whole_table()  # the public pages list the years
        return outcome

    return commit_one(user=user, source=ChangeSource.PORTAL, check=_secretariat, write=run)


def _record(changes, fiscal_year, field_name: str, old: bool, new: bool) -> None:
    changes.record(fiscal_year=fiscal_year, field=field_name, old=old, new=new)


def _set_current(changes, fiscal_year) -> None:
    for other in FiscalYear.objects.filter(is_current=True).exclude(pk=fiscal_year.pk):
        other.is_current = False
        other.save(update_fields=["is_current", "updated_at"])
        _record(changes, other, "is_current", True, False)
    if not fiscal_year.is_current:
        fiscal_year.is_current = True
        fiscal_year.save(update_fields=["is_current", "updated_at"])
        _record(changes, fiscal_year, "is_current", False, True)


def publish(*, fiscal_year: FiscalYear, user=None, current: bool | None = None) -> YearSwitch:
    """Make a year public, and with ``current`` True the current one too (the year the home
    page opens on; None: only when no year is current yet, as the first published year is)."""

    def write(changes, outcome):
        if fiscal_year.published:
            outcome.done = False
        else:
            _record(changes, fiscal_year, "published", False, True)
            fiscal_year.published = True
            fiscal_year.save(update_fields=["published", "updated_at"])
        none_current = not FiscalYear.objects.filter(is_current=True).exists()
        if (current or (current is None and none_current)) and not fiscal_year.is_current:
            _set_current(changes, fiscal_year)
            outcome.current = fiscal_year

    return _switch(fiscal_year, user, "publish", write)


def unpublish(*, fiscal_year: FiscalYear, user=None) -> YearSwitch:
    """Hide a year; if it was the current one, the latest other published year takes over."""

    def write(changes, outcome):
        if not fiscal_year.published:
            outcome.done = False
            return
        _record(changes, fiscal_year, "published", True, False)
        fiscal_year.published = False
        was_current, fiscal_year.is_current = fiscal_year.is_current, False
        fiscal_year.save(update_fields=["published", "is_current", "updated_at"])
        if was_current:
            _record(changes, fiscal_year, "is_current", True, False)
            successor = FiscalYear.objects.published().order_by("-year").first()
            if successor is not None:
                _set_current(changes, successor)
                outcome.current = successor
            else:
                outcome.no_current = True

    return _switch(fiscal_year, user, "unpublish", write)


def make_current(*, fiscal_year: FiscalYear, user=None) -> YearSwitch:
    """The year the public pages open on; it must be published."""

    def write(changes, outcome):
        if not fiscal_year.published:
            raise LifecycleRefused(
                f"{fiscal_year.label}は公開していないため、現在の年度にできません。"
                "先に公開してください。"
            )
        _set_current(changes, fiscal_year)
        outcome.current = fiscal_year

    return _switch(fiscal_year, user, "current", write)


# ---------------------------------------------------------------------------- locking


def lock(*, fiscal_year: FiscalYear, user=None) -> YearSwitch:
    """The year's 資料 is final: staff can no longer change it (``permissions.year_refusal``)
    and the staff page no longer offers it."""

    def write(changes, outcome):
        if fiscal_year.locked:
            outcome.done = False
            return
        open_round = fiscal_year.rounds.open().first()
        if open_round is not None:
            raise LifecycleRefused(
                f"{fiscal_year.label}の照会「{open_round.title}」が受付中です。"
                "照会を締め切ってから確定してください。"
            )
        fiscal_year.locked = True
        fiscal_year.save(update_fields=["locked", "updated_at"])
        _record(changes, fiscal_year, "locked", False, True)

    return _switch(fiscal_year, user, "lock", write)


def unlock(*, fiscal_year: FiscalYear, user=None) -> YearSwitch:
    def write(changes, outcome):
        if not fiscal_year.locked:
            outcome.done = False
            return
        fiscal_year.locked = False
        fiscal_year.save(update_fields=["locked", "updated_at"])
        _record(changes, fiscal_year, "locked", True, False)

    return _switch(fiscal_year, user, "unlock", write)
