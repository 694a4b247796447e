"""The round (照会) asks each responsible town for the year's value of its indicators: the
town's answer page lists them and what is still missing, the secretariat's overview shows every
town, and a town's report (a value or 集計中) counts as answered."""

import io
import re

import pytest

from projects.models import Indicator
from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets
from tests.support.rounds import open_r2_round
from tests.support.staff import client_for

R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def round_(demo_users, r2):
    rows = [list(r) for r in kpi_sheets.ROWS]
    rows[3][4] = "―"  # 圏域の製造品出荷額: no 2020 value yet
    assert import_kpi(sheet=read_kpi_file(io.BytesIO(kpi_sheets.usual(rows, title=R2_TITLE)))).ok
    return open_r2_round(r2, demo_users["jimukyoku"])


def test_a_town_is_asked_for_its_indicators_values_and_its_report_counts(demo_users, round_):
    ube = client_for(demo_users["ube"])
    page = text_of(ube.get(f"/staff/rounds/{round_.pk}/").content.decode())
    assert "成果指標 (2020年度の値)" in page
    assert "宇部市: 4 件のうち 3 件報告済み (未報告: 圏域の製造品出荷額)" in page
    shipments = Indicator.objects.get(number=4)
    ube.post(f"/staff/kpi/{shipments.pk}/value/", {"value_year": "2020", "value": "集計中"})
    page = text_of(ube.get(f"/staff/rounds/{round_.pk}/").content.decode())
    assert "宇部市: 4 件のうち 4 件報告済み" in page
    html = ube.get(f"/staff/rounds/{round_.pk}/").content.decode()
    section = re.search(r'<section class="kpi-round".*?</section>', html, re.S).group(0)
    assert "山口市" not in section  # the town's own line only


def test_the_secretariat_sees_every_towns_kpis_in_the_round(demo_users, round_):
    page = text_of(
        client_for(demo_users["jimukyoku"]).get(f"/staff/rounds/{round_.pk}/").content.decode()
    )
    assert "山口市: 4 件のうち 4 件報告済み" in page  # 1, 2, 3, 5
    assert "山陽小野田市: 3 件のうち 2 件報告済み (未報告: 圏域の製造品出荷額)" in page
    assert "萩市: 2 件のうち 2 件報告済み" in page
