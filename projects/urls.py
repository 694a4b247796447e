"""URL routes of the app: the public pages, the staff page 「実績の更新」 (login required), and the
fiscal-year lifecycle (the secretariat's 「年度の管理」 with its import versions, and the public
comparison of two years), and the reporting rounds (照会) under /staff/rounds/."""

from django.urls import path

from .views import (
    calendar,
    imports,
    kpi,
    kpi_staff,
    opendata,
    public,
    reminders,
    rounds,
    staff,
    years,
)

app_name = "projects"

# Public responses are gzipped by ``page_cache`` (once per version, kept in each process).
public_patterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("projects/", public.project_list, name="project_list"),
    path("projects/<int:pk>/", public.project_detail, name="project_detail"),
    path("projects/<int:pk>/status.atom", public.project_feed, name="project_feed"),
    path("projects/<int:pk>/calendar.ics", calendar.calendar_ics, name="project_calendar_ics"),
    path("municipalities/", public.municipality_index, name="municipality_list"),
    path("municipalities/<slug:slug>/", public.municipality_detail, name="municipality_detail"),
    path(
        "municipalities/<slug:slug>/status.atom",
        public.municipality_feed,
        name="municipality_feed",
    ),
    path("calendar/", calendar.calendar, name="calendar"),
    path("calendar.ics", calendar.calendar_ics, name="calendar_ics"),
    path("calendar/<int:year>.ics", calendar.calendar_ics, name="year_calendar_ics"),
    path("calendar/<slug:slug>.ics", calendar.calendar_ics, name="municipality_calendar_ics"),
    path("feeds/status.atom", public.status_feed, name="status_feed"),
    path("opendata/", opendata.opendata, name="opendata"),
    path("opendata/schema.json", opendata.schema, name="opendata_schema"),
    path("opendata/catalog.jsonld", opendata.catalog, name="opendata_catalog"),
    path("opendata/<int:year>.<str:fmt>", opendata.opendata_file, name="opendata_file"),
    path("print/<int:year>/", opendata.print_table, name="print_table"),
    path("print/<int:year>.pdf", opendata.print_pdf, name="print_pdf"),
    path("about/<slug:kind>/", public.site_page, name="site_page"),
    path("sitemap.xml", public.sitemap, name="sitemap"),
]

# KPIs (成果指標): public pages and open data; the towns' reports and the secretariat's upload.
kpi_patterns = [
    path("kpi/", kpi.kpi_index, name="kpi"),
    path("kpi/<int:year>/<int:number>/", kpi.kpi_strategy, name="kpi_strategy"),
    path("opendata/kpi-<int:year>.<str:fmt>", kpi.kpi_file, name="kpi_file"),
    path("opendata/kpi-schema.json", kpi.kpi_schema, name="kpi_schema"),
    path("staff/kpi/", kpi_staff.indicator_list, name="staff_kpi"),
    path("staff/kpi/<int:year>.xlsx", kpi_staff.export, name="staff_kpi_export"),
    path("staff/kpi/<int:pk>/value/", kpi_staff.report, name="staff_kpi_value"),
    path("staff/kpi/<int:pk>/evaluation/", kpi_staff.evaluate, name="staff_kpi_evaluation"),
    path("years/<int:year>/kpi/", kpi_staff.upload, name="kpi_upload"),
    path("years/<int:year>/kpi/carry-over/", kpi_staff.carry_over, name="kpi_carry_over"),
]

staff_patterns = [
    path("staff/", staff.activity_list, name="staff_activities"),
    path("staff/activities/<int:pk>/", staff.activity_update, name="staff_activity_update"),
    path("staff/activities/<int:pk>/delete/", staff.activity_delete, name="staff_activity_delete"),
    path("staff/rows/<int:pk>/activities/", staff.activity_add, name="staff_activity_add"),
    path("staff/history/", staff.history, name="staff_history"),
    path("staff/export/<str:kind>.<str:fmt>", staff.export, name="staff_export"),
]

round_patterns = [
    path("staff/rounds/", rounds.round_list, name="rounds"),
    path("staff/rounds/new/", rounds.round_new, name="round_new"),
    path("staff/rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("staff/rounds/<int:pk>/answer/", rounds.answer, name="round_answer"),
    path("staff/rounds/<int:pk>/submit/", rounds.submit, name="round_submit"),
    path("staff/rounds/<int:pk>/remind/", reminders.remind, name="round_remind"),
    path("staff/rounds/<int:pk>/close/", rounds.close, name="round_close"),
    path("staff/rounds/<int:pk>/reopen/", rounds.reopen, name="round_reopen"),
    path(
        "staff/rounds/<int:pk>/snapshots/<int:snapshot>.<str:fmt>",
        rounds.snapshot_file,
        name="round_snapshot",
    ),
]

year_patterns = [
    path("years/", years.year_list, name="years"),
    path("years/compare/", years.compare, name="year_compare"),
    path("years/compare.csv", years.compare_csv, name="year_compare_csv"),
    path("years/<int:year>/rollover/", years.rollover, name="year_rollover"),
    path("years/<int:year>/publish/", years.publish, name="year_publish"),
    path("years/<int:year>/unpublish/", years.unpublish, name="year_unpublish"),
    path("years/<int:year>/current/", years.make_current, name="year_current"),
    path("years/<int:year>/export/", years.export_as_of, name="year_export"),
    path("years/<int:year>/lock/", years.lock, name="year_lock"),
    path("years/<int:year>/unlock/", years.unlock, name="year_unlock"),
    path("years/<int:year>/imports/", imports.version_list, name="import_versions"),
    path("years/imports/<int:pk>/file", imports.version_file, name="import_version_file"),
    path("years/imports/<int:pk>/undo/", imports.undo, name="import_undo"),
]

urlpatterns = public_patterns + staff_patterns + round_patterns + year_patterns + kpi_patterns
