"""Writing a parsed table to its fiscal year, level by level, in bulk.

Each level (strategies, measures, projects, rows, activities) is matched against what the year
holds, then created, updated and removed with one query each, whatever the table's size; every
changed field of a project or an activity is recorded in ``Change``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from projects.models import (
    Activity,
    Change,
    ChangeSource,
    Event,
    FiscalYear,
    Measure,
    Municipality,
    Project,
    ProjectRow,
    Strategy,
    events_for,
)
from projects.table.carry_over import activity_key
from projects.table.layout import to_json as layout_to_json
from projects.table.matching import match_activities, match_projects
from projects.table.model import Overview, Problem, project_label
from projects.table.notation import find_tags

from . import linking

if TYPE_CHECKING:
    from .imports import ImportResult


@dataclass
class ActivityDiff:
    project: str
    cell: str
    old_status: str | None
    new_status: str | None
    old_text: str
    new_text: str
    conflict: bool = False  # changed in the portal since the last import


class ImportWriter:
    """Matches the parsed table to the year's rows level by level and writes in bulk."""

    def __init__(self, overview: Overview, result: ImportResult, user, editable_project_ids):
        self.ov, self.result, self.user = overview, result, user
        self.editable = editable_project_ids
        self.now = timezone.now()
        self.changes: list[Change] = []

    def run(self, filename: str):
        ov = self.ov
        fy, _ = FiscalYear.objects.get_or_create(year=ov.fiscal_year)
        self.previous_import = fy.imported_at
        self.fy = fy
        for attr in (
            "title",
            "document_label",
            "results_header",
            "legend",
            "has_municipality_column",
        ):
            setattr(fy, attr, getattr(ov, attr))
        fy.layout = layout_to_json(ov.layout) if ov.layout else {}
        fy.imported_at, fy.source_filename = self.now, filename[:255]
        fy.save()
        strategies = self.sync_strategies()
        measures = self.sync_measures(strategies)
        projects = self.sync_projects(measures)
        rows = self.sync_rows(projects)
        self.sync_activities(rows)
        Change.objects.bulk_create(self.changes)
        linking.link_to_previous_year(fiscal_year=fy).fill(self.result)
        linking.relink_next_year(fiscal_year=fy)
        self.result.totals = {
            "strategies": len(ov.strategies),
            "measures": len(ov.measures()),
            "projects": len(ov.projects()),
            "rows": len(ov.rows()),
            "activities": len(ov.activities()),
        }

    # -- helpers ---------------------------------------------------------------------------

    def count(self, kind: str, level: str, n: int = 1):
        getattr(self.result, kind)[level] += n

    def record(self, *, project_id=None, activity=None, field_name: str, old, new):
        self.changes.append(
            Change.record(
                fiscal_year=self.fy,
                project=project_id,
                activity=activity,
                user=self.user,
                at=self.now,
                source=ChangeSource.IMPORT,
                field=field_name,
                old=old,
                new=new,
            )
        )

    def refuse_unless_editable(self, project_id: int | None, label: str):
        """Staff may only touch their municipality's projects, by upload as anywhere else: each
        project the file would change outside them is an error (the import is then refused)."""
        if self.editable is None or (project_id is not None and project_id in self.editable):
            return
        problem = Problem(
            "この事業を変更する権限がありません (担当市町の事業ではありません)。",
            sheet=self.ov.sheet,
            project=label,
            code="forbidden",
        )
        if problem not in self.result.errors:
            self.result.errors.append(problem)

    @staticmethod
    def assign(obj, values: dict) -> bool:
        changed = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    def save_level(self, level, model, new, changed, stale, fields):
        model.objects.bulk_create(new)
        if changed:
            model.objects.bulk_update(changed, fields)
        if stale:
            model.objects.filter(pk__in=[o.pk for o in stale]).delete()
        self.count("created", level, len(new))
        self.count("updated", level, len(changed))
        self.count("removed", level, len(stale))

    # -- levels ----------------------------------------------------------------------------

    def sync_strategies(self):
        existing = {s.number: s for s in Strategy.objects.filter(fiscal_year=self.fy)}
        new, changed, pairs = [], [], []
        for data in self.ov.strategies:
            values = {"title": data.title, "heading": data.heading, "band": data.band}
            obj = existing.pop(data.number, None)
            if obj is None:
                obj = Strategy(fiscal_year=self.fy, number=data.number, **values)
                new.append(obj)
            elif self.assign(obj, values):
                changed.append(obj)
            pairs.append((data, obj))
        self.save_level(
            "strategies",
            Strategy,
            new,
            changed,
            list(existing.values()),
            ["title", "heading", "band"],
        )
        return pairs

    def sync_measures(self, strategies):
        existing = {
            (m.strategy_id, m.policy_field, m.label): m
            for m in Measure.objects.filter(strategy__fiscal_year=self.fy)
        }
        new, changed, pairs = [], [], []
        order = 0
        for sdata, strategy in strategies:
            for data in sdata.measures:
                order += 1
                values = {"title": data.title, "heading": data.heading, "order": order}
                obj = existing.pop((strategy.pk, data.policy_field, data.label), None)
                if obj is None:
                    obj = Measure(
                        strategy=strategy,
                        policy_field=data.policy_field,
                        label=data.label,
                        **values,
                    )
                    new.append(obj)
                elif self.assign(obj, values):
                    changed.append(obj)
                pairs.append((data, obj))
        self.save_level(
            "measures",
            Measure,
            new,
            changed,
            list(existing.values()),
            ["title", "heading", "order"],
        )
        return pairs

    def match_projects(self, measures):
        """Pair parsed projects with the year's existing ones (``matching.match_projects``)."""
        existing = list(
            Project.objects.filter(fiscal_year=self.fy).prefetch_related("municipalities")
        )
        parsed = [(p, m) for data, m in measures for p in data.projects]
        pairs = match_projects([p for p, _ in parsed], existing)
        matched = {i: existing[j] for i, j in pairs.items()}
        stale = [o for j, o in enumerate(existing) if j not in pairs.values()]
        return parsed, matched, stale

    def sync_projects(self, measures):
        parsed, matched, stale = self.match_projects(measures)
        munis = {m.name: m for m in Municipality.objects.all()}
        new, changed, pairs, m2m = [], [], [], []
        for order, (data, measure) in enumerate(parsed, start=1):
            values = {
                "measure_id": measure.pk,
                "number": data.number,
                "name": data.name,
                "order": order,
            }
            obj = matched.get(order - 1)
            if obj is None:
                self.refuse_unless_editable(None, data.label)
                obj = Project(fiscal_year=self.fy, **values)
                new.append(obj)
                self.result.created_projects.append(data.label)
            else:
                before = (obj.number, obj.name)
                if self.assign(obj, values):
                    changed.append(obj)
                    if before != (obj.number, obj.name):
                        self.refuse_unless_editable(obj.pk, data.label)
                        self.record(
                            project_id=obj.pk,
                            field_name="name",
                            old=project_label(*before),
                            new=data.label,
                        )
            if data.municipalities is not None:
                m2m.append((obj, [munis[n] for n in data.municipalities if n in munis]))
            pairs.append((data, obj))
        for obj in stale:
            self.refuse_unless_editable(obj.pk, str(obj))
            self.result.removed_projects.append(str(obj))
        self.save_level(
            "projects", Project, new, changed, stale, ["measure", "number", "name", "order"]
        )
        sync_links(Project.municipalities.through, "project_id", m2m)
        return pairs

    def sync_rows(self, projects):
        existing = defaultdict(dict)
        for row in ProjectRow.objects.filter(project__fiscal_year=self.fy):
            existing[row.project_id][row.order] = row
        with_column = self.ov.has_municipality_column
        munis = {m.name: m for m in Municipality.objects.all()} if with_column else {}
        new, changed, pairs, m2m = [], [], [], []
        for data, project in projects:
            for order, rdata in enumerate(data.rows):
                values = {"summary": rdata.summary}
                if with_column:
                    values["municipalities_text"] = rdata.municipalities_text
                obj = existing[project.pk].pop(order, None)
                if obj is None:
                    obj = ProjectRow(project=project, order=order, **values)
                    new.append(obj)
                else:
                    before = obj.municipalities_text
                    if self.assign(obj, values):
                        changed.append(obj)
                        self.refuse_unless_editable(project.pk, data.label)
                    if before != obj.municipalities_text:
                        self.record(
                            project_id=project.pk,
                            field_name="municipalities",
                            old=before,
                            new=obj.municipalities_text,
                        )
                if with_column:
                    m2m.append((obj, [munis[n] for n in rdata.municipalities or [] if n in munis]))
                pairs.append((data, rdata, obj))
        stale = [r for rows in existing.values() for r in rows.values()]
        self.save_level("rows", ProjectRow, new, changed, stale, ["summary", "municipalities_text"])
        sync_links(ProjectRow.municipalities.through, "projectrow_id", m2m)
        return pairs

    def sync_activities(self, rows):
        existing = defaultdict(list)
        for a in (
            Activity.objects.filter(row__project__fiscal_year=self.fy)
            .select_related("row")
            .order_by("row_id", "order")
        ):
            existing[a.row_id].append(a)
        touched_in_portal = self.portal_changed_ids()
        new, changed, rederive, dropped = [], [], [], []
        for pdata, rdata, row in rows:
            pairs, left = pair_activities(rdata.activities, existing.pop(row.pk, []), self.fy.year)
            dropped += left
            for order, (data, obj) in enumerate(pairs):
                values = {
                    "status": data.status,
                    "marker": data.marker,
                    "text": data.text,
                    "details": list(data.details),
                    "order": order,
                }
                if obj is None:
                    self.refuse_unless_editable(row.project_id, pdata.label)
                    obj = Activity(row=row, **values)
                    new.append(obj)
                    rederive.append(obj)
                    continue
                before = (obj.status, obj.text, list(obj.details))
                if self.assign(obj, values):
                    changed.append(obj)
                    if before != (obj.status, obj.text, obj.details):
                        self.activity_changed(pdata, data, obj, before, obj.pk in touched_in_portal)
                        rederive.append(obj)
                        obj.version += 1
        stale = [a for olds in existing.values() for a in olds] + dropped
        for obj in stale:
            self.refuse_unless_editable(obj.row.project_id, str(obj))
        for obj in new + rederive:
            obj.tags = ",".join(find_tags(obj.text))
        self.save_level(
            "activities",
            Activity,
            new,
            changed,
            stale,
            ["status", "marker", "text", "details", "order", "tags", "version"],
        )
        Event.objects.filter(activity__in=[a.pk for a in rederive if a.pk]).delete()
        Event.objects.bulk_create([e for a in rederive for e in events_for(a, self.fy.year)])

    def activity_changed(self, pdata, data, obj, before, conflict):
        old_status, old_text, old_details = before
        self.refuse_unless_editable(obj.row.project_id, pdata.label)
        self.result.activity_changes.append(
            ActivityDiff(
                pdata.label, data.cell, old_status, obj.status, old_text, obj.text, conflict
            )
        )
        for name, old, new in (
            ("status", old_status, obj.status),
            ("text", old_text, obj.text),
            ("details", "\n".join(old_details), "\n".join(obj.details)),
        ):
            if old != new:
                self.record(
                    project_id=obj.row.project_id, activity=obj, field_name=name, old=old, new=new
                )

    def portal_changed_ids(self) -> set[int]:
        """Activities whose status someone changed in the portal since the last import."""
        changes = Change.objects.filter(
            fiscal_year=self.fy, field="status", activity__isnull=False
        ).exclude(source=ChangeSource.IMPORT)
        if self.previous_import:
            changes = changes.filter(changed_at__gt=self.previous_import)
        return set(changes.values_list("activity_id", flat=True))


def pair_activities(parsed, existing, fiscal_year: int):
    """(parsed line, existing activity or None) for each line of a row, in the file's order,
    and the row's existing activities that no line took (removed from the row)."""

    def keyed(text):
        return text, activity_key(text, fiscal_year)

    pairs = match_activities(
        [keyed(d.text) for d in parsed], [keyed(a.text) for a in existing], by_position=True
    )
    taken = set(pairs.values())
    paired = [(d, existing[pairs[i]] if i in pairs else None) for i, d in enumerate(parsed)]
    return paired, [a for j, a in enumerate(existing) if j not in taken]


def sync_links(through, owner: str, wanted_links):
    """Make the municipality links of each owner (a project or a row) exactly ``wanted_links``,
    given as [(owner, [municipality, …])], in two queries plus the writes."""
    wanted = {(o.pk, m.pk) for o, ms in wanted_links for m in ms}
    current = list(through.objects.filter(**{f"{owner}__in": [o.pk for o, _ in wanted_links]}))
    have = {(getattr(t, owner), t.municipality_id) for t in current}
    drop = [t.pk for t in current if (getattr(t, owner), t.municipality_id) not in wanted]
    if drop:
        through.objects.filter(pk__in=drop).delete()
    through.objects.bulk_create(
        [through(**{owner: o, "municipality_id": m}) for o, m in wanted - have]
    )
