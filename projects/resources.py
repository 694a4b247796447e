"""Flat activity tables (CSV/XLSX) through django-import-export: one activity per row, for
the admin's export and the staff page's 「実績項目の一覧」.

Export only. Activities are changed on the staff page, in the admin, or by uploading the 資料
workbook with its preview; a flat-table import would bypass both the preview and the history.
Its CSV is the portal's one CSV (``table.formats.csv_bytes``: BOM, CRLF, formulas neutralised),
and 関係市町 is the row's own, as in every export of the 資料.
"""

from django.utils import timezone
from import_export import fields, resources
from import_export.formats import base_formats

from projects.models import Activity
from projects.table.formats import CONTENT_TYPES, csv_bytes, neutralise_formula


class CSV(base_formats.CSV):
    """django-import-export's CSV written by the portal's one CSV writer, as bytes."""

    CONTENT_TYPE = CONTENT_TYPES["csv"]

    def export_data(self, dataset, **kwargs):
        return csv_bytes([dataset.headers, *dataset])

    def is_binary(self):
        return True  # already encoded (UTF-8 with the BOM)


class ActivityResource(resources.ModelResource):
    year = fields.Field(column_name="年度", attribute="row__project__fiscal_year__year")
    strategy = fields.Field(column_name="取組")
    measure = fields.Field(column_name="施策", attribute="row__project__measure__heading")
    project_number = fields.Field(column_name="事業番号", attribute="row__project__number")
    project_name = fields.Field(column_name="事業名", attribute="row__project__name")
    municipalities = fields.Field(column_name="関係市町")
    row = fields.Field(column_name="行")
    status_label = fields.Field(column_name="状況")
    marker = fields.Field(column_name="記号")
    text = fields.Field(column_name="内容", attribute="text")
    details = fields.Field(column_name="詳細")
    tags = fields.Field(column_name="タグ")
    version = fields.Field(column_name="版", attribute="version")
    updated_at = fields.Field(column_name="更新日時")

    class Meta:
        model = Activity
        fields = export_order = (
            "year",
            "strategy",
            "measure",
            "project_number",
            "project_name",
            "municipalities",
            "row",
            "status_label",
            "marker",
            "text",
            "details",
            "tags",
            "version",
            "updated_at",
        )

    def get_queryset(self):
        return Activity.objects.none()  # callers pass the rows the user may see

    def filter_export(self, queryset, **kwargs):
        return queryset.with_hierarchy().prefetch_related(
            "row__municipalities", "row__project__municipalities"
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """Text that a spreadsheet would run as a formula gets a leading ' (as in the CSV export)."""
        values = super().export_resource(instance, selected_fields, **kwargs)
        return [neutralise_formula(v) for v in values]

    def dehydrate_strategy(self, activity):
        return str(activity.row.project.measure.strategy)

    def dehydrate_municipalities(self, activity):
        """The row's own 関係市町 where its cell names them, else its project's."""
        row = activity.row
        towns = row.municipalities if row.municipalities_text else row.project.municipalities
        return "、".join(m.name for m in towns.all())

    def dehydrate_row(self, activity):
        return activity.row.order + 1

    def dehydrate_status_label(self, activity):
        return activity.get_status_display() if activity.status else ""

    def dehydrate_marker(self, activity):
        return activity.glyph

    def dehydrate_details(self, activity):
        return "\n".join(activity.details)

    def dehydrate_tags(self, activity):
        return "、".join(activity.tag_list)

    def dehydrate_updated_at(self, activity):
        return timezone.localtime(activity.updated_at).strftime("%Y-%m-%d %H:%M")
