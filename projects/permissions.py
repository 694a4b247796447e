"""Who may write what: the secretariat everything, municipal staff the activities of the rows that
concern their municipality (a row's own 関係市町, or its project's where the row names none).

Every write path (admin, staff page, imports) asks these functions on the server: the workbook
import lets the secretariat make any difference and staff only those ``can_edit_row`` allows.
A year can also be closed to staff: while its latest reporting round (照会) is closed, and once
the secretariat has locked it (its 資料 is final); the secretariat may still write.
"""

NOT_ALLOWED = "この実績項目を変更する権限がありません (担当の市町が関係市町に入っていない行です)。"
ROUND_CLOSED = (
    "{year}は照会「{title}」を締め切ったため、変更できません。"
    "変更が必要なときは事務局に連絡してください (事務局が照会を再開すると変更できます)。"
)
YEAR_LOCKED = (
    "{year}の資料は確定しているため、変更できません。"
    "変更が必要なときは事務局に連絡してください (事務局が確定を解除すると変更できます)。"
)


def is_secretariat(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "staff_profile", None)
    return bool(profile and profile.is_secretariat)


def municipality_of(user):
    """The municipality a staff member works for, or None (anonymous, secretariat, unassigned)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.municipality if profile else None


def year_refusal(user, fiscal_year) -> str:
    """Why the user may not change the year's activities now, or "" when they may: staff may
    not while the year's latest round is closed or once the year is locked."""
    if is_secretariat(user):
        return ""
    return year_closure(fiscal_year)


def year_closure(fiscal_year) -> str:
    """Why the year is closed to staff ("" while it is open to them)."""
    if fiscal_year is None:
        return ""
    if fiscal_year.locked:
        return YEAR_LOCKED.format(year=fiscal_year.label)
    latest = fiscal_year.rounds.order_by("-opened_at", "-id").first()
    if latest is not None and not latest.is_open:
        return ROUND_CLOSED.format(year=fiscal_year.label, title=latest.title)
    return ""


def row_refusal(user, row) -> str:
    """Why the user may not change, add or remove the activities of this row ("" if they may)."""
    from projects.models import ProjectRow

    if is_secretariat(user):
        return ""
    municipality = municipality_of(user)
    if municipality is None:
        return NOT_ALLOWED
    if not ProjectRow.objects.concerning(municipality).filter(pk=row.pk).exists():
        return NOT_ALLOWED
    return year_refusal(user, row.project.fiscal_year)


def can_edit_row(user, row) -> bool:
    """Whether the user may change, add or remove the activities of this row."""
    return not row_refusal(user, row)


def activity_refusal(user, activity) -> str:
    return row_refusal(user, activity.row)


def row_ids_editable_by(user, fiscal_year) -> set[int] | None:
    """IDs of the year's rows whose activities the user may change, ``can_edit_row`` for all
    of them in one query (the workbook import asks it); None means all of them."""
    from projects.models import ProjectRow

    if is_secretariat(user):
        return None
    municipality = municipality_of(user)
    if municipality is None:
        return set()
    rows = ProjectRow.objects.concerning(municipality).filter(project__fiscal_year=fiscal_year)
    return set(rows.values_list("id", flat=True))


def can_edit_activity(user, activity) -> bool:
    return can_edit_row(user, activity.row)


def can_work_on_project(user, project) -> bool:
    """Whether any row of the project is the user's to update (the project shows on their
    staff page); each row is still checked with ``can_edit_row``."""
    from projects.models import Project

    if is_secretariat(user):
        return True
    municipality = municipality_of(user)
    if municipality is None:
        return False
    return Project.objects.for_municipality(municipality).filter(pk=project.pk).exists()


def project_ids_editable_by(user, fiscal_year) -> set[int] | None:
    """IDs of the year's projects with a row the user may change; None means all of them."""
    if is_secretariat(user):
        return None
    municipality = municipality_of(user)
    if municipality is None:
        return set()
    return set(fiscal_year.projects.for_municipality(municipality).values_list("id", flat=True))


def activities_editable_by(user, activities):
    """Of an Activity queryset, those the user may edit: all for the secretariat, their
    municipality's for staff, none for anyone else."""
    if is_secretariat(user):
        return activities
    municipality = municipality_of(user)
    if municipality is None:
        return activities.none()
    return activities.for_municipality(municipality)


def is_portal_staff(user) -> bool:
    """Someone who works in the portal: the secretariat or a staff member with a municipality."""
    return is_secretariat(user) or municipality_of(user) is not None


def can_upload(user) -> bool:
    """Uploading is open to portal staff; each difference an upload makes is checked like the
    same change on the staff page or in the admin (``services.differences.refusals``)."""
    return is_portal_staff(user)


def navigation(request) -> dict:
    """Context processor: which of the portal's own pages the navigation offers this user."""
    user = getattr(request, "user", None)
    return {
        "nav_staff": is_portal_staff(user),
        "nav_secretariat": is_secretariat(user),
    }
