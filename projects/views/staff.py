"""The staff page 「実績の更新」: a municipality's activities of the working year.

One small form per activity, each posting on its own and coming back to the same place on the
page (#activity-N). The secretariat sees every municipality, with a filter. Writes go through
``services.editing``, which checks permissions, records history and refuses stale saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from import_export.formats import base_formats

from portal.middleware import checks_its_own_text
from projects import permissions, resources
from projects.downloads import attachment, overview_download
from projects.forms import ActivityForm, NewActivityForm, StaffFilterForm
from projects.models import Activity, Change, FiscalYear, Municipality, Project, ProjectRow
from projects.reports.history import history_line
from projects.reports.rounds import open_rounds_for
from projects.resources import ActivityResource
from projects.services import editing

NO_ROLE = (
    "実績を更新できるのは、担当の市町が設定された職員と事務局だけです。"
    "設定については事務局に連絡してください。"
)
NO_YEAR = "まだ年度がありません。事務局が資料を取り込むと、ここに実績項目が表示されます。"
HISTORY_LIMIT = 5
HISTORY_PAGE = 200
# Projects per page: a page stays small (well under 1 MB) and fast however large the year.
PROJECTS_PER_PAGE = 30


def number_param(request, name: str) -> int | None:
    """A positive integer from the query string, or None for anything else (never an error)."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def forbidden(request, message: str, status: int = 403) -> HttpResponse:
    return render(request, "projects/staff/forbidden.html", {"message": message}, status=status)


def staff_only(view):
    """Logged-in secretariat or municipal staff; everyone else gets a 403 with the reason."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_portal_staff(request.user):
            return forbidden(request, NO_ROLE)
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class Scope:
    """What the page shows: the chosen year (the working year unless another unlocked one is
    asked for), one municipality (None: all, secretariat), and optionally one strategy (by
    number) or one project; the page lists 30 projects at a time."""

    fiscal_year: FiscalYear | None
    municipality: Municipality | None
    secretariat: bool
    strategy: int | None = None
    project: int | None = None
    years: list[FiscalYear] = field(default_factory=list)

    @classmethod
    def of(cls, request) -> Scope:
        secretariat = permissions.is_secretariat(request.user)
        if secretariat:
            code = request.GET.get("municipality") or ""
            municipality = Municipality.objects.filter(slug=code[:50]).first() if code else None
        else:
            municipality = permissions.municipality_of(request.user)
        years = FiscalYear.objects.for_staff()  # the working year first, then unlocked ones
        chosen = next((fy for fy in years if str(fy.year) == request.GET.get("year")), None)
        return cls(
            chosen or (years[0] if years else None),
            municipality,
            secretariat,
            strategy=number_param(request, "strategy"),
            project=number_param(request, "project"),
            years=years,
        )

    @property
    def query(self) -> str:
        params = {}
        if self.secretariat and self.municipality:
            params["municipality"] = self.municipality.slug
        if self.years and self.fiscal_year != self.years[0]:
            params["year"] = self.fiscal_year.year
        if self.strategy is not None:
            params["strategy"] = self.strategy
        if self.project is not None:
            params["project"] = self.project
        return urlencode(params)

    def projects(self):
        if self.fiscal_year is None:
            return Project.objects.none()
        projects = Project.objects.filter(fiscal_year=self.fiscal_year)
        if self.municipality is not None:
            projects = projects.for_municipality(self.municipality)
        if self.strategy is not None:
            projects = projects.filter(measure__strategy__number=self.strategy)
        if self.project is not None:
            projects = projects.filter(pk=self.project)
        return projects.with_hierarchy()

    def page_of(self, project: Project) -> int:
        """The page of the list on which the project is."""
        before = self.projects().filter(order__lt=project.order).count()
        return before // PROJECTS_PER_PAGE + 1

    def rows(self):
        """The rows the page lists: every row, or those that concern the municipality."""
        if self.municipality is None:
            return ProjectRow.objects.all()
        return ProjectRow.objects.concerning(self.municipality)

    def activities(self):
        return Activity.objects.filter(row__in=self.rows().filter(project__in=self.projects()))

    def changes(self):
        if self.fiscal_year is None:
            return Change.objects.none()
        changes = Change.objects.filter(fiscal_year=self.fiscal_year)
        if self.municipality is not None:
            changes = changes.filter(project__in=self.projects())
        return changes


def page_url(scope: Scope, *, anchor: str = "", project: Project | None = None, **params) -> str:
    """The staff page in this scope; with ``project``, the page that lists it."""
    if project is not None and scope.page_of(project) > 1:
        params["page"] = scope.page_of(project)
    query = "&".join(q for q in (scope.query, urlencode(params) if params else "") if q)
    url = reverse("projects:staff_activities") + (f"?{query}" if query else "")
    return url + (f"#{anchor}" if anchor else "")


@dataclass
class Item:
    activity: Activity
    form: ActivityForm
    history: list[str]


@dataclass
class RowBlock:
    row: ProjectRow
    add_form: NewActivityForm
    items: list[Item] = field(default_factory=list)


@dataclass
class ProjectBlock:
    project: Project
    rows: list[RowBlock] = field(default_factory=list)


@dataclass
class StrategyBlock:
    strategy: object
    projects: list[ProjectBlock] = field(default_factory=list)


def build_blocks(scope: Scope, projects: list[Project], bound: dict) -> list[StrategyBlock]:
    """Strategy → project → row → activity, each activity with its form and recent history."""
    history = Prefetch("changes", queryset=Change.objects.select_related("user"), to_attr="history")
    rows = Prefetch(
        "rows",
        queryset=scope.rows().prefetch_related(
            Prefetch("activities", queryset=Activity.objects.prefetch_related(history))
        ),
    )
    prefetch_related_objects(projects, "municipalities", rows)
    strategies: dict[int, StrategyBlock] = {}
    for project in projects:
        strategy = project.measure.strategy
        block = strategies.setdefault(strategy.pk, StrategyBlock(strategy))
        pblock = ProjectBlock(project)
        for row in project.rows.all():
            rblock = RowBlock(row, bound.get(("row", row.pk)) or NewActivityForm(row=row))
            for activity in row.activities.all():
                form = bound.get(("activity", activity.pk)) or ActivityForm(activity=activity)
                lines = [history_line(c) for c in activity.history[:HISTORY_LIMIT]]
                rblock.items.append(Item(activity, form, lines))
            pblock.rows.append(rblock)
        block.projects.append(pblock)
    return sorted(strategies.values(), key=lambda b: b.strategy.number)


def render_page(request, scope: Scope, *, bound=None, status=200, page=None) -> HttpResponse:
    if scope.fiscal_year is None:
        return render(request, "projects/staff/forbidden.html", {"message": NO_YEAR})
    filter_form = StaffFilterForm(
        {
            "municipality": scope.municipality.slug if scope.municipality else "",
            "strategy": "" if scope.strategy is None else str(scope.strategy),
        },
        municipalities=Municipality.objects.all() if scope.secretariat else None,
        strategies=scope.fiscal_year.strategies.order_by("number"),
    )
    paginator = Paginator(scope.projects().order_by("order"), PROJECTS_PER_PAGE)
    page_obj = paginator.get_page(page if page is not None else request.GET.get("page"))
    saved = request.GET.get("saved", "")
    closure = permissions.year_closure(scope.fiscal_year)
    context = {
        "scope": scope,
        "fiscal_year": scope.fiscal_year,
        "blocks": build_blocks(scope, list(page_obj.object_list), bound or {}),
        "filter_form": filter_form,
        "page_obj": page_obj,
        "saved": int(saved) if saved.isascii() and saved.isdigit() else None,
        "query": scope.query,
        "rounds": open_rounds_for(request.user),
        "year_closure": closure,
        # The forms go while the year is closed to this user (the server refuses them anyway).
        "read_only": bool(closure) and not scope.secretariat,
    }
    return render(request, "projects/staff/activity_list.html", context, status=status)


@staff_only
def activity_list(request):
    return render_page(request, Scope.of(request))


def activity_or_404(pk) -> Activity:
    return get_object_or_404(Activity.objects.with_hierarchy(), pk=pk)


@checks_its_own_text
@require_POST
@staff_only
def activity_update(request, pk):
    scope = Scope.of(request)
    activity = activity_or_404(pk)
    if refusal := permissions.activity_refusal(request.user, activity):
        return forbidden(request, refusal)
    form = ActivityForm(request.POST, activity=activity)
    page = scope.page_of(activity.row.project)
    if not form.is_valid():
        return render_page(request, scope, bound={("activity", pk): form}, status=400, page=page)
    data = form.cleaned_data
    try:
        editing.update_activity(
            user=request.user,
            activity=activity,
            status=data["status"],
            text=data["text"],
            details=data["details"],
            expected_version=data["version"],
        )
    except editing.EditConflict as conflict:
        return conflict_page(request, scope, form, conflict)
    return redirect(
        page_url(scope, anchor=f"activity-{pk}", project=activity.row.project, saved=pk)
    )


def conflict_page(request, scope, form, conflict) -> HttpResponse:
    """Keep what the user typed, say what the other person changed, and offer the current
    version: saving again is then a deliberate choice, not a silent overwrite."""
    current = Activity.objects.filter(pk=form.activity.pk).first()
    if current is None:
        return forbidden(request, str(conflict))
    data = request.POST.copy()
    data[form.add_prefix("version")] = str(current.version)
    again = ActivityForm(data, activity=current)
    again.is_valid()
    again.add_error(None, str(conflict))
    page = scope.page_of(form.activity.row.project)
    return render_page(
        request, scope, bound={("activity", current.pk): again}, status=409, page=page
    )


@checks_its_own_text
@require_POST
@staff_only
def activity_add(request, pk):
    scope = Scope.of(request)
    row = get_object_or_404(ProjectRow.objects.select_related("project__fiscal_year"), pk=pk)
    if refusal := permissions.row_refusal(request.user, row):
        return forbidden(request, refusal)
    form = NewActivityForm(request.POST, row=row)
    if not form.is_valid():
        page = scope.page_of(row.project)
        return render_page(request, scope, bound={("row", pk): form}, status=400, page=page)
    data = form.cleaned_data
    try:
        activity = editing.add_activity(
            user=request.user,
            row=row,
            status=data["status"],
            text=data["text"],
            details=data["details"],
        )
    except editing.EditConflict as conflict:  # the row went while the form was open
        return forbidden(request, str(conflict), status=409)
    return redirect(
        page_url(scope, anchor=f"activity-{activity.pk}", project=row.project, saved=activity.pk)
    )


@staff_only
def activity_delete(request, pk):
    scope = Scope.of(request)
    activity = activity_or_404(pk)
    if refusal := permissions.activity_refusal(request.user, activity):
        return forbidden(request, refusal)
    error = ""
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            editing.remove_activity(
                user=request.user,
                activity=activity,
                expected_version=int(version) if version.isascii() and version.isdigit() else -1,
            )
        except editing.EditConflict as conflict:
            error = str(conflict)
            activity.refresh_from_db()
        else:
            return redirect(
                page_url(
                    scope, anchor=f"row-{activity.row_id}", project=activity.row.project, deleted=1
                )
            )
    context = {"activity": activity, "error": error, "query": scope.query}
    return render(
        request, "projects/staff/activity_delete.html", context, status=409 if error else 200
    )


@staff_only
def history(request):
    scope = Scope.of(request)
    changes = (
        scope.changes()
        .select_related("user", "project", "activity", "fiscal_year")
        .order_by("-changed_at", "-id")
        .distinct()[:HISTORY_PAGE]
    )
    lines = [history_line(c, context=True) for c in changes]
    return render(
        request,
        "projects/staff/history.html",
        {"scope": scope, "fiscal_year": scope.fiscal_year, "changes": lines},
    )


@staff_only
def export(request, kind, fmt):
    """The 資料 (xlsx, or the PDF for the meeting) of what the page shows, or the flat
    activity table (CSV/XLSX)."""
    scope = Scope.of(request)
    if scope.fiscal_year is None:
        return forbidden(request, NO_YEAR)
    suffix = f"-{scope.municipality.slug}" if scope.municipality else ""
    if kind == "overview" and fmt in ("xlsx", "pdf"):
        projects = scope.projects() if scope.municipality else None
        return overview_download(
            scope.fiscal_year, fmt=fmt, municipality=scope.municipality, projects=projects
        )
    if kind == "activities" and fmt in ("csv", "xlsx"):
        dataset = ActivityResource().export(scope.activities().order_by("row__project__order"))
        name = f"renkei-activities-{scope.fiscal_year.year}{suffix}.{fmt}"
        writer = resources.CSV() if fmt == "csv" else base_formats.XLSX()  # as in the admin
        return attachment(writer.export_data(dataset), fmt, name)
    raise Http404("この形式では出力できません。")
