"""Values derived from the table when it is written, computed here and nowhere else, so that
pages read them in one query:

- an activity's tags (【新規】【拡充】【再掲】) and its search index, from its text and details
  (``prepare_activities``, before the activity is written);
- its dated events (``write_events``, after: they need its id);
- each project's search text (``refresh_search``): its number, name, rows and activities;
- each 【再掲】 line's first listing (``refresh_originals``, which the totals leave out).

The one caller is the change set (``services.changes``): every write, whatever its path, hands
it what it wrote, and its ``commit()`` derives. Models have no ``save()`` side effects and no
signals. The functions that read take the model classes as keywords so that a migration can
run them on its historical models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from django.apps import apps as django_apps

from projects.table.dates import parse_events
from projects.table.notation import find_tags, strip_tags
from projects.table.search import TITLE_END, index_text

from .bulk import insert_rows, update


def _model(models, name):
    return (models or {}).get(name) or django_apps.get_model("projects", name)


# ---------------------------------------------------------------------------- activities


def activity_index(text: str, details: Iterable[str], tags: str) -> str:
    """What an activity is found by: its text, details and tags, with their readings."""
    return _activity_index(text, tuple(details), tags)


@lru_cache(maxsize=20_000)
def _activity_index(text: str, details: tuple[str, ...], tags: str) -> str:
    # Lines recur (re-imports, 【再掲】, next year's copy): each is analysed once per process.
    return index_text([text, *details, tags.replace(",", " ")])


def prepare_activities(activities: Iterable) -> None:
    """Set the tags and the search index of unsaved or changed activities, in memory."""
    for activity in activities:
        activity.tags = ",".join(find_tags(activity.text))
        activity.search_text = activity_index(activity.text, activity.details, activity.tags)


@lru_cache(maxsize=20_000)
def _event_values(source: str, fiscal_year: int) -> tuple[tuple, ...]:
    """The events of one line: each one's values of ``Event.PARSED_FIELDS``."""
    Event = _model(None, "Event")
    return tuple(
        tuple(Event.fields_of(parsed)[name] for name in Event.PARSED_FIELDS)
        for parsed in parse_events(source, fiscal_year)
    )


def write_events(activities_by_year: dict[int, list], *, created=frozenset()) -> None:
    """Replace the events of written activities ({fiscal year: activities}; those whose id is
    in ``created`` are new and have none yet), from their text and then each detail line: two
    queries."""
    Event = _model(None, "Event")
    ids = [a.pk for acts in activities_by_year.values() for a in acts if a.pk not in created]
    if ids:
        Event.objects.filter(activity__in=ids).delete()
    rows = []
    for year, activities in activities_by_year.items():
        for activity in activities:
            lines = [activity.text, *activity.details]
            events = [v for line in lines for v in _event_values(line, year)]
            rows += [(activity.pk, order, *values) for order, values in enumerate(events)]
    insert_rows(Event, ["activity", "order", *Event.PARSED_FIELDS], rows)


# ---------------------------------------------------------------------------- projects


def project_index(titles: Iterable[str], texts: Iterable[str], activities: Iterable[str]) -> str:
    """A project's search text: the index of its names (Japanese, English) first, before
    ``TITLE_END`` (titles rank first), then of its number, rows (事業の概要 in both languages,
    関係市町 as written), then its activities' indexes."""
    return "\n".join([index_text(titles), TITLE_END, index_text(texts), *activities])


def project_texts(project_ids, *, models=None) -> dict[int, str]:
    """{project id: its index} (``project_index``) from the database, with its activities'
    stored indexes. Three queries."""
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
    indexes: dict[int, list[str]] = defaultdict(list)
    for project_id, search_text in (
        Activity.objects.filter(row__project__in=project_ids)
        .order_by("row__order", "order")
        .values_list("row__project_id", "search_text")
    ):
        indexes[project_id].append(search_text)
    return {pk: project_index(titles[pk], parts[pk], indexes[pk]) for pk in titles}


def prepare_new_projects(projects: Iterable, rows: Iterable, activities: Iterable) -> None:
    """Set the search text of new projects, in memory, from their new rows and prepared
    activities (all of them new too), as ``project_texts`` reads it from the database."""
    projects = list(projects)
    parts = {id(p): ["" if p.number is None else str(p.number)] for p in projects}
    for row in sorted(rows, key=lambda r: r.order):
        if id(row.project) in parts:
            parts[id(row.project)] += [row.summary, row.summary_en, row.municipalities_text]
    indexes = defaultdict(list)
    for activity in sorted(activities, key=lambda a: (a.row.order, a.order)):
        indexes[id(activity.row.project)].append(activity.search_text)
    for p in projects:
        p.search_text = project_index([p.name, p.name_en], parts[id(p)], indexes[id(p)])


def refresh_search(*, project_ids, models=None) -> int:
    """Write the indexes of the given projects where they changed; the number written."""
    Project = _model(models, "Project")
    wanted = project_texts(list(project_ids), models=models)
    stored = dict(Project.objects.filter(pk__in=wanted).values_list("pk", "search_text"))
    stale = [Project(pk=pk, search_text=text) for pk, text in wanted.items() if stored[pk] != text]
    update(Project, stale, ["search_text"])
    return len(stale)


def refresh_activity_search(*, fiscal_year, models=None) -> int:
    """Every activity's tags and index of a year again (a migration's work after the rules
    changed); the number written."""
    Activity = _model(models, "Activity")
    activities = list(
        Activity.objects.filter(
            row__project__fiscal_year_id=getattr(fiscal_year, "pk", fiscal_year)
        ).only("pk", "text", "details", "tags", "search_text")
    )
    before = {a.pk: (a.tags, a.search_text) for a in activities}
    prepare_activities(activities)
    stale = [a for a in activities if before[a.pk] != (a.tags, a.search_text)]
    update(Activity, stale, ["tags", "search_text"])
    return len(stale)


def refresh_year(*, fiscal_year, models=None) -> int:
    """Every derived search value and 再掲 link of a year again (migrations, ``rebuild_search``);
    the number of activities and projects whose tags or search text were written."""
    written = refresh_activity_search(fiscal_year=fiscal_year, models=models)
    project_ids = list(
        _model(models, "Project")
        .objects.filter(fiscal_year_id=getattr(fiscal_year, "pk", fiscal_year))
        .values_list("pk", flat=True)
    )
    written += refresh_search(project_ids=project_ids, models=models)
    refresh_originals(fiscal_year=fiscal_year, models=models)
    return written


# ---------------------------------------------------------------------------- 【再掲】


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
    update(Activity, stale, ["original"])
    return len(stale)
