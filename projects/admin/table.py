"""Admin of projects and their rows; a row's page edits its activities through the editing
service, one by one, as the staff page does."""

from django.contrib import admin

from projects.forms import ActivityAdminForm, ProjectRowForm
from projects.models import Activity, ChangeSource, Project, ProjectRow
from projects.services import editing
from projects.services.changes import ChangeSet
from projects.services.recorded import rows_before

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
        """Written by ``save_related``, with its 関係市町 and rows, in one change set."""

    def save_related(self, request, form, formsets, change):
        changes = ChangeSet(user=request.user, source=ChangeSource.ADMIN)
        request.table_changes = changes

        def write():
            form.instance.save()
            admin.ModelAdmin.save_related(self, request, form, formsets, change)

        changes.save_project(form.instance, write=write)
        changes.commit()

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        changes = ChangeSet(user=request.user, source=ChangeSource.ADMIN)
        changes.remove_projects(list(queryset))
        changes.commit()

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProjectRow:
            return super().save_formset(request, form, formset, change)
        before = rows_before(form.instance)  # within the project's change set's write
        removed = [f.instance for f in formset.deleted_forms]
        request.table_changes.rows_removed(form.instance, removed, remove=formset.save)
        rows = formset.new_objects + [r for r, _ in formset.changed_objects]
        request.table_changes.rows_saved(form.instance, rows, before)


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

    def save_related(self, request, form, formsets, change):
        changes = ChangeSet(user=request.user, source=ChangeSource.ADMIN)

        def write():
            form.instance.save()
            admin.ModelAdmin.save_related(self, request, form, formsets, change)
            return [form.instance]

        changes.save_rows(form.instance.project, write=write)
        changes.commit()

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
