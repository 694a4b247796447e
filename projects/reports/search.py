"""Search of the public list: a query's chunks (``table.search``) as a database condition.

A chunk is found in a project when its folded text, or every one of its words, or every word of
one of its other spellings, is found in the project's search text (names, 事業の概要,
activities, details, tags and their readings), in the name, reading or English name of a
municipality the project concerns (萩, はぎ and Hagi find every project of 萩市), or in the words
of a status one of its activities has (コロナ finds ■ コロナの影響による中止; 完了, ちゅうし, done
and cancelled find what their glyph marks). The search text is written at import and save
time, so a query reads one column. A word of the secretariat's synonyms (``Synonym``) also
finds its term. Projects whose name holds the query come first.
"""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import translation

from projects.models import Activity, Municipality, Project, ProjectRow, Status, Synonym
from projects.table.marks import marks
from projects.table.search import (
    TITLE_END,
    Chunk,
    chunk_found_in,
    fold,
    index_text,
    parse_query,
)

__all__ = ["activity_matches", "condition", "marks", "parse_query", "query_chunks"]

# What residents call each status, in both languages (the legend's words come from the year).
STATUS_WORDS = {
    Status.DONE: [
        "完了",
        "実施済み",
        "実施済",
        "済み",
        "済",
        "終了",
        "done",
        "completed",
        "complete",
        "finished",
    ],
    Status.IN_PROGRESS: [
        "実施中",
        "進行中",
        "継続中",
        "取組中",
        "in progress",
        "ongoing",
        "underway",
    ],
    Status.PLANNED: ["予定", "計画中", "未実施", "planned", "scheduled", "upcoming"],
    Status.CANCELLED: ["中止", "取りやめ", "とりやめ", "cancelled", "canceled", "called off"],
}


def query_chunks(query: str) -> list[Chunk]:
    """The chunks of a query with the secretariat's synonyms (one query when there is one)."""
    if not query.strip():
        return []
    return parse_query(query, synonym_map())


def synonym_map() -> dict[str, tuple[str, ...]]:
    """{folded word: the folded terms it also finds}."""
    found: dict[str, list[str]] = {}
    for synonym in Synonym.objects.all():
        term = fold(synonym.term)
        for word in synonym.word_list()[1:]:
            found.setdefault(fold(word), []).append(term)
    return {word: tuple(dict.fromkeys(terms)) for word, terms in found.items()}


def status_words(fiscal_year) -> dict[str, list[str]]:
    """{status: the folded words it goes by}: the year's legend, the interface's word in both
    languages, the glyph, what residents call it, and the readings of those words."""
    words = {}
    for s in Status.values:
        status = Status(s)
        labels = {fiscal_year.legend_for(s), str(status.label), status.glyph}
        for language in ("ja", "en"):
            with translation.override(language):
                labels.add(str(status.label))
        labels.update(STATUS_WORDS.get(status, ()))
        labels = {label for label in labels if label}
        folded = {fold(label) for label in labels}
        readings = _readings(tuple(sorted(labels)))
        words[s] = sorted(folded | readings)
    return words


def _readings(labels: tuple[str, ...]) -> set[str]:
    """The readings of the words (中止 → ちゅうし), from their index's reading lines."""
    found = set()
    for label in labels:
        lines = index_text([label]).split("\n")
        found.update(line.strip() for line in lines[1:] if line.strip())
    return found


def _status_hit(needle: str, words: list[str]) -> bool:
    """A status word holds the needle; a kana or latin needle of one character is no word."""
    if len(needle) < 2 and (needle.isascii() or "ぁ" <= needle <= "ゖ"):
        return False
    return any(needle in w for w in words)


def _town_hit(needle: str, municipality) -> bool:
    if needle.isascii():  # romaji: the start of the English name or the slug (hagi, sanyo)
        names = {fold(municipality.name_en).replace(" ", ""), municipality.slug}
        plain = needle.replace("-", "")
        return len(needle) >= 2 and any(
            n.startswith(needle) or n.replace("-", "").startswith(plain) for n in names if n
        )
    return needle in fold(municipality.name) or needle in fold(municipality.reading)


def _needle(needle: str, municipalities, statuses: dict[str, list[str]]) -> Q:
    found = Q(search_text__contains=needle)
    if needle.startswith(" "):  # a word of the readings' line: the index only
        return found
    towns = [m for m in municipalities if _town_hit(needle, m)]
    if towns:
        rows = reduce(or_, (Q(pk__in=ProjectRow.objects.concerning(m)) for m in towns))
        found |= Q(Exists(ProjectRow.objects.filter(rows, project=OuterRef("pk"))))
        for town in towns:  # a romaji name also finds the name in the text (a railway line)
            found |= Q(search_text__contains=fold(town.name).removesuffix("市").removesuffix("町"))
    matched = [s for s, words in statuses.items() if _status_hit(needle, words)]
    if matched:
        found |= Q(Exists(Activity.objects.filter(status__in=matched, row__project=OuterRef("pk"))))
    return found


def _all(needles, municipalities, statuses) -> Q:
    return reduce(and_, (_needle(n, municipalities, statuses) for n in needles))


def condition(chunks: list[Chunk], fiscal_year, municipalities=None, *, loose=False) -> Q:
    """Projects in which every chunk is found; ``loose``: a chunk with a looser reading is
    looked for by it (tried when nothing is found otherwise)."""
    municipalities = list(Municipality.objects.all()) if municipalities is None else municipalities
    statuses = status_words(fiscal_year)
    parts = []
    for chunk in chunks:
        if loose and chunk.loose:
            parts.append(_all(chunk.loose, municipalities, statuses))
            continue
        found = _needle(chunk.text, municipalities, statuses)
        if any(chunk.text in words for words in statuses.values()):
            parts.append(found)  # 実施予定 is a status, not 実施 + 予定
            continue
        if chunk.words:
            found |= _all(chunk.words, municipalities, statuses)
        for spelling in chunk.spellings:
            found |= _all(spelling, municipalities, statuses)
        parts.append(found)
    return reduce(and_, parts, Q()) if parts else Q(pk__in=Project.objects.none())


def has_loose(chunks: list[Chunk]) -> bool:
    return any(chunk.loose for chunk in chunks)


def title_first(projects, chunks: list[Chunk]):
    """The projects with ``title_rank`` 0 where a needle is found in the name's part of the
    index (before ``TITLE_END``), else 1."""
    end = StrIndex("search_text", Value(TITLE_END))
    hits = []
    for chunk in chunks:
        for needle in (chunk.text, *chunk.loose):
            at = StrIndex("search_text", Value(needle))
            hits.append(Q(GreaterThan(at, 0)) & Q(LessThan(at, end)))
    if not hits:
        return projects.annotate(title_rank=Value(1, output_field=IntegerField()))
    return projects.annotate(
        title_rank=Case(
            When(reduce(or_, hits), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )


def activity_matches(activity, chunks: list[Chunk], statuses: dict[str, list[str]]) -> bool:
    """Whether the activity's own index (text, details, tags and their readings) or its status
    words hold one of the chunks: read from the stored index, nothing analysed per request."""
    words = statuses.get(activity.status or "", [])
    return any(
        chunk_found_in(chunk, activity.search_text)
        or chunk_found_in(chunk, activity.search_text, loose=True)
        or any(_status_hit(n, words) for n in chunk.needles)
        for chunk in chunks
    )
