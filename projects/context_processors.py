"""Template context for every page: the area (its name in titles and the footer) and the link
to the same page in the other language."""

from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from projects.models import Area


def area(request):
    """The area this portal serves (``{{ area.name }}``; None before ``setup_area``), read
    only by a template that uses it."""
    return {"area": SimpleLazyObject(Area.objects.current)}


def other_language_url(path: str, language: str | None = None) -> str:
    """The page at ``path`` (with its query) in the other interface language: Japanese pages
    have no prefix, English ones start with /en/."""
    other = "ja" if (language or get_language() or "ja").startswith("en") else "en"
    return translate_url(path, other)


def language_switch(request):
    return {"switch_url": other_language_url(request.get_full_path())}
