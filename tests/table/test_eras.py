"""Eras and fiscal years (``projects.table.eras``)."""

import datetime

import pytest

from projects.table.eras import (
    era_to_year,
    fiscal_year_label,
    next_title,
    parse_fiscal_year,
    stated_date,
    wareki,
)

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


@pytest.mark.parametrize(
    "day, text",
    [
        (datetime.date(2022, 1, 31), "令和4年1月31日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_wareki_names_a_day_by_the_era_in_force(day, text):
    assert wareki(day) == text


@pytest.mark.parametrize(
    "title, year, expected",
    [
        ("令和2年度連携事業概要", 2020, "令和3年度連携事業概要"),
        ("平成30年度連携事業概要", 2018, "令和元年度連携事業概要"),
        ("平成31年度連携事業概要", 2019, "令和2年度連携事業概要"),
        ("令和２年度 連携事業", 2020, "令和3年度 連携事業"),
        ("2020年度の事業", 2020, "令和3年度の事業"),
        ("連携事業概要", 2020, "令和3年度連携事業概要"),
    ],
)
def test_next_title_moves_the_year_expression_on(title, year, expected):
    assert next_title(title, year) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["令和2年度連携事業概要及び実績見込み（令和4年1月31日現在）"], datetime.date(2022, 1, 31)),
        (["資料1-2", "※令和３年１月３１日 現在"], datetime.date(2021, 1, 31)),
        (["令和元年12月1日時点"], datetime.date(2019, 12, 1)),
        (["2021年2月3日現在"], datetime.date(2021, 2, 3)),
        (["令和2年13月1日現在", "令和3年2月1日現在"], datetime.date(2021, 2, 1)),  # 13月 skipped
        (["令和4年1月31日 開催"], None),  # a date, but not the one the data stands at
        ([], None),
    ],
)
def test_stated_date_reads_the_date_a_document_stands_at(texts, expected):
    assert stated_date(texts) == expected
