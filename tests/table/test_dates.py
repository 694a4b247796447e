"""Dates as the 資料 writes them, in the document's fiscal year (``projects.table.dates``)."""

import datetime

import pytest

from projects.table.dates import Event, PartialDate, last_day_of_month, parse_events

FY = 2020  # 令和2年度


def events(text, fy=FY):
    return [e.as_dict() for e in parse_events(text, fy)]


def spans(text, fy=FY):
    return [(e["start"], e["end"]) for e in events(text, fy)]


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
        ("(11/13・14 FOOD STYLE、", [("2020-11-13", "2020-11-14")], "11/13・14"),
        ("11/13・14", [("2020-11-13", "2020-11-14")], "11/13・14"),
        ("12/5･6", [("2020-12-05", "2020-12-06")], "12/5･6"),
        (
            "(11/26、27 維新百年記念公園アリーナ・レクチャールーム)",
            [("2020-11-26", None), ("2020-11-27", None)],
            "11/26、27",
        ),
        ("(1/8・9・10)", [("2021-01-08", "2021-01-10")], "1/8・9・10"),
        ("11月26日・27日に開催", [("2020-11-26", "2020-11-27")], "11月26日・27日"),
        ("(12/5・12)", [("2020-12-05", None), ("2020-12-12", None)], "12/5・12"),
        ("(11/12・13・20)", [("2020-11-12", "2020-11-13"), ("2020-11-20", None)], "11/12・13・20"),
        ("(11/30・1)", [("2020-11-30", "2020-12-01")], "11/30・1"),
        ("(12/31・1)", [("2020-12-31", "2021-01-01")], "12/31・1"),
        ("(11/28、2)", [("2020-11-28", None), ("2020-12-02", None)], "11/28、2"),
    ],
)
def test_days_sharing_a_month(text, expected, source):
    """Consecutive days joined by 「・」 are one event over those days; other days (not
    consecutive, or listed with 「、」) are events of their own."""
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
    assert spans(text) == [("2020-11-13", "2020-11-14"), ("2020-12-05", "2020-12-06")]


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
        ("(11/13・14)", ["11/13・14"]),
        ("(12/5・12)", ["12/5・12", "12/5・12"]),
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


@pytest.mark.parametrize(
    "year, month, last",
    [(2021, 2, 28), (2024, 2, 29), (2020, 12, 31), (2021, 4, 30)],
)
def test_last_day_of_month(year, month, last):
    assert last_day_of_month(year, month) == datetime.date(year, month, last)
