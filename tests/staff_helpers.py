"""Users, activities and clients shared by the staff, admin, permission and upload tests."""

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
    """The demo users plus the roles the matrix also needs."""
    User = get_user_model()
    users["superuser"] = User.objects.create_superuser("admin", "admin@example.jp", PASSWORD)
    users["unassigned"] = User.objects.create_user("unassigned", password=PASSWORD, is_staff=True)
    StaffProfile.objects.create(user=users["unassigned"])
    users["citizen"] = User.objects.create_user("citizen", password=PASSWORD)
    users["mine"] = User.objects.create_user("mine", password=PASSWORD, is_staff=True)
    StaffProfile.objects.create(
        user=users["mine"], municipality=Municipality.objects.get(code="mine")
    )
    return users
