"""Tests for projects.notation: markers, legends, tags, fiscal years and date notations.

Most inputs are taken verbatim from the FY2020 (令和2年度) table.
"""

import datetime

import pytest

from projects.notation import (
    CANONICAL_MARKERS,
    DEFAULT_LEGEND,
    LOOKALIKES,
    STATUSES,
    TAGS,
    Event,
    Line,
    PartialDate,
    classify_line,
    era_to_year,
    find_tags,
    fiscal_year_label,
    parse_events,
    parse_fiscal_year,
    parse_legend,
    split_lines,
    strip_tags,
)

FY = 2020  # 令和2年度


def events(text, fy=FY):
    return [e.as_dict() for e in parse_events(text, fy)]


def spans(text, fy=FY):
    return [(e["start"], e["end"]) for e in events(text, fy)]


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
    ],
)
def test_parse_legend_variants(text, expected):
    assert parse_legend(text) == expected
    assert list(parse_legend(text)) == list(expected)


def test_parse_legend_first_definition_wins():
    assert parse_legend("(●は実施済み、⚫は完了)") == {"done": "実施済み"}


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


# ---------------------------------------------------------------- eras and fiscal years


@pytest.mark.parametrize(
    "era, n, year",
    [
        ("令和", 2, 2020),
        ("令和", "元", 2019),
        ("令和", "3", 2021),
        ("令和", "１２", 2030),
        ("平成", 31, 2019),
        ("平成", "元", 1989),
        ("平成", "30", 2018),
        ("昭和", 64, 1989),
        ("昭和", "元", 1926),
    ],
)
def test_era_to_year(era, n, year):
    assert era_to_year(era, n) == year


@pytest.mark.parametrize("era, n", [("大化", 1), ("令和", 0), ("令和", "x")])
def test_era_to_year_rejects(era, n):
    with pytest.raises(ValueError):
        era_to_year(era, n)


@pytest.mark.parametrize(
    "title, year",
    [
        ("令和2年度連携事業概要及び実績見込み", 2020),
        ("令和元年度連携事業概要及び実績", 2019),
        ("平成31年度連携事業概要", 2019),
        ("令和３年度連携事業概要", 2021),
        ("２０２０年度 連携事業", 2020),
        ("2020年度", 2020),
        ("令和 4 年度", 2022),
        ("令和2年度事業(令和元年度の振り返り)", 2020),
        ("資料1-2 平成30年度", 2018),
        ("連携事業概要", None),
        ("令和2年5月22日", None),
        ("", None),
    ],
)
def test_parse_fiscal_year(title, year):
    assert parse_fiscal_year(title) == year


@pytest.mark.parametrize(
    "year, label",
    [
        (2020, "令和2年度"),
        (2019, "令和元年度"),
        (2018, "平成30年度"),
        (1989, "平成元年度"),
        (2030, "令和12年度"),
    ],
)
def test_fiscal_year_label(year, label):
    assert fiscal_year_label(year) == label


@pytest.mark.parametrize("year", [1989, 1990, 2018, 2019, 2020, 2021, 2030])
def test_fiscal_year_label_round_trips(year):
    assert parse_fiscal_year(fiscal_year_label(year)) == year


# ---------------------------------------------------------------- PartialDate and Event


@pytest.mark.parametrize(
    "pd, iso, first, last",
    [
        (PartialDate(2020, 5, 22), "2020-05-22", (2020, 5, 22), (2020, 5, 22)),
        (PartialDate(2021, 3), "2021-03", (2021, 3, 1), (2021, 3, 31)),
        (PartialDate(2021, 2), "2021-02", (2021, 2, 1), (2021, 2, 28)),
        (PartialDate(2024, 2), "2024-02", (2024, 2, 1), (2024, 2, 29)),
        (PartialDate(2020, 11), "2020-11", (2020, 11, 1), (2020, 11, 30)),
    ],
)
def test_partial_date(pd, iso, first, last):
    assert pd.iso() == iso
    assert pd.first_day() == datetime.date(*first)
    assert pd.last_day() == datetime.date(*last)


@pytest.mark.parametrize(
    "args", [(2020, 13), (2020, 0), (2021, 2, 29), (2020, 4, 31), (2020, 1, 0)]
)
def test_partial_date_rejects_invalid(args):
    with pytest.raises(ValueError):
        PartialDate(*args)


def test_event_as_dict():
    event = Event(PartialDate(2020, 4, 26), PartialDate(2020, 5, 6), False, True, "4/26～5/6")
    assert event.as_dict() == {
        "start": "2020-04-26",
        "end": "2020-05-06",
        "approximate": False,
        "planned": True,
        "source": "4/26～5/6",
    }
    assert Event(PartialDate(2021, 3), None, True, False, "3月頃").as_dict()["end"] is None


# ---------------------------------------------------------------- single dates


@pytest.mark.parametrize(
    "text, start, source",
    [
        ("第1回幹事会(5/22)", "2020-05-22", "5/22"),
        ("第3回幹事会(1/28)", "2021-01-28", "1/28"),
        ("山口県中央連携都市圏域推進協議会の開催(2/4)", "2021-02-04", "2/4"),
        ("(4/1)", "2020-04-01", "4/1"),
        ("(3/31)", "2021-03-31", "3/31"),
        ("(12/31)", "2020-12-31", "12/31"),
        ("第5回(5/14書面会議)", "2020-05-14", "5/14"),
        ("●オープニングセレモニー(10/4)山口宇部空港", "2020-10-04", "10/4"),
        ("１０/２３", "2020-10-23", "１０/２３"),
        ("１０／２３", "2020-10-23", "１０／２３"),
        ("10月23日", "2020-10-23", "10月23日"),
        ("１０月２３日", "2020-10-23", "１０月２３日"),
        ("2月3日", "2021-02-03", "2月3日"),
        ("令和3年11月29日", "2021-11-29", "令和3年11月29日"),
        ("令和元年5月1日", "2019-05-01", "令和元年5月1日"),
        ("平成31年4月1日", "2019-04-01", "平成31年4月1日"),
        ("令和３年１月５日", "2021-01-05", "令和３年１月５日"),
        ("令和3年11月", "2021-11", "令和3年11月"),
        ("令和2年2月", "2020-02", "令和2年2月"),
        ("2021年3月5日", "2021-03-05", "2021年3月5日"),
        ("2019年6月", "2019-06", "2019年6月"),
        ("2021/3/5", "2021-03-05", "2021/3/5"),
        ("２０２１/３/５", "2021-03-05", "２０２１/３/５"),
    ],
)
def test_single_date(text, start, source):
    assert events(text) == [
        {"start": start, "end": None, "approximate": False, "planned": False, "source": source}
    ]


@pytest.mark.parametrize(
    "text, start",
    [
        ("(5/22)", "2019-05-22"),
        ("(1/28)", "2020-01-28"),
        ("(2/29)", "2020-02-29"),
        ("3月", "2020-03"),
    ],
)
def test_fiscal_year_rule_follows_the_document(text, start):
    assert spans(text, fy=2019) == [(start, None)]


def test_leap_day_depends_on_the_fiscal_year():
    assert spans("(2/29)", fy=2023) == [("2024-02-29", None)]
    assert spans("(2/29)", fy=2020) == []


@pytest.mark.parametrize(
    "text, start, approximate, planned, source",
    [
        ("(3月頃)", "2021-03", True, False, "3月頃"),
        ("(10月ごろ)", "2020-10", True, False, "10月ごろ"),
        ("(5/22頃)", "2020-05-22", True, False, "5/22頃"),
        ("第7回(3月予定)", "2021-03", False, True, "3月"),
        ("3月予定", "2021-03", False, True, "3月"),
        ("(3月頃予定)", "2021-03", True, True, "3月頃"),
        ("(10/23 SLモニターツアー開催予定)", "2020-10-23", False, True, "10/23"),
        ("(10/23)SLモニターツアー開催予定", "2020-10-23", False, False, "10/23"),
        ("(10/23、ツアー開催予定)", "2020-10-23", False, False, "10/23"),
        ("(10/23。開催予定)", "2020-10-23", False, False, "10/23"),
        ("(10/23 開催予定）", "2020-10-23", False, True, "10/23"),
    ],
)
def test_qualifiers(text, start, approximate, planned, source):
    assert events(text) == [
        {
            "start": start,
            "end": None,
            "approximate": approximate,
            "planned": planned,
            "source": source,
        }
    ]


def test_month_precision_is_honest():
    (event,) = parse_events("(3月頃)", FY)
    assert event.start == PartialDate(2021, 3)
    assert event.start.day is None
    (event,) = parse_events("令和3年11月", FY)
    assert event.start.day is None


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize("mark", ["～", "〜", "~", "∼"])
def test_day_range_with_every_range_mark(mark):
    text = f"(山口オクトーバーフェストで山口ゆめ回廊ブースを設置(4/26{mark}5/6)"
    assert events(text) == [
        {
            "start": "2020-04-26",
            "end": "2020-05-06",
            "approximate": False,
            "planned": False,
            "source": f"4/26{mark}5/6",
        }
    ]


@pytest.mark.parametrize(
    "text, start, end, source",
    [
        ("○レノファホームゲームスタンプラリー(8月～1月)", "2020-08", "2021-01", "8月～1月"),
        ("(4月〜3月)", "2020-04", "2021-03", "4月〜3月"),
        ("(1月～3月)", "2021-01", "2021-03", "1月～3月"),
        ("11/13~14", "2020-11-13", "2020-11-14", "11/13~14"),
        ("11/13～14日", "2020-11-13", "2020-11-14", "11/13～14日"),
        ("11/30~2", "2020-11-30", "2020-12-02", "11/30~2"),
        ("10月1日～3月31日", "2020-10-01", "2021-03-31", "10月1日～3月31日"),
        ("4/26 ～ 5/6", "2020-04-26", "2020-05-06", "4/26 ～ 5/6"),
        ("(12/28～1/4)", "2020-12-28", "2021-01-04", "12/28～1/4"),
        ("令和3年4月～6月", "2021-04", "2021-06", "令和3年4月～6月"),
        ("令和3年11月～2月", "2021-11", "2022-02", "令和3年11月～2月"),
        ("3月~4月", "2021-03", "2021-04", "3月~4月"),
        ("10/5～11月", "2020-10-05", "2020-11", "10/5～11月"),
    ],
)
def test_closed_ranges(text, start, end, source):
    (event,) = events(text)
    assert (event["start"], event["end"], event["source"]) == (start, end, source)
    assert event["approximate"] is False


def test_range_planned():
    assert events("○FM山口における情報発信(7/3~3/26予定)【再掲】") == [
        {
            "start": "2020-07-03",
            "end": "2021-03-26",
            "approximate": False,
            "planned": True,
            "source": "7/3~3/26",
        }
    ]


@pytest.mark.parametrize(
    "text, start, planned, source",
    [
        (
            "○山口市新商品等共同開発支援補助金の募集(10/5～募集開始予定)",
            "2020-10-05",
            True,
            "10/5～",
        ),
        ("(10/5~)", "2020-10-05", False, "10/5~"),
        (
            "・JR宇部線・小野田線スマホスタンプラリーを実施(11月以降に実施予定)",
            "2020-11",
            True,
            "11月以降",
        ),
        ("(2月以降)", "2021-02", False, "2月以降"),
        ("令和3年4月以降", "2021-04", False, "令和3年4月以降"),
    ],
)
def test_open_ranges(text, start, planned, source):
    assert events(text) == [
        {"start": start, "end": None, "approximate": False, "planned": planned, "source": source}
    ]


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("3月上旬", "2021-03-01", "2021-03-10"),
        ("3月中旬", "2021-03-11", "2021-03-20"),
        ("3月下旬", "2021-03-21", "2021-03-31"),
        ("2月下旬", "2021-02-21", "2021-02-28"),
        ("11月下旬", "2020-11-21", "2020-11-30"),
        ("(１０月中旬)", "2020-10-11", "2020-10-20"),
        ("令和6年2月下旬", "2024-02-21", "2024-02-29"),
        ("2021年3月上旬", "2021-03-01", "2021-03-10"),
        ("令和元年6月中旬", "2019-06-11", "2019-06-20"),
        ("10月上旬～11月下旬", "2020-10-01", "2020-11-30"),
    ],
)
def test_parts_of_a_month(text, start, end):
    (event,) = events(text)
    assert (event["start"], event["end"], event["approximate"]) == (start, end, True)


# ---------------------------------------------------------------- lists


@pytest.mark.parametrize(
    "text, expected, source",
    [
        ("(11/13・14 FOOD STYLE、", [("2020-11-13", None), ("2020-11-14", None)], "11/13・14"),
        ("11/13・14", [("2020-11-13", None), ("2020-11-14", None)], "11/13・14"),
        ("12/5･6", [("2020-12-05", None), ("2020-12-06", None)], "12/5･6"),
        (
            "(11/26、27 維新百年記念公園アリーナ・レクチャールーム)",
            [("2020-11-26", None), ("2020-11-27", None)],
            "11/26、27",
        ),
        (
            "(1/8・9・10)",
            [("2021-01-08", None), ("2021-01-09", None), ("2021-01-10", None)],
            "1/8・9・10",
        ),
        ("11月26日・27日に開催", [("2020-11-26", None), ("2020-11-27", None)], "11月26日・27日"),
    ],
)
def test_days_sharing_a_month(text, expected, source):
    result = events(text)
    assert [(e["start"], e["end"]) for e in result] == expected
    assert {e["source"] for e in result} == {source}


def test_list_of_full_dates():
    result = events(
        "○海外販路開拓・事業展開オンラインセミナー・ワークショップの開催(10/14、10/28、11/9)"
    )
    assert [(e["start"], e["source"]) for e in result] == [
        ("2020-10-14", "10/14"),
        ("2020-10-28", "10/28"),
        ("2020-11-09", "11/9"),
    ]
    assert not any(e["planned"] for e in result)


def test_list_only_last_planned():
    result = events("○プロジェクトチームによる検討会議(8/19、9/16、10/23、12/22、3月予定)")
    assert [(e["start"], e["planned"]) for e in result] == [
        ("2020-08-19", False),
        ("2020-09-16", False),
        ("2020-10-23", False),
        ("2020-12-22", False),
        ("2021-03", True),
    ]
    assert result[-1]["source"] == "3月"


def test_planned_applies_to_the_date_it_follows():
    result = events("△山口県央連携都市圏移住イベント(11/29、2/20予定)")
    assert [(e["start"], e["planned"], e["source"]) for e in result] == [
        ("2020-11-29", False, "11/29"),
        ("2021-02-20", True, "2/20"),
    ]


def test_seed_detail_line_with_three_meetings():
    result = events("・第5回(5/14書面会議)、第6回(10/26)、第7回(3月予定)")
    assert [(e["start"], e["planned"]) for e in result] == [
        ("2020-05-14", False),
        ("2020-10-26", False),
        ("2021-03", True),
    ]


def test_two_day_groups_in_one_line():
    text = (
        "△圏域特産品販路拡大事業(圏域内・首都圏)(11/13・14 FOOD STYLE、12/5・6 三井住友銀行は中止)"
    )
    assert spans(text) == [
        ("2020-11-13", None),
        ("2020-11-14", None),
        ("2020-12-05", None),
        ("2020-12-06", None),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(11/26、2件)", [("2020-11-26", None)]),
        ("(11/26、27名参加)", [("2020-11-26", None)]),
        ("(11/26、12/3)", [("2020-11-26", None), ("2020-12-03", None)]),
        ("(10/23、3月予定)", [("2020-10-23", None), ("2021-03", None)]),
        ("11/13・14時", [("2020-11-13", None)]),
    ],
)
def test_bare_numbers_after_a_date_are_not_always_days(text, expected):
    assert spans(text) == expected


# ---------------------------------------------------------------- not dates


@pytest.mark.parametrize(
    "text",
    [
        "令和2年度",
        "令和元年度事業に関する情報共有、令和2年度の取組の方向性 等",
        "・平成31年度建設工事着手、令和3年度供用開始予定",
        "令和3年度供用開始予定",
        "2020年度",
        "交付件数:2件",
        "(交付件数:1件)",
        "消防通信指令業務の共同運用に向けた調整会議(3消防本部)の開催",
        "・8つの重点プロジェクトにかかるプロジェクトチームの運営",
        "第5回",
        "7市町の特産品等のPR事業",
        "24/7",
        "13/45",
        "10/234",
        "110/23",
        "2021/3/5/6",
        "12か月",
        "12ヶ月",
        "①",
        "①/②",
        "①月②日",
        "⑩/⑳",
        "COC+",
        "移住・定住の促進",
        "萩往還ブランド3市(山口市、萩市、防府市)",
        "13/1",
        "2/30",
        "4/31",
        "13月",
        "0/5",
        "第3月曜日",
        "毎月3月曜",
        "3年",
        "3日",
        "",
    ],
)
def test_not_dates(text):
    assert parse_events(text, FY) == []


# ---------------------------------------------------------------- source fidelity


@pytest.mark.parametrize(
    "text, sources",
    [
        ("(4/26～5/6)", ["4/26～5/6"]),
        ("（４／２６〜５／６）", ["４／２６〜５／６"]),
        ("①②(5/22)③", ["5/22"]),
        ("㈱山口(10/4)", ["10/4"]),
        ("½ (10月23日)", ["10月23日"]),
        ("㍻31年4月1日", ["4月1日"]),
        ("令和３年１１月２９日", ["令和３年１１月２９日"]),
        ("(11/13・14)", ["11/13・14", "11/13・14"]),
        ("(3月頃)", ["3月頃"]),
        ("(3月 頃)", ["3月 頃"]),
        ("(10/5 ～ 募集)", ["10/5 ～"]),
    ],
)
def test_source_is_a_verbatim_slice_of_the_original(text, sources):
    result = parse_events(text, FY)
    assert [e.source for e in result] == sources
    for event in result:
        assert event.source in text


def test_text_is_not_modified():
    text = "（４／２６〜５／６）"
    parse_events(text, FY)
    assert text == "（４／２６〜５／６）"
    assert events(text)[0]["source"] == "４／２６〜５／６"


def test_circled_numbers_do_not_shift_indexes():
    text = "①②③(5/22)"
    (event,) = parse_events(text, FY)
    assert event.source == "5/22"
    assert event.start == PartialDate(2020, 5, 22)


def test_dates_on_different_lines_are_not_joined():
    assert spans("(11/13\n・14件の詳細)") == [("2020-11-13", None)]
    assert spans("10/5～\n3月予定")[0] == ("2020-10-05", None)


def test_events_are_in_order_of_appearance():
    text = "(2/4)、(5/22)、(3月頃)、(10/15)"
    assert [e.source for e in parse_events(text, FY)] == ["2/4", "5/22", "3月頃", "10/15"]
