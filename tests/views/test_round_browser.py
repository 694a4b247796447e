"""One whole reporting round in Chromium: the secretariat opens it, 宇部市 and 萩市 answer, the
secretariat follows the figures, reminds the towns still open, closes (the snapshot is the
資料 at the close), and a staff edit after the close is refused."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from projects.models import Activity, FiscalYear, Round, StaffProfile
from projects.reports.tables import overview_from_db
from projects.services.imports import import_overview, read_workbook
from projects.table import formats
from tests.support.staff import PASSWORD, activity_of

pytestmark = pytest.mark.browser
OTHERS = ("hofu", "mine", "sanyo-onoda", "tsuwano")


@pytest.fixture
def live_r2(transactional_db, area, r2_path, settings):
    """R2 and the demo accounts: one with an address for each town."""
    import_overview(read_workbook(r2_path))
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    StaffProfile.objects.update(is_demo=False)  # used as real accounts, with DEBUG off
    assert StaffProfile.objects.filter(municipality__slug__in=OTHERS).count() == len(OTHERS)
    return FiscalYear.objects.get(year=2020)


def tab(browser, live_server, username):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/accounts/login/?next=/staff/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/")
    return page


def cells(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_one_whole_round(browser, live_server, live_r2, mailoutbox):
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    secretariat = tab(browser, live_server, "jimukyoku")
    ube = tab(browser, live_server, "ube")
    hagi = tab(browser, live_server, "hagi")
    try:
        # The secretariat opens the round for every town.
        secretariat.get_by_role("link", name="照会", exact=True).click()
        secretariat.get_by_role("link", name="照会を始める").click()
        assert secretariat.get_by_label("件名").input_value() == "令和2年度実績見込み照会"
        secretariat.get_by_label("締切日").fill(deadline.isoformat())
        secretariat.get_by_label("依頼文").fill("2月の推進協議会の資料とします。")
        secretariat.get_by_role("button", name="照会を始める (メールを送る)").click()
        round_ = Round.objects.get()
        secretariat.wait_for_url(f"**/staff/rounds/{round_.pk}/")
        assert "メールを 7 通送りました。" in secretariat.locator(".messages").inner_text()
        assert len(mailoutbox) == 7

        # 宇部市 changes one activity on the staff page and hands in the rest as unchanged.
        changed = activity_of(live_r2, 28)
        ube.goto(live_server.url + "/staff/")
        ube.locator(f"#round-panel-{round_.pk}").get_by_role("link", name="回答のページ").click()
        ube.locator(f"#round-activity-{changed.pk}").get_by_role("link", name="変更する").click()
        article = ube.locator(f"#activity-{changed.pk}")
        article.get_by_label("● 実施済み").check()
        article.get_by_role("button", name="保存").click()
        article.get_by_role("status").wait_for()
        ube.goto(live_server.url + round_.get_absolute_url())
        assert "変更あり" in ube.locator(f"#round-activity-{changed.pk}").inner_text()
        ube.get_by_role("link", name="回答を提出する…").click()
        assert (
            "まだ回答していない 69 項目は「変更なし」として回答します。"
            in ube.locator("main").inner_text()
        )
        ube.get_by_role("button", name="回答を提出する").click()
        ube.wait_for_url(f"**/staff/rounds/{round_.pk}/")

        # 萩市 confirms one project 「変更なし」 as a whole, then hands in.
        hagi.goto(live_server.url + round_.get_absolute_url())
        project = activity_of(live_r2, 7).row.project
        hagi.locator(f"#round-project-{project.pk}").get_by_role(
            "button", name="この事業は変更なし"
        ).click()
        hagi.wait_for_url(f"**/staff/rounds/{round_.pk}/#round-project-{project.pk}")
        progress = hagi.locator("#town-progress").inner_text()  # project 7 has twelve lines
        assert progress.endswith("69 項目中 12 項目に回答 (変更 0、変更なし 12)")
        hagi.get_by_role("link", name="回答を提出する…").click()
        hagi.get_by_role("button", name="回答を提出する").click()
        hagi.wait_for_url(f"**/staff/rounds/{round_.pk}/")

        # The secretariat sees 2 of 7 towns answered, with the figures.
        secretariat.reload()
        assert "回答済み 2 / 7 市町" in secretariat.locator("#progress").inner_text()
        assert (
            "70 項目中 70 項目に回答 (変更 1、変更なし 69)"
            in secretariat.locator("#town-ube").inner_text()
        )
        assert (
            "69 項目中 69 項目に回答 (変更 0、変更なし 69)"
            in secretariat.locator("#town-hagi").inner_text()
        )
        assert "未回答" in secretariat.locator("#town-yamaguchi").inner_text()
        assert "状況: ○ 実施中 → ● 実施済み" in secretariat.locator("#changes + ul").inner_text()

        # A reminder goes only to the five towns still open.
        mailoutbox.clear()
        secretariat.get_by_role("link", name="督促のメールを送る… (5 市町)").click()
        assert (
            "次の 5 市町に、督促のメールを送ります: 山口市、防府市、美祢市、山陽小野田市、津和野町。"
            in (secretariat.locator("main").inner_text())
        )
        assert mailoutbox == []
        secretariat.get_by_role("button", name="督促のメールを送る").click()
        secretariat.wait_for_url(f"**/staff/rounds/{round_.pk}/")
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            f"{slug}@example.jp" for slug in ("yamaguchi", *OTHERS)
        )
        assert all(m.subject.startswith("【督促】令和2年度実績見込み照会") for m in mailoutbox)

        # Closing, confirmed, freezes the 資料 as it stands.
        secretariat.get_by_role("link", name="締め切る…").click()
        assert "回答を提出していない市町: 山口市、防府市、美祢市、山陽小野田市、津和野町。" in (
            secretariat.locator("main").inner_text()
        )
        secretariat.get_by_role("button", name="締め切る").click()
        secretariat.wait_for_url(f"**/staff/rounds/{round_.pk}/")
        at_close = cells(formats.render(overview_from_db(live_r2), "xlsx"))

        # After the close the town reads its activities with the reason, and no form to save.
        ube.goto(live_server.url + "/staff/")
        assert "を締め切ったため、変更できません。" in ube.locator("main").inner_text()
        article = ube.locator(f"#activity-{changed.pk}")
        assert article.get_by_role("button", name="保存").count() == 0
        assert Activity.objects.get(pk=changed.pk).status == "done"

        # The snapshot downloads, equal to the 資料 at the close.
        with secretariat.expect_download() as download:
            secretariat.get_by_role("link", name="資料 (xlsx)").click()
        with open(download.value.path(), "rb") as handle:
            saved = cells(handle.read())
        assert saved == at_close
        assert saved[0][0] == "令和2年度連携事業概要及び実績見込み"
    finally:
        for page in (secretariat, ube, hagi):
            page.context.close()


def test_the_round_pages_fit_a_phone_work_without_scripts_and_pass_axe(
    browser, live_server, live_r2
):
    from projects.services import rounds
    from tests.views.test_public_browser import AXE, axe_violations

    round_ = rounds.open_round(
        user=get_user_model().objects.get(username="jimukyoku"),
        fiscal_year=live_r2,
        title="令和2年度実績見込み照会",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/accounts/login/?next=/staff/")
        page.get_by_label("ユーザー名").fill("ube")
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url("**/staff/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(live_server.url + round_.get_absolute_url())
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        one = activity_of(live_r2, 28)
        page.locator(f"#round-activity-{one.pk}").get_by_role("button", name="変更なし").click()
        page.wait_for_url(f"**/staff/rounds/{round_.pk}/#round-activity-{one.pk}")
        assert "変更なし" in page.locator(f"#round-activity-{one.pk} .state").inner_text()
        for url in (round_.get_absolute_url(), f"/staff/rounds/{round_.pk}/submit/"):
            page.goto(live_server.url + url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
    finally:
        context.close()
    if not AXE.exists():
        return  # the public pages' test says why it is missing
    secretariat = tab(browser, live_server, "jimukyoku")
    try:
        found = {}
        for url in (
            round_.get_absolute_url(),
            round_.get_absolute_url() + "?municipality=ube",
            f"/staff/rounds/{round_.pk}/close/",
            f"/staff/rounds/{round_.pk}/remind/",
            "/staff/rounds/new/",
            "/staff/",
            f"/years/{live_r2.year}/imports/",
            f"/years/{live_r2.year}/lock/",
        ):
            secretariat.goto(live_server.url + url)
            if violations := axe_violations(secretariat):
                found[url] = violations
        secretariat.set_viewport_size({"width": 375, "height": 740})
        for url in (round_.get_absolute_url(), f"/staff/rounds/{round_.pk}/remind/"):
            secretariat.goto(live_server.url + url)
            assert secretariat.evaluate("document.documentElement.scrollWidth") <= 375, url
        assert found == {}
    finally:
        secretariat.context.close()
