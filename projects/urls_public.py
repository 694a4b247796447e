"""URL routes (public): published fiscal years only."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("municipalities/", views.municipality_index, name="municipality_list"),
    path("municipalities/<slug:code>/", views.municipality_detail, name="municipality_detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("calendar/<slug:code>.ics", views.calendar_ics, name="municipality_calendar_ics"),
    path("feeds/status.atom", views.status_feed, name="status_feed"),
    path("opendata/", views.opendata, name="opendata"),
    path("opendata/<int:year>.<str:fmt>", views.opendata_file, name="opendata_file"),
    path("print/<int:year>/", views.print_table, name="print_table"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
