"""URL routes of the staff page 「実績の更新」 (login required)."""

from django.urls import path

from . import staff_views

urlpatterns = [
    path("staff/", staff_views.activity_list, name="staff_activities"),
    path("staff/activities/<int:pk>/", staff_views.activity_update, name="staff_activity_update"),
    path(
        "staff/activities/<int:pk>/delete/",
        staff_views.activity_delete,
        name="staff_activity_delete",
    ),
    path("staff/rows/<int:pk>/activities/", staff_views.activity_add, name="staff_activity_add"),
    path("staff/history/", staff_views.history, name="staff_history"),
    path("staff/export/<str:kind>.<str:fmt>", staff_views.export, name="staff_export"),
]
