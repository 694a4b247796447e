"""URL routes of the app, one module per audience: public, staff, fiscal-year lifecycle."""

from . import urls_public, urls_staff, urls_years

app_name = "projects"

urlpatterns = [*urls_public.urlpatterns, *urls_staff.urlpatterns, *urls_years.urlpatterns]
