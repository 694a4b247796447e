"""The secretariat's full tool; municipal staff see it scoped to their municipality.

Permissions come from permissions.py, not from Django's model permissions: the secretariat
writes everything, staff change only the activities of their municipality's projects (and
read the rest of the hierarchy). Every activity and project write goes through editing.py,
so the admin records history and refuses stale saves like the staff page does.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from . import editing, exports, permissions, uploads
from .admin_filters import MeasureFilter, StrategyFilter, TagFilter
from .auth import ThrottledAdminAuthenticationForm
from .forms import ActivityAdminForm, ActivityChangelistForm
from .models import (
    Activity,
    Change,
    ChangeSource,
    FiscalYear,
    Measure,
    Municipality,
    Project,
    ProjectRow,
    StaffProfile,
    Status,
    Strategy,
)
from .resources import ActivityResource

admin.site.login_form = ThrottledAdminAuthenticationForm


class SecretariatWrites:
    """The secretariat writes; staff with a municipality may read."""

    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)


class SecretariatOnly(SecretariatWrites):
    def has_module_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)


def scoped_to_municipality(queryset, user, path: str):
    """Staff see their municipality's part of the table; the secretariat all of it."""
    if permissions.is_secretariat(user):
        return queryset
    municipality = permissions.municipality_of(user)
    if municipality is None:
        return queryset.none()
    return queryset.filter(**{path: municipality}).distinct()


def history_html(changes):
    lines = [(editing.history_line(c),) for c in changes[:20]]
    if not lines:
        return "(変更はありません)"
    return format_html_join("", "<div>{}</div>", lines)


class StrategyInline(SecretariatWrites, admin.TabularInline):
    model = Strategy
    fields = ("number", "title", "heading", "band")
    extra = 0
    show_change_link = True


@admin.register(FiscalYear)
class FiscalYearAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("label", "title", "document_label", "published", "is_current", "imported_at")
    list_filter = ("published",)
    search_fields = ("=year", "title")
    readonly_fields = ("imported_at", "source_filename")
    inlines = [StrategyInline]

    def get_urls(self):
        views = uploads.UploadViews(self)
        view = self.admin_site.admin_view
        return [
            path("upload/", view(views.start), name="projects_fiscalyear_upload"),
            path(
                "upload/<int:pk>/", view(views.preview), name="projects_fiscalyear_upload_preview"
            ),
            path("<int:pk>/export/", view(self.export_view), name="projects_fiscalyear_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        """The 資料 xlsx of the year, or of one municipality's projects (staff: their own)."""
        fiscal_year = get_object_or_404(FiscalYear, pk=pk)
        if not permissions.is_portal_staff(request.user):
            return HttpResponse("出力する権限がありません。", status=403)
        code = request.GET.get("municipality", "")
        municipality = permissions.municipality_of(request.user)
        if permissions.is_secretariat(request.user):
            municipality = Municipality.objects.filter(code=code).first() if code else None
        projects = None
        if municipality is not None:
            projects = fiscal_year.projects.for_municipality(municipality)
        overview = exports.overview_from_db(fiscal_year, projects=projects)
        suffix = f"-{municipality.code}" if municipality else ""
        response = HttpResponse(
            exports.render(overview, "xlsx"), content_type=exports.FORMATS["xlsx"]
        )
        name = exports.filename(overview, "xlsx", suffix)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"municipalities": Municipality.objects.all(), **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra)


class MeasureInline(SecretariatWrites, admin.TabularInline):
    model = Measure
    fields = ("policy_field", "label", "title", "heading", "order")
    extra = 0
    show_change_link = True


@admin.register(Strategy)
class StrategyAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("__str__", "fiscal_year")
    list_filter = ("fiscal_year",)
    list_select_related = ("fiscal_year",)
    search_fields = ("title", "heading")
    autocomplete_fields = ("fiscal_year",)
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("heading", "strategy", "policy_field")
    list_filter = ("strategy__fiscal_year", StrategyFilter)
    list_select_related = ("strategy__fiscal_year",)
    search_fields = ("heading", "title", "policy_field")
    autocomplete_fields = ("strategy",)


@admin.register(Municipality)
class MunicipalityAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("name", "code", "order")
    search_fields = ("name", "code")


class ProjectRowInline(SecretariatWrites, admin.StackedInline):
    model = ProjectRow
    fields = ("order", "summary")
    extra = 0
    show_change_link = True  # the row's page edits its activities


@admin.register(Project)
class ProjectAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("__str__", "measure", "fiscal_year", "municipality_names", "updated_at")
    list_filter = ("fiscal_year", StrategyFilter, MeasureFilter, "municipalities")
    list_select_related = ("fiscal_year", "measure")
    search_fields = ("name", "=number", "rows__summary")
    autocomplete_fields = ("fiscal_year", "measure", "municipalities", "previous")
    readonly_fields = ("history",)
    inlines = [ProjectRowInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("municipalities")
        return scoped_to_municipality(queryset, request.user, "municipalities")

    @admin.display(description="関係市町")
    def municipality_names(self, project):
        return "、".join(m.name for m in project.municipalities.all())

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
        old = {r.pk: r.summary for r in ProjectRow.objects.filter(project=form.instance)}
        super().save_formset(request, form, formset, change)
        for row in formset.new_objects + [r for r, _ in formset.changed_objects]:
            editing.record_row_edit(user=request.user, row=row, old_summary=old.get(row.pk, ""))


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
    fields = ("project", "order", "summary")
    readonly_fields = ("project",)
    inlines = [ActivityInline]

    def has_module_permission(self, request):
        return False  # reached from a project's page

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped_to_municipality(queryset, request.user, "project__municipalities")

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
                ActivityAdmin.update_from_form(request, activity, inline_form)
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


def refuse_conflicts(request, view, *args, **kwargs):
    """A save that lost a race is rolled back and reported, never applied over the other."""
    try:
        return view(request, *args, **kwargs)
    except editing.EditConflict as conflict:
        messages.error(request, str(conflict))
        return HttpResponseRedirect(request.get_full_path())


@admin.register(Activity)
class ActivityAdmin(ExportMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    resource_classes = [ActivityResource]
    formats = [base_formats.CSV, base_formats.XLSX]
    list_display = ("short_text", "status", "project", "year", "version", "updated_at")
    list_display_links = ("short_text",)
    list_editable = ("status",)
    list_filter = (
        ("row__project__fiscal_year", admin.RelatedFieldListFilter),
        "status",
        StrategyFilter,
        MeasureFilter,
        ("row__project__municipalities", admin.RelatedFieldListFilter),
        TagFilter,
    )
    list_select_related = ("row__project__fiscal_year",)
    search_fields = ("text", "row__project__name")
    autocomplete_fields = ("row",)
    actions = ["mark_done", "mark_in_progress", "mark_planned", "mark_cancelled"]

    # -- permissions: staff write their municipality's activities ---------------------------

    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_portal_staff(request.user)
        return permissions.can_edit_activity(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_export_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_import_permission(self, request):
        return False  # changes come in through the workbook upload, with its preview

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "row":
            rows = ProjectRow.objects.select_related("project")
            kwargs["queryset"] = scoped_to_municipality(
                rows, request.user, "project__municipalities"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("row", "version", "history") if obj else ()

    def get_fields(self, request, obj=None):
        fields = ["row", "status", "text", "details", "expected_version"]
        return fields + ["version", "history"] if obj else fields

    def get_changelist_form(self, request, **kwargs):
        return ActivityChangelistForm

    # -- display ------------------------------------------------------------------------------

    @admin.display(description="内容", ordering="text")
    def short_text(self, activity):
        return f"{activity.glyph} {activity.text[:40]}".strip()

    @admin.display(description="事業", ordering="row__project__order")
    def project(self, activity):
        return activity.row.project

    @admin.display(description="年度", ordering="row__project__fiscal_year__year")
    def year(self, activity):
        return activity.row.project.fiscal_year

    @admin.display(description="変更履歴")
    def history(self, activity):
        return history_html(activity.changes.select_related("user"))

    # -- writes through the editing service --------------------------------------------------

    @staticmethod
    def update_from_form(request, activity, form):
        data = form.cleaned_data
        editing.update_activity(
            user=request.user,
            activity=activity,
            status=data.get("status", activity.status),
            text=data.get("text", activity.text),
            details=data.get("details", activity.details),
            expected_version=data.get("expected_version") or 0,
            source=ChangeSource.ADMIN,
        )

    def save_model(self, request, obj, form, change):
        if change:
            self.update_from_form(request, obj, form)
            return
        data = form.cleaned_data
        created = editing.add_activity(
            user=request.user,
            row=data["row"],
            status=data.get("status"),
            text=data["text"],
            details=data.get("details", []),
            source=ChangeSource.ADMIN,
        )
        obj.pk, obj.order, obj.version, obj.tags = created.pk, created.order, 1, created.tags
        obj._state.adding, obj._state.db = False, created._state.db

    def delete_model(self, request, obj):
        editing.remove_activity(user=request.user, activity=obj, source=ChangeSource.ADMIN)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            editing.remove_activity(user=request.user, activity=activity, source=ChangeSource.ADMIN)

    def changeform_view(self, request, *args, **kwargs):
        return refuse_conflicts(request, super().changeform_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return refuse_conflicts(request, super().changelist_view, *args, **kwargs)

    def export_action(self, request):
        """The export reads the list's filters from the query string; one it cannot apply
        sends the user back to the list with a message (the list itself does the same)."""
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(
                request, "絞り込みの条件が正しくありません。一覧から選び直してください。"
            )
            return HttpResponseRedirect(reverse("admin:projects_activity_changelist"))

    # -- bulk actions -------------------------------------------------------------------------

    def set_status(self, request, queryset, status: Status):
        done, skipped = 0, []
        for activity in queryset.select_related("row__project"):
            try:
                changes = editing.update_activity(
                    user=request.user,
                    activity=activity,
                    status=status.value,
                    text=activity.text,
                    details=activity.details,
                    expected_version=activity.version,
                    source=ChangeSource.ADMIN,
                )
            except editing.EditConflict:
                skipped.append(activity.text[:20])
                continue
            done += bool(changes)
        self.message_user(request, f"{done} 件を「{status.glyph} {status.label}」にしました。")
        if skipped:
            self.message_user(
                request,
                "同時に他の人が更新したため変更しなかった項目: " + "、".join(skipped),
                messages.WARNING,
            )

    @admin.action(description="選択した実績項目を ● 実施済み にする", permissions=["change"])
    def mark_done(self, request, queryset):
        self.set_status(request, queryset, Status.DONE)

    @admin.action(description="選択した実績項目を ○ 実施中 にする", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self.set_status(request, queryset, Status.IN_PROGRESS)

    @admin.action(description="選択した実績項目を △ 実施予定 にする", permissions=["change"])
    def mark_planned(self, request, queryset):
        self.set_status(request, queryset, Status.PLANNED)

    @admin.action(description="選択した実績項目を ■ 中止 にする", permissions=["change"])
    def mark_cancelled(self, request, queryset):
        self.set_status(request, queryset, Status.CANCELLED)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_at", "user", "source", "field", "old_value", "new_value", "project")
    list_filter = ("fiscal_year", "source", "field")
    list_select_related = ("user", "project", "fiscal_year")
    search_fields = ("old_value", "new_value", "project__name", "user__username")
    date_hierarchy = "changed_at"

    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped_to_municipality(queryset, request.user, "project__municipalities")


@admin.register(StaffProfile)
class StaffProfileAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ("user", "municipality", "is_secretariat")
    list_filter = ("municipality", "is_secretariat")
    list_select_related = ("user", "municipality")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "municipality")


class StaffProfileInline(SecretariatOnly, admin.StackedInline):
    model = StaffProfile
    can_delete = False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(SecretariatOnly, UserAdmin):
    """The secretariat manages accounts; only a superuser can grant superuser rights."""

    inlines = [StaffProfileInline]
    list_display = ("username", "first_name", "is_staff", "is_active", "last_login")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "groups", "user_permissions", "last_login", "date_joined")
