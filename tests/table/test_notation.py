"""Markers, legends, tags and the lines of a results cell (``projects.table.notation``).

Most inputs are taken verbatim from the FY2020 (令和2年度) table.
"""

import pytest

from projects.table.notation import (
    CANONICAL_MARKERS,
    DEFAULT_LEGEND,
    LOOKALIKES,
    STATUSES,
    TAGS,
    Line,
    classify_line,
    find_tags,
    legend_problems,
    parse_legend,
    split_lines,
    strip_tags,
)

# ---------------------------------------------------------------- constants


def test_constants_are_consistent():
    assert set(CANONICAL_MARKERS) == set(STATUSES) == set(DEFAULT_LEGEND)
    assert LOOKALIKES == {"\u25ef": "\u25cb", "\u26ab": "\u25cf"}
    assert TAGS == ("新規", "拡充", "再掲")


# ---------------------------------------------------------------- legend

SEED_HEADER = "事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■コロナの影響による中止)"


def test_parse_legend_seed_header_in_written_order():
    legend = parse_legend(SEED_HEADER)
    assert legend == DEFAULT_LEGEND
    assert list(legend) == ["done", "in_progress", "planned", "cancelled"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("（●は実施済み、○は実施中）", {"done": "実施済み", "in_progress": "実施中"}),
        ("(△は実施予定、●は実施済み)", {"planned": "実施予定", "done": "実施済み"}),
        ("(◯は実施中、⚫は実施済み)", {"in_progress": "実施中", "done": "実施済み"}),
        ("(●：完了、○：継続)", {"done": "完了", "in_progress": "継続"}),
        ("(●=完了,○=継続)", {"done": "完了", "in_progress": "継続"}),
        ("●実施済み ○実施中", {"done": "実施済み", "in_progress": "実施中"}),
        ("(■中止)", {"cancelled": "中止"}),
        (
            "(■は新型コロナウイルス感染症の影響で中止）",
            {"cancelled": "新型コロナウイルス感染症の影響で中止"},
        ),
        ("事業の実績見込み", {}),
        ("", {}),
        ("(◎は達成、×は未達成)", {}),
        (
            "事業の実績\n（実施済みは●、実施中は○、実施予定は△、中止は■）",
            {
                "done": "実施済み",
                "in_progress": "実施中",
                "planned": "実施予定",
                "cancelled": "中止",
            },
        ),
        ("【実施済み：●／実施中：○】", {"done": "実施済み", "in_progress": "実施中"}),
        ("実施済み● 実施中○", {"done": "実施済み", "in_progress": "実施中"}),
        (
            "事業の実績 ●実施済み　○実施中　△実施予定　■中止・延期",
            {
                "done": "実施済み",
                "in_progress": "実施中",
                "planned": "実施予定",
                "cancelled": "中止・延期",
            },
        ),
        ("［■＝新型コロナウイルスの影響で中止］", {"cancelled": "新型コロナウイルスの影響で中止"}),
    ],
)
def test_parse_legend_variants(text, expected):
    assert parse_legend(text) == expected
    assert list(parse_legend(text)) == list(expected)


def test_parse_legend_first_definition_wins():
    assert parse_legend("(●は実施済み、⚫は完了)") == {"done": "実施済み"}


@pytest.mark.parametrize(
    "text, problems",
    [
        (SEED_HEADER, []),
        ("（実施済みは●、実施中は○、実施予定は△、中止は■）", []),
        ("事業の実績", []),  # no legend at all: the reader's warning, not an error
        (
            "(●は実施済み、○は実施中、△は実施予定、■は中止、⚫は完了)",
            ["凡例で「●」が 2 回定義されています (「●実施済み」と「⚫完了」)。"],
        ),
        (
            "(●は実施済み、○は実施中、○は継続、△は実施予定、■は中止)",
            ["凡例で「○」が 2 回定義されています (「○実施中」と「○継続」)。"],
        ),
        (
            "(●は実施済み、○は実施中)",
            ["凡例に「△」「■」の定義がありません (● ○ △ ■ のそれぞれの意味を書いてください)。"],
        ),
    ],
)
def test_legend_problems(text, problems):
    assert legend_problems(text) == problems


# ---------------------------------------------------------------- markers


@pytest.mark.parametrize(
    "line, status, prefix, text",
    [
        (
            "●オープニングセレモニー(10/4)山口宇部空港",
            "done",
            "●",
            "オープニングセレモニー(10/4)山口宇部空港",
        ),
        ("○DMOの運営支援", "in_progress", "○", "DMOの運営支援"),
        ("△サイクルマップの作成", "planned", "△", "サイクルマップの作成"),
        ("■産業観光推進事業の推進", "cancelled", "■", "産業観光推進事業の推進"),
        ("● 実施済みの事業", "done", "● ", "実施済みの事業"),
        ("○\u3000全角空白の後", "in_progress", "○\u3000", "全角空白の後"),
        ("△  二つの空白", "planned", "△  ", "二つの空白"),
        ("  ■字下げ", "cancelled", "  ■", "字下げ"),
        ("\u3000● 全角字下げ", "done", "\u3000● ", "全角字下げ"),
        ("\u25efDMOの経営人材の育成", "in_progress", "\u25ef", "DMOの経営人材の育成"),
        (
            "\u26ab宇部市志立市民大学授業料の市外枠の廃止",
            "done",
            "\u26ab",
            "宇部市志立市民大学授業料の市外枠の廃止",
        ),
        ("●", "done", "●", ""),
        (
            "○COC+ テクノロジー×アート講座の開催【再掲】",
            "in_progress",
            "○",
            "COC+ テクノロジー×アート講座の開催【再掲】",
        ),
    ],
)
def test_classify_activity(line, status, prefix, text):
    result = classify_line(line)
    assert result == Line("activity", status, prefix, text)
    assert result.prefix + result.text == line


@pytest.mark.parametrize(
    "line, symbol",
    [
        ("〇山口市立図書館の資料貸出し", "〇"),  # U+3007, the kanji zero
        ("◎達成", "◎"),
        ("×未達成", "×"),
        ("◇検討中", "◇"),
        ("◆重点事業", "◆"),
        ("□未着手", "□"),
        ("▲一部実施", "▲"),
        ("▼縮小", "▼"),
        ("★注目", "★"),
        ("☆参考", "☆"),
        ("※注記", "※"),
        ("  ◎字下げ", "◎"),
        ("•箇条書き", "•"),
    ],
)
def test_classify_unknown_marker(line, symbol):
    assert classify_line(line) == Line("unknown_marker", None, "", line, symbol)


@pytest.mark.parametrize(
    "legend, line, kind",
    [
        (
            {"done": "実施済み", "in_progress": "実施中", "planned": "実施予定"},
            "■職員研修",
            "unknown_marker",
        ),
        (
            {"done": "実施済み", "in_progress": "実施中", "planned": "実施予定"},
            "●職員研修",
            "activity",
        ),
        ({"done": "実施済み"}, "◯実施中", "unknown_marker"),
        ({"in_progress": "実施中"}, "◯実施中", "activity"),
        ({}, "●職員研修", "unknown_marker"),
        (None, "■職員研修", "activity"),
        (DEFAULT_LEGEND, "■職員研修", "activity"),
    ],
)
def test_classify_respects_the_documents_legend(legend, line, kind):
    result = classify_line(line, legend)
    assert result.kind == kind
    if kind == "unknown_marker":
        assert result.symbol == line[0]
        assert result.status is None


@pytest.mark.parametrize(
    "line",
    [
        "・第1回幹事会(5/22)、第2回幹事会(10/15)、第3回幹事会(1/28)",
        "･半角中黒の詳細",
        "  ・字下げされた詳細",
        "・TOKIWAファンタジア×光と音楽を融合させたメディアアート(TOKIWAファンタジア)の拡充)",
    ],
)
def test_classify_detail_keeps_whole_line(line):
    assert classify_line(line) == Line("detail", None, "", line)


@pytest.mark.parametrize(
    "line",
    [
        "MICE誘致用ユニークベニュー版パンフレットの制作【新規】",
        "(山口オクトーバーフェストで山口ゆめ回廊ブースを設置(4/26～5/6)",
        "（全角括弧で始まる行）",
        "「ゆめ散歩」の実施",
        "第1回(6/2)、第2回(7/16)",
        "テレビ番組を活用した情報発信【新規】",
        "小児初期救急医療体制の確保に向けた運営支援【新規】",
        "ふるさと納税",
        "ＭＩＣＥ全角英字",
        "2 高次の都市機能の集積・強化",
        "＜参考＞",
    ],
)
def test_classify_unmarked(line):
    assert classify_line(line) == Line("unmarked", None, "", line)


@pytest.mark.parametrize("line", ["", " ", "\u3000", " \t\u3000 "])
def test_classify_blank(line):
    result = classify_line(line)
    assert result.kind == "blank"
    assert result.status is None and result.prefix == ""


# ---------------------------------------------------------------- lines and tags


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("●a\n○b", ["●a", "○b"]),
        ("●a\r\n○b", ["●a", "○b"]),
        ("●a\r○b", ["●a", "○b"]),
        ("●a\n\n  \n\u3000\n○b\n", ["●a", "○b"]),
        ("  ・字下げ \n●末尾空白 ", ["  ・字下げ ", "●末尾空白 "]),
        ("", []),
        ("\r\n\r\n", []),
        ("一行だけ", ["一行だけ"]),
    ],
)
def test_split_lines(cell, expected):
    assert split_lines(cell) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("圏域内企業の課題解決に向けたニーズ調査【新規】", ["新規"]),
        ("博覧会開催に向けた観光地域づくりの取組の推進【拡充】", ["拡充"]),
        ("FM山口における情報発信(7/3~3/26予定)【再掲】", ["再掲"]),
        ("事業【再掲】【新規】説明【再掲】", ["再掲", "新規"]),
        ("・TOKIWAファンタジア×光と音楽を融合させたメディアアート(TOKIWAファンタジア)の拡充)", []),
        ("[新規]角括弧は対象外", []),
        ("【重点】未知のタグ", []),
        ("新規事業", []),
    ],
)
def test_find_tags(text, expected):
    assert find_tags(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "新山口駅南北自由通路を活用した情報発信【再掲】",
            "新山口駅南北自由通路を活用した情報発信",
        ),
        (
            "ふるさと納税返礼品の圏域版商品の造成【新規】(山口市×防府市:お米)",
            "ふるさと納税返礼品の圏域版商品の造成(山口市×防府市:お米)",
        ),
        ("【拡充】先頭 と 末尾【新規】", "先頭 と 末尾"),
        ("【重点】未知のタグは残す", "【重点】未知のタグは残す"),
        ("タグなし ", "タグなし "),
    ],
)
def test_strip_tags(text, expected):
    assert strip_tags(text) == expected
