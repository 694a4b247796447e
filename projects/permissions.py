"""Who may write what: the secretariat everything, municipal staff the activities of the rows that
concern their municipality (a row's own 関係市町, or its project's where the row names none).

Every write path (admin, staff page, imports) asks these functions on the server: the workbook
import lets the secretariat make any difference and staff only those ``can_edit_row`` allows.
"""


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


def can_edit_row(user, row) -> bool:
    """Whether the user may change, add or remove the activities of this row."""
    from projects.models import ProjectRow

    if is_secretariat(user):
        return True
    municipality = municipality_of(user)
    if municipality is None:
        return False
    return ProjectRow.objects.concerning(municipality).filter(pk=row.pk).exists()


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
