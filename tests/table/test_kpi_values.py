"""The cells of the 成果指標 sheet, read one at a time (pure: no database)."""

from decimal import Decimal

import pytest

from projects.table.kpi import parse_legend
from projects.table.kpi.values import (
    NONE,
    PENDING,
    VALUE,
    Period,
    parse_number,
    parse_period,
    parse_year_header,
    read_value,
    split_period,
    words_direction,
)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("1,520", "1520", ""),
        ("▲１２１", "-121", ""),
        ("▲899", "-899", ""),
        ("12件", "12", "件"),
        ("9兆1,400億円", "9140000000000", "円"),
        ("3,737万8千人", "37378000", "人"),
        ("45.3％", "45.3", "%"),
        ("±0", "0", ""),
        ("−40", "-40", ""),
    ],
)
def test_numbers_as_the_councils_write_them(text, number, unit):
    quantity = parse_number(text)
    assert (quantity.number, quantity.unit) == (Decimal(number), unit)


@pytest.mark.parametrize("text", ["1,1888", "12 34", "約100", "たくさん", "1,000件2"])
def test_what_is_not_one_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "state"),
    [("(集計中)", PENDING), ("（集計中）", PENDING), ("集計中", PENDING), ("―", NONE),
     ("-", NONE), ("検討中", NONE), ("", NONE), ("1,010", VALUE)],
)  # fmt: skip
def test_placeholders(text, state):
    assert read_value(text).state == state


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("H30", Period(False, (2018, 1), (2018, 12))),
        ("R元年度", Period(True, (2019, 4), (2020, 3))),
        ("R元", Period(False, (2019, 1), (2019, 12))),
        ("R3年1月～12月", Period(False, (2021, 1), (2021, 12))),
        ("R3年1月~12月", Period(False, (2021, 1), (2021, 12))),
        ("R4年10月∼R5年9月", Period(False, (2022, 10), (2023, 9))),
        ("令和4年10月〜令和5年9月", Period(False, (2022, 10), (2023, 9))),
        ("R4年度", Period(True, (2022, 4), (2023, 3))),
        ("R5年4月1日", Period(False, (2023, 4), (2023, 4))),
        ("2022年3月末", Period(False, (2022, 3), (2022, 3))),
    ],
)
def test_periods_calendar_unless_they_say_nendo(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["R3年13月", "R5年9月～R4年1月", "R0", "30", "来年"])
def test_unreadable_periods(text):
    assert parse_period(text) is None


def test_the_column_year_of_a_period_and_its_label():
    assert parse_period("R3年1月～12月").year == 2021  # the R3 column
    assert parse_period("R4年10月∼R5年9月").year == 2022
    assert parse_period("H30").label() == "2018年"
    assert parse_period("R元年度").label() == "2019年度"


@pytest.mark.parametrize(
    ("text", "year"),
    [("R2", 2020), ("令和2年度", 2020), ("H30年度", 2018), ("2020年度", 2020), ("FY2020", 2020),
     ("R4\n(見込)", 2022), ("目標値", None), ("No.", None)],
)  # fmt: skip
def test_year_headers(text, year):
    assert parse_year_header(text) == year


def test_values_with_their_period_and_targets_in_words():
    assert split_period("1,520（H30）") == ("1,520", "H30")
    assert split_period("45(R元年度)") == ("45", "R元年度")
    assert split_period("策定時より上昇") == ("策定時より上昇", "")
    assert [words_direction(t) for t in ("策定時より上昇", "現状より減少", "維持", "できるだけ")] == [
        "up", "down", "keep", None,
    ]  # fmt: skip


def test_legends_read_from_the_sheet():
    legend = parse_legend("凡例：◎目標達成　○概ね順調　△遅れ　×未着手")
    assert [(e.symbol, e.label) for e in legend.entries] == [
        ("◎", "目標達成"), ("○", "概ね順調"), ("△", "遅れ"), ("×", "未着手"),
    ]  # fmt: skip
    assert legend.find("◯") is None  # U+25EF is not the legend's ○ (U+25CB)
    scored = parse_legend(
        "評価基準：A 達成率86%以上　B 達成率60%以上　C 達成率30%以上　D 達成率30%未満"
    )
    assert [e.threshold for e in scored.entries] == [86, 60, 30, None]
    assert [scored.for_score(Decimal(r)) for r in ("86", "85.9", "30", "-5")] == [
        "A",
        "B",
        "C",
        "D",
    ]
    assert scored.find("Ｂ").symbol == "B"  # full-width letters are the same letter
    assert parse_legend("成果指標の一覧") is None


def test_the_kpi_modules_import_no_django():
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.table.test_purity import PROBE

    names = [f"projects.table.kpi.{m}" for m in ("values", "reader", "writer")]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "projects.table.kpi", *names],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
