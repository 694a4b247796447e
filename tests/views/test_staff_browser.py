"""End to end in Chromium: staff update a status, another municipality cannot reach it, and the
secretariat uploads a changed workbook through the preview."""

import pytest
from django.core.management import call_command

from projects.models import Activity, FiscalYear, StaffProfile
from projects.services import editing
from projects.services.imports import import_overview, read_workbook
from tests.support.staff import PASSWORD, activity_of, with_status, workbook_with

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def live_r2(transactional_db, area, r2_path, settings):
    """R2 and the demo accounts, committed so that the live server sees them."""
    import_overview(read_workbook(r2_path))
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    StaffProfile.objects.update(is_demo=False)  # used as real accounts, with DEBUG off
    return FiscalYear.objects.get(year=2020)


def log_in(page, username):
    page.goto(page.base_url + "/accounts/login/?next=/staff/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/staff/")


def test_staff_change_a_status_and_see_it_in_the_history(page, live_r2):
    activity = activity_of(live_r2, 28)
    log_in(page, "ube")
    article = page.locator(f"#activity-{activity.pk}")
    article.get_by_label("● 実施済み").check()
    article.get_by_role("button", name="保存").click()
    # saved in place (fetch): the page is not reloaded and the block says so
    article.get_by_role("status").wait_for()
    assert page.url == page.base_url + "/staff/"
    assert article.get_by_role("status").inner_text() == "保存しました。"
    assert article.locator(".current .status").inner_text() == "● 実施済み"
    article.get_by_text("変更履歴 (最近 1 件)").click()
    history = article.locator("details.history li").first.inner_text()
    assert history.endswith("ube (宇部市 担当) (画面) 状況: ○ 実施中 → ● 実施済み")
    assert Activity.objects.get(pk=activity.pk).status == "done"


def test_another_municipality_cannot_reach_the_activity(page, live_r2):
    activity = activity_of(live_r2, 28)  # 宇部市 only
    log_in(page, "hagi")
    assert page.locator(f"#activity-{activity.pk}").count() == 0
    assert page.locator("h3", has_text="7 広域観光連携").count() == 1
    page.goto(page.base_url + f"/staff/activities/{activity.pk}/delete/")
    assert (
        "この実績項目を変更する権限がありません (担当の市町が関係市町に入っていない行です)。"
        in (page.locator("main").inner_text())
    )
    page.goto(page.base_url + f"/admin/projects/activity/{activity.pk}/change/")
    assert page.locator(".messagelist").inner_text() == (
        f"ID “{activity.pk}” の実績項目は見つかりませんでした。削除された可能性があります。"
    )
    assert Activity.objects.get(pk=activity.pk).version == 1


def test_the_page_fits_a_phone_and_works_without_javascript(browser, live_server, live_r2):
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    page.base_url = live_server.url
    try:
        log_in(page, "ube")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        activity = activity_of(live_r2, 25)
        article = page.locator(f"#activity-{activity.pk}")
        article.get_by_label("○ 実施中").check()
        article.get_by_role("button", name="保存").click()
        page.wait_for_url(f"**/staff/?saved={activity.pk}#activity-{activity.pk}")
        assert (
            page.locator(f"#activity-{activity.pk} [role=status]").inner_text() == "保存しました。"
        )
        assert Activity.objects.get(pk=activity.pk).status == "in_progress"
    finally:
        context.close()


def test_secretariat_uploads_a_changed_workbook_through_the_preview(page, live_r2, r2_path):
    portal_edit = activity_of(live_r2, 28)  # staff set ○ → ● in the portal
    editing.update_activity(
        user=portal_edit.row.project.municipalities.get(slug="ube").staff.get().user,
        activity=portal_edit,
        status="done",
        text=portal_edit.text,
        details=portal_edit.details,
        expected_version=1,
    )
    in_file = activity_of(live_r2, 7, 1)  # ○ → ● in the uploaded workbook
    content = workbook_with(r2_path, with_status(in_file, "●"))

    page.goto(page.base_url + "/admin/login/?next=/admin/projects/fiscalyear/upload/")
    page.get_by_label("ユーザー名").fill("jimukyoku")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/projects/fiscalyear/upload/")
    page.get_by_label("資料の Excel ブック (.xlsx)").set_input_files(
        files=[
            {
                "name": "r02_changed.xlsx",
                "mimeType": XLSX,
                "buffer": content,
            }
        ]
    )
    page.get_by_role("button", name="アップロードして確認").click()
    page.wait_for_url("**/admin/projects/fiscalyear/upload/*/")
    body = page.locator("#content-main").inner_text()
    assert "まだ何も書き込んでいません。" in body
    assert "更新: 実績項目 2" in body
    conflict = page.locator("ul.conflicts li").inner_text()
    assert "事業「28 次世代の人材育成」: ● 実施済み → ○ 実施中" in conflict
    row = page.locator("table.changes tr", has_text="7 広域観光連携")
    assert "○ 実施中 → ● 実施済み" in row.inner_text()
    assert Activity.objects.get(pk=in_file.pk).status == "in_progress"

    page.get_by_role("button", name="確定して取り込む").click()
    page.wait_for_url(f"**/admin/projects/fiscalyear/{live_r2.pk}/change/")
    assert "取り込みました。更新: 実績項目 2" in page.locator(".messagelist").inner_text()
    assert Activity.objects.get(pk=in_file.pk).status == "done"
    assert Activity.objects.get(pk=portal_edit.pk).status == "in_progress"


def test_the_later_of_two_saves_is_refused_in_the_page(browser, page, live_r2):
    activity = activity_of(live_r2, 28)
    other = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    secretariat = other.new_page()
    secretariat.base_url = page.base_url
    try:
        log_in(page, "ube")
        log_in(secretariat, "jimukyoku")
        mine = page.locator(f"#activity-{activity.pk}")
        theirs = secretariat.locator(f"#activity-{activity.pk}")
        mine.get_by_label("● 実施済み").check()
        mine.get_by_role("button", name="保存").click()
        mine.get_by_role("status").wait_for()
        theirs.get_by_label("■ 中止").check()
        theirs.get_by_role("button", name="保存").click()
        alert = theirs.get_by_role("alert")
        alert.wait_for()
        assert "ube (宇部市 担当) さんが " in alert.inner_text()
        assert "に画面で変更 (状況: ○ 実施中 → ● 実施済み)" in alert.inner_text()
        assert theirs.get_by_label("■ 中止").is_checked()  # what they chose is kept
        assert Activity.objects.get(pk=activity.pk).status == "done"
    finally:
        other.close()
