"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from projects.models import Area


def area(request):
    """The area this portal serves (``{{ area.name }}``; None before ``setup_area``), read
    only by a template that uses it."""
    return {"area": SimpleLazyObject(Area.objects.current)}
