"""The secretariat's full tool; municipal staff see it scoped to their municipality.

Permissions come from ``projects.permissions``, not from Django's model permissions
(``access``): the secretariat writes everything, staff change only the activities of their
municipality's projects (and read the rest of the hierarchy). Every activity and project write
goes through ``services.editing``, so the admin records history and refuses stale saves like
the staff page does. Modules: ``area`` (the area, its municipalities), ``years`` (years,
structure, the upload in ``uploads``), ``table`` (projects, rows), ``activities``,
``accounts`` (users, roles, history), ``pages`` (the contact, accessibility and privacy texts).
"""

from django.contrib import admin

from portal.auth import ThrottledAdminAuthenticationForm

from . import accounts, activities, area, kpi, pages, table, years  # noqa: F401 - each registers its admins

admin.site.login_form = ThrottledAdminAuthenticationForm
