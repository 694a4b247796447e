"""Writing a parsed table to its fiscal year: first the whole difference, then the writes.

``plan()`` matches each level (the year, strategies, measures, projects, rows, activities:
``services.plan``) against what the year holds and lists every difference with the cell it
comes from, writing nothing; the import service checks them (permissions, what the preview
saw) and ``apply()`` then writes them level by level in bulk, with a fixed number of queries
whatever the table's size, and records each one in ``Change``. With ``lock`` the rows are read
``select_for_update()`` (PostgreSQL; SQLite's immediate transactions lock the whole file).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from projects import permissions
from projects.models import (
    Activity,
    Change,
    FiscalYear,
    Measure,
    Project,
    ProjectRow,
    Strategy,
)
from projects.table.layout import to_json as layout_to_json
from projects.table.model import Overview

from . import derived
from .plan import projects, structure
from .plan.activities import plan_activities
from .plan.differences import Difference, history_row
from .plan.levels import Level, sync_links

if TYPE_CHECKING:
    from .plan.result import ImportResult


class ImportWriter:
    """Plans the import of one table into its year, then applies the plan."""

    def __init__(self, overview: Overview, result: ImportResult, user, *, lock=False, keep=()):
        self.ov, self.result, self.user = overview, result, user
        self.lock, self.keep = lock, frozenset(keep)
        self.now = timezone.now()
        self.differences: list[Difference] = []
        self.levels = {
            n: Level(n) for n in ("strategies", "measures", "projects", "rows", "activities")
        }
        self.links_changed: dict[str, set] = {"projects": set(), "rows": set()}
        # Activities whose content changes (their tags, events and version follow).
        self.rederive: list[Activity] = []
        self.lines: dict[str, int] = {}  # file line key → the activity it was paired with
        self.versions: dict[str, int] = {}  # the year's activities as read: id → version
        self.removed: dict[tuple, Difference] = {}  # removals that list what goes with them
        # What the plan of each level leaves for the next and for ``apply`` (``plan``).
        self.year_values: dict = {}  # the year's own fields as the file has them
        self.measures_read: dict[int, Measure] = {}
        self.project_links: list[tuple[Project, list]] = []  # (project, its municipalities)
        self.row_links: list[tuple[ProjectRow, list]] = []

    # -- reading ---------------------------------------------------------------------------

    def read(self, queryset):
        return list(queryset.select_for_update(of=("self",)) if self.lock else queryset)

    def differ(self, level, action, field_name, **kwargs) -> Difference:
        if self.new_year and level != "years":
            kwargs["within"] = True  # a new year is recorded as one creation
        d = Difference(level, action, field_name, **kwargs)
        self.differences.append(d)
        return d

    def cell(self, role: str, excel_row: int) -> str:
        return self.ov.cell(role, excel_row)

    # -- the plan --------------------------------------------------------------------------

    def plan(self) -> list[Difference]:
        """Every difference the table makes to its year; nothing is written."""
        ov = self.ov
        years = FiscalYear.objects.filter(year=ov.fiscal_year)
        self.fy = next(iter(self.read(years)), None)
        self.new_year = self.fy is None
        self.previous_import = None if self.new_year else self.fy.imported_at
        if self.new_year:
            self.fy = FiscalYear(year=ov.fiscal_year)
        structure.plan_year(self)
        strategies = structure.plan_strategies(self)
        measures = structure.plan_measures(self, strategies)
        rows = projects.plan_rows(self, projects.plan_projects(self, measures))
        self.plan_activities(rows)
        return self.differences

    def plan_activities(self, rows):
        existing = defaultdict(list)
        if not self.new_year:
            activities = Activity.objects.filter(row__project__fiscal_year=self.fy)
            for a in self.read(activities.order_by("row_id", "order")):
                existing[a.row_id].append(a)
                self.versions[str(a.pk)] = a.version
        plan_activities(self, rows, existing)

    # -- the writes ------------------------------------------------------------------------

    def apply(self, filename: str, changes) -> None:
        """Write the plan level by level, within the change set ``changes`` (its ``commit()``
        derives the rest: events, search texts, 再掲 and year links, the data version)."""
        fy = self.fy
        for name, value in self.year_values.items():
            setattr(fy, name, value)
        if self.ov.layout and (self.user is None or permissions.is_secretariat(self.user)):
            fy.layout = layout_to_json(self.ov.layout)  # the edition's form, the secretariat's
        fy.imported_at, fy.source_filename = self.now, filename[:255]
        fy.save()
        self.prepare()
        self.levels["strategies"].save(Strategy, ["title", "heading", "band"], self.result)
        self.levels["measures"].save(Measure, ["title", "heading", "order"], self.result)
        project_fields = ["measure", "number", "name", "order", "search_text"]
        row_fields = ["summary", "municipalities_text"]
        if self.ov.has_english_column:
            project_fields.append("name_en")
            row_fields.append("summary_en")
        self.levels["projects"].save(Project, project_fields, self.result)
        sync_links(Project.municipalities.through, "project_id", self.project_links)
        self.levels["rows"].save(ProjectRow, row_fields, self.result)
        sync_links(ProjectRow.municipalities.through, "projectrow_id", self.row_links)
        self.save_activities()
        created = {id(a) for a in self.levels["activities"].new}
        changes.activities_written(fy.year, [a for a in self.rederive if id(a) not in created])
        changes.activities_written(fy.year, self.levels["activities"].new, created=True)
        for name, objs in self.links_changed.items():  # links alone make an update too
            written = {id(o) for o, _ in self.levels[name].changed}
            self.result.updated[name] += len([o for o in objs if id(o) not in written])
        removed = {p.pk for p in self.levels["projects"].stale}
        changes.history += [
            history_row(d, fiscal_year=fy, user=self.user, at=self.now, removed_projects=removed)
            for d in self.differences
            if not d.within
        ]
        new_projects = {o.pk for o in self.levels["projects"].new}  # indexed by ``prepare``
        changes.year_changed(fy.pk, self.touched_projects() - removed - new_projects)
        changes.links.append(fy)
        self.result.totals = structure.counts(self.ov)

    def touched_projects(self) -> set[int]:
        """The projects whose search text may have changed: their own fields, a row's or an
        activity's (one query at most, for rows the plan did not touch)."""
        levels = self.levels
        ids = {o.pk for o in levels["projects"].new} | {o.pk for o, _ in levels["projects"].changed}
        rows = levels["rows"]
        project_of = {r.pk: r.project_id for r in [*rows.new, *(r for r, _ in rows.changed)]}
        project_of.update({r.pk: r.project_id for r in rows.stale})
        level = levels["activities"]
        row_ids = {a.row_id for a in [*level.new, *(a for a, _ in level.changed), *level.stale]}
        unknown = row_ids - set(project_of)
        if unknown:
            project_of.update(
                ProjectRow.objects.filter(pk__in=unknown).values_list("pk", "project")
            )
        ids |= {project_of[pk] for pk in row_ids if pk in project_of}
        ids |= set(project_of.values()) - {None}
        ids |= {o.pk for o in self.links_changed["projects"]}
        ids |= {r.project_id for r in self.links_changed["rows"]}
        return ids

    def prepare(self):
        """The derived values of what is about to be written: the tags and search index of
        each activity whose text changes, and the search text of each new project (its rows
        and activities are all new and in hand)."""
        level = self.levels["activities"]
        for obj, changes in level.changed:
            for name, value in changes.items():
                setattr(obj, name, value)
        derived.prepare_activities(self.rederive)
        derived.prepare_new_projects(
            self.levels["projects"].new, self.levels["rows"].new, level.new
        )

    def save_activities(self):
        """The activities' writes; the version of each whose content changed grows by one
        (whoever saved last: in the database) and its time is the import's. An order-only
        move keeps both."""
        level = self.levels["activities"]
        bumped = {id(obj) for obj in self.rederive}
        for obj, changes in level.changed:
            if id(obj) in bumped:
                changes["tags"], changes["search_text"] = obj.tags, obj.search_text
        fields = ["status", "marker", "text", "details", "order", "tags", "search_text"]
        level.save(Activity, fields, self.result)
        grown = [obj.pk for obj, _ in level.changed if id(obj) in bumped]
        if grown:
            Activity.objects.filter(pk__in=grown).update(
                version=F("version") + 1, updated_at=self.now
            )
        for obj, _ in level.changed:
            if id(obj) in bumped:
                obj.__dict__.pop("version", None)  # grown in the database: read again if asked

    def portal_changed_ids(self) -> set[int]:
        """Activities whose status someone changed in the portal since the last import."""
        if self.new_year:
            return set()
        changes = Change.objects.filter(
            fiscal_year=self.fy, field="status", activity__isnull=False
        ).exclude(source="import")
        if self.previous_import:
            changes = changes.filter(changed_at__gt=self.previous_import)
        return set(changes.values_list("activity_id", flat=True))
