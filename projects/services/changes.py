"""One change set for the table: every write collects its changes, ``check()`` decides once,
``commit()`` writes once, in one transaction, with everything that follows from it.

Callers (the staff page, the admin, the workbook upload and command, undo, roll-over, the year
switches, the area, the demo accounts) describe what they want changed; nothing writes around
the change set. ``check()`` returns every refusal (permission on the row, a closed round or a
locked year, a stale form) with the field it concerns; ``commit()`` runs it again under lock,
writes the rows, the history (``Change``), the derived values (tags, events, search readings,
【再掲】 and year links: ``services.derived``, ``linking``), the import version, and the pages'
data version (``projects.cache``). It returns what it did as data; the views say it in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from projects import cache as public_cache
from projects import permissions
from projects.models import (
    Activity,
    Change,
    ChangeSource,
    FiscalYear,
    Project,
    ProjectRow,
    export_marker,
)
from projects.models.history import deleted_activity_value
from projects.reports.history import changes_since, conflict_message

from . import derived, linking
from .bulk import insert
from .recorded import link_row_municipalities, project_fields, renumber_rows, rows_before
from .removals import Removals, activity_line

ROW_REMOVED = "この行は、画面を開いた後に取込で削除されました。実績項目は追加していません。"
SECRETARIAT_ONLY = "この変更ができるのは事務局だけです。"


@dataclass(frozen=True)
class Refusal:
    """Why one change of a set may not be made, and the field or cell it concerns."""

    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ChangeRefused(PermissionDenied):
    """Nothing was written: ``refusals`` say why."""

    def __init__(self, refusals: Iterable[Refusal]):
        self.refusals = list(refusals)
        super().__init__("\n".join(r.message for r in self.refusals))


class EditConflict(Exception):
    """Someone else saved (or removed) what the form showed; nothing was written."""

    def __init__(self, changes=(), *, deleted: bool = False, row_removed: bool = False):
        self.changes = list(changes)
        self.deleted = deleted
        message = ROW_REMOVED if row_removed else conflict_message(self.changes, deleted=deleted)
        super().__init__(message)


@dataclass
class Committed:
    """What a commit did: the history rows it wrote, the activities it created or changed, the
    years whose data changed."""

    changes: list[Change] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    version: object = None  # the ImportVersion an import was kept as
    links: dict = field(default_factory=dict)  # year → its LinkReport against the year before


def commit_one(
    *,
    user,
    source: str,
    write: Callable[[ChangeSet], object],
    check: Callable[[ChangeSet], list[Refusal]] | None = None,
):
    """A write of its own kind (a KPI sheet, a roll-over, a year switch) as a change set of one:
    ``check(changes)`` refuses, ``write(changes)`` writes and reports; returns its result."""
    changes = ChangeSet(user=user, source=source)
    done = []
    changes.add(lambda: check(changes) if check else [], lambda: done.append(write(changes)))
    changes.commit()
    return done[0]


class ChangeSet(Removals):
    """The changes one user makes at once, from one place (``source``)."""

    def __init__(self, *, user=None, source: str = ChangeSource.PORTAL, at=None):
        self.user, self.source = user, source
        self.now = at or timezone.now()
        self._ops: list[tuple[Callable[[], list[Refusal]], Callable[[], None]]] = []
        self.history: list[Change] = []
        self.written: dict[int, list[Activity]] = defaultdict(list)  # fiscal year → activities
        self.created: set[int] = set()  # ids of written activities that are new (no events yet)
        self.projects: set[int] = set()  # projects whose search text follows
        self.years: set[int] = set()  # year pks whose 再掲 links and caches follow
        self.links: list = []  # fiscal years linked again to the years before and after
        self.whole_area = False  # a change every year shows (the area, its towns)
        self.after: list[Callable[[Committed], None]] = []
        self.committed = Committed()

    # -- what a writer reports -------------------------------------------------------------

    def record(self, **kwargs) -> Change:
        """Add a history row (``Change.record`` with this set's user, source and time)."""
        change = Change.record(
            **{"user": self.user, "source": self.source, "at": self.now, **kwargs}
        )
        self.history.append(change)
        return change

    def activities_written(
        self, fiscal_year, activities: Iterable[Activity], *, created: bool = False
    ) -> None:
        """Activities this set wrote (``created``, or with a changed text); events follow."""
        activities = list(activities)
        self.written[getattr(fiscal_year, "year", fiscal_year)].extend(activities)
        if created:
            self.created.update(a.pk for a in activities)

    def year_changed(self, fiscal_year_pk: int, project_ids: Iterable[int] = ()) -> None:
        self.years.add(fiscal_year_pk)
        self.projects.update(project_ids)

    def whole_table(self) -> None:
        """Within a write: something every year may show changed (the area, its towns, a year's
        strategies): every year's derived values and caches follow."""
        self.whole_area = True
        self.years.update(FiscalYear.objects.values_list("pk", flat=True))

    def add(self, check: Callable[[], list[Refusal]], write: Callable[[], None]) -> None:
        """A change of its own kind: ``check()`` returns its refusals, ``write()`` writes it
        and reports what it wrote (``activities_written``, ``year_changed``, ``record``)."""
        self._ops.append((check, write))

    # -- the activities --------------------------------------------------------------------

    @staticmethod
    def _locked(activity) -> Activity:
        """The activity as it is now, locked until the commit (EditConflict if it is gone)."""
        current = (
            Activity.objects.with_hierarchy()
            .select_for_update(of=("self",))
            .filter(pk=activity.pk)
            .first()
        )
        if current is None:
            raise EditConflict(deleted=True)
        return current

    def _row_refusals(self, row) -> list[Refusal]:
        refusal = permissions.row_refusal(self.user, row)
        return [Refusal(refusal, "row")] if refusal else []

    def update_activity(self, activity, *, status, text, details, expected_version: int):
        values = {"status": status or None, "text": text, "details": list(details)}
        state = {}

        def check():
            current = state["current"] = self._locked(activity)
            if refused := self._row_refusals(current.row):
                return refused
            state["diffs"] = [
                (k, getattr(current, k), v) for k, v in values.items() if getattr(current, k) != v
            ]
            if state["diffs"] and current.version != expected_version:
                raise EditConflict(changes_since(current, expected_version))
            return []

        def write():
            current, diffs = state["current"], state["diffs"]
            if not diffs:
                return
            for name, value in values.items():
                setattr(current, name, value)
            # The marker as the 資料 will write it: a later upload of the exported file finds
            # the same marker, not a change of notation.
            current.marker = export_marker(current.status, current.marker)
            derived.prepare_activities([current])
            written = Activity.objects.filter(pk=current.pk, version=expected_version).update(
                **values,
                marker=current.marker,
                tags=current.tags,
                search_text=current.search_text,
                version=F("version") + 1,
                updated_at=self.now,
            )
            if not written:  # saved (or removed) by someone else between our read and write
                again = Activity.objects.filter(pk=current.pk).first()
                if again is None:
                    raise EditConflict(deleted=True)
                raise EditConflict(changes_since(again, expected_version))
            current.version = expected_version + 1
            for name in (*values, "marker", "tags", "search_text", "version"):
                setattr(activity, name, getattr(current, name))
            project = current.row.project
            self._touched(project, [current])
            for name, old, new in diffs:
                self.record(project=project, activity=current, field=name, old=old, new=new)

        self.add(check, write)

    def add_activity(self, row, *, status, text, details) -> Activity:
        """Append an activity to a row; the returned activity is saved by ``commit()``."""
        activity = Activity(
            status=status or None,
            marker=export_marker(status or None, ""),
            text=text,
            details=list(details),
        )
        state = {}

        def check():
            # The row is locked while the activity is appended: an import that removes it
            # waits, or has removed it already (then nothing is added).
            locked = (
                ProjectRow.objects.select_related("project__fiscal_year")
                .select_for_update(of=("self",))
                .filter(pk=row.pk)
                .first()
            )
            if locked is None:
                raise EditConflict(row_removed=True)
            state["row"] = locked
            return self._row_refusals(locked)

        def write():
            locked = state["row"]
            last = locked.activities.aggregate(last=Max("order"))["last"]
            activity.row, activity.order = locked, 0 if last is None else last + 1
            derived.prepare_activities([activity])
            activity.save()
            self._touched(locked.project, [activity], created=True)
            self.record(
                project=locked.project,
                activity=activity,
                field="created",
                old="",
                new=activity_line(activity),
            )

        self.add(check, write)
        return activity

    def remove_activity(self, activity, *, expected_version: int | None = None) -> None:
        state = {}

        def check():
            current = state["current"] = self._locked(activity)
            if refused := self._row_refusals(current.row):
                return refused
            if expected_version is not None and current.version != expected_version:
                raise EditConflict(changes_since(current, expected_version))
            return []

        def write():
            current = state["current"]
            project = current.row.project
            self.record(
                project=project,
                activity=None,
                field="deleted",
                old=activity_line(current),
                new=deleted_activity_value(current, current.changes.values_list("pk", flat=True)),
            )
            current.delete()
            self._touched(project, [])

        self.add(check, write)

    def _touched(self, project: Project, activities: list[Activity], created=False) -> None:
        self.year_changed(project.fiscal_year_id, [project.pk])
        if activities:
            self.activities_written(project.fiscal_year.year, activities, created=created)

    # -- projects and rows (the secretariat's, in the admin) --------------------------------

    def secretariat_only(self) -> list[Refusal]:
        return [] if permissions.is_secretariat(self.user) else [Refusal(SECRETARIAT_ONLY)]

    def save_project(self, project: Project, *, write: Callable[[], None]) -> None:
        """A project edited in a form: ``write()`` saves the form; its recorded fields (number,
        name, measure, order, 関係市町) are compared before and after."""
        state = {}

        def check():
            if project.pk:
                state["before"] = project_fields(Project.objects.get(pk=project.pk))
            return self.secretariat_only()

        def run():
            write()
            saved = Project.objects.select_related("measure", "fiscal_year").get(pk=project.pk)
            self.year_changed(saved.fiscal_year_id, [saved.pk])
            before = state.get("before")
            if before is None:
                return
            for name, value in project_fields(saved).items():
                if before[name] != value:
                    self.record(project=saved, field=name, old=before[name], new=value)

        self.add(check, run)

    def save_rows(self, project: Project, *, write: Callable[[], list[ProjectRow]]) -> None:
        """Rows of a project edited in a form: ``write()`` saves them and returns those it
        saved (``rows_saved``)."""
        state = {}

        def check():
            state["before"] = rows_before(project)
            return self.secretariat_only()

        self.add(check, lambda: self.rows_saved(project, write(), state["before"]))

    def rows_saved(self, project: Project, rows: Iterable[ProjectRow], before: dict) -> None:
        """Within a write: rows were saved (``before`` from ``rows_before``). Their 事業の概要
        and own 関係市町 are recorded, and the 関係市町 (as written) linked to the members it
        names, the project's being the union of its rows'."""
        fresh = Project.objects.select_related("fiscal_year").get(pk=project.pk)
        places = renumber_rows(fresh)
        for row in rows:
            old = before.get(row.pk)
            summary, text = old or ("", "")
            if old is None or text != row.municipalities_text:
                link_row_municipalities(row, fresh)
            for name, was, now in (
                ("summary", summary, row.summary),
                ("municipalities", text, row.municipalities_text),
            ):
                if was != now:
                    subject = f"行 {places[row.pk] + 1}"  # as an upload names the row
                    self.record(project=fresh, field=name, subject=subject, old=was, new=now)
        self.year_changed(fresh.fiscal_year_id, [fresh.pk])

    # -- the set as a whole ----------------------------------------------------------------

    def check(self) -> list[Refusal]:
        """Every refusal of the set, without writing (raises EditConflict for a stale form)."""
        refusals = []
        for check, _ in self._ops:
            refusals += check()
        return refusals

    def commit(self) -> Committed:
        """Check, then write everything in one transaction; raises ChangeRefused or
        EditConflict having written nothing."""
        with transaction.atomic():
            refusals = self.check()
            if refusals:
                raise ChangeRefused(refusals)
            for _, write in self._ops:
                write()
            self._derive()
            self.committed.changes = insert(Change, self.history)
            for hook in self.after:
                hook(self.committed)
            self.committed.years = set(self.years)
            if self.whole_area:
                public_cache.bump_on_commit()  # every year's pages and those of the area
            elif self.years:
                years = FiscalYear.objects.filter(pk__in=self.years).values_list("year", flat=True)
                public_cache.bump_on_commit(years=list(years))
        return self.committed

    def _derive(self) -> None:
        for fiscal_year in self.links:  # first: the next year's caches follow its links
            report = linking.link_to_previous_year(fiscal_year=fiscal_year)
            self.committed.links[fiscal_year.year] = report
            if linking.relink_next_year(fiscal_year=fiscal_year) is not None:
                self.years.update(
                    FiscalYear.objects.filter(year=fiscal_year.year + 1).values_list(
                        "pk", flat=True
                    )
                )
        if self.written:
            derived.write_events(self.written, created=self.created)
            self.committed.activities = [a for acts in self.written.values() for a in acts]
        if self.projects:
            derived.refresh_search(project_ids=self.projects)
        for year in sorted(self.years):
            derived.refresh_originals(fiscal_year=year)
