"""Edits made by people, one activity or project at a time: permission, history, no lost updates.

The staff page and the admin both write through these functions. Each checks the user's right
to touch the project (``permissions``), records every changed field in ``Change`` (who, when,
where, old → new) and refuses a save made from a stale form: the form carries the activity's
``version`` as it was rendered, and the row is updated only if that version is still current.
The workbook import writes in bulk (``import_writer``) and records its own changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from projects import cache as public_cache
from projects import permissions
from projects.models import (
    Activity,
    Area,
    Change,
    ChangeSource,
    Event,
    Municipality,
    Project,
    ProjectRow,
    events_for,
)
from projects.models.history import deleted_activity_value
from projects.reports.history import changes_since, conflict_message
from projects.table.notation import find_tags

PROJECT_FIELDS = ("number", "name", "measure", "order")
NOT_ALLOWED = permissions.NOT_ALLOWED
ROW_REMOVED = "この行は、画面を開いた後に取込で削除されました。実績項目は追加していません。"


class EditConflict(Exception):
    """Someone else saved the activity after the form was rendered; nothing was written."""

    def __init__(
        self, changes: Sequence[Change] = (), *, deleted: bool = False, row_removed: bool = False
    ):
        self.changes = list(changes)
        self.deleted = deleted
        message = ROW_REMOVED if row_removed else conflict_message(self.changes, deleted=deleted)
        super().__init__(message)


def require_permission(user, row: ProjectRow) -> None:
    """The user's right to the row, and the year still open to them (``permissions``)."""
    refusal = permissions.row_refusal(user, row)
    if refusal:
        raise PermissionDenied(refusal)


def activity_line(activity: Activity) -> str:
    return "\n".join([activity.line(), *activity.details])


def rederive(activity: Activity) -> None:
    """Tags and events follow the text (the bulk update bypasses Activity.save)."""
    Event.objects.filter(activity=activity).delete()
    Event.objects.bulk_create(events_for(activity, activity.row.project.fiscal_year.year))


@transaction.atomic
def update_activity(
    *,
    user,
    activity: Activity,
    status: str | None,
    text: str,
    details: Iterable[str],
    expected_version: int,
    source: str = ChangeSource.PORTAL,
) -> list[Change]:
    """Change an activity's status, text and details, if ``expected_version`` is still current.

    Returns the recorded changes (empty when nothing differs). Raises PermissionDenied or
    EditConflict, writing nothing."""
    try:
        current = Activity.objects.with_hierarchy().get(pk=activity.pk)
    except Activity.DoesNotExist as exc:
        raise EditConflict(deleted=True) from exc
    project = current.row.project
    require_permission(user, current.row)
    values = {"status": status or None, "text": text, "details": list(details)}
    diffs = [(k, getattr(current, k), v) for k, v in values.items() if getattr(current, k) != v]
    if not diffs:
        return []
    if current.version != expected_version:
        raise EditConflict(changes_since(current, expected_version))
    now = timezone.now()
    tags = ",".join(find_tags(text))
    written = Activity.objects.filter(pk=current.pk, version=expected_version).update(
        **values, tags=tags, version=F("version") + 1, updated_at=now
    )
    if not written:  # saved (or removed) by someone else between our read and our write
        current = Activity.objects.filter(pk=current.pk).first()
        if current is None:
            raise EditConflict(deleted=True)
        raise EditConflict(changes_since(current, expected_version))
    for name, value in {**values, "tags": tags, "version": expected_version + 1}.items():
        setattr(current, name, value)
        setattr(activity, name, value)
    rederive(current)
    changes = [
        Change.record(
            user=user,
            project=project,
            activity=current,
            source=source,
            at=now,
            field=name,
            old=old,
            new=new,
        )
        for name, old, new in diffs
    ]
    public_cache.bump_on_commit()  # the update and bulk_create above send no signals
    return Change.objects.bulk_create(changes)


@transaction.atomic
def add_activity(
    *,
    user,
    row: ProjectRow,
    status: str | None,
    text: str,
    details: Iterable[str],
    source: str = ChangeSource.PORTAL,
) -> Activity:
    """Append an activity to a row of a project the user may edit."""
    # The row is locked while the activity is appended: an import that removes it waits, or
    # has removed it already (then nothing is added).
    row = (
        ProjectRow.objects.select_related("project__fiscal_year")
        .select_for_update(of=("self",))
        .filter(pk=row.pk)
        .first()
    )
    if row is None:
        raise EditConflict(row_removed=True)
    require_permission(user, row)
    last = row.activities.aggregate(last=Max("order"))["last"]
    activity = Activity(
        row=row,
        order=0 if last is None else last + 1,
        status=status or None,
        text=text,
        details=list(details),
    )
    activity.save()
    now = timezone.now()
    Change.record(
        user=user,
        project=row.project,
        activity=activity,
        source=source,
        at=now,
        field="created",
        old="",
        new=activity_line(activity),
    ).save()
    return activity


@transaction.atomic
def remove_activity(
    *,
    user,
    activity: Activity,
    expected_version: int | None = None,
    source: str = ChangeSource.PORTAL,
) -> Change:
    """Delete an activity, keeping its last text in the history."""
    try:
        current = (
            Activity.objects.with_hierarchy().select_for_update(of=("self",)).get(pk=activity.pk)
        )
    except Activity.DoesNotExist as exc:
        raise EditConflict(deleted=True) from exc
    project = current.row.project
    require_permission(user, current.row)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(changes_since(current, expected_version))
    change = Change.record(
        user=user,
        project=project,
        activity=None,
        source=source,
        at=timezone.now(),
        field="deleted",
        old=activity_line(current),
        new=deleted_activity_value(current, current.changes.values_list("pk", flat=True)),
    )
    change.save()
    current.delete()
    return change


def project_snapshot(project: Project) -> dict[str, str]:
    """The recorded fields of a project as text, to compare before and after an edit."""
    return {
        "number": "" if project.number is None else str(project.number),
        "name": project.name,
        "measure": str(project.measure) if project.measure_id else "",
        "order": str(project.order),
    }


def municipalities_text(project: Project) -> str:
    return "、".join(m.name for m in project.municipalities.order_by("order"))


@transaction.atomic
def record_project_edit(
    *, user, project: Project, before: dict[str, str], source: str = ChangeSource.ADMIN
) -> list[Change]:
    """Record what an edit changed in a project (``before`` from ``project_snapshot`` and
    ``municipalities_text`` taken before saving)."""
    if not permissions.is_secretariat(user):
        raise PermissionDenied("事業を変更できるのは事務局だけです。")
    project = Project.objects.select_related("measure").get(pk=project.pk)
    after = {**project_snapshot(project), "municipalities": municipalities_text(project)}
    now = timezone.now()
    changes = [
        Change.record(
            user=user,
            project=project,
            activity=None,
            source=source,
            at=now,
            field=name,
            old=before.get(name, ""),
            new=value,
        )
        for name, value in after.items()
        if name in before and before[name] != value
    ]
    return Change.objects.bulk_create(changes)


@transaction.atomic
def record_row_municipalities(*, user, row: ProjectRow, old_text: str, source=ChangeSource.ADMIN):
    """A row's own 関係市町 was set to ``row.municipalities_text`` (as written, 「全市町」; "" gives
    the row back its project's): link the members it names, keep the project's the union of its
    rows', and record the change. Only the secretariat assigns municipalities."""
    if not permissions.is_secretariat(user):
        raise PermissionDenied("関係市町を変更できるのは事務局だけです。")
    reading = Area.objects.members().read(row.municipalities_text, row.project.fiscal_year.year)
    row.municipalities.set(Municipality.objects.filter(name__in=reading.names))
    project = row.project
    rows = list(project.rows.prefetch_related("municipalities"))
    if all(r.municipalities_text for r in rows):
        project.municipalities.set({m for r in rows for m in r.municipalities.all()})
    else:  # rows without a cell of their own still follow the project's
        project.municipalities.add(*row.municipalities.all())
    public_cache.bump_on_commit()  # links written without the models' signals
    if old_text == row.municipalities_text:
        return None
    change = Change.record(
        user=user,
        project=project,
        activity=None,
        source=source,
        at=timezone.now(),
        field="municipalities",
        old=old_text,
        new=row.municipalities_text,
    )
    change.save()
    return change


def record_row_edit(*, user, row: ProjectRow, old_summary: str, source=ChangeSource.ADMIN):
    """A project's 事業の概要 (one per row) is part of the project's recorded history."""
    if old_summary == row.summary:
        return None
    change = Change.record(
        user=user,
        project=row.project,
        activity=None,
        source=source,
        at=timezone.now(),
        field="summary",
        old=old_summary,
        new=row.summary,
    )
    change.save()
    return change
