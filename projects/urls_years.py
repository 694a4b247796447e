"""URL routes of the fiscal-year lifecycle: the secretariat's 「年度の管理」 and the public
comparison of two years."""

from django.urls import path

from . import year_views

urlpatterns = [
    path("years/", year_views.year_list, name="years"),
    path("years/compare/", year_views.compare, name="year_compare"),
    path("years/compare.csv", year_views.compare_csv, name="year_compare_csv"),
    path("years/<int:year>/rollover/", year_views.rollover, name="year_rollover"),
    path("years/<int:year>/publish/", year_views.publish, name="year_publish"),
    path("years/<int:year>/unpublish/", year_views.unpublish, name="year_unpublish"),
    path("years/<int:year>/current/", year_views.make_current, name="year_current"),
    path("years/<int:year>/export/", year_views.export_as_of, name="year_export"),
]
