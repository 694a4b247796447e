"""Demo data for a development portal (``load_demo``): accounts and municipality assignments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from projects.models import ChangeSource, FiscalYear, Municipality, Project, StaffProfile

from . import years
from .changes import commit_one

SECRETARIAT_ACCOUNT = ("jimukyoku", "事務局")


def demo_accounts() -> list[tuple[str, str, Municipality | None]]:
    """(username, first name, municipality): the secretariat, then one staff account for each
    active member of whatever area is set up, named by its slug (「<市町> 担当」)."""
    return [(*SECRETARIAT_ACCOUNT, None)] + [
        (m.slug, f"{m.name} 担当", m) for m in Municipality.objects.active()
    ]


@transaction.atomic
def create_demo_accounts(*, password: str) -> list[str]:
    """The documented demo users, marked as such (they cannot log in with DEBUG off, and
    ``check --deploy`` fails while one is active); re-running resets their password and role."""
    User = get_user_model()
    names = []
    for username, label, municipality in demo_accounts():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.is_staff, user.is_active = label, True, True
        user.email = f"{username}@example.jp"  # the round's mail (console backend in a demo)
        user.set_password(password)
        user.save()
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "municipality": municipality,
                "is_secretariat": municipality is None,
                "is_demo": True,
            },
        )
        names.append(username)
    return names


def assign_municipalities_from_text(*, fiscal_year: FiscalYear | None = None) -> int:
    """Give projects without municipalities the active members their text names, or every
    active member if it names none (one change set)."""
    return commit_one(
        user=None, source=ChangeSource.ADMIN, write=lambda changes: _assign(changes, fiscal_year)
    )


def _assign(changes, fiscal_year) -> int:
    munis = list(Municipality.objects.active())
    projects = Project.objects.filter(municipalities__isnull=True)
    if fiscal_year is not None:
        projects = projects.filter(fiscal_year=fiscal_year)
    projects = list(projects.prefetch_related("rows__activities"))
    through = Project.municipalities.through
    links = []
    for project in projects:
        text = " ".join(
            [project.name]
            + [r.summary for r in project.rows.all()]
            + [
                line
                for r in project.rows.all()
                for a in r.activities.all()
                for line in (a.text, *a.details)
            ]
        )
        named = [m for m in munis if m.name in text] or munis
        links += [through(project_id=project.pk, municipality_id=m.pk) for m in named]
    through.objects.bulk_create(links)
    for project in projects:
        changes.year_changed(project.fiscal_year_id)
    return len(projects)


@transaction.atomic
def publish_latest_if_none() -> FiscalYear | None:
    """For a demo: with no year public yet, publish the latest (it becomes the current one)."""
    if FiscalYear.objects.published().exists():
        return None
    latest = FiscalYear.objects.order_by("-year").first()
    if latest is not None:
        years.publish(fiscal_year=latest)
    return latest


@transaction.atomic
def remove_demo_accounts() -> list[str]:
    """Delete the accounts ``create_demo_accounts`` made (their history keeps no user)."""
    User = get_user_model()
    demo = User.objects.filter(staff_profile__is_demo=True)
    names = sorted(demo.values_list("username", flat=True))
    demo.delete()
    return names
