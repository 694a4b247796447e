"""Admin of fiscal years and their structure (strategies, measures); a year's page has the 資料
upload and exports. The area and its municipalities are in ``area``."""

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html_join

from projects import permissions
from projects.downloads import overview_download
from projects.models import FiscalYear, Measure, Municipality, Strategy
from projects.table.layout import describe

from . import uploads
from .access import SecretariatWrites
from .filters import StrategyFilter


class StrategyInline(SecretariatWrites, admin.TabularInline):
    model = Strategy
    fields = ("number", "title", "title_en", "heading", "band")
    extra = 0
    show_change_link = True


@admin.register(FiscalYear)
class FiscalYearAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("label", "title", "document_label", "published", "is_current", "imported_at")
    list_filter = ("published",)
    search_fields = ("=year", "title")
    readonly_fields = ("imported_at", "source_filename", "layout_summary")
    inlines = [StrategyInline]

    @admin.display(description="様式")
    def layout_summary(self, fiscal_year):
        layout = fiscal_year.sheet_layout()
        if layout is None:
            return "令和2年度の資料の様式 (取り込んだ資料の様式は記録されていません)"
        return format_html_join("", "<div>{}</div>", ((line,) for line in describe(layout)))

    def get_urls(self):
        views = uploads.UploadViews(self)
        view = self.admin_site.admin_view
        return [
            path("upload/", view(views.start), name="projects_fiscalyear_upload"),
            path(
                "upload/<int:pk>/", view(views.preview), name="projects_fiscalyear_upload_preview"
            ),
            path("<int:pk>/export/", view(self.export_view), name="projects_fiscalyear_export"),
            path(
                "<int:pk>/export.pdf",
                view(self.export_view),
                {"fmt": "pdf"},
                name="projects_fiscalyear_export_pdf",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, pk, fmt="xlsx"):
        """The 資料 (xlsx, or the PDF for the meeting) of the year, or of one municipality's
        projects (staff: their own)."""
        fiscal_year = get_object_or_404(FiscalYear, pk=pk)
        if not permissions.is_portal_staff(request.user):
            return HttpResponse("出力する権限がありません。", status=403)
        code = request.GET.get("municipality", "")
        municipality = permissions.municipality_of(request.user)
        if permissions.is_secretariat(request.user):
            municipality = Municipality.objects.filter(slug=code).first() if code else None
        return overview_download(fiscal_year, fmt=fmt, municipality=municipality)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"municipalities": Municipality.objects.all(), **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra)


class MeasureInline(SecretariatWrites, admin.TabularInline):
    model = Measure
    fields = ("policy_field", "label", "title", "title_en", "heading", "order")
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
