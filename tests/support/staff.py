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


def project_form(project, rows, *, delete=(), **row_fields) -> dict:
    """The admin's project page as posted: the project's own fields as they are, and ``rows``
    (saved or new ``ProjectRow``) as its inline forms; ``delete``: indexes of rows to delete;
    ``row_fields``: a field's values row by row (``municipalities_text=[…]``)."""
    initial = sum(1 for row in rows if row.pk)
    data = {
        "fiscal_year": project.fiscal_year_id,
        "measure": project.measure_id,
        "number": project.number,
        "name": project.name,
        "order": project.order,
        "municipalities": list(project.municipalities.values_list("pk", flat=True)),
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {
            f"rows-{i}-id": row.pk or "",
            f"rows-{i}-project": project.pk,
            f"rows-{i}-order": row.order,
            f"rows-{i}-summary": row.summary,
        }
        data |= {f"rows-{i}-{name}": values[i] for name, values in row_fields.items()}
    data |= {f"rows-{i}-DELETE": "on" for i in delete}
    return data
