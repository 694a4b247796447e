"""The KPI pages in Chromium at a 375 px phone and a 1366 px desktop: no horizontal overflow,
the chart beside its table on a desktop and above it on a phone, axe-core's rules with zero
violations in both languages, the staff report form usable. Screenshots go to
test-artifacts/."""

import io
import os
from pathlib import Path

import pytest

from projects.models import FiscalYear, Indicator
from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets
from tests.views.test_public_browser import AXE, axe_violations

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def kpi_site(area, r2_path):
    from projects.cache import bump
    from projects.services.imports import import_overview, read_workbook

    import_overview(read_workbook(r2_path))
    FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)
    result = import_kpi(sheet=read_kpi_file(io.BytesIO(kpi_sheets.usual(title=R2_TITLE))))
    assert result.ok
    bump()  # the updates above send no signal
    return Indicator.objects.order_by("order").first().measure


URLS = {"index": "/kpi/", "strategy-1": "/kpi/2020/1/", "strategy-3": "/kpi/2020/3/"}


@pytest.mark.parametrize("width", [375, 1366])
def test_the_kpi_pages_fit_and_pass_axe_at_each_width(page, kpi_site, width):
    if not AXE.exists():
        message = f"axe-core がありません ({AXE}): npm ci --prefix tests/browser"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for name, url in URLS.items():
        for prefix in ("", "/en"):
            page.goto(page.base_url + prefix + url)
            scrolled = page.evaluate("document.scrollingElement.scrollWidth")
            assert scrolled <= width, (prefix + url, scrolled)
            if violations := axe_violations(page):
                found[prefix + name] = violations
        page.goto(page.base_url + url)
        page.screenshot(path=str(ARTIFACTS / f"kpi-{width}-{name}.png"), full_page=True)
    assert found == {}


def test_the_chart_sits_beside_its_table_on_a_desktop_and_above_it_on_a_phone(page, kpi_site):
    positions = """() => { const c = document.querySelector('.kpi-chart').getBoundingClientRect();
      const t = document.querySelector('.kpi-table').getBoundingClientRect();
      return {chartRight: c.right, tableLeft: t.left, chartBottom: c.bottom, tableTop: t.top}; }"""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base_url + "/kpi/2020/1/")
    desktop = page.evaluate(positions)
    assert desktop["chartRight"] <= desktop["tableLeft"]
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(page.base_url + "/kpi/2020/1/")
    phone = page.evaluate(positions)
    assert phone["chartBottom"] <= phone["tableTop"]
    table = page.get_by_role("table", name="圏域内観光入込客数（万人）の値 (単位: 万人)")
    assert "令和4年度 集計中" in table.inner_text().replace("\t", " ")


@pytest.fixture
def kpi_staff_site(kpi_site, settings):
    from django.core.management import call_command

    from projects.models import StaffProfile

    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    StaffProfile.objects.update(is_demo=False)  # used as real accounts, with DEBUG off
    return kpi_site


def test_a_town_reports_a_value_on_a_phone_and_the_page_passes_axe(page, kpi_staff_site):
    from tests.support.staff import PASSWORD

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(page.base_url + "/accounts/login/?next=/staff/kpi/")
    page.get_by_label("ユーザー名").fill("ube")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/kpi/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    if AXE.exists():
        assert axe_violations(page) == []
    shipments = Indicator.objects.get(number=4)
    form = page.locator(f"#kpi-{shipments.pk}")
    form.get_by_label("年度").select_option(label="2021年度")
    form.get_by_label("値 (または 集計中)").fill("9兆3,100億円")
    form.get_by_role("button", name="報告する").click()
    page.wait_for_url("**/staff/kpi/?year=2020*")
    assert page.get_by_role("status").first.inner_text() == (
        "「圏域の製造品出荷額」の2021年度の値を「9,310,000,000,000 円」にしました。"
    )
    assert shipments.values.get(year=2021).value == 9310000000000
