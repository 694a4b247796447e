"""What an import would change, one difference at a time: the level and the field, old → new,
the cell of the file it comes from, whether the uploader may make it, and its history row.

The import writer lists every difference before it writes anything (``ImportWriter.plan``);
the upload's preview shows them, the permission rules refuse those the uploader may not make
(``refusals``, through ``projects.permissions`` like the staff page and the admin), the
confirmation compares them with what the preview saw (``fingerprint``), and each one that is
written becomes one ``Change`` (``history_row``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from projects import permissions
from projects.models import Change, ChangeSource
from projects.reports.history import describe
from projects.table.model import Problem

LEVEL_NAMES = {
    "years": "年度",
    "strategies": "取組",
    "measures": "施策",
    "projects": "事業",
    "rows": "行",
    "activities": "実績項目",
}
STRUCTURE_REFUSED = (
    "事務局だけが変更できる項目です (担当者が取込で変更できるのは、担当の市町が関係市町に入っている"
    "行の実績項目の状況・内容・詳細行と、その追加・削除だけです)。ファイルのこの部分はデータベースの"
    "内容のままにしてください。"
)
ROW_REFUSED = (
    "この行の実績項目を変更する権限がありません (担当の市町が関係市町に入っていない行です)。"
)


@dataclass
class Difference:
    """One change an import makes. ``field`` names the recorded field (``reports.history``);
    creations and removals have ``created``/``deleted``. ``row_id`` is the existing row an
    activity difference belongs to (None for a new row), which decides who may make it;
    ``key`` names an activity across the preview and the confirmation."""

    level: str
    action: str
    field: str
    subject: str = ""
    old: str = ""
    new: str = ""
    cell: str = ""
    project: str = ""
    row_id: int | None = None
    key: str = ""
    # The instances the history row points at (set once they are written): the project and
    # the activity, or None where there is none or it is removed.
    project_obj: object = None
    activity_obj: object = None
    within: bool = False  # part of a larger creation or removal, which is shown instead
    since_preview: str = ""  # why the activity conflicts with the preview ("" if it does not)
    portal_changed: bool = False  # its status was changed in the portal since the last import

    @property
    def is_activity_level(self) -> bool:
        return self.level == "activities"

    def describe(self) -> str:
        """「事業名: 旧 → 新」, 「行 2 追加: …」: the words the history will use for it."""
        change = Change(
            field=self.field,
            subject=self.subject,
            old_value=self.old,
            new_value=self.new,
            source=ChangeSource.IMPORT,
        )
        return describe(change)

    def identity(self) -> tuple:
        return (self.level, self.action, self.field, self.subject, self.project, self.old, self.new)


def refusals(differences, *, user, editable_rows: set[int] | None, sheet: str) -> list[Problem]:
    """Each difference the user may not make, as a problem with its cell and the reason.

    The rules are the staff page's and the admin's: the secretariat may make every change; a
    municipality's staff only those to the activities of the rows that concern their
    municipality (``permissions.row_ids_editable_by``, the set form of ``can_edit_row``), and
    nothing else: the year, strategies, measures, projects and rows (事業の概要, 関係市町) of
    their file must read as the database does."""
    if permissions.is_secretariat(user):
        return []
    problems = []
    for d in differences:
        if d.within:
            continue
        if d.is_activity_level and d.row_id is not None:
            if editable_rows is None or d.row_id in editable_rows:
                continue
            reason = ROW_REFUSED
        else:
            reason = STRUCTURE_REFUSED
        problems.append(
            Problem(f"{d.describe()} — {reason}", sheet, d.cell, d.project, code="forbidden")
        )
    return problems


def fingerprint(differences) -> str:
    """What the preview showed, apart from the activities (those carry versions): a confirmation
    whose structure differences no longer match it is shown again instead of applied."""
    items = sorted(repr(d.identity()) for d in differences if not d.is_activity_level)
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def history_row(d: Difference, *, fiscal_year, user, at, removed_projects: set[int]) -> Change:
    project = d.project_obj
    if project is not None and (project.pk is None or project.pk in removed_projects):
        project = None
    activity = None if d.action == "delete" else d.activity_obj
    return Change.record(
        fiscal_year=fiscal_year,
        project=project,
        activity=activity,
        user=user,
        at=at,
        source=ChangeSource.IMPORT,
        field=d.field,
        subject=d.subject,
        old=d.old,
        new=d.new,
    )
