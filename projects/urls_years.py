"""URL routes (years)."""

urlpatterns = []
