"""URL routes (public): published fiscal years only."""

from django.urls import path
from django.views.decorators.gzip import gzip_page

from . import views

urlpatterns = [
    path("", gzip_page(views.home), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("projects/", gzip_page(views.project_list), name="project_list"),
    path("projects/<int:pk>/", gzip_page(views.project_detail), name="project_detail"),
    path("municipalities/", gzip_page(views.municipality_index), name="municipality_list"),
    path(
        "municipalities/<slug:code>/",
        gzip_page(views.municipality_detail),
        name="municipality_detail",
    ),
    path("calendar/", gzip_page(views.calendar), name="calendar"),
    path("calendar.ics", gzip_page(views.calendar_ics), name="calendar_ics"),
    path(
        "calendar/<slug:code>.ics", gzip_page(views.calendar_ics), name="municipality_calendar_ics"
    ),
    path("feeds/status.atom", gzip_page(views.status_feed), name="status_feed"),
    path("opendata/", gzip_page(views.opendata), name="opendata"),
    path("opendata/<int:year>.<str:fmt>", gzip_page(views.opendata_file), name="opendata_file"),
    path("print/<int:year>/", gzip_page(views.print_table), name="print_table"),
    path("sitemap.xml", gzip_page(views.sitemap), name="sitemap"),
]
