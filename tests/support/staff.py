"""Users, activities and clients shared by the staff, admin, permission and upload tests."""

import io
import re

import openpyxl
from django.contrib.auth import get_user_model
from django.test import Client

from projects.models import Activity, Municipality, StaffProfile

PASSWORD = "renkei-demo"


def activity_of(fiscal_year, number: int, index: int = 0) -> Activity:
    """The ``index``-th activity (in table order) of the project numbered ``number``."""
    return (
        Activity.objects.filter(row__project__fiscal_year=fiscal_year, row__project__number=number)
        .order_by("row__order", "order")
        .with_hierarchy()[index]
    )


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def add_users(users: dict) -> dict:
    """The demo users (the secretariat and one account per member town, ``mine`` among them)
    plus the roles the matrix also needs."""
    User = get_user_model()
    users["superuser"] = User.objects.create_superuser("admin", "admin@example.jp", PASSWORD)
    users["unassigned"] = User.objects.create_user("unassigned", password=PASSWORD, is_staff=True)
    StaffProfile.objects.create(user=users["unassigned"])
    users["citizen"] = User.objects.create_user("citizen", password=PASSWORD)
    assert users["mine"].staff_profile.municipality == Municipality.objects.get(slug="mine")
    return users


def workbook_with(path, changes: dict[str, str]) -> bytes:
    """The workbook at ``path`` with whole result lines replaced (old line -> new line)."""
    workbook = openpyxl.load_workbook(path)
    found = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                lines = re.split(r"(\r\n|\r|\n)", cell.value)
                replaced = [changes.get(line, line) for line in lines]
                if replaced != lines:
                    found.update(line for line in lines if line in changes)
                    cell.value = "".join(replaced)
    assert found == set(changes), f"lines not found: {set(changes) - found}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_status(activity, glyph: str) -> dict[str, str]:
    """The change of one activity's marker, as ``workbook_with`` takes it."""
    return {activity.marker + activity.text: glyph + activity.text}


def secretariat_account():
    """A secretariat account (made once per test database)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username="office", defaults={"is_staff": True})
    if created:
        StaffProfile.objects.create(user=user, is_secretariat=True)
    return user


def save_on_staff_page(activity, **values):
    """Change an activity as the secretariat does on the staff page (``values``: status, text,
    details as lines); returns it as saved."""
    activity = Activity.objects.get(pk=activity.pk)
    data = {
        "status": activity.status or "",
        "text": activity.text,
        "details": "\n".join(activity.details),
        "version": activity.version,
        **values,
    }
    if isinstance(data["details"], list):
        data["details"] = "\n".join(data["details"])
    response = client_for(secretariat_account()).post(
        f"/staff/activities/{activity.pk}/", {f"a{activity.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return Activity.objects.get(pk=activity.pk)
