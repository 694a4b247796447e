"""Admin of the KPIs (成果指標), to read: the sheet is uploaded on 「成果指標の取込」 (a link on
each edition), values are reported and evaluations set on 「成果指標の報告」, so that every
write goes through ``services.kpi`` (import, reporting) with its checks and history."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from projects import permissions
from projects.models import Indicator, IndicatorChange, KpiEdition


class ReadOnly:
    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KpiEdition)
class KpiEditionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("__str__", "title", "imported_at", "source_filename", "upload_link")
    list_select_related = ("fiscal_year",)
    readonly_fields = ("fiscal_year", "title", "legend", "imported_at", "source_filename")
    fields = readonly_fields

    @admin.display(description="取込")
    def upload_link(self, edition):
        url = reverse("projects:kpi_upload", args=[edition.fiscal_year.year])
        return format_html('<a href="{}">成果指標の表を取り込む</a>', url)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("number", "name", "unit", "direction", "cumulative", "evaluation", "edition")
    list_select_related = ("edition__fiscal_year",)
    list_filter = ("edition",)
    search_fields = ("name",)
    readonly_fields = (
        "edition", "strategy", "measure", "number", "name", "unit", "direction", "cumulative",
        "baseline", "baseline_period", "target", "target_year", "target_words", "survey_text",
        "evaluation", "towns_text", "previous",
    )  # fmt: skip
    fields = readonly_fields


@admin.register(IndicatorChange)
class IndicatorChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("changed_at", "indicator", "year", "field", "old_value", "new_value", "user")
    list_select_related = ("indicator", "user")
    list_filter = ("source", "field")
