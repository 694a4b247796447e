"""URL routes (staff)."""

urlpatterns = []
