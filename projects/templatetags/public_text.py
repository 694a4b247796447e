"""Template tags of the public pages: ``{% marked text chunks %}`` writes a text as written,
with its tags (【新規】…) marked as tags and the search's matches highlighted."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from projects.table.search import marks, tag_spans

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
