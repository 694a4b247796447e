"""Role × municipality × action: every write path allows exactly what permissions.py says.

Each action is a forged POST (the test client sends no CSRF token and does not check it; the
CSRF tests are in test_security.py): what matters is that the server itself refuses. Each case
runs in a savepoint that is rolled back, so that all cases start from the same R2 data.
"""

import io
import re
from dataclasses import dataclass

import pytest
from django.db import transaction

from projects.models import Activity, FiscalYear, Municipality, Project, StaffProfile
from tests.support.staff import activity_of, add_users, client_for, with_status, workbook_with

ROLES = ("jimukyoku", "superuser", "ube", "hagi", "mine", "unassigned", "citizen", "anonymous")
# Three activities: project 28 (宇部市), project 7 (山口市・萩市・防府市), project 25 (宇部市・美祢市).
TARGETS = {"p28": (28, 2), "p7": (7, 1), "p25": (25, 0)}
STAFF_SCOPE = {"ube": {"p28", "p25"}, "hagi": {"p7"}, "mine": {"p25"}}
SECRETARIAT = {"jimukyoku", "superuser"}
NEW_STATUS = "cancelled"  # none of the three targets is cancelled in R2


def may_edit_activity(role: str, target: str) -> bool:
    return role in SECRETARIAT or target in STAFF_SCOPE.get(role, set())


def secretariat_only(role: str, target: str) -> bool:
    return role in SECRETARIAT


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


@dataclass
class Case:
    role: str
    target: str
    client: object
    activity: Activity
    fiscal_year: FiscalYear
    r2_path: object


def fingerprint(activity: Activity):
    current = Activity.objects.filter(pk=activity.pk).first()
    siblings = Activity.objects.filter(row=activity.row).count()
    if current is None:
        return ("deleted", siblings)
    return (current.status, current.text, current.version, siblings)


def walk(users, r2, r2_path, action, allowed, *, ok_codes=(302,)) -> list[str]:
    """Run ``action`` for every role and target; return the cases that went the wrong way."""
    wrong = []
    for role in ROLES:
        for target, (number, index) in TARGETS.items():
            with transaction.atomic():
                activity = activity_of(r2, number, index)
                client = client_for(None if role == "anonymous" else users[role])
                before = fingerprint(activity)
                response = action(Case(role, target, client, activity, r2, r2_path))
                changed = fingerprint(activity) != before
                expected = allowed(role, target)
                if changed != expected or (expected and response.status_code not in ok_codes):
                    wrong.append(
                        f"{role} × {target}: {'changed' if changed else 'unchanged'}, "
                        f"HTTP {response.status_code}, expected {'allowed' if expected else 'refused'}"
                    )
                if not expected:
                    assert response.status_code in (200, 302, 400, 403, 404, 405), (role, target)
                transaction.set_rollback(True)
    return wrong


# -- the staff page ------------------------------------------------------------------------------


def staff_update(case):
    a = case.activity
    return case.client.post(
        f"/staff/activities/{a.pk}/",
        {
            f"a{a.pk}-status": NEW_STATUS,
            f"a{a.pk}-text": a.text,
            f"a{a.pk}-details": "\n".join(a.details),
            f"a{a.pk}-version": a.version,
        },
    )


def staff_add(case):
    row = case.activity.row
    return case.client.post(
        f"/staff/rows/{row.pk}/activities/",
        {f"r{row.pk}-status": "planned", f"r{row.pk}-text": "追加の取組", f"r{row.pk}-details": ""},
    )


def staff_delete(case):
    return case.client.post(
        f"/staff/activities/{case.activity.pk}/delete/", {"version": case.activity.version}
    )


# -- the admin -----------------------------------------------------------------------------------


def admin_change(case):
    a = case.activity
    return case.client.post(
        f"/admin/projects/activity/{a.pk}/change/",
        {
            "status": NEW_STATUS,
            "text": a.text,
            "details": "\n".join(a.details),
            "expected_version": a.version,
        },
    )


def admin_add(case):
    return case.client.post(
        "/admin/projects/activity/add/",
        {"row": case.activity.row_id, "status": "planned", "text": "追加の取組", "details": ""},
    )


def admin_delete(case):
    return case.client.post(f"/admin/projects/activity/{case.activity.pk}/delete/", {"post": "yes"})


def admin_list_editable(case):
    a = case.activity
    return case.client.post(
        "/admin/projects/activity/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": a.pk,
            "form-0-status": NEW_STATUS,
            "form-0-expected_version": a.version,
            "_save": "保存",
        },
    )


def admin_action(name, **extra):
    def action(case):
        return case.client.post(
            "/admin/projects/activity/",
            {"action": name, "_selected_action": [case.activity.pk], "index": "0", **extra},
        )

    action.__name__ = f"admin_action_{name}"
    return action


def admin_row_inline(case):
    """The row's page with its activities inline: a project-level page, secretariat only."""
    a = case.activity
    activities = list(a.row.activities.order_by("order"))
    data = {
        "order": a.row.order,
        "summary": a.row.summary,
        "activities-TOTAL_FORMS": str(len(activities)),
        "activities-INITIAL_FORMS": str(len(activities)),
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
    }
    for i, other in enumerate(activities):
        data.update(
            {
                f"activities-{i}-id": other.pk,
                f"activities-{i}-row": a.row_id,
                f"activities-{i}-status": NEW_STATUS if other.pk == a.pk else other.status or "",
                f"activities-{i}-text": other.text,
                f"activities-{i}-details": "\n".join(other.details),
                f"activities-{i}-expected_version": other.version,
            }
        )
    return case.client.post(f"/admin/projects/projectrow/{a.row_id}/change/", data)


# -- the workbook upload -------------------------------------------------------------------------


def upload_and_confirm(case):
    """Upload R2 with the target's status changed, then confirm the preview."""
    content = workbook_with(case.r2_path, with_status(case.activity, "■"))
    upload = io.BytesIO(content)
    upload.name = "r02.xlsx"
    response = case.client.post("/admin/projects/fiscalyear/upload/", {"file": upload})
    if response.status_code != 302 or "/upload/" not in response["Location"]:
        return response
    preview = case.client.get(response["Location"])
    token = re.search(r'name="token" value="(\w+)"', preview.content.decode())
    if token is None:  # no preview (the login page)
        return preview
    data = {"confirm": "確定して取り込む", "token": token[1]}
    return case.client.post(response["Location"], data)


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (staff_update, may_edit_activity),
        (staff_add, may_edit_activity),
        (staff_delete, may_edit_activity),
        (admin_change, may_edit_activity),
        (admin_add, may_edit_activity),
        (admin_delete, may_edit_activity),
        (admin_list_editable, may_edit_activity),
        (admin_action("mark_cancelled"), may_edit_activity),
        (admin_action("delete_selected", post="yes"), may_edit_activity),
        (admin_row_inline, secretariat_only),
        (upload_and_confirm, may_edit_activity),
    ],
    ids=lambda v: getattr(v, "__name__", None) if callable(v) else None,
)
def test_matrix(users, r2, r2_path, action, allowed):
    assert walk(users, r2, r2_path, action, allowed) == []


# -- project-level and account writes: the secretariat only --------------------------------------


def project_change(case):
    project = case.activity.row.project
    return case.client.post(
        f"/admin/projects/project/{project.pk}/change/",
        {
            "fiscal_year": project.fiscal_year_id,
            "measure": project.measure_id,
            "number": project.number,
            "name": project.name + "(改)",
            "order": project.order,
            "municipalities": [m.pk for m in project.municipalities.all()],
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "1000",
        },
    )


def test_only_the_secretariat_changes_projects(users, r2, r2_path):
    wrong = []
    for role in ROLES:
        for target, (number, index) in TARGETS.items():
            with transaction.atomic():
                activity = activity_of(r2, number, index)
                client = client_for(None if role == "anonymous" else users[role])
                project_change(Case(role, target, client, activity, r2, r2_path))
                renamed = Project.objects.get(pk=activity.row.project_id).name.endswith("(改)")
                if renamed != (role in SECRETARIAT):
                    wrong.append(f"{role} × {target}: renamed={renamed}")
                transaction.set_rollback(True)
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_changes_years_and_accounts(users, r2, role):
    client = client_for(None if role == "anonymous" else users[role])
    client.post(
        f"/admin/projects/fiscalyear/{r2.pk}/change/",
        {
            "year": 2020,
            "title": "改ざん",
            "published": "on",
            "strategies-TOTAL_FORMS": "0",
            "strategies-INITIAL_FORMS": "0",
            "strategies-MIN_NUM_FORMS": "0",
            "strategies-MAX_NUM_FORMS": "1000",
        },
    )
    profile = StaffProfile.objects.get(user__username="hagi")
    client.post(
        f"/admin/projects/staffprofile/{profile.pk}/change/",
        {"user": profile.user_id, "municipality": "", "is_secretariat": "on"},
    )
    r2.refresh_from_db()
    profile.refresh_from_db()
    expected = role in SECRETARIAT
    assert (r2.title == "改ざん") == expected
    assert profile.is_secretariat == expected


@pytest.mark.parametrize("role", ["ube", "hagi", "unassigned", "citizen"])
def test_staff_cannot_grant_themselves_more(users, role):
    user = users[role]
    client = client_for(user)
    client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {"username": user.username, "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    user.refresh_from_db()
    assert not user.is_superuser


def test_the_secretariat_cannot_make_a_superuser(users):
    target = users["hagi"]
    client_for(users["jimukyoku"]).post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": "hagi",
            "first_name": "萩市 担当",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": target.staff_profile.pk,
            "staff_profile-0-user": target.pk,
            "staff_profile-0-municipality": target.staff_profile.municipality_id,
        },
    )
    target.refresh_from_db()
    assert not target.is_superuser
    assert (
        client_for(users["jimukyoku"])
        .get(f"/admin/auth/user/{users['superuser'].pk}/change/")
        .status_code
        == 302
    )  # superusers are not in the secretariat's list at all


# -- rows with their own 関係市町 ------------------------------------------------------------------

# Project 7 (four rows) as an edition with the column writes it: its first row for 萩市 alone,
# its second for 防府市 alone; 萩市's staff may change the first row's activities only.
ROW_TARGETS = {"row0": 0, "row1": 1}
ROW_SCOPE = {"hagi": {"row0"}}


@pytest.fixture
def own_rows(r2):
    rows = list(Project.objects.get(fiscal_year=r2, number=7).rows.order_by("order"))
    for row, slug in zip(rows, ("hagi", "hofu"), strict=False):
        town = Municipality.objects.get(slug=slug)
        row.municipalities_text = town.name
        row.save()
        row.municipalities.set([town])
    return rows


def row_walk(users, own_rows, action) -> list[str]:
    wrong = []
    for role in ("jimukyoku", "ube", "hagi", "mine"):
        for target, index in ROW_TARGETS.items():
            with transaction.atomic():
                activity = own_rows[index].activities.order_by("order").first()
                client = client_for(users[role])
                before = fingerprint(activity)
                response = action(Case(role, target, client, activity, None, None))
                changed = fingerprint(activity) != before
                expected = role in SECRETARIAT or target in ROW_SCOPE.get(role, set())
                if changed != expected:
                    wrong.append(
                        f"{role} × {target}: HTTP {response.status_code}, changed={changed}"
                    )
                transaction.set_rollback(True)
    return wrong


@pytest.mark.parametrize(
    "action",
    [staff_update, staff_add, staff_delete, admin_change, admin_add, admin_delete],
    ids=lambda v: v.__name__,
)
def test_permissions_follow_the_row_not_the_project(users, own_rows, action):
    assert row_walk(users, own_rows, action) == []


def test_the_staff_page_lists_only_the_rows_that_concern_the_town(users, own_rows):
    page = client_for(users["hagi"]).get("/staff/").content.decode()
    first, second = (rows.activities.order_by("order").first() for rows in own_rows[:2])
    assert f'id="activity-{first.pk}"' in page
    assert f'id="activity-{second.pk}"' not in page
