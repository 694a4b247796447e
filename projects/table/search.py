"""Japanese search: the text a project is found by, the words of a query, the places to mark.

Pure Python and Sudachi (SudachiPy with its packaged dictionary sudachidict_core); no Django.

Every text is folded the same way, character by character: NFKC (ＩＣＴ → ict, １０ → 10), case,
katakana → hiragana (コロナ and ころな are one word). A text is indexed as its folded surface
plus, for each word Sudachi finds, its reading and its normalised form, so that かんこう and
カンコウ find 観光. The index is built when the data is written (import and save), never per
request; a query is analysed when it is asked (a few characters).

A query is split at spaces into chunks; a chunk is found either as written or, when Sudachi
splits it into several content words (観光萩 → 観光 + 萩), as all of those words: so 観光萩 finds
what 観光 萩 finds, and かんこう, which Sudachi might split oddly, is still found as written.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .notation import TAGS

MAX_CHUNKS = 8
# Parts of speech that carry no meaning of their own in a query (の, です, 、, spaces).
_FUNCTION_WORDS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_HIRAGANA_OFFSET = ord("ァ") - ord("ぁ")
_local = threading.local()


def _tokenizer():
    """One Sudachi tokenizer per thread (they keep state between calls)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        _local.tokenizer = tokenizer
    return tokenizer


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).casefold()
    return "".join(chr(ord(c) - _HIRAGANA_OFFSET) if "ァ" <= c <= "ヶ" else c for c in folded)


def fold(text: str) -> str:
    """The form every text is compared in: width, case and kana folded."""
    return "".join(fold_char(ch) for ch in text)


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character it came from."""
    parts, positions = [], []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        parts.append(folded)
        positions += [i] * len(folded)
    return "".join(parts), positions


@dataclass(frozen=True)
class Word:
    start: int  # in the original text
    end: int
    reading: str  # folded (hiragana)
    normalised: str  # folded
    content: bool  # not a particle, auxiliary or symbol
    numeral: bool = False  # 10 in 10月: no word to look for on its own


def words(text: str) -> list[Word]:
    """Sudachi's words of a text, line by line (its input has a length limit); a short text
    (a name) is analysed once per process."""
    if len(text) <= 24:
        return list(_short_words(text))
    return _words(text)


@lru_cache(maxsize=2048)
def _short_words(text: str) -> tuple[Word, ...]:
    return tuple(_words(text))


def _words(text: str) -> list[Word]:
    found, offset = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            for m in _tokenizer().tokenize(line[:12000]):
                pos = m.part_of_speech()
                found.append(
                    Word(
                        offset + m.begin(),
                        offset + m.end(),
                        fold(m.reading_form()),
                        fold(m.normalized_form()),
                        pos[0] not in _FUNCTION_WORDS,
                        pos[1] == "数詞",
                    )
                )
        offset += len(line)
    return found


def index_text(texts: Iterable[str]) -> str:
    """What a record is found by: each text folded, then the readings of its words, run together
    within a phrase of consecutive content words (広域観光連携 → こういきかんこうれんけい, so a
    reading spanning two words is found) and apart across particles and symbols (事業者間の交流
    does not read かんこう), then their normalised forms."""
    surfaces, readings, normalised = [], [], []
    for text in texts:
        if not text:
            continue
        folded = fold(text)
        surfaces.append(folded)
        ws = words(text)
        phrases, phrase = [], ""
        for w in ws:
            if w.content:
                phrase += w.reading
            elif phrase:
                phrases.append(phrase)
                phrase = ""
        readings.append(" ".join([*phrases, phrase]).strip())
        normalised.append(
            " ".join(w.normalised for w in ws if w.content and w.normalised not in folded)
        )
    return "\n".join([*surfaces, *readings, *(n for n in normalised if n)])


@dataclass(frozen=True)
class Chunk:
    """One space-separated part of a query: found as written, or as all of its words."""

    text: str  # folded
    words: tuple[str, ...]  # folded content words, when Sudachi splits it into several

    @property
    def needles(self) -> tuple[str, ...]:
        return (self.text, *self.words)


def parse_query(query: str) -> list[Chunk]:
    """The chunks of a query (at most ``MAX_CHUNKS``), each with its words."""
    chunks = []
    for part in fold(query).split()[:MAX_CHUNKS]:
        content = ()
        ws = words(part)
        # A reading is looked for as typed (Sudachi splits kana oddly), and so is a chunk with
        # a number in it (10月, 令和3年: the number belongs to its counter).
        if not _is_hiragana(part) and not any(w.numeral for w in ws):
            content = tuple(
                dict.fromkeys(
                    part[w.start : w.end]
                    for w in ws
                    if w.content
                    and (w.end - w.start > 1 or not _is_hiragana(part[w.start : w.end]))
                )
            )  # in order, once each; a lone hiragana (は, の) is no word to look for
        chunks.append(Chunk(part, content if len(content) > 1 else ()))
    return chunks


def _is_hiragana(text: str) -> bool:
    return all("ぁ" <= ch <= "ゖ" or ch == "ー" for ch in text)


def chunk_found_in(chunk: Chunk, index: str) -> bool:
    """The rule the database query follows, for one indexed text."""
    return chunk.text in index or bool(chunk.words) and all(w in index for w in chunk.words)


def marks(text: str, chunks: list[Chunk], index: str | None = None) -> list[tuple[int, int]]:
    """Spans of ``text`` (original indices, merged, in order) that the query matched: a needle
    found in the folded text as written, else the words whose readings spell it. ``index``, the
    text's stored index where there is one, spares the analysis of needles it does not hold;
    a short text (a name) is marked once per process and query."""
    if not chunks or not text:
        return []
    needles = tuple(n for c in chunks for n in c.needles if index is None or n in index)
    if not needles:
        return []
    if len(text) <= 24:
        return list(_short_marks(text, needles))
    return _marks(text, needles)


@lru_cache(maxsize=4096)
def _short_marks(text: str, needles: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    return tuple(_marks(text, needles))


def _marks(text: str, needles) -> list[tuple[int, int]]:
    folded, positions = fold_with_positions(text)
    spans, by_reading = [], []
    for needle in needles:
        found = _find_all(folded, needle)
        if found:
            spans += [(positions[s], positions[e - 1] + 1) for s, e in found]
        else:
            by_reading.append(needle)
    if by_reading:
        spans += _reading_spans(text, by_reading)
    return _merge(spans)


def _find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    found, start = [], 0
    while needle and (i := haystack.find(needle, start)) >= 0:
        found.append((i, i + len(needle)))
        start = i + len(needle)
    return found


def _reading_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    ws = words(text)
    reading, owner = "", []
    for k, w in enumerate(ws):
        reading += w.reading
        owner += [k] * len(w.reading)
    spans = []
    for needle in needles:
        for s, e in _find_all(reading, needle):
            spans.append((ws[owner[s]].start, ws[owner[e - 1]].end))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def tag_spans(text: str) -> list[tuple[int, int]]:
    """Where the tags 【新規】【拡充】【再掲】 stand in a text."""
    return _merge([s for tag in TAGS for s in _find_all(text, f"【{tag}】")])
