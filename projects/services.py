"""Writes that touch many rows: the workbook import, in one short transaction.

The reader (spreadsheets.read_overview) has already parsed and validated every row; here the
parsed table is matched against what the database holds for that year, so that a re-import
updates in place, and written with a fixed number of queries whatever the table's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from . import cache as public_cache
from . import lifecycle, notation
from .models import (
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
from .overview import Overview, Problem

LEVELS = ("strategies", "measures", "projects", "rows", "activities")
LEVEL_NAMES = {
    "strategies": "取組",
    "measures": "施策",
    "projects": "事業",
    "rows": "行",
    "activities": "実績項目",
}


class ImportRefused(Exception):
    """The import was not applied; ``result.errors`` says why."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("\n".join(str(e) for e in result.errors))


@dataclass
class ActivityDiff:
    project: str
    cell: str
    old_status: str | None
    new_status: str | None
    old_text: str
    new_text: str
    conflict: bool = False  # changed in the portal since the last import


@dataclass
class ImportResult:
    fiscal_year: int
    dry_run: bool
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    created_projects: list[str] = field(default_factory=list)
    removed_projects: list[str] = field(default_factory=list)
    activity_changes: list[ActivityDiff] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    # Against the previous fiscal year (lifecycle.link_to_previous_year): (old, new) labels.
    previous_year: int | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    added_vs_previous: list[str] = field(default_factory=list)
    dropped_vs_previous: list[str] = field(default_factory=list)
    activity_links: int = 0
    link_lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())
        )

    @property
    def conflicts(self) -> list[ActivityDiff]:
        return [d for d in self.activity_changes if d.conflict]

    def summary_lines(self) -> list[str]:
        if not self.changed:
            return ["変更はありません (データベースの内容はファイルと同じです)。"]
        lines = []
        for verb, counts in (
            ("作成", self.created),
            ("更新", self.updated),
            ("削除", self.removed),
        ):
            parts = [f"{LEVEL_NAMES[k]} {v}" for k, v in counts.items() if v]
            if parts:
                lines.append(f"{verb}: " + "、".join(parts))
        return lines


def municipality_map() -> dict[str, Municipality]:
    return {m.name: m for m in Municipality.objects.all()}


@transaction.atomic
def import_overview(
    overview: Overview,
    *,
    dry_run: bool = False,
    user=None,
    filename: str = "",
    editable_project_ids: set[int] | None = None,
) -> ImportResult:
    """Apply a parsed workbook to its fiscal year. Raises ImportRefused (writing nothing) when the
    workbook has errors or touches projects outside ``editable_project_ids``."""
    result = ImportResult(
        overview.fiscal_year or 0,
        dry_run,
        warnings=list(overview.warnings),
        errors=list(overview.errors),
    )
    if result.errors:
        raise ImportRefused(result)
    writer = ImportWriter(overview, result, user, editable_project_ids)
    writer.run(filename)
    if result.errors:
        transaction.set_rollback(True)
        raise ImportRefused(result)
    if dry_run:
        transaction.set_rollback(True)
    else:
        transaction.on_commit(public_cache.bump)  # bulk writes send no signals
    return result


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
        fy.imported_at, fy.source_filename = self.now, filename[:255]
        fy.save()
        strategies = self.sync_strategies()
        measures = self.sync_measures(strategies)
        projects = self.sync_projects(measures)
        rows = self.sync_rows(projects)
        self.sync_activities(rows)
        Change.objects.bulk_create(self.changes)
        lifecycle.link_to_previous_year(fiscal_year=fy).fill(self.result)
        lifecycle.relink_next_year(fiscal_year=fy)
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
            Change(
                fiscal_year=self.fy,
                project_id=project_id,
                activity=activity,
                user=self.user,
                changed_at=self.now,
                source=ChangeSource.IMPORT,
                field=field_name,
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
            )
        )

    def check_project(self, project_id: int | None, label: str):
        """Staff may only touch their municipality's projects, by upload as anywhere else."""
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
        """Pair parsed projects with existing ones: number and name, then number, then name."""
        existing = list(
            Project.objects.filter(fiscal_year=self.fy).prefetch_related("municipalities")
        )
        parsed = [(p, m) for data, m in measures for p in data.projects]
        matched: dict[int, Project] = {}
        rules = (
            lambda d, o: (d.number, d.name) == (o.number, o.name),
            lambda d, o: d.number is not None and d.number == o.number,
            lambda d, o: d.name and d.name == o.name,
        )
        for rule in rules:
            for index, (data, _) in enumerate(parsed):
                if index in matched:
                    continue
                found = next((o for o in existing if rule(data, o)), None)
                if found is not None:
                    matched[index] = found
                    existing.remove(found)
        return parsed, matched, existing

    def sync_projects(self, measures):
        parsed, matched, stale = self.match_projects(measures)
        munis = municipality_map()
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
                self.check_project(None, data.label)
                obj = Project(fiscal_year=self.fy, **values)
                new.append(obj)
                self.result.created_projects.append(data.label)
            else:
                before = (obj.number, obj.name)
                if self.assign(obj, values):
                    changed.append(obj)
                    if before != (obj.number, obj.name):
                        self.check_project(obj.pk, data.label)
                        self.record(
                            project_id=obj.pk,
                            field_name="name",
                            old=f"{before[0] or ''} {before[1]}".strip(),
                            new=data.label,
                        )
            if data.municipalities is not None:
                m2m.append((obj, [munis[n] for n in data.municipalities if n in munis]))
            pairs.append((data, obj))
        for obj in stale:
            self.check_project(obj.pk, str(obj))
            self.result.removed_projects.append(str(obj))
        self.save_level(
            "projects", Project, new, changed, stale, ["measure", "number", "name", "order"]
        )
        self.sync_municipalities(m2m)
        return pairs

    def sync_municipalities(self, m2m):
        through = Project.municipalities.through
        wanted = {(p.pk, m.pk) for p, ms in m2m for m in ms}
        current = list(through.objects.filter(project_id__in=[p.pk for p, _ in m2m]))
        have = {(t.project_id, t.municipality_id) for t in current}
        drop = [t.pk for t in current if (t.project_id, t.municipality_id) not in wanted]
        if drop:
            through.objects.filter(pk__in=drop).delete()
        through.objects.bulk_create(
            [through(project_id=p, municipality_id=m) for p, m in wanted - have]
        )

    def sync_rows(self, projects):
        existing = defaultdict(dict)
        for row in ProjectRow.objects.filter(project__fiscal_year=self.fy):
            existing[row.project_id][row.order] = row
        new, changed, pairs = [], [], []
        for data, project in projects:
            for order, rdata in enumerate(data.rows):
                obj = existing[project.pk].pop(order, None)
                if obj is None:
                    obj = ProjectRow(project=project, order=order, summary=rdata.summary)
                    new.append(obj)
                elif self.assign(obj, {"summary": rdata.summary}):
                    changed.append(obj)
                    self.check_project(project.pk, data.label)
                pairs.append((data, rdata, obj))
        stale = [r for rows in existing.values() for r in rows.values()]
        self.save_level("rows", ProjectRow, new, changed, stale, ["summary"])
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
        new, changed, rederive = [], [], []
        for pdata, rdata, row in rows:
            olds = existing.pop(row.pk, [])
            pairs = match_activities(rdata.activities, olds)
            for order, (data, obj) in enumerate(pairs):
                values = {
                    "status": data.status,
                    "marker": data.marker,
                    "text": data.text,
                    "details": list(data.details),
                    "order": order,
                }
                if obj is None:
                    self.check_project(row.project_id, pdata.label)
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
        stale = [a for olds in existing.values() for a in olds]
        for obj in stale:
            self.check_project(obj.row.project_id, str(obj))
        for obj in new + rederive:
            obj.tags = ",".join(notation.find_tags(obj.text))
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
        self.check_project(obj.row.project_id, pdata.label)
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


def match_activities(parsed, existing):
    """Pair parsed lines with a row's existing activities: same text first, then by position."""
    remaining = list(existing)
    pairs = [None] * len(parsed)
    for i, data in enumerate(parsed):
        found = next((a for a in remaining if a.text == data.text), None)
        if found is not None:
            pairs[i] = found
            remaining.remove(found)
    for i in range(len(parsed)):
        if pairs[i] is None and remaining:
            pairs[i] = remaining.pop(0)
    return list(zip(parsed, pairs, strict=True))


DEMO_ACCOUNTS = (
    ("jimukyoku", "事務局", None),
    ("yamaguchi", "山口市 担当", "yamaguchi"),
    ("ube", "宇部市 担当", "ube"),
    ("hagi", "萩市 担当", "hagi"),
)


@transaction.atomic
def create_demo_accounts(*, password: str) -> list[str]:
    """The documented demo users; re-running resets their password and role."""
    from django.contrib.auth import get_user_model

    from .models import StaffProfile

    User = get_user_model()
    names = []
    for username, label, code in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.is_staff, user.is_active = label, True, True
        user.set_password(password)
        user.save()
        municipality = Municipality.objects.get(code=code) if code else None
        StaffProfile.objects.update_or_create(
            user=user, defaults={"municipality": municipality, "is_secretariat": code is None}
        )
        names.append(username)
    return names


@transaction.atomic
def assign_municipalities_from_text(*, fiscal_year: FiscalYear | None = None) -> int:
    """Give projects without municipalities those their text names, or all seven if none."""
    munis = list(Municipality.objects.all())
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
    return len(projects)


@transaction.atomic
def publish_latest_if_none() -> FiscalYear | None:
    """For a demo: with no year public yet, publish the latest (it becomes the current one)."""
    if FiscalYear.objects.published().exists():
        return None
    latest = FiscalYear.objects.order_by("-year").first()
    if latest is not None:
        lifecycle.publish(fiscal_year=latest)
    return latest
