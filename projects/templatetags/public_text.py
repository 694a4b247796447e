"""Template tags of the public pages: ``{% marked text chunks %}`` writes a text as written,
with its tags (【新規】…) marked as tags and the search's matches highlighted;
``{% localized obj "name" chunks %}`` writes a name or summary in the page's language: on the
English site its English text where the secretariat wrote one, else the Japanese one marked
「日本語のみ」 (Japanese only)."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.table.marks import marks, tag_spans

register = template.Library()


@register.simple_tag
def marked(text, chunks=None, index=None):
    """The text escaped, every character kept: tags in ``<span class="tag">``, matches of the
    query in ``<mark>`` (``index``: the text's stored search text, if it has one); where the
    two overlap each piece gets both."""
    text = text or ""
    tags = tag_spans(text)
    found = marks(text, chunks or [], index)
    if not tags and not found:
        return escape(text)
    cuts = sorted({0, len(text), *(i for span in tags + found for i in span)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[start:end])
        if any(s <= start and end <= e for s, e in found):
            piece = f"<mark>{piece}</mark>"
        if any(s <= start and end <= e for s, e in tags):
            piece = f'<span class="tag">{piece}</span>'
        parts.append(piece)
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


@register.filter
def ja(text):
    """Text that stays Japanese in the English interface (a year's label, a name), marked so."""
    return format_html('<span lang="ja">{}</span>', text)


# The English field of each Japanese one the public pages show.
ENGLISH_FIELDS = {"name": "name_en", "title": "title_en", "heading": "title_en"}
ENGLISH_FIELDS["summary"] = "summary_en"


def english_of(obj, field: str) -> str:
    """The object's English text for ``field`` ("" where none is written)."""
    return getattr(obj, ENGLISH_FIELDS.get(field, ""), "") or ""


@register.simple_tag
def localized(obj, field, chunks=None, lines=False):
    """``obj.field`` in the page's language, inside an element marked ``lang="ja"`` (see the
    module); ``lines``: line breaks kept."""
    text = getattr(obj, field, "") or ""
    english = english_of(obj, field) if get_language() == "en" else ""
    shown = marked(english or text, chunks)
    if lines:
        shown = mark_safe(shown.replace("\n", "<br>"))  # noqa: S308 - escaped by marked
    if get_language() != "en" or not (english or text):
        return shown
    if english:
        return format_html('<span lang="en">{}</span>', shown)
    return format_html('{} <span class="ja-only" lang="en">({})</span>', shown, _("日本語のみ"))


@register.filter
def town(municipality):
    """A municipality's name in the page's language (its English name on the English site)."""
    if get_language() == "en" and getattr(municipality, "name_en", ""):
        return format_html('<span lang="en">{}</span>', municipality.name_en)
    return municipality.name
