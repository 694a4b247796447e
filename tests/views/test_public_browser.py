"""The public pages in Chromium: the citizen's path, the English switch, a 375 px phone and a
1366 px desktop (bars proportional to their counts, touch targets, the folded filters), and
axe-core's accessibility rules on every page type in both languages (zero violations of any
impact). Screenshots of every page at both widths go to test-artifacts/."""

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
        "list-sorted": "/projects/?sort=updated",
        "search": "/projects/?q=かんこう",
        "detail": f"/projects/{p27}/",
        "detail-relisted": f"/projects/{p14}/",
        "municipalities": "/municipalities/",
        "municipality": "/municipalities/ube/",
        "calendar": "/calendar/",
        "calendar-month": "/calendar/?month=2020-11",
        "opendata": "/opendata/",
        "print": "/print/2020/",
        "contact": "/about/contact/",
        "accessibility": "/about/accessibility/",
        "login": "/accounts/login/",
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
        "条件に合う事業は 4 件です。 — 条件に合う実績項目だけを表示しています"
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
    page.goto(page.base_url + "/projects/?status=done")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.url.endswith("/en/projects/?status=done")  # the same page, no cookie
    assert page.context.cookies() == []
    assert page.title() == "Projects (令和2年度・● Done) | 山口県央連携都市圏"
    assert (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Projects")
        .is_visible()
    )
    assert page.get_by_label("Status", exact=True).input_value() == "done"
    assert "産業人材の育成及び確保" in page.content()  # content stays as written
    page.get_by_role("link", name="日本語").click()
    page.wait_for_selector("html[lang=ja]")
    assert page.title() == "事業一覧 (令和2年度・● 実施済み) | 山口県央連携都市圏"


@pytest.mark.parametrize("width", [375, 1366])
def test_no_horizontal_overflow_and_screenshots(page, site, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in public_urls().items():
        page.goto(page.base_url + url)
        page.screenshot(path=str(ARTIFACTS / f"public-{width}-{name}.png"), full_page=True)
        scrolled = page.evaluate("document.scrollingElement.scrollWidth")
        assert scrolled <= width, (name, scrolled)
    assert (ARTIFACTS / f"public-{width}-home.png").stat().st_size > 0


BAR_WIDTHS = """() => [...document.querySelectorAll('figure.bars')].map(figure => {
  const stacks = [...figure.querySelectorAll('.stack')];
  return stacks.map(stack => ({
    width: stack.getBoundingClientRect().width,
    segments: [...stack.querySelectorAll('.seg')].map(seg => ({
      width: seg.getBoundingClientRect().width, count: Number(seg.dataset.count)})),
  }));
})"""


@pytest.mark.parametrize("width", [320, 375, 1366])
def test_bars_are_proportional_to_their_counts(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    for url in ("/", "/municipalities/", "/municipalities/ube/"):
        page.goto(page.base_url + url)
        charts = page.evaluate(BAR_WIDTHS)
        assert charts, url
        for bars in charts:
            largest = max(sum(s["count"] for s in bar["segments"]) for bar in bars)
            for bar in bars:  # a bar's full width stands for the chart's largest total
                scale = bar["width"]
                assert scale > width / 2, (url, scale)
                for s in bar["segments"]:
                    expected = scale * s["count"] / largest
                    assert abs(s["width"] - expected) <= max(2, 0.015 * scale), (url, s, expected)
        widths = {round(s["width"]) for bars in charts for b in bars for s in b["segments"]}
        assert len(widths) > 3, url  # not every bar the same few pixels wide


TARGETS = """() => [...document.querySelectorAll(
  'header.site a, footer.site a, nav.pagination a, nav.years a, .choices a, .month-nav a,'
  + ' form.filters button, form.filters select, form.filters input:not([type=hidden]),'
  + ' details.more-filters summary')]
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect();
    return {text: el.textContent.trim().slice(0, 20), width: r.width, height: r.height}; })"""


def test_touch_targets_are_at_least_44_px_on_a_phone(page, site):
    page.set_viewport_size({"width": 375, "height": 812})
    for url in ("/", "/projects/?municipality=ube", "/calendar/", "/municipalities/ube/"):
        page.goto(page.base_url + url)
        small = [t for t in page.evaluate(TARGETS) if t["height"] < 44 or t["width"] < 44]
        assert small == [], url


def test_filters_are_folded_on_a_phone_and_open_on_a_desktop(page, site):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(page.base_url + "/projects/")
    assert page.locator("details.more-filters").get_attribute("open") is None
    first = page.locator("li.project").first.bounding_box()
    assert first["y"] < 812  # the first result is on the first screen
    page.locator("details.more-filters summary").click()
    assert page.get_by_label("状況", exact=True).is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base_url + "/projects/")
    assert page.locator("details.more-filters").get_attribute("open") == ""
    assert page.get_by_label("市町", exact=True).is_visible()


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
    ]


def test_axe_finds_no_violations_on_any_page_type_in_either_language(page, site):
    if not AXE.exists():
        message = f"axe-core がありません ({AXE}): npm ci --prefix tests/browser"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    found = {}
    for name, url in public_urls().items():
        for prefix in ("", "/en"):
            page.goto(page.base_url + prefix + url)
            if violations := axe_violations(page):
                found[prefix + name] = violations
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(page.base_url + "/")
    if violations := axe_violations(page):
        found["home-375"] = violations
    assert found == {}
