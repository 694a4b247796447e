"""Another 連携中枢都市圏 runs the portal: set up from its own file, its own workbook imported,
its name and towns on every page and in the open data; nothing of ours shows."""

import json

import pytest
from django.core.management import call_command

from projects.models import Area, FiscalYear, Municipality
from projects.services.area import setup_area
from projects.services.imports import import_overview, read_workbook
from tests.services.test_area import BINGO
from tests.support.builders import Row, Sheet, build
from tests.support.html import page_text

S1, S3 = "1 圏域全体の経済成長のけん引", "3 圏域全体の生活関連機能サービスの向上"
TOWNS = [
    ("福山市", "ふくやまし", "342076", "fukuyama"),
    ("三原市", "みはらし", "342041", "mihara"),
    ("尾道市", "おのみちし", "342050", "onomichi"),
    ("府中市", "ふちゅうし", "342084", "fuchu"),
    ("世羅町", "せらちょう", "344621", "sera"),
    ("神石高原町", "じんせきこうげんちょう", "345458", "jinsekikogen"),
    ("笠岡市", "かさおかし", "332054", "kasaoka"),
    ("井原市", "いばらし", "332071", "ibara"),
]
NAMES = [t[0] for t in TOWNS]


def bingo_rows() -> list[Row]:
    industry = "イ 戦略産業の育成"
    return [
        Row(S1, "ア 経済戦略の策定及び推進", 1, "圏域ビジョンの推進", "協議会の開催",
            "○連携協議会の開催(5/22)", "圏域市町"),
        Row(S1, industry, 2, "ものづくり支援", "展示会", "●展示会への共同出展(10/14)",
            "福山市、三原市"),
        Row(S1, industry, 2, "ものづくり支援", "商談会", "△商談会の開催(2月頃)", "尾道市・井原市"),
        Row(S3, "ア 地域医療", 18, "救急医療の確保", "夜間救急", "○夜間救急診療所の運営",
            "笠岡市", policy_field="(1) 生活機能の強化に係る政策分野"),
    ]  # fmt: skip


@pytest.fixture
def bingo(db, tmp_path):
    """備後圏域 set up from its file, its 令和2年度 table imported and published."""
    setup_area(path=BINGO)
    path = build(tmp_path / "bingo.xlsx", Sheet(bingo_rows(), municipality_column=True))
    result = import_overview(read_workbook(path))
    assert result.errors == [] and result.totals["projects"] == 3
    year = FiscalYear.objects.get(year=2020)
    year.published = year.is_current = True
    year.save()
    return year


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert "山口" not in page and "宇部" not in page, url
    return page


def test_the_home_page_carries_the_areas_name_council_and_secretariat(client, bingo):
    page = get(client, "/")
    assert "<title>令和2年度の連携事業 | 備後圏域</title>" in page
    text = page_text(page)
    assert (
        "備後圏域 (福山市・三原市・尾道市・府中市・世羅町・神石高原町・笠岡市・井原市)"
        " が連携して取り組む事業と、その実績の状況です。"
    ) in text
    assert "備後圏域連携協議会 事務局: 備後圏域連携協議会 事務局" in text  # the footer


def test_the_municipality_pages_are_its_towns(client, bingo):
    text = page_text(get(client, "/municipalities/"))
    assert [name for name in NAMES if name in text] == NAMES
    kasaoka = page_text(get(client, "/municipalities/kasaoka/"))
    assert "救急医療の確保" in kasaoka and "ものづくり支援" not in kasaoka
    sera = page_text(get(client, "/municipalities/sera/"))  # only 「圏域市町」 names it
    assert "圏域ビジョンの推進" in sera and "ものづくり支援" not in sera
    assert client.get("/municipalities/ube/").status_code == 404


def test_the_open_data_lists_its_towns_with_their_codes(client, bingo):
    document = json.loads(get(client, "/opendata/2020.json"))
    assert document["municipalities"] == [
        {
            "name": n,
            "name_en": None,  # its area file writes none
            "reading": r,
            "code": c,
            "slug": s,
            "url": f"http://testserver/municipalities/{s}/",
        }
        for n, r, c, s in TOWNS
    ]
    projects = [p for s in document["strategies"] for m in s["measures"] for p in m["projects"]]
    assert [(p["number"], p["municipalities"]) for p in projects] == [
        (1, NAMES),
        (2, ["福山市", "三原市", "尾道市", "井原市"]),
        (18, ["笠岡市"]),
    ]
    licence = page_text(get(client, "/opendata/")).replace("「 ", "「").replace(" 」", "」")
    assert "出典として「備後圏域連携協議会」と年度を表示してください。" in licence


def test_the_demo_accounts_are_its_towns(bingo, settings, django_user_model):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    accounts = {
        u.username: (u.first_name, u.staff_profile.municipality, u.staff_profile.is_secretariat)
        for u in django_user_model.objects.select_related("staff_profile__municipality")
    }
    towns = {m.slug: m for m in Municipality.objects.all()}
    assert accounts == {
        "jimukyoku": ("事務局", None, True),
        **{slug: (f"{name} 担当", towns[slug], False) for name, _, _, slug in TOWNS},
    }


def test_pages_before_any_area_is_set_up_name_none(client, r2_published):
    Area.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>令和2年度の連携事業</title>" in page
    assert 'class="lead"' not in page
