"""Admin of projects and their rows; a row's page edits its activities through the editing
service, one by one, as the staff page does."""

from django.contrib import admin

from projects.forms import ActivityAdminForm, ProjectRowForm
from projects.models import Activity, ChangeSource, Project, ProjectRow
from projects.services import editing

from .access import SecretariatWrites, history_html, refuse_conflicts, scoped_to_municipality
from .activities import update_from_form
from .filters import MeasureFilter, StrategyFilter


class ProjectRowInline(SecretariatWrites, admin.StackedInline):
    model = ProjectRow
    form = ProjectRowForm
    fields = ("order", "summary", "summary_en", "municipalities_text", "municipality_names")
    readonly_fields = ("municipality_names",)
    extra = 0
    show_change_link = True  # the row's page edits its activities

    @admin.display(description="関係市町 (この行)")
    def municipality_names(self, row):
        return row_municipality_names(row)


def row_municipality_names(row) -> str:
    """The members a row concerns: its own cell's, else (marked so) its project's."""
    if not row.pk:
        return "-"
    if row.municipalities_text:
        return "、".join(m.name for m in row.municipalities.all()) or "-"
    inherited = "、".join(m.name for m in row.project.municipalities.all())
    return f"{inherited} (事業の関係市町)" if inherited else "-"


def record_row_edits(request, rows, before: dict[int, tuple[str, str]]):
    """History and 関係市町 links for the rows an admin form saved (``before``: pk → (summary,
    municipalities_text) as they were)."""
    for row in rows:
        old_summary, old_text = before.get(row.pk, ("", ""))
        editing.record_row_edit(user=request.user, row=row, old_summary=old_summary)
        if old_text != row.municipalities_text:
            editing.record_row_municipalities(user=request.user, row=row, old_text=old_text)


@admin.register(Project)
class ProjectAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = (
        "__str__",
        "english",
        "measure",
        "fiscal_year",
        "municipality_names",
        "updated_at",
    )
    list_filter = ("fiscal_year", StrategyFilter, MeasureFilter, "municipalities")
    list_select_related = ("fiscal_year", "measure")
    search_fields = ("name", "name_en", "=number", "rows__summary")
    autocomplete_fields = ("fiscal_year", "measure", "municipalities", "previous")
    readonly_fields = ("history",)
    inlines = [ProjectRowInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("municipalities")
        return scoped_to_municipality(queryset, request.user)

    @admin.display(description="関係市町")
    def municipality_names(self, project):
        return "、".join(m.name for m in project.municipalities.all())

    @admin.display(description="英語の事業名")
    def english(self, project):
        return project.name_en or "日本語のみ"

    @admin.display(description="変更履歴")
    def history(self, project):
        return history_html(project.changes.select_related("user", "activity"))

    def save_model(self, request, obj, form, change):
        if change:
            old = Project.objects.select_related("measure").get(pk=obj.pk)
            obj._recorded_before = {
                **editing.project_snapshot(old),
                "municipalities": editing.municipalities_text(old),
            }
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(form.instance, "_recorded_before", None)
        if before is not None:
            editing.record_project_edit(user=request.user, project=form.instance, before=before)

    def save_formset(self, request, form, formset, change):
        before = {
            pk: (summary, text)
            for pk, summary, text in ProjectRow.objects.filter(project=form.instance).values_list(
                "pk", "summary", "municipalities_text"
            )
        }
        super().save_formset(request, form, formset, change)
        rows = formset.new_objects + [r for r, _ in formset.changed_objects]
        record_row_edits(request, rows, before)


class ActivityInline(SecretariatWrites, admin.TabularInline):
    model = Activity
    form = ActivityAdminForm
    fields = ("status", "text", "details", "expected_version", "version")
    readonly_fields = ("version",)
    extra = 0


@admin.register(ProjectRow)
class ProjectRowAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("__str__", "summary")
    list_select_related = ("project",)
    search_fields = ("project__name", "summary")
    form = ProjectRowForm
    fields = (
        "project",
        "order",
        "summary",
        "summary_en",
        "municipalities_text",
        "municipality_names",
    )
    readonly_fields = ("project", "municipality_names")
    inlines = [ActivityInline]

    @admin.display(description="関係市町 (この行)")
    def municipality_names(self, row):
        return row_municipality_names(row)

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            old = ProjectRow.objects.get(pk=obj.pk)
            before = {obj.pk: (old.summary, old.municipalities_text)}
        super().save_model(request, obj, form, change)
        record_row_edits(request, [obj], before)

    def has_module_permission(self, request):
        return False  # reached from a project's page

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped_to_municipality(queryset, request.user)

    def save_formset(self, request, form, formset, change):
        """Activities of the row go through the editing service, one by one."""
        if formset.model is not Activity:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            activity = inline_form.instance
            if inline_form in formset.deleted_forms:
                if activity.pk:
                    editing.remove_activity(
                        user=request.user, activity=activity, source=ChangeSource.ADMIN
                    )
                    formset.deleted_objects.append(activity)
            elif activity.pk and inline_form.has_changed():
                update_from_form(request, activity, inline_form)
                formset.changed_objects.append((activity, inline_form.changed_data))
            elif not activity.pk and inline_form.has_changed():
                data = inline_form.cleaned_data
                added = editing.add_activity(
                    user=request.user,
                    row=form.instance,
                    status=data.get("status"),
                    text=data["text"],
                    details=data.get("details", []),
                    source=ChangeSource.ADMIN,
                )
                formset.new_objects.append(added)

    def changeform_view(self, request, *args, **kwargs):
        return refuse_conflicts(request, super().changeform_view, *args, **kwargs)
