"""Japanese search text (``table.search``): folding, readings, how a query is split, marks."""

import pytest

from projects.table.marks import marks, tag_spans
from projects.table.search import (
    Chunk,
    chunk_found_in,
    fold,
    index_text,
    parse_query,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＩＣＴ", "ict"),
        ("１０月", "10月"),
        ("カンコウ", "かんこー"),  # こう, こお, こー: one long vowel
        ("かんこお", "かんこー"),
        ("ジオパ-ク", "じおぱーく"),  # a hyphen typed for ー
        ("ジオパーク", "じおぱーく"),
        ("ＤＸ", "dx"),
        ("コロナ", "ころな"),
        ("ヴァ", "ゔぁ"),
        ("観光", "観光"),
    ],
)
def test_fold_makes_width_case_and_kana_alike(text, folded):
    assert fold(text) == folded


def test_the_index_holds_the_text_its_readings_and_normalised_forms():
    index = index_text(["広域観光連携", "ＩＣＴの活用"])
    assert "広域観光連携" in index and "ictの活用" in index
    assert "こーいきかんこーれんけい" in index  # a reading spanning two words is found
    assert "あいしーてぃー" in index


def test_readings_do_not_run_across_particles():
    # 間 (かん) + の + 交流 (こうりゅう) must not read かんこう
    index = index_text(["事業者間の交流促進"])
    assert "かんこー" not in index
    assert "こーりゅうそくしん" in index


@pytest.mark.parametrize(
    ("query", "chunks"),
    [
        ("観光萩", [Chunk("観光萩", ("観光", "萩"))]),
        ("観光 萩", [Chunk("観光", ()), Chunk("萩", ())]),
        ("観光　萩", [Chunk("観光", ()), Chunk("萩", ())]),  # an ideographic space
        ("かんこう", [Chunk("かんこー", (), ((" かん ", " こー "),))]),  # as typed, or as words
        ("カンコウ", [Chunk("かんこー", (), ((" かん ", " こー "),))]),
        ("観光客", [Chunk("観光客", (), (), ("観光",))]),  # loosely: 観光
        ("１０月", [Chunk("10月", ())]),  # a number stays with its counter
        ("観光の振興", [Chunk("観光の振興", ("観光", "振興"))]),  # の is no word to look for
        ("", []),
    ],
)
def test_a_query_is_split_into_chunks_and_words(query, chunks):
    assert parse_query(query) == chunks


def test_a_chunk_is_found_as_written_or_as_all_its_words():
    index = index_text(["萩市の観光振興"])
    (chunk,) = parse_query("観光萩")
    assert chunk_found_in(chunk, index)
    assert not chunk_found_in(parse_query("観光宇部")[0], index)


def test_the_index_holds_readings_at_every_granularity():
    index = index_text(["地域公共交通対策", "観光客の誘致"])
    assert " ちいき " in index and " こーつう " in index  # split mode A, word by word
    assert " かんこーきゃく " in index and " かんこー " in index  # modes C and A
    (chunk,) = parse_query("ちいきこうつう")  # 地域 + 交通, 公共 left out
    assert chunk_found_in(chunk, index)
    assert not chunk_found_in(parse_query("ちいきこうりゅう")[0], index)


def test_synonyms_add_the_terms_a_word_finds():
    (chunk,) = parse_query("じてんしゃ", {"じてんしゃ": ("さいくる",)})
    assert ("さいくる",) in chunk.spellings
    assert chunk_found_in(chunk, index_text(["サイクルイベントの開催"]))


def test_marks_point_at_the_original_characters():
    text = "ＩＣＴを活用した広域観光連携"
    spans = marks(text, parse_query("ict"))
    assert [text[s:e] for s, e in spans] == ["ＩＣＴ"]
    spans = marks(text, parse_query("かんこう"))  # found by its reading
    assert [text[s:e] for s, e in spans] == ["観光"]
    spans = marks(text, parse_query("観光萩"))  # 萩 is not in the text: 観光 still marked
    assert [text[s:e] for s, e in spans] == ["観光"]
    assert marks(text, []) == []


def test_tag_spans():
    text = "パンフレットの制作【新規】【拡充】"
    assert [text[s:e] for s, e in tag_spans(text)] == ["【新規】【拡充】"]
    assert tag_spans("新規事業") == []
