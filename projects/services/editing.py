"""Edits made by people, one activity at a time (the staff page and the admin): each is a change
set of one change (``services.changes``), so permission, history, stale forms and everything
derived from the text are the change set's, as for every other write."""

from __future__ import annotations

from collections.abc import Iterable

from projects.models import Activity, Change, ChangeSource, ProjectRow

from .changes import ChangeRefused, ChangeSet, EditConflict, activity_line

__all__ = [
    "ChangeRefused",
    "EditConflict",
    "activity_line",
    "add_activity",
    "remove_activity",
    "update_activity",
]


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

    Returns the recorded changes (empty when nothing differs). Raises ChangeRefused (a
    PermissionDenied) or EditConflict, writing nothing."""
    changes = ChangeSet(user=user, source=source)
    changes.update_activity(
        activity, status=status, text=text, details=details, expected_version=expected_version
    )
    return changes.commit().changes


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
    changes = ChangeSet(user=user, source=source)
    activity = changes.add_activity(row, status=status, text=text, details=details)
    changes.commit()
    return activity


def remove_activity(
    *,
    user,
    activity: Activity,
    expected_version: int | None = None,
    source: str = ChangeSource.PORTAL,
) -> Change:
    """Delete an activity, keeping its last text in the history."""
    changes = ChangeSet(user=user, source=source)
    changes.remove_activity(activity, expected_version=expected_version)
    return changes.commit().changes[0]
