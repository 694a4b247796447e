"""URL routes of the app, one module per audience (public, staff, fiscal-year lifecycle)."""

from . import urls_public

app_name = "projects"

urlpatterns = [*urls_public.urlpatterns]
