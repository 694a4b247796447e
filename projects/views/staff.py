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
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from import_export.formats import base_formats

from projects import permissions
from projects.forms import ActivityForm, MunicipalityFilterForm, NewActivityForm
from projects.models import Activity, Change, FiscalYear, Municipality, Project, ProjectRow
from projects.reports.history import history_line
from projects.reports.rounds import open_rounds_for
from projects.reports.tables import overview_from_db
from projects.resources import ActivityResource
from projects.services import editing

from .downloads import attachment, csv_response, overview_file

NO_ROLE = (
    "実績を更新できるのは、担当の市町が設定された職員と事務局だけです。"
    "設定については事務局に連絡してください。"
)
NO_YEAR = "まだ年度がありません。事務局が資料を取り込むと、ここに実績項目が表示されます。"
HISTORY_LIMIT = 5
HISTORY_PAGE = 200


def forbidden(request, message: str) -> HttpResponse:
    return render(request, "projects/staff/forbidden.html", {"message": message}, status=403)


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
    """What the page shows: the working year and one municipality (None: all, secretariat)."""

    fiscal_year: FiscalYear | None
    municipality: Municipality | None
    secretariat: bool

    years: list[FiscalYear] = field(default_factory=list)

    @classmethod
    def of(cls, request) -> Scope:
        secretariat = permissions.is_secretariat(request.user)
        if secretariat:
            code = request.GET.get("municipality") or ""
            municipality = Municipality.objects.filter(slug=code).first() if code else None
        else:
            municipality = permissions.municipality_of(request.user)
        years = FiscalYear.objects.for_staff()  # the working year first, then unlocked ones
        chosen = next((fy for fy in years if str(fy.year) == request.GET.get("year")), None)
        return cls(chosen or (years[0] if years else None), municipality, secretariat, years)

    @property
    def query(self) -> str:
        params = {}
        if self.secretariat and self.municipality:
            params["municipality"] = self.municipality.slug
        if self.years and self.fiscal_year != self.years[0]:
            params["year"] = self.fiscal_year.year
        return urlencode(params)

    def projects(self):
        if self.fiscal_year is None:
            return Project.objects.none()
        projects = Project.objects.filter(fiscal_year=self.fiscal_year)
        if self.municipality is not None:
            projects = projects.for_municipality(self.municipality)
        return projects.with_hierarchy()

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


def page_url(scope: Scope, *, anchor: str = "", **params) -> str:
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


def build_blocks(scope: Scope, bound: dict) -> list[StrategyBlock]:
    """Strategy → project → row → activity, each activity with its form and recent history."""
    history = Prefetch("changes", queryset=Change.objects.select_related("user"), to_attr="history")
    rows = Prefetch(
        "rows",
        queryset=scope.rows().prefetch_related(
            Prefetch("activities", queryset=Activity.objects.prefetch_related(history))
        ),
    )
    projects = scope.projects().prefetch_related("municipalities", rows).order_by("order")
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


def render_page(request, scope: Scope, *, bound=None, status=200) -> HttpResponse:
    if scope.fiscal_year is None:
        return render(request, "projects/staff/forbidden.html", {"message": NO_YEAR})
    filter_form = None
    if scope.secretariat:
        filter_form = MunicipalityFilterForm(
            {"municipality": scope.municipality.slug if scope.municipality else ""},
            municipalities=Municipality.objects.all(),
        )
    saved = request.GET.get("saved", "")
    context = {
        "scope": scope,
        "fiscal_year": scope.fiscal_year,
        "blocks": build_blocks(scope, bound or {}),
        "filter_form": filter_form,
        "saved": int(saved) if saved.isascii() and saved.isdigit() else None,
        "query": scope.query,
        "rounds": open_rounds_for(request.user),
        "year_closure": permissions.year_closure(scope.fiscal_year),
    }
    return render(request, "projects/staff/activity_list.html", context, status=status)


@staff_only
def activity_list(request):
    return render_page(request, Scope.of(request))


def activity_or_404(pk) -> Activity:
    return get_object_or_404(Activity.objects.with_hierarchy(), pk=pk)


@require_POST
@staff_only
def activity_update(request, pk):
    scope = Scope.of(request)
    activity = activity_or_404(pk)
    if refusal := permissions.activity_refusal(request.user, activity):
        return forbidden(request, refusal)
    form = ActivityForm(request.POST, activity=activity)
    if not form.is_valid():
        return render_page(request, scope, bound={("activity", pk): form}, status=400)
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
    return redirect(page_url(scope, anchor=f"activity-{pk}", saved=pk))


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
    return render_page(request, scope, bound={("activity", current.pk): again}, status=409)


@require_POST
@staff_only
def activity_add(request, pk):
    scope = Scope.of(request)
    row = get_object_or_404(ProjectRow.objects.select_related("project__fiscal_year"), pk=pk)
    if refusal := permissions.row_refusal(request.user, row):
        return forbidden(request, refusal)
    form = NewActivityForm(request.POST, row=row)
    if not form.is_valid():
        return render_page(request, scope, bound={("row", pk): form}, status=400)
    data = form.cleaned_data
    activity = editing.add_activity(
        user=request.user,
        row=row,
        status=data["status"],
        text=data["text"],
        details=data["details"],
    )
    return redirect(page_url(scope, anchor=f"activity-{activity.pk}", saved=activity.pk))


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
            return redirect(page_url(scope, anchor=f"row-{activity.row_id}", deleted=1))
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
        overview = overview_from_db(scope.fiscal_year, projects=projects)
        return overview_file(overview, fmt, suffix)
    if kind == "activities" and fmt in ("csv", "xlsx"):
        dataset = ActivityResource().export(scope.activities().order_by("row__project__order"))
        name = f"renkei-activities-{scope.fiscal_year.year}{suffix}.{fmt}"
        if fmt == "csv":
            return csv_response([dataset.headers, *dataset], name)
        return attachment(base_formats.XLSX().export_data(dataset), "xlsx", name)
    raise Http404("この形式では出力できません。")
