"""Admin of activities: staff write their municipality's, every write goes through the editing
service (history, stale versions refused); flat CSV/XLSX exports, no flat import."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from projects import permissions, resources
from projects.forms import ActivityAdminForm, ActivityChangelistForm
from projects.models import Activity, ChangeSource, ProjectRow, Status
from projects.resources import ActivityResource
from projects.services import editing

from .access import history_html, refuse_conflicts, scoped_to_municipality
from .filters import MeasureFilter, StrategyFilter, TagFilter


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


@admin.register(Activity)
class ActivityAdmin(ExportMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    resource_classes = [ActivityResource]
    formats = [resources.CSV, base_formats.XLSX]
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
        return permissions.activities_editable_by(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "row":
            rows = ProjectRow.objects.select_related("project")
            kwargs["queryset"] = scoped_to_municipality(rows, request.user)
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

    def save_model(self, request, obj, form, change):
        if change:
            update_from_form(request, obj, form)
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
            except (editing.EditConflict, PermissionDenied):  # stale, or the year is closed
                skipped.append(activity.text[:20])
                continue
            done += bool(changes)
        self.message_user(request, f"{done} 件を「{status.glyph} {status.label}」にしました。")
        if skipped:
            self.message_user(
                request,
                "同時に他の人が更新したか、締め切られた年度のため変更しなかった項目: "
                + "、".join(skipped),
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
