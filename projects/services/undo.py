"""The undo of an import version: an import of the earlier state through the same service
(``import_overview``), so it is recorded like any import and can itself be undone. What it
imports is the three-way merge of before / after / now (``table.undo``): the import's changes
are taken back, every edit made since is kept, and the items where both met are listed as
conflicts first."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from projects.models import Change, ChangeSource, ImportVersion
from projects.reports.history import history_line
from projects.reports.snapshots import year_state
from projects.table.stored import overview_of
from projects.table.undo import Conflict, undo_merge

from .imports import import_overview


class UndoRefused(Exception):
    """The version cannot be undone; the message says why."""


@dataclass
class ConflictLine:
    conflict: Conflict
    edits: list[str] = field(default_factory=list)  # the later edits, as history lines

    def __str__(self) -> str:
        return self.conflict.describe()


@dataclass
class UndoPlan:
    version: ImportVersion
    target: dict
    conflicts: list[ConflictLine]
    result: object = None  # the import service's result (a dry run until applied)


def refusal(version: ImportVersion) -> str:
    """Why this version cannot be undone ("" when it can)."""
    if ImportVersion.objects.filter(undoes=version).exists():
        return "この取込は既に取り消しています。"
    if version.before is None:
        return "この取込で年度の表が作られたため、取り消せません (取込前の表がありません)。"
    later = (
        ImportVersion.objects.filter(fiscal_year=version.fiscal_year_id)
        .filter(imported_at__gt=version.imported_at)
        .exclude(pk=version.pk)
        .first()
    )
    if later is not None:
        return (
            f"この後の取込 ({timezone.localtime(later.imported_at):%Y-%m-%d %H:%M}"
            f" 「{later.filename}」) があります。新しい取込から順に取り消してください。"
        )
    return ""


def plan_undo(version: ImportVersion, *, user) -> UndoPlan:
    """What undoing the version would do, written nowhere: the conflicts (with the later edits
    that made them) and the import service's dry run of the earlier state."""
    plan = merged(version)
    plan.result = import_overview(
        overview_of(plan.target, stored_markers=True),
        dry_run=True,
        user=user,
        filename=undo_filename(version),
    )
    return plan


def merged(version: ImportVersion) -> UndoPlan:
    """The earlier state with every later edit kept, and the conflicts (UndoRefused when the
    version cannot be undone)."""
    reason = refusal(version)
    if reason:
        raise UndoRefused(reason)
    target, conflicts = undo_merge(version.before, version.after, year_state(version.fiscal_year))
    return UndoPlan(version, target, with_edits(version, conflicts))


@transaction.atomic
def undo(version: ImportVersion, *, user) -> UndoPlan:
    """Return the year to its state before the version's import, keeping later edits."""
    version = ImportVersion.objects.select_for_update().get(pk=version.pk)
    plan = merged(version)
    plan.result = import_overview(
        overview_of(plan.target, stored_markers=True), user=user, filename=undo_filename(version)
    )
    written = version.fiscal_year.import_versions.filter(undoes=None).exclude(pk=version.pk)
    newest = written.filter(imported_at__gt=version.imported_at).order_by("-imported_at").first()
    if newest is not None:
        newest.undoes = version
        newest.save(update_fields=["undoes"])
    Change.record(
        fiscal_year=version.fiscal_year,
        user=user,
        at=timezone.now(),
        source=ChangeSource.IMPORT,
        field="import_undone",
        old=version.filename,
        new=undo_filename(version),
    ).save()
    return plan


def undo_filename(version: ImportVersion) -> str:
    return f"取消: {version.filename}"[:255]


def with_edits(version: ImportVersion, conflicts: list[Conflict]) -> list[ConflictLine]:
    """Each conflict with the recorded edits since the import that made it (two queries)."""
    since = Change.objects.filter(
        fiscal_year=version.fiscal_year_id, changed_at__gt=version.imported_at
    ).select_related("user", "project", "activity")
    activity_ids = [c.item_id for c in conflicts if c.level == "activities"]
    project_ids = [c.item_id for c in conflicts if c.level == "projects"]
    by_activity, by_project = {}, {}
    for change in since.filter(activity__in=activity_ids).order_by("changed_at", "id"):
        by_activity.setdefault(change.activity_id, []).append(history_line(change))
    for change in since.filter(project__in=project_ids).order_by("changed_at", "id"):
        by_project.setdefault(change.project_id, []).append(history_line(change))
    lines = []
    for conflict in conflicts:
        found = by_activity if conflict.level == "activities" else by_project
        lines.append(ConflictLine(conflict, found.get(conflict.item_id, [])))
    return lines
