"""What an activity's text loses when carried into the next year, and the keys of comparison."""

import pytest

from projects.table.carry_over import activity_key, carry_over_details, carry_over_text, strip_dates


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
            "山口県中央連携都市圏域ビジョン懇談会の開催",
        ),
        ("移住イベント(11/29、2/20予定)", "移住イベント"),
        (
            "モニターツアーの実施(10/23 SLモニターツアー開催予定)",
            "モニターツアーの実施(SLモニターツアー開催予定)",
        ),
        ("オープニングセレモニー(10/4)山口宇部空港", "オープニングセレモニー山口宇部空港"),
        (
            "・第1回幹事会(5/22)、第2回幹事会(10/15)、第3回幹事会(1/28)",
            "・第1回幹事会、第2回幹事会、第3回幹事会",
        ),
        ("・第5回(5/14書面会議)、第6回(10/26)、第7回(3月予定)", "・第5回(書面会議)、第6回、第7回"),
        ("・スタンプラリーを実施(11月以降に実施予定)", "・スタンプラリーを実施"),
        (
            "販路拡大事業(圏域内・首都圏)(11/13・14 FOOD STYLE、12/5・6 銀行は中止)",
            "販路拡大事業(圏域内・首都圏)(FOOD STYLE、銀行は中止)",
        ),
        ("情報発信(7/3~3/26予定)【再掲】", "情報発信【再掲】"),
        ("10月23日に開催", "開催"),
        ("事業の実施(圏域内・首都圏)", "事業の実施(圏域内・首都圏)"),
        ("令和3年度供用開始予定", "令和3年度供用開始予定"),
    ],
)
def test_strip_dates_keeps_everything_but_the_dates(text, expected):
    assert strip_dates(text, 2020) == expected


def test_carry_over_drops_new_tag_and_dates_only():
    assert carry_over_text("モデル事業の実施【新規】(3月頃)", 2020) == "モデル事業の実施"
    assert carry_over_text("情報発信【拡充】【再掲】", 2020) == "情報発信【拡充】【再掲】"
    assert carry_over_details(["・(5/22)", "・第1回(6/2)", "・説明"], 2020) == ["・第1回", "・説明"]


def test_activity_key_ignores_tags_dates_width_and_punctuation():
    assert activity_key("ＦＭ山口における情報発信 (7/3~3/26予定)【再掲】", 2020) == activity_key(
        "FM山口における情報発信（8/1～3/20）", 2021
    )
    assert activity_key("プロジェクトチームの設置", 2020) != activity_key("職員研修", 2020)
