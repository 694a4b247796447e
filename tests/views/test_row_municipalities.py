"""A project whose rows name different towns (the later edition's 2 and 7): public pages count
rows, the admin shows and edits a row's own 関係市町, and every form refuses text no cell holds."""

import re
from urllib.parse import urlencode

import pytest

from projects.models import Activity, Change, FiscalYear, Project, ProjectRow
from projects.services.imports import import_overview, read_workbook
from tests.support.editions import build_later_edition
from tests.support.html import page_text
from tests.support.staff import add_users, client_for

pytestmark = pytest.mark.django_db


FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def later(tmp_path):
    import_overview(read_workbook(build_later_edition(tmp_path / "later.xlsx")))
    year = FiscalYear.objects.get(year=2021)
    year.published, year.is_current = True, True
    year.save()
    return year


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


TOTAL_RX = re.compile(r" ?([●○△■]) (実施済み|実施中|実施予定|中止) (\d+)件")


def project_totals(slug: str) -> dict[str, str]:
    """On a municipality's page: each project's status counts, as the visitor reads them."""
    text = page_text(client_for(None).get(f"/municipalities/{slug}/?year=2021").content.decode())
    text = text.split("関係する事業", 1)[1]
    found = {}
    for name in ("起業・創業支援", "広域観光連携", "地域医療提供体制の確保"):
        if f" {name} " in text:
            rest = text.split(f" {name} ", 1)[1]
            counts, pos = [], 0
            while match := TOTAL_RX.match(rest, pos):
                counts.append(" ".join(match.groups()) + "件")
                pos = match.end()
            found[name] = " ".join(counts)
    return found


def test_a_municipality_counts_the_activities_of_its_own_rows(later):
    assert project_totals("hagi") == {"広域観光連携": "○ 実施中 2件 △ 実施予定 1件"}
    ube = project_totals("ube")
    assert ube["起業・創業支援"] == "● 実施済み 1件 ○ 実施中 1件 ■ 中止 1件"
    assert ube["広域観光連携"] == "○ 実施中 3件 △ 実施予定 1件"
    yamaguchi = project_totals("yamaguchi")
    assert yamaguchi["起業・創業支援"] == "● 実施済み 1件 ○ 実施中 1件"  # not 宇部市's row


def test_the_municipality_list_totals_count_rows(later):
    text = page_text(client_for(None).get("/municipalities/?year=2021").content.decode())
    hagi = text.split("萩市", 1)[1].split("防府市")[0]
    # 萩市: the three 「全市町」 rows of project 7 and project 1's row
    assert hagi.strip().startswith(
        "(2事業 / 5件) ● 実施済み 0件 ○ 実施中 3件 △ 実施予定 2件 ■ 中止 0件"
    )


def test_a_project_page_shows_each_rows_own_municipalities(later):
    project = Project.objects.get(fiscal_year=later, number=7)
    text = page_text(client_for(None).get(project.get_absolute_url()).content.decode())
    assert text.count("この行の関係市町: 全市町") == 3
    assert "この行の関係市町: 宇部市、美祢市、山陽小野田市" in text


def row_page(row) -> str:
    return f"/admin/projects/projectrow/{row.pk}/change/"


def test_the_secretariat_edits_a_rows_municipalities_in_the_admin(later, users):
    project = Project.objects.get(fiscal_year=later, number=7)
    row = project.rows.get(order=3)
    client = client_for(users["jimukyoku"])
    page = page_text(client.get(row_page(row)).content.decode())
    assert "関係市町 (この行): 宇部市、美祢市、山陽小野田市" in page
    response = client.post(
        row_page(row),
        {
            "order": "3",
            "summary": row.summary,
            "municipalities_text": "萩市、津和野町",
            "activities-TOTAL_FORMS": "0",
            "activities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.municipalities_text == "萩市、津和野町"
    assert [m.name for m in row.municipalities.all()] == ["萩市", "津和野町"]
    assert list(
        ProjectRow.objects.concerning(users["hagi"].staff_profile.municipality).filter(pk=row.pk)
    )
    # every row has its own cell: the project's are their union, 宇部市 from the 全市町 rows
    assert [m.name for m in project.municipalities.all()] == [
        "山口市",
        "宇部市",
        "萩市",
        "防府市",
        "美祢市",
        "山陽小野田市",
        "津和野町",
    ]
    change = Change.objects.get(project=project, field="municipalities")
    assert (change.old_value, change.new_value, change.source) == (
        "宇部市、美祢市、山陽小野田市",
        "萩市、津和野町",
        "admin",
    )


def test_an_unknown_name_is_refused_on_the_row_page(later, users):
    row = Project.objects.get(fiscal_year=later, number=7).rows.get(order=3)
    response = client_for(users["jimukyoku"]).post(
        row_page(row),
        {
            "order": "3",
            "summary": row.summary,
            "municipalities_text": "宇部市、北九州市",
            "activities-TOTAL_FORMS": "0",
            "activities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "「北九州市」は圏域の市町ではありません。市町の名前を「、」で区切って書くか、「全市町」と書いてください。"
        in response.content.decode()
    )
    row.refresh_from_db()
    assert row.municipalities_text == "宇部市、美祢市、山陽小野田市"


def test_staff_read_a_rows_municipalities_but_cannot_change_them(later, users):
    row = Project.objects.get(fiscal_year=later, number=7).rows.get(order=3)
    client = client_for(users["ube"])
    page = client.get(row_page(row)).content.decode()
    assert "宇部市、美祢市、山陽小野田市" in page
    assert 'name="municipalities_text"' not in page
    response = client.post(row_page(row), {"order": "3", "municipalities_text": "萩市"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.municipalities_text == "宇部市、美祢市、山陽小野田市"


# -- text no cell can hold --------------------------------------------------------------------


def staff_form(activity, **values) -> dict:
    prefix = f"a{activity.pk}"
    data = {
        f"{prefix}-status": activity.status,
        f"{prefix}-text": activity.text,
        f"{prefix}-details": "\n".join(activity.details),
        f"{prefix}-version": str(activity.version),
    }
    data.update({f"{prefix}-{k}": v for k, v in values.items()})
    return data


@pytest.mark.parametrize(
    "text, message",
    [
        ("開催\x01", "制御文字 U+0001 は使えません (3 文字目)。"),
        ("あ" * 32_768, "32,768 文字あります。Excel のセルに入るのは 32,767 文字までです。"),
    ],
)
def test_the_staff_page_refuses_text_no_cell_can_hold(r2, users, text, message):
    activity = Activity.objects.filter(row__project__fiscal_year=r2).first()
    client = client_for(users["jimukyoku"])
    url = f"/staff/activities/{activity.pk}/"
    for multipart in (False, True):
        data = staff_form(activity, text=text)
        if multipart:
            response = client.post(url, data)
        else:
            response = client.post(url, urlencode(data), content_type=FORM)
        assert response.status_code == 400
        assert message in response.content.decode()
    activity.refresh_from_db()
    assert activity.version == 1


def test_a_nul_in_a_multipart_form_is_a_field_message_not_an_error(r2, users):
    activity = Activity.objects.filter(row__project__fiscal_year=r2).first()
    response = client_for(users["jimukyoku"]).post(
        f"/staff/activities/{activity.pk}/", staff_form(activity, details="・詳細\x00")
    )
    assert response.status_code == 400
    assert "NUL (U+0000) は使えません (4 文字目)。" in response.content.decode()


def test_admin_forms_refuse_control_characters(r2, users):
    """The admin's forms are refused before any of their fields reaches a query, naming the
    field (the staff page's forms say it at the field, with the character's place)."""
    project = Project.objects.get(fiscal_year=r2, number=7)
    row = project.rows.get(order=0)
    response = client_for(users["jimukyoku"]).post(
        row_page(row),
        {
            "order": "0",
            "summary": "都市間\x0bツーリズム",
            "municipalities_text": "",
            "activities-TOTAL_FORMS": "0",
            "activities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert response.content.decode() == (
        "要求に使えない文字 (NUL などの制御文字) が含まれています: 欄「summary」。"
    )
    row.refresh_from_db()
    assert row.summary == "都市間ツーリズムの促進"
    strategy_page = f"/admin/projects/strategy/{project.measure.strategy_id}/change/"
    response = client_for(users["jimukyoku"]).post(
        strategy_page,
        {
            "fiscal_year": str(r2.pk),
            "number": "1",
            "title": "圏域\x1f全体",
            "heading": "1 圏域全体の経済成長のけん引",
            "band": "",
            "measures-TOTAL_FORMS": "0",
            "measures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "欄「title」" in response.content.decode()


def test_the_year_page_describes_its_layout(later, users):
    page = client_for(users["jimukyoku"]).get(f"/admin/projects/fiscalyear/{later.pk}/change/")
    text = page_text(page.content.decode())
    assert "シート「R3連携事業」、見出しは 5 行目" in text
    assert "列: 取組・施策・番号・事業名・事業の概要・関係市町・事業の実績" in text
    assert "取組・施策・事業のセル: 各行に繰り返し" in text
    assert "印刷: B4横、改ページ: 取組ごと、フッター: &L資料2&C&P / &N" in text
