"""The citizens' KPI pages and open data: a page per 取組 with a chart and a table per
indicator, the index, the JSON (valid against its schema) and the CSV, with the achievement
ratios checked against figures computed by hand; queries flat as indicators grow."""

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets

ROOT = Path(__file__).resolve().parent.parent.parent
R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"
OTHER_R2_TITLE = "令和2年度 連携中枢都市圏ビジョン 重要業績評価指標（KPI）の達成状況"


def text_of(html: str) -> str:
    """The page's text, tags taken out, as a reader hears it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def load(data: bytes):
    result = import_kpi(sheet=read_kpi_file(io.BytesIO(data)))
    assert [str(e) for e in result.errors] == []
    return result


@pytest.fixture
def usual(site):
    load(kpi_sheets.usual(title=R2_TITLE))
    return site


@pytest.fixture
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_a_strategys_page_has_a_chart_and_a_table_per_indicator(client, usual):
    response = client.get("/kpi/2020/1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="kpi-chart"') == 2
    assert html.count('<table class="kpi-table">') == 2
    assert "圏域内観光入込客数（万人）" in html and "創業支援件数（件・累計）" in html
    assert "社会増減" not in html  # strategy 2's
    assert " 令和4年度 集計中 " in text_of(html)
    assert " 令和3年度 1,188 万人 (調査時点: R3年1月～12月 ) " in text_of(html)
    assert "−415.0%" not in html and "-415.0%" in html
    assert "△ 遅れ" in html
    assert "山口市、宇部市" in html


def test_the_index_lists_each_strategys_indicators(client, usual):
    html = client.get("/kpi/").content.decode()
    assert html.count('class="kpi-group"') == 3
    assert 'href="/kpi/2020/3/#kpi-' in html
    assert "達成率 70.8%" in html  # 待機児童数: (35 − 120) ÷ (0 − 120)


def test_an_unpublished_year_and_an_unknown_strategy_are_not_found(client, usual):
    assert client.get("/kpi/2021/1/").status_code == 404
    assert client.get("/kpi/2020/9/").status_code == 404


def test_the_json_follows_its_schema_and_the_ratios_are_the_hand_computed_ones(client, usual):
    response = client.get("/opendata/kpi-2020.json")
    document = json.loads(response.content)
    schema = json.loads((ROOT / "opendata" / "kpi-schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    ratios = {i["number"]: i["achievement_ratio"] for i in document["indicators"]}
    # (1188 − 1520) ÷ (1600 − 1520) = −4.15; a target in words has none; (−40 + 899) ÷ 899;
    # (9.2 − 9.14) ÷ (9.5 − 9.14) 兆円; (35 − 120) ÷ (0 − 120)
    assert ratios == {1: -415.0, 2: None, 3: 95.6, 4: 16.7, 5: 70.8}
    visitors = document["indicators"][0]
    assert visitors["unit"] == "万人"
    assert visitors["baseline"] == {
        "value": 1520, "period": "2018年", "text": "1,520（H30）",
        "span": {"kind": "calendar", "start": "2018-01", "end": "2018-12"},
    }  # fmt: skip
    assert document["indicators"][1]["baseline"]["span"]["kind"] == "fiscal"  # R元年度
    assert visitors["values"][1] == {
        "fiscal_year": 2021, "state": "value", "value": 1188, "text": "1,188",
        "survey_period": "R3年1月～12月",
        "survey": {"kind": "calendar", "start": "2021-01", "end": "2021-12"},
    }  # fmt: skip
    migration = document["indicators"][2]
    assert migration["values"][2]["survey"] == {
        "kind": "calendar",
        "start": "2022-10",
        "end": "2023-09",
    }
    assert document["indicators"][1]["values"][2]["survey"] == {
        "kind": "fiscal", "start": "2022-04", "end": "2023-03",
    }  # fmt: skip
    assert visitors["values"][2]["state"] == "pending"


def test_the_other_areas_ratios_and_thresholds(client, site):
    load(kpi_sheets.other(title=OTHER_R2_TITLE))
    document = json.loads(client.get("/opendata/kpi-2020.json").content)
    # cumulative 260 ÷ 500; (300 − 410.5) ÷ (450 − 410.5) with 2021 pending; (15000 − 12000) ÷ 3000
    assert [i["achievement_ratio"] for i in document["indicators"]] == [52.0, -279.7, 100.0]
    assert document["legend"][0] == {"symbol": "A", "label": "達成率86%以上", "threshold": 86}


def test_the_csv_has_one_line_per_indicator_and_year_with_units_and_periods(client, usual):
    response = client.get("/opendata/kpi-2020.csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 5 * 5
    header, first = rows[0], rows[1]
    assert header[:4] == ["年度版", "番号", "成果指標", "単位"]
    assert first[3] == "万人" and first[9] == "2018年" and first[13] == "2020"
    assert rows[3][14] == "集計中"


def many_rows(n: int):
    rows = []
    for i in range(n):
        row = list(kpi_sheets.ROWS[i % 5])
        row[1] = str(i + 1)
        row[0] = kpi_sheets.ROWS[0][0]
        rows.append(row)
    return rows


def test_the_pages_queries_do_not_grow_with_the_indicators(
    client, site, no_cache, django_assert_num_queries
):
    counts = []
    for n in (3, 30):
        load(kpi_sheets.usual(many_rows(n), title=R2_TITLE))
        for url in ("/kpi/", "/kpi/2020/1/"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    # years, edition, strategies, indicators, values, municipalities, projects, area
    with django_assert_num_queries(8):
        client.get("/kpi/")


def test_a_measures_page_shows_its_indicators(client, site):
    load(kpi_sheets.other(title=OTHER_R2_TITLE))
    from projects.models import Indicator

    measure = Indicator.objects.order_by("order").first().measure
    html = client.get(f"/projects/?measure={measure.pk}").content.decode()
    assert "この施策の成果指標" in html
    assert (
        "新規雇用者数（累計） : 最新 260 人 / 目標 500 人 / 達成率 52.0% / 評価 B 達成率60%以上"
        in text_of(html)
    )
    assert "市町間の図書館相互利用冊数" not in html  # strategy 3's 施策
    assert "この施策の成果指標" not in client.get("/projects/").content.decode()
    page = client.get("/kpi/2020/1/").content.decode()
    assert f'id="measure-{measure.pk}"' in page


def test_the_english_pages_mark_every_piece_of_japanese(client, usual):
    from tests.support.html import japanese_outside_lang_ja

    for url in ("/en/kpi/", "/en/kpi/2020/1/", "/en/kpi/2020/3/"):
        text = client.get(url).content.decode()
        assert '<html lang="en">' in text, url
        assert japanese_outside_lang_ja(text) == [], url
    assert (
        'KPIs: 1 <span lang="ja">圏域全体の経済成長のけん引</span>'
        in client.get("/en/kpi/2020/1/").content.decode()
    )


def test_numbers_read_well_aloud(client, usual):
    page = text_of(client.get("/kpi/2020/2/").content.decode())
    assert " 令和2年度 −121 人 " in page  # ▲１２１ in the sheet
    assert " 令和2年度 9兆2,000億円 " in page  # its units inside the number, as written


def test_an_indicator_links_the_projects_it_names(client, site):
    load(kpi_sheets.other(title=OTHER_R2_TITLE))
    html = client.get("/kpi/2020/1/").content.decode()
    from projects.models import Project

    first = Project.objects.get(fiscal_year=site, number=1)
    assert f'<a href="/projects/{first.pk}/" lang="ja">1 {first.name}</a>' in html


def test_the_open_data_page_points_to_the_kpi_data(client, usual):
    html = client.get("/opendata/").content.decode()
    assert '<a href="/opendata/kpi-schema.json">JSON Schema</a>' in html
    assert '<a href="/kpi/">成果指標 (KPI)</a>' in html
    english = client.get("/en/opendata/").content.decode()
    assert "Each year's KPIs" in english and '<a href="/en/kpi/">KPIs</a>' in english
