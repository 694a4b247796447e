"""In Chromium: the secretariat rolls R2 over to R3, publishes it, and the public project page
shows both years."""

import pytest
from django.contrib.auth import get_user_model

from projects.models import FiscalYear, Project, StaffProfile
from projects.services.imports import import_overview, read_workbook
from projects.services.years import publish

pytestmark = pytest.mark.browser


@pytest.fixture
def published_r2(transactional_db, area, r2_path):
    import_overview(read_workbook(r2_path))
    r2 = FiscalYear.objects.get(year=2020)
    publish(fiscal_year=r2)
    user = get_user_model().objects.create_user("jimukyoku", password="renkei-demo", is_staff=True)
    StaffProfile.objects.create(user=user, is_secretariat=True)
    return r2


def log_in(page):
    page.goto(page.base_url + "/accounts/login/?next=/years/")
    page.get_by_label("ユーザー名").fill("jimukyoku")
    page.get_by_label("パスワード").fill("renkei-demo")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="年度の管理").wait_for()


def test_roll_over_publish_and_look_back(page, published_r2):
    from playwright.sync_api import expect

    log_in(page)
    page.get_by_role("link", name="次年度の作成 (令和3年度)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("次年度の作成 (令和3年度)")
    page.get_by_label("サイクルイベントの開催 — 令和3年度にも載せる").check()
    page.get_by_role("button", name="令和3年度を作成する").click()
    expect(page.locator(".messages")).to_have_text(
        "令和3年度を下書きとして作成しました (事業 29、実績項目 79、載せなかった項目 10)。"
    )
    expect(page.locator("#year-2021")).to_contain_text("下書き (非公開)")

    # A draft is not public yet.
    r3_project = Project.objects.get(fiscal_year__year=2021, number=22)
    r2_project = Project.objects.get(fiscal_year__year=2020, number=22)
    response = page.goto(f"{page.base_url}/projects/{r3_project.pk}/")
    assert response.status == 404

    page.goto(page.base_url + "/years/")
    page.get_by_role("link", name="令和3年度を公開する…").click()
    expect(page.locator("main")).to_contain_text("令和3年度を公開します (29 事業・79 実績項目)。")
    page.get_by_label("現在の年度は令和2年度のまま", exact=False).check()
    page.get_by_role("button", name="令和3年度を公開する").click()
    expect(page.locator(".messages")).to_have_text(
        "令和3年度を公開しました。市民のトップページは令和2年度を表示します。"
    )
    expect(page.locator("#year-2021")).to_contain_text("公開中")

    page.goto(f"{page.base_url}/projects/{r3_project.pk}/")
    years = page.locator(".project-years")
    expect(years.get_by_role("heading")).to_have_text("年度ごとの状況")
    expect(years.locator(".project-years-list > li")).to_have_text(
        ["令和2年度 △ 実施予定 (△ 実施予定 1)", "令和3年度 △ 実施予定 (△ 実施予定 1)"],
        use_inner_text=True,
    )
    years.get_by_role("link", name="令和2年度", exact=True).click()
    expect(page).to_have_url(f"{page.base_url}/projects/{r2_project.pk}/")
    expect(page.locator(".project-years strong")).to_have_text("令和2年度")
    expect(
        page.locator(".project-years").get_by_role("link", name="令和3年度", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="令和2年度と令和3年度の全事業を比べる").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("年度の比較 令和2年度 → 令和3年度")
    expect(page.get_by_text("新規 0 事業、終了 0 事業、名称・番号の変更 0 事業。")).to_be_visible()


def test_years_pages_fit_a_phone(page, published_r2):
    log_in(page)
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/years/", "/years/2020/rollover/", "/years/compare/", "/years/2020/publish/"):
        page.goto(page.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, path


def test_a_site_without_a_published_year_welcomes_on_a_phone_without_axe_violations(
    page, published_r2
):
    from tests.views.test_public_browser import AXE, axe_violations

    FiscalYear.objects.update(published=False, is_current=False)
    from projects.cache import bump

    bump()  # the update above sends no signal
    page.set_viewport_size({"width": 375, "height": 800})
    found = {}
    for path in ("/", "/en/"):
        response = page.goto(page.base_url + path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        if AXE.exists() and (violations := axe_violations(page)):
            found[path] = violations
    assert "このポータルは公開の準備中です。" in page.goto(page.base_url + "/").text()
    log_in(page)
    page.goto(page.base_url + "/")
    assert "事務局の方へ: 公開までの手順" in page.locator("main").inner_text()
    if AXE.exists() and (violations := axe_violations(page)):
        found["/ (secretariat)"] = violations
    assert found == {}
