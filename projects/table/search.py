"""Japanese search: the text a project is found by, the words of a query, the places to mark.

Pure Python and Sudachi (SudachiPy with its packaged dictionary sudachidict_core); no Django.

Every text is folded the same way: NFKC (ＩＣＴ → ict, １０ → 10), case, katakana → hiragana
(コロナ and ころな are one word), and long vowels (こう, こお, こー and こ-, as in かんこお or
ジオパ-ク, are one sound), each folded character standing where its original stood. A text is
indexed as its folded surface plus, for each word Sudachi finds, its reading and its normalised
form at every granularity (split modes C, B and A: 観光客 and 観光 + 客; 地域公共交通 and
地域 + 公共 + 交通), so that かんこう and カンコウ find 観光 and ちいきこうつう finds 地域公共交通.
The index is built when the data is written (import and save), never per request; a query is
analysed when it is asked (a few characters).

A query is split at spaces into chunks; a chunk is found either as written or, when Sudachi
splits it into several content words (観光萩 → 観光 + 萩), as all of those words: so 観光萩 finds
what 観光 萩 finds, and かんこう, which Sudachi might split oddly, is still found as written.
A chunk in kana is also found as words whose readings spell it (ちいき + こうつう). When nothing
is found, a looser reading is tried: a compound without its one-character words (観光客 → 観光).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

MAX_CHUNKS = 8
# Parts of speech that carry no meaning of their own in a query (の, です, 、, spaces).
_FUNCTION_WORDS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
_HIRAGANA_OFFSET = ord("ァ") - ord("ぁ")
# Hyphens and dashes typed for the long-vowel mark after kana (ジオパ-ク).
_DASHES = set("-‐‑‒–—―−ｰ～〜")
# Kana of the o-row: こう, こお and こー are one sound (かんこお finds 観光).
_O_ROW = set("おこごそぞとどのほぼぽもよょろを")
_WORD_LINE = " "  # words of a line of readings are kept apart by spaces: " ちいき こうつう "
# Readings of kana longer than this are not split into words (the number of ways grows fast).
MAX_SPLIT = 12
# A record's index holds its name's index first, then this line, then the rest: a query found
# before it is found in the name (such projects are listed first).
TITLE_END = "\x1d"
_NO_START = set("ーぁぃぅぇぉっゃゅょゎ")
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


def _is_kana(ch: str) -> bool:
    return "ぁ" <= ch <= "ゖ" or ch == "ー"


def fold_long_vowels(folded: str) -> str:
    """Long vowels as one mark, character for character (the length stays the same): a dash
    after kana is ー, and う or お after a kana of the o-row is ー (こう, こお → こー)."""
    if not folded:
        return folded
    chars = list(folded)
    for i in range(1, len(chars)):
        before, ch = chars[i - 1], chars[i]
        if ch in _DASHES and _is_kana(before) and before != "ー":
            chars[i] = "ー"
        elif ch in "うお" and before in _O_ROW and folded[i - 1] in _O_ROW:
            chars[i] = "ー"
    return "".join(chars)


def fold(text: str) -> str:
    """The form every text is compared in: width, case, kana and long vowels folded."""
    return fold_long_vowels("".join(fold_char(ch) for ch in text))


def reading(text: str) -> str:
    """A text's reading in hiragana as typed (かんこう, not the folded かんこー), for people."""
    return "".join(
        "".join(fold_char(ch) for ch in m.reading_form()) for m in _tokenizer().tokenize(text)
    )


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the character it came from."""
    parts, positions = [], []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        parts.append(folded)
        positions += [i] * len(folded)
    return fold_long_vowels("".join(parts)), positions


@dataclass(frozen=True)
class Word:
    start: int  # in the original text
    end: int
    reading: str  # folded (hiragana)
    normalised: str  # folded
    content: bool  # not a particle, auxiliary or symbol
    numeral: bool = False  # 10 in 10月: no word to look for on its own
    # (surface, reading, normalised) of its smaller words at split modes B and A, folded, when
    # Sudachi splits it (観光客 → 観光 + 客); empty when it is one word at every granularity.
    parts: tuple[tuple[str, str, str], ...] = ()
    noun: bool = False


def words(text: str) -> list[Word]:
    """Sudachi's words of a text, line by line (its input has a length limit); a text of the
    size of a cell (a name, a summary) is analysed once per process."""
    if len(text) <= 2000:
        return list(_cell_words(text))
    return _words(text)


@lru_cache(maxsize=8192)
def _cell_words(text: str) -> tuple[Word, ...]:
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
                        _parts(m),
                        pos[0] == "名詞",
                    )
                )
        offset += len(line)
    return found


def _parts(morpheme) -> tuple[tuple[str, str, str], ...]:
    from sudachipy import SplitMode

    parts = {}
    for mode in (SplitMode.B, SplitMode.A):
        split = morpheme.split(mode)
        if len(split) > 1:
            for m in split:
                if m.part_of_speech()[0] not in _FUNCTION_WORDS:
                    key = fold(m.surface())
                    parts[key] = (key, fold(m.reading_form()), fold(m.normalized_form()))
    return tuple(parts.values())


def index_text(texts: Iterable[str]) -> str:
    """What a record is found by: each text folded, then the readings of its words, run together
    within a phrase of consecutive content words (広域観光連携 → こういきかんこうれんけい, so a
    reading spanning two words is found) and apart across particles and symbols (事業者間の交流
    does not read かんこう), then a line of the readings of its words one by one at every
    granularity, each between spaces (" ちいき こうきょう こうつう "), then their normalised forms."""
    surfaces, readings, word_readings, normalised = [], [], {}, []
    for text in texts:
        if text:
            one = _cell_index if len(text) <= 2000 else _text_index
            folded, phrases, each, forms = one(text)
            surfaces.append(folded)
            readings.append(phrases)
            word_readings.update(each)
            normalised.append(forms)
    words_line = _WORD_LINE + _WORD_LINE.join(r for r in word_readings if r) + _WORD_LINE
    lines = [*surfaces, *readings]
    if word_readings:
        lines.append(words_line)
    return "\n".join([*lines, *(n for n in normalised if n)])


def _text_index(text: str) -> tuple[str, str, dict, str]:
    """One text's part of ``index_text``: folded, its phrases' readings, its words' readings
    (in order, as dict keys) and its normalised forms."""
    folded = fold(text)
    ws = words(text)
    phrases, phrase, word_readings = [], "", {}
    for w in ws:
        if w.content:
            phrase += w.reading
            word_readings[w.reading] = None
            word_readings.update((reading, None) for _, reading, _ in w.parts)
        elif phrase:
            phrases.append(phrase)
            phrase = ""
    forms = [w.normalised for w in ws if w.content]
    forms += [n for w in ws if w.content for _, _, n in w.parts]
    normalised = " ".join(dict.fromkeys(n for n in forms if n not in folded))
    return folded, " ".join([*phrases, phrase]).strip(), word_readings, normalised


# A text of a cell's size (a name, a summary, a line) is indexed once per process, however
# many records hold it.
_cell_index = lru_cache(maxsize=8192)(_text_index)


@dataclass(frozen=True)
class Chunk:
    """One space-separated part of a query: found as written, or as all of its words, or as all
    the words of one of its other spellings; ``loose`` only when nothing is found otherwise."""

    text: str  # folded
    words: tuple[str, ...] = ()  # folded content words, when Sudachi splits it into several
    # Other ways to find it, each as all of its words: synonyms, the smaller words of a
    # compound, normalised forms, and for kana the readings of words (" ちいき ", " こーつう ",
    # found between spaces in the index's line of word readings).
    spellings: tuple[tuple[str, ...], ...] = ()
    loose: tuple[str, ...] = ()  # a compound without its one-character words (観光客 → 観光)

    @property
    def needles(self) -> tuple[str, ...]:
        """What to mark: the text, its words, synonyms and normalised forms (the words of a
        kana reading only through ``pieces``, where the text itself is not found)."""
        found = [self.text, *self.words, *(w for ws in self.spellings for w in ws)]
        return tuple(n for n in dict.fromkeys(found) if not n.startswith(" "))

    def pieces(self, index: str) -> tuple[str, ...]:
        """The words of the first kana spelling found in ``index`` (nothing when the text is)."""
        if self.text in index:
            return ()
        for spelling in self.spellings:
            if spelling[0].startswith(" ") and all(w in index for w in spelling):
                return tuple(w.strip() for w in spelling)
        return self.loose if all(w in index for w in self.loose) else ()


def parse_query(query: str, synonyms: dict[str, tuple[str, ...]] | None = None) -> list[Chunk]:
    """The chunks of a query (at most ``MAX_CHUNKS``), each with its words and spellings.
    ``synonyms`` maps a folded word to the folded words it also finds (``synonym_map``)."""
    chunks = []
    for raw in unicodedata.normalize("NFKC", query).split()[:MAX_CHUNKS]:
        part = fold(raw)
        ws = words(raw)
        content = ()
        # A reading is looked for as typed (Sudachi splits kana oddly), and so is a chunk with
        # a number in it (10月, 令和3年: the number belongs to its counter).
        numeral = any(w.numeral for w in ws)
        if not _is_hiragana(part) and not numeral:
            content = tuple(
                dict.fromkeys(
                    part[w.start : w.end]
                    for w in ws
                    if w.content
                    and (w.end - w.start > 1 or not _is_hiragana(part[w.start : w.end]))
                )
            )  # in order, once each; a lone hiragana (は, の) is no word to look for
        spellings = [(alt,) for alt in (synonyms or {}).get(part, ()) if alt != part]
        if not numeral:
            spellings += _other_spellings(part, ws)
        spellings = [s for s in dict.fromkeys(spellings) if s not in ((part,), content)]
        loose = () if numeral else _loose(ws, kana=_is_hiragana(part))
        chunks.append(
            Chunk(
                part,
                content if len(content) > 1 else (),
                tuple(spellings),
                loose if loose not in ((part,), content) else (),
            )
        )
    return chunks


def _other_spellings(part: str, ws: list[Word]) -> list[tuple[str, ...]]:
    content = [w for w in ws if w.content]
    found = []
    smaller = tuple(p[0] for w in content for p in w.parts)
    if smaller and len(content) == 1 and all(len(w) > 1 for w in smaller):
        found.append(smaller)  # 地域公共交通 → 地域 + 公共 + 交通 (観光 + 客: see _loose)
    forms = tuple(w.normalised for w in content)
    if forms and "".join(forms) != part and not _is_hiragana(part):
        found.append(forms)
    if _is_hiragana(part) and 4 <= len(part) <= MAX_SPLIT:
        found += _kana_splits(part)
    return found


def _kana_splits(part: str) -> list[tuple[str, ...]]:
    """Each way of reading ``part`` as two words of at least two kana or three of at least
    three (none starting with ー or a small kana)."""
    found = []
    n = len(part)
    for i in range(2, n - 1):
        if part[i] not in _NO_START:
            found.append((f" {part[:i]} ", f" {part[i:]} "))
        for j in range(i + 3, n - 2):  # three words: of three kana or more each
            if i >= 3 and part[i] not in _NO_START and part[j] not in _NO_START:
                found.append((f" {part[:i]} ", f" {part[i:j]} ", f" {part[j:]} "))
    return found


def _loose(ws: list[Word], *, kana: bool) -> tuple[str, ...]:
    """The nouns of one compound (one word split in smaller ones, or kana read as nouns) that
    have more than one character and a kanji, as normalised (観光客, かんこうきゃく → 観光)."""
    content = [w for w in ws if w.content]
    if len(content) == 1 and content[0].parts:
        forms = [form for _, _, form in content[0].parts]
    elif len(content) > 1 and kana and all(w.noun for w in content):
        forms = [w.normalised for w in content]
    else:
        return ()
    kept = [f for f in forms if len(f) > 1 and any(_is_kanji(ch) for ch in f)]
    return tuple(dict.fromkeys(kept)) if 0 < len(kept) < len(forms) else ()


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ"


def _is_hiragana(text: str) -> bool:
    return all("ぁ" <= ch <= "ゖ" or ch == "ー" for ch in text)


def chunk_found_in(chunk: Chunk, index: str, *, loose: bool = False) -> bool:
    """The rule the database query follows, for one indexed text."""
    if loose and chunk.loose:
        return all(w in index for w in chunk.loose)
    return (
        chunk.text in index
        or bool(chunk.words)
        and all(w in index for w in chunk.words)
        or any(all(w in index for w in spelling) for spelling in chunk.spellings)
    )
