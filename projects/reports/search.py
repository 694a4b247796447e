"""Search of the public list: a query's chunks (``table.search``) as a database condition.

A chunk is found in a project when its folded text, or every one of its words, is found in the
project's search text (names, 事業の概要, activities, details, tags and their readings), in the
name or reading of a municipality the project concerns (萩 finds every project of 萩市), or in
the words of a status one of its activities has (コロナ finds ■ コロナの影響による中止). The search
text is written at import and save time, so a query reads one column.
"""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db.models import Exists, OuterRef, Q
from django.utils import translation

from projects.models import Activity, Municipality, Project, ProjectRow, Status
from projects.table.search import Chunk, chunk_found_in, fold, marks, parse_query

__all__ = ["activity_matches", "condition", "marks", "parse_query"]


def status_words(fiscal_year) -> dict[str, list[str]]:
    """{status: the folded words it goes by}: the year's legend, the interface's word in both
    languages and the glyph."""
    words = {}
    for s in Status.values:
        status = Status(s)
        labels = {fiscal_year.legend_for(s), str(status.label), status.glyph}
        for language in ("ja", "en"):
            with translation.override(language):
                labels.add(str(status.label))
        words[s] = [fold(label) for label in labels if label]
    return words


def _needle(needle: str, municipalities, statuses: dict[str, list[str]]) -> Q:
    found = Q(search_text__contains=needle)
    towns = [m for m in municipalities if needle in fold(m.name) or needle in fold(m.reading)]
    if towns:
        rows = reduce(or_, (Q(pk__in=ProjectRow.objects.concerning(m)) for m in towns))
        found |= Q(Exists(ProjectRow.objects.filter(rows, project=OuterRef("pk"))))
    matched = [s for s, words in statuses.items() if any(needle in w for w in words)]
    if matched:
        found |= Q(Exists(Activity.objects.filter(status__in=matched, row__project=OuterRef("pk"))))
    return found


def condition(chunks: list[Chunk], fiscal_year, municipalities=None) -> Q:
    """Projects in which every chunk is found."""
    municipalities = list(Municipality.objects.all()) if municipalities is None else municipalities
    statuses = status_words(fiscal_year)
    parts = []
    for chunk in chunks:
        found = _needle(chunk.text, municipalities, statuses)
        if chunk.words:
            found |= reduce(and_, (_needle(w, municipalities, statuses) for w in chunk.words))
        parts.append(found)
    return reduce(and_, parts, Q()) if parts else Q(pk__in=Project.objects.none())


def activity_matches(activity, chunks: list[Chunk], statuses: dict[str, list[str]]) -> bool:
    """Whether the activity's own index (text, details, tags and their readings) or its status
    words hold one of the chunks: read from the stored index, nothing analysed per request."""
    words = statuses.get(activity.status or "", [])
    return any(
        chunk_found_in(chunk, activity.search_text)
        or any(n in w for n in chunk.needles for w in words)
        for chunk in chunks
    )
