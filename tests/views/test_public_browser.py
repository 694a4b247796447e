"""The public pages in Chromium: the citizen's path, the English switch, a 375 px phone, and
axe-core's accessibility rules on every page type (zero serious or critical violations)."""

import json
import os
from pathlib import Path

import pytest

from projects.models import FiscalYear, Project
from projects.services.demo import assign_municipalities_from_text
from projects.services.imports import import_overview, read_workbook

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def site(area, r2_path):
    import_overview(read_workbook(r2_path))
    FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)
    assign_municipalities_from_text()
    from projects.cache import bump

    bump()  # the update above sends no signal
    return FiscalYear.objects.get(year=2020)


def public_urls():
    p27 = Project.objects.get(fiscal_year__year=2020, number=27).pk
    p14 = Project.objects.get(fiscal_year__year=2020, number=14).pk
    return {
        "home": "/",
        "list": "/projects/?municipality=ube&status=done",
        "search": "/projects/?q=ＩＣＴ",
        "detail": f"/projects/{p27}/",
        "detail-relisted": f"/projects/{p14}/",
        "municipalities": "/municipalities/",
        "municipality": "/municipalities/ube/",
        "calendar": "/calendar/",
        "opendata": "/opendata/",
        "print": "/print/2020/",
        "not-found": "/opendata/1999.json",
    }


def test_citizen_filters_opens_a_project_and_downloads_the_data(page, site):
    page.goto(page.base_url + "/")
    assert page.title() == "令和2年度の連携事業 | 山口県央連携都市圏"
    page.get_by_label("市町", exact=True).select_option(label="宇部市")
    page.get_by_label("状況", exact=True).select_option(label="● 実施済み")
    page.get_by_role("button", name="さがす").click()
    page.wait_for_url("**/projects/?**")
    assert "municipality=ube" in page.url and "status=done" in page.url
    assert page.locator("#result-count").inner_text() == (
        "4件の事業 — 条件に合う実績項目だけを表示しています"
    )
    assert (
        page.get_by_label("市町", exact=True).input_value() == "ube"
    )  # the filters stay in the form

    page.get_by_role("link", name="27 移住・定住の促進").click()
    page.wait_for_url("**/projects/*/")
    assert page.locator("h1").inner_text() == "事業 27 移住・定住の促進"
    timeline = page.locator("ol.timeline")
    assert timeline.locator('time[datetime="2021-01-08"]').inner_text() == "2021年1月8日"
    assert timeline.locator('time[datetime="2020-11-29"]').inner_text() == "2020年11月29日"
    assert "● 実施済み" in timeline.inner_text()

    with page.expect_download() as info:
        page.get_by_role("link", name="JSON").click()
    download = info.value
    assert download.suggested_filename == "renkei-overview-2020.json"
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["format"] == "renkei-overview/1"
    names = [
        p["name"] for s in document["strategies"] for m in s["measures"] for p in m["projects"]
    ]
    assert "移住・定住の促進" in names and len(names) == 29


def test_english_switch(page, site):
    page.goto(page.base_url + "/projects/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    # The area's name is data (as the setup file writes it), not translated.
    assert page.title() == "Projects (令和2年度) | 山口県央連携都市圏"
    assert (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Projects")
        .is_visible()
    )
    assert page.get_by_label("Status", exact=True).input_value() == ""
    assert "広域観光連携" in page.content()  # content stays as written
    page.get_by_role("button", name="日本語").click()
    page.wait_for_selector("html[lang=ja]")
    assert page.title() == "事業一覧 (令和2年度) | 山口県央連携都市圏"


def test_phone_width_has_no_horizontal_overflow(page, site):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 375, "height": 812})
    for name, url in public_urls().items():
        page.goto(page.base_url + url)
        page.screenshot(path=str(ARTIFACTS / f"public-375-{name}.png"), full_page=True)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 375, (name, width)
    assert (ARTIFACTS / "public-375-home.png").stat().st_size > 0


def test_keyboard_reaches_the_content_with_a_visible_focus(page, site):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "本文へ移動"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def axe_violations(page) -> list[dict]:
    # Evaluated by the browser's tooling, not added to the page: the Content-Security-Policy
    # refuses inline scripts, and rightly.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violations_on_any_page_type(page, site):
    if not AXE.exists():
        message = f"axe-core がありません ({AXE}): npm ci --prefix tests/browser"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    found = {}
    for name, url in public_urls().items():
        page.goto(page.base_url + url)
        if violations := axe_violations(page):
            found[name] = violations
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    if violations := axe_violations(page):
        found["home-en"] = violations
    assert found == {}
