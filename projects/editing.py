"""Edits made by people, one activity or project at a time: permission, history, no lost updates.

The staff page and the admin both write through these functions. Each checks the user's right
to touch the project (permissions.py), records every changed field in ``Change`` (who, when,
where, old → new) and refuses a save made from a stale form: the form carries the activity's
``version`` as it was rendered, and the row is updated only if that version is still current.
The workbook import writes in bulk in services.py and records its own changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from . import cache as public_cache
from . import notation, permissions
from .models import Activity, Change, ChangeSource, Event, Project, ProjectRow, Status, events_for

FIELD_LABELS = {
    "status": "状況",
    "text": "内容",
    "details": "詳細行",
    "created": "追加",
    "deleted": "削除",
    "number": "番号",
    "name": "事業名",
    "measure": "施策",
    "order": "順序",
    "municipalities": "関係市町",
    "summary": "事業の概要",
    "published": "公開",
    "is_current": "現在の年度",
}
BOOLEANS = {"true": "はい", "false": "いいえ", "True": "はい", "False": "いいえ"}
PROJECT_FIELDS = ("number", "name", "measure", "order")
NOT_ALLOWED = "この事業の実績項目を変更する権限がありません (担当市町の事業ではありません)。"


class EditConflict(Exception):
    """Someone else saved the activity after the form was rendered; nothing was written."""

    def __init__(self, changes: Sequence[Change] = (), *, deleted: bool = False):
        self.changes = list(changes)
        self.deleted = deleted
        super().__init__(conflict_message(self.changes, deleted=deleted))


def status_display(value: str | None) -> str:
    if not value:
        return "(記号なし)"
    return f"{notation.CANONICAL_MARKERS[value]} {Status(value).label}"


def value_display(field: str, value: str) -> str:
    """A recorded value as people read it: statuses as glyph and words."""
    if field == "status":
        return status_display(value or None)
    if field in ("published", "is_current"):
        return BOOLEANS.get(value, value)
    return value if value else "(なし)"


def describe(change: Change) -> str:
    label = FIELD_LABELS.get(change.field, change.field)
    if change.field == "created":
        return f"{label}: {change.new_value}"
    if change.field == "deleted":
        return f"{label}: {change.old_value}"
    old = value_display(change.field, change.old_value)
    new = value_display(change.field, change.new_value)
    return f"{label}: {old} → {new}"


def who(change: Change) -> str:
    if change.user is None:
        return "(不明な利用者)"
    full = change.user.get_full_name()
    return f"{change.user.get_username()} ({full})" if full else change.user.get_username()


def history_line(change: Change, *, context: bool = False) -> str:
    """One line of history; ``context`` adds the project and activity it concerns."""
    when = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M")
    where = ""
    if context and change.project_id:
        where = f"事業「{change.project}」"
        if change.activity_id:
            where += f"「{change.activity.text[:30]}」"
        where += " "
    return f"{when} {who(change)} ({change.get_source_display()}) {where}{describe(change)}"


def conflict_message(changes: Sequence[Change], *, deleted: bool = False) -> str:
    if deleted:
        return "この実績項目は、画面を開いた後に他の人が削除しました。変更は保存していません。"
    if not changes:
        return (
            "この実績項目は、画面を開いた後に他の人が更新しました。変更は保存していません。"
            "最新の内容を確認してから、もう一度保存してください。"
        )
    by_edit: dict = {}
    for change in changes:
        by_edit.setdefault((change.changed_at, change.user_id, change.source), []).append(change)
    parts = []
    for group in by_edit.values():
        first = group[0]
        when = timezone.localtime(first.changed_at).strftime("%Y-%m-%d %H:%M")
        what = "、".join(describe(c) for c in group)
        parts.append(f"{who(first)} さんが {when} に{first.get_source_display()}で変更 ({what})")
    return (
        "この実績項目は、画面を開いた後に他の人が更新しました: "
        + "。".join(parts)
        + "。あなたの変更は保存していません。最新の内容を確認してから、もう一度保存してください。"
    )


def changes_since(activity: Activity, version: int) -> list[Change]:
    """The recorded edits that took the activity from ``version`` to its current version.

    Each edit bumps the version once and records its fields with one timestamp, so the newest
    ``current - version`` timestamps are the edits the form did not see."""
    missing = activity.version - version
    if missing <= 0:
        return []
    history = list(Change.objects.filter(activity=activity).select_related("user"))
    stamps = sorted({c.changed_at for c in history}, reverse=True)[:missing]
    return sorted((c for c in history if c.changed_at in stamps), key=lambda c: c.changed_at)


def check_project(user, project: Project) -> None:
    if not permissions.can_edit_project(user, project):
        raise PermissionDenied(NOT_ALLOWED)


def record(*, user, project: Project, activity: Activity | None, source: str, now, field, old, new):
    return Change(
        fiscal_year_id=project.fiscal_year_id,
        project=project,
        activity=activity,
        user=user if getattr(user, "pk", None) else None,
        changed_at=now,
        source=source,
        field=field,
        old_value="" if old is None else str(old),
        new_value="" if new is None else str(new),
    )


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
    check_project(user, project)
    values = {"status": status or None, "text": text, "details": list(details)}
    diffs = [(k, getattr(current, k), v) for k, v in values.items() if getattr(current, k) != v]
    if not diffs:
        return []
    if current.version != expected_version:
        raise EditConflict(changes_since(current, expected_version))
    now = timezone.now()
    tags = ",".join(notation.find_tags(text))
    written = Activity.objects.filter(pk=current.pk, version=expected_version).update(
        **values, tags=tags, version=F("version") + 1, updated_at=now
    )
    if not written:  # saved by someone else between our read and our write
        current.refresh_from_db()
        raise EditConflict(changes_since(current, expected_version))
    for name, value in {**values, "tags": tags, "version": expected_version + 1}.items():
        setattr(current, name, value)
        setattr(activity, name, value)
    rederive(current)
    changes = [
        record(
            user=user,
            project=project,
            activity=current,
            source=source,
            now=now,
            field=name,
            old="\n".join(old) if name == "details" else old,
            new="\n".join(new) if name == "details" else new,
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
    row = ProjectRow.objects.select_related("project__fiscal_year").get(pk=row.pk)
    check_project(user, row.project)
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
    record(
        user=user,
        project=row.project,
        activity=activity,
        source=source,
        now=now,
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
    check_project(user, project)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(changes_since(current, expected_version))
    change = record(
        user=user,
        project=project,
        activity=None,
        source=source,
        now=timezone.now(),
        field="deleted",
        old=activity_line(current),
        new="",
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
        record(
            user=user,
            project=project,
            activity=None,
            source=source,
            now=now,
            field=name,
            old=before.get(name, ""),
            new=value,
        )
        for name, value in after.items()
        if name in before and before[name] != value
    ]
    return Change.objects.bulk_create(changes)


def record_row_edit(*, user, row: ProjectRow, old_summary: str, source=ChangeSource.ADMIN):
    """A project's 事業の概要 (one per row) is part of the project's recorded history."""
    if old_summary == row.summary:
        return None
    change = record(
        user=user,
        project=row.project,
        activity=None,
        source=source,
        now=timezone.now(),
        field="summary",
        old=old_summary,
        new=row.summary,
    )
    change.save()
    return change
