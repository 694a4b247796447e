"""Values derived from the table when it is written, so that public pages read them in one
query: each project's search text (``table.search.index_text``) and each 【再掲】 line's first
listing (``Activity.original``, which the totals leave out).

Writers in bulk (import, roll-over) call ``refresh_year``; single saves reach ``refresh_project``
through the signals connected in ``connect_signals``. Only values that differ are written.
The functions take the model classes as keywords so that a migration can run them on its
historical models.
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from projects.table.notation import strip_tags
from projects.table.search import TITLE_END, index_text


def _model(models, name):
    return (models or {}).get(name) or django_apps.get_model("projects", name)


def refresh_year(*, fiscal_year, models=None) -> None:
    """Both derived values for every project and activity of the year."""
    project_ids = list(
        _model(models, "Project")
        .objects.filter(fiscal_year_id=getattr(fiscal_year, "pk", fiscal_year))
        .values_list("pk", flat=True)
    )
    refresh_search(project_ids=project_ids, models=models)
    refresh_originals(fiscal_year=fiscal_year, models=models)


def refresh_all() -> dict[int, int]:
    """Every year's derived values again (after the way they are made has changed): {year:
    records written}. The public pages are renewed once the transaction commits."""
    from projects import cache as public_cache

    FiscalYear, Project = _model(None, "FiscalYear"), _model(None, "Project")
    written = {}
    with transaction.atomic():
        for pk, year in FiscalYear.objects.order_by("year").values_list("pk", "year"):
            ids = list(Project.objects.filter(fiscal_year_id=pk).values_list("pk", flat=True))
            written[year] = refresh_search(project_ids=ids)
            refresh_originals(fiscal_year=pk)
        public_cache.bump_on_commit()
    return written


def search_texts(project_ids, *, models=None) -> tuple[dict[int, str], dict[int, str]]:
    """({project id: its index}, {activity id: its index}): a project is found by its number,
    name (and English name), each row's 事業の概要 (and English summary) and 関係市町 as written, and its activities' indexes (their
    text, details and tags); its name's index comes first, before ``TITLE_END``. Three
    queries."""
    Project, ProjectRow = _model(models, "Project"), _model(models, "ProjectRow")
    Activity = _model(models, "Activity")
    parts: dict[int, list[str]] = defaultdict(list)
    titles: dict[int, list[str]] = {}
    for pk, number, name, name_en in Project.objects.filter(pk__in=project_ids).values_list(
        "pk", "number", "name", "name_en"
    ):
        titles[pk] = [name, name_en]
        parts[pk] += ["" if number is None else str(number)]
    for project_id, summary, summary_en, municipalities in (
        ProjectRow.objects.filter(project__in=project_ids)
        .order_by("project_id", "order")
        .values_list("project_id", "summary", "summary_en", "municipalities_text")
    ):
        parts[project_id] += [summary, summary_en, municipalities]
    activities: dict[int, str] = {}
    indexes: dict[int, list[str]] = defaultdict(list)
    for pk, project_id, text, details, tags in (
        Activity.objects.filter(row__project__in=project_ids)
        .order_by("row__order", "order")
        .values_list("pk", "row__project_id", "text", "details", "tags")
    ):
        activities[pk] = index_text([text, *details, tags.replace(",", " ")])
        indexes[project_id].append(activities[pk])
    projects = {
        pk: "\n".join([index_text(titles[pk]), TITLE_END, index_text(texts), *indexes[pk]])
        for pk, texts in parts.items()
    }
    return projects, activities


def refresh_search(*, project_ids, models=None) -> int:
    """Write the indexes of the given projects and their activities where they changed; the
    number of records written."""
    Project, Activity = _model(models, "Project"), _model(models, "Activity")
    projects, activities = search_texts(project_ids, models=models)
    written = 0
    for model, wanted in ((Project, projects), (Activity, activities)):
        stored = dict(model.objects.filter(pk__in=wanted).values_list("pk", "search_text"))
        stale = [
            model(pk=pk, search_text=text) for pk, text in wanted.items() if stored[pk] != text
        ]
        model.objects.bulk_update(stale, ["search_text"], batch_size=500)
        written += len(stale)
    return written


def first_listings(activities) -> dict[int, int | None]:
    """{activity id: the id of its first listing or None} from (id, text, tags) in table order:
    a 【再掲】 line's first listing is the first line, not itself re-listed, with the same text
    once the tags are taken out."""
    first: dict[str, int] = {}
    relisted = []
    for pk, text, tags in activities:
        key = strip_tags(text).strip()
        if "再掲" in tags.split(","):
            relisted.append((pk, key))
        else:
            first.setdefault(key, pk)
    return {pk: first.get(key) for pk, key in relisted}


def refresh_originals(*, fiscal_year, models=None) -> int:
    """Point each 【再掲】 line of the year at its first listing (one query, plus the writes)."""
    Activity = _model(models, "Activity")
    rows = list(
        Activity.objects.filter(
            row__project__fiscal_year_id=getattr(fiscal_year, "pk", fiscal_year)
        )
        .order_by("row__project__order", "row__order", "order")
        .values_list("pk", "text", "tags", "original_id")
    )
    wanted = first_listings((pk, text, tags) for pk, text, tags, _ in rows)
    stale = [
        Activity(pk=pk, original_id=wanted.get(pk))
        for pk, _, _, original in rows
        if wanted.get(pk) != original
    ]
    Activity.objects.bulk_update(stale, ["original"], batch_size=500)
    return len(stale)


# ---------------------------------------------------------------------------- single saves


def refresh_project(project_id: int, fiscal_year_id: int, *, relistings: bool) -> None:
    refresh_search(project_ids=[project_id])
    if relistings:
        refresh_originals(fiscal_year=fiscal_year_id)


def _activity_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    ProjectRow = django_apps.get_model("projects", "ProjectRow")
    found = (
        ProjectRow.objects.filter(pk=instance.row_id)
        .values_list("project_id", "project__fiscal_year_id")
        .first()
    )
    if found is not None:  # None: the row is being deleted with its project
        refresh_project(*found, relistings=True)


def _row_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        refresh_search(project_ids=[instance.project_id])


def _project_changed(sender, instance, **kwargs):
    if not kwargs.get("raw") and kwargs.get("signal") is post_save:
        refresh_search(project_ids=[instance.pk])


def connect_signals() -> None:
    from projects.models import Activity, Project, ProjectRow

    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(_activity_changed, sender=Activity, dispatch_uid=f"derived-activity-{name}")
        signal.connect(_row_changed, sender=ProjectRow, dispatch_uid=f"derived-row-{name}")
    post_save.connect(_project_changed, sender=Project, dispatch_uid="derived-project-save")
