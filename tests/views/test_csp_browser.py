"""In Chromium: the pages pass the Content-Security-Policy (no inline script or style is
allowed): no violation is reported on the staff page, the years page, the admin upload and
its preview, and the public pages (the home page's chart, a project, the printed table)."""

import pytest
from django.contrib.auth import get_user_model

from projects.models import FiscalYear, Municipality, Project, StaffProfile
from projects.services.imports import import_overview, read_workbook
from projects.services.years import publish

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def site(transactional_db, area, r2_path):
    import_overview(read_workbook(r2_path))
    r2 = FiscalYear.objects.get(year=2020)
    publish(fiscal_year=r2)
    User = get_user_model()
    office = User.objects.create_user("office", password="renkei-demo", is_staff=True)
    StaffProfile.objects.create(user=office, is_secretariat=True)
    ube = Municipality.objects.get(slug="ube")
    for project in Project.objects.all():
        project.municipalities.add(ube)
    return r2


def violations(page, path: str) -> list[str]:
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    return page.evaluate("window.__violations")


def test_no_page_breaks_the_policy(page, site, r2_path):
    page.add_init_script(WATCH)
    project = Project.objects.filter(number=28).get()
    found = {}
    for path in ("/", f"/projects/{project.pk}/", "/print/2020/", "/projects/?status=done"):
        found[path] = violations(page, path)
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("ユーザー名").fill("office")
    page.get_by_label("パスワード").fill("renkei-demo")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/")
    for path in (
        "/staff/",
        "/years/",
        "/admin/projects/fiscalyear/upload/",
        "/admin/projects/change/",
    ):
        found[path] = violations(page, path)
    page.goto(page.base_url + "/admin/projects/fiscalyear/upload/")
    page.locator("input[type=file]").set_input_files(str(r2_path))
    page.get_by_role("button", name="アップロードして確認").click()
    page.get_by_text("まだ何も書き込んでいません。").wait_for()
    found["preview"] = page.evaluate("window.__violations")
    assert found == {path: [] for path in found}
