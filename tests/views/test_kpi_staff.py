"""Towns report the year's values of their indicators; the secretariat evaluates with the
computed ratio beside and uploads the sheet. Scope as for activities: a town may report only
an indicator that names it; every change is in the history."""

import io

import pytest

from projects.models import FiscalYear, Indicator, IndicatorChange, IndicatorValue
from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets
from tests.support.staff import client_for

R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"


@pytest.fixture
def kpis(demo_users):
    result = import_kpi(sheet=read_kpi_file(io.BytesIO(kpi_sheets.usual(title=R2_TITLE))))
    assert result.ok
    return {i.number: i for i in Indicator.objects.all()}


def test_a_town_sees_only_its_indicators(demo_users, kpis):
    html = client_for(demo_users["hagi"]).get("/staff/kpi/").content.decode()
    assert "創業支援件数" in html and "社会増減" in html  # 各市町, 圏域全体
    assert "圏域内観光入込客数" not in html  # 山口市・宇部市
    assert "評価を保存" not in html


def test_a_town_reports_a_value_and_it_is_recorded(demo_users, kpis):
    ube = demo_users["ube"]
    response = client_for(ube).post(
        f"/staff/kpi/{kpis[1].pk}/value/",
        {"value_year": "2022", "value": "１,２５０", "survey_period": "R4年1月～12月"},
        follow=True,
    )
    assert (
        "「圏域内観光入込客数（万人）」の2022年度の値を「1,250 万人」にしました。"
        in response.content.decode()
    )
    value = IndicatorValue.objects.get(indicator=kpis[1], year=2022)
    assert (value.state, value.value, value.survey_period) == ("value", 1250, "R4年1月～12月")
    change = IndicatorChange.objects.get()
    assert (change.user, change.field, change.old_value, change.new_value, change.source) == (
        ube, "value", "(集計中)", "1250", "portal",
    )  # fmt: skip


def test_a_town_reports_pending(demo_users, kpis):
    client_for(demo_users["yamaguchi"]).post(
        f"/staff/kpi/{kpis[5].pk}/value/", {"value_year": "2022", "value": "集計中"}
    )
    value = IndicatorValue.objects.get(indicator=kpis[5], year=2022)
    assert (value.state, value.value, value.text) == ("pending", None, "(集計中)")


def test_a_town_is_refused_an_indicator_not_theirs(demo_users, kpis):
    response = client_for(demo_users["hagi"]).post(
        f"/staff/kpi/{kpis[1].pk}/value/", {"value_year": "2022", "value": "1"}
    )
    assert response.status_code == 403
    assert (
        "この成果指標の値を報告する権限がありません (担当市町に含まれていない指標です)。"
        in response.content.decode()
    )
    assert IndicatorValue.objects.get(indicator=kpis[1], year=2022).state == "pending"
    assert not IndicatorChange.objects.exists()


def test_a_town_is_refused_once_the_year_is_locked(demo_users, kpis):
    FiscalYear.objects.filter(year=2020).update(locked=True)
    response = client_for(demo_users["ube"]).post(
        f"/staff/kpi/{kpis[1].pk}/value/", {"value_year": "2022", "value": "1"}
    )
    assert response.status_code == 403
    assert "令和2年度の資料は確定しているため、変更できません。" in response.content.decode()


def test_a_value_that_is_not_a_number_is_refused_with_its_indicator(demo_users, kpis):
    response = client_for(demo_users["ube"]).post(
        f"/staff/kpi/{kpis[1].pk}/value/", {"value_year": "2022", "value": "たくさん"}, follow=True
    )
    assert (
        "「圏域内観光入込客数（万人）」: 値「たくさん」を読めません。"
        "数 (例: 1,234、▲12、3万5千) か「集計中」を入力してください。"
    ) in response.content.decode()
    assert IndicatorValue.objects.get(indicator=kpis[1], year=2022).state == "pending"


def test_the_secretariat_evaluates_with_the_ratio_beside(demo_users, kpis):
    client = client_for(demo_users["jimukyoku"])
    html = client.get("/staff/kpi/").content.decode()
    assert "達成率 (計算): <strong>70.8%</strong> (2022年度の値)" in html
    assert "達成率 (計算): <strong>-415.0%</strong> (2021年度の値) / 集計中: 2022年度" in html
    client.post(f"/staff/kpi/{kpis[5].pk}/evaluation/", {"evaluation": "△"})
    assert Indicator.objects.get(pk=kpis[5].pk).evaluation == "△"
    response = client.post(f"/staff/kpi/{kpis[5].pk}/evaluation/", {"evaluation": "D"}, follow=True)
    assert "評価「D」は凡例 (◎○△×) にない記号です。" in response.content.decode()
    assert Indicator.objects.get(pk=kpis[5].pk).evaluation == "△"


def test_a_town_may_not_evaluate(demo_users, kpis):
    response = client_for(demo_users["yamaguchi"]).post(
        f"/staff/kpi/{kpis[5].pk}/evaluation/", {"evaluation": "◎"}
    )
    assert response.status_code == 403
    assert Indicator.objects.get(pk=kpis[5].pk).evaluation == "○"


def test_the_secretariat_uploads_the_sheet_and_sees_every_error(demo_users, r2):
    client = client_for(demo_users["jimukyoku"])
    rows = [list(r) for r in kpi_sheets.ROWS]
    rows[1][11] = "◯"
    bad = io.BytesIO(kpi_sheets.usual(rows, title=R2_TITLE))
    bad.name = "kpi.xlsx"
    response = client.post("/years/2020/kpi/", {"file": bad})
    assert response.status_code == 400
    assert (
        "シート「成果指標」 セル L5: 評価「◯」は凡例 (◎○△×) にない記号です。"
        in response.content.decode()
    )
    assert not Indicator.objects.exists()
    good = io.BytesIO(kpi_sheets.usual(title=R2_TITLE))
    good.name = "kpi.xlsx"
    response = client.post("/years/2020/kpi/", {"file": good}, follow=True)
    assert (
        "令和2年度の成果指標を取り込みました: 新規 5、更新 0、削除 0" in response.content.decode()
    )
    assert client_for(demo_users["ube"]).post("/years/2020/kpi/", {}).status_code == 403


def test_staff_download_the_sheet_as_it_was_imported(demo_users, kpis):
    import openpyxl

    response = client_for(demo_users["hagi"]).get("/staff/kpi/2020.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="renkei-kpi-2020.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert (sheet["A1"].value, sheet["D6"].value, sheet["E6"].value) == (
        R2_TITLE,
        "▲899（R元）",
        "▲１２１",
    )
    assert client_for(None).get("/staff/kpi/2020.xlsx").status_code == 302  # to the login


def test_the_secretariat_is_offered_the_upload_before_any_sheet(demo_users, r2):
    html = client_for(demo_users["jimukyoku"]).get("/staff/kpi/").content.decode()
    assert '<a href="/years/2020/kpi/">令和2年度の成果指標の表 (xlsx) を取り込む</a>' in html


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(demo_users, r2):
    client = client_for(demo_users["jimukyoku"])
    upload = io.BytesIO(b"not a workbook")
    upload.name = "kpi.xlsx"
    response = client.post("/years/2020/kpi/", {"file": upload})
    assert response.status_code == 400
    assert "取り込みませんでした (1 件の誤り):" in response.content.decode()
    no_table = io.BytesIO(kpi_sheets.usual(header=["項目", "内容"], title=R2_TITLE))
    no_table.name = "memo.xlsx"
    response = client.post("/years/2020/kpi/", {"file": no_table})
    assert (
        "成果指標の表の見出し行 (成果指標・策定時または基準値・年度の列・目標値) が見つかりません。"
        in response.content.decode()
    )
    assert not Indicator.objects.exists()


def test_the_secretariat_makes_next_years_kpis_from_this_years(demo_users, kpis, r2):
    from projects.services.years import roll_over

    roll_over(source=r2)
    client = client_for(demo_users["jimukyoku"])
    html = client.get("/staff/kpi/").content.decode()
    assert "令和3年度の成果指標を令和2年度から作る" in html
    response = client.post("/years/2021/kpi/carry-over/", follow=True)
    assert "令和3年度の成果指標を前年度から作りました (5 指標)。" in response.content.decode()
    r3 = Indicator.objects.filter(edition__fiscal_year__year=2021).order_by("order")
    assert [i.previous_id for i in r3] == [kpis[n].pk for n in (1, 2, 3, 4, 5)]
    assert {i.strategy.fiscal_year.year for i in r3} == {2021}
    assert [i.evaluation for i in r3] == ["", "", "", "", ""]
    assert r3[0].edition.title == "【参考】成果指標評価・検証一覧（令和3年度）"
    assert IndicatorValue.objects.get(indicator=r3[0], year=2021).value == 1188
    assert [m.name for m in r3[0].municipalities.all()] == ["山口市", "宇部市"]
    again = client.post("/years/2021/kpi/carry-over/", follow=True)
    assert "令和3年度の成果指標はもうあります。" in again.content.decode()
    assert client_for(demo_users["ube"]).post("/years/2021/kpi/carry-over/").status_code == 403


def test_a_report_shows_on_the_cached_public_page(
    demo_users, kpis, client, django_capture_on_commit_callbacks
):
    from projects.models import FiscalYear

    FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)
    with django_capture_on_commit_callbacks(execute=True):
        pass
    before = client.get("/kpi/2020/1/").content.decode()
    assert "1,250" not in before
    with django_capture_on_commit_callbacks(execute=True):
        client_for(demo_users["ube"]).post(
            f"/staff/kpi/{kpis[1].pk}/value/", {"value_year": "2022", "value": "1,250"}
        )
    assert "1,250 万人" in client.get("/kpi/2020/1/").content.decode()


def test_the_admin_shows_the_kpis_to_read_only(demo_users, kpis):
    client = client_for(demo_users["jimukyoku"])
    response = client.get("/admin/projects/indicator/")
    assert response.status_code == 200 and "待機児童数（人）" in response.content.decode()
    indicator = kpis[5]
    assert (
        client.post(
            f"/admin/projects/indicator/{indicator.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    editions = client.get("/admin/projects/kpiedition/").content.decode()
    assert '<a href="/years/2020/kpi/">成果指標の表を取り込む</a>' in editions
