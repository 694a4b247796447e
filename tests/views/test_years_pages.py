"""The secretariat's page 「年度の管理」 and the public year comparison."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages

from projects.models import Activity, Change, FiscalYear, Project
from projects.services.imports import import_overview, read_workbook
from projects.services.years import publish
from tests.support.html import page_text
from tests.support.next_year import build_next_year
from tests.support.staff import client_for


@pytest.fixture
def secretariat(client, demo_users):
    client.force_login(demo_users["jimukyoku"])
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_years_page_is_for_the_secretariat_only(client, demo_users):
    response = client.get("/years/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/years/"
    client.force_login(demo_users["yamaguchi"])
    response = client.get("/years/")
    assert response.status_code == 403
    assert "年度の管理は事務局だけが行えます。" in response.content.decode()
    response = client.post("/years/2020/unpublish/")
    assert response.status_code == 403
    assert FiscalYear.objects.get(year=2020).published  # load_demo published it


def test_years_page_lists_years_and_actions(secretariat):
    html = secretariat.get("/years/").content.decode()
    assert "<h1>年度の管理</h1>" in html
    assert '<span class="public">公開中</span> <span class="current">現在の年度</span>' in html
    assert "令和2年度連携事業概要及び実績見込み — 事業 29・実績項目 89" in html
    assert 'href="/years/2020/unpublish/">令和2年度を非公開にする…</a>' in html
    assert 'href="/years/2020/lock/">令和2年度の資料を確定する…</a>' in html
    assert 'href="/years/2020/imports/">取込の記録</a>' in html
    assert "現在の年度にする</button>" not in html
    assert 'href="/years/2020/rollover/">次年度の作成 (令和3年度)</a>' in html
    assert 'action="/years/2020/export/"' in html
    assert '<a href="/years/">年度の管理</a>' in html  # the navigation entry


def test_navigation_entry_is_hidden_from_others(client, demo_users):
    client.force_login(demo_users["ube"])
    response = client.get("/years/compare/")
    assert "年度の管理</a>" not in response.content.decode()


def test_rollover_form_lists_done_and_cancelled(secretariat):
    html = secretariat.get("/years/2020/rollover/").content.decode()
    assert "<h1>次年度の作成 (令和3年度)</h1>" in html
    assert html.count('name="keep"') == 11
    assert 'name="keep" value="' in html and " checked>" not in html.split("reset_status")[0]
    assert "■ 中止 サイクルイベントの開催 — 令和3年度にも載せる" in page_text(html)
    assert 'name="reset_status" id="id_reset_status" checked' in html


def test_rollover_creates_the_draft(secretariat, r2):
    cycle = Activity.objects.for_year(r2).get(text="サイクルイベントの開催")
    response = secretariat.post(
        "/years/2020/rollover/", {"keep": [str(cycle.pk)], "reset_status": "on"}
    )
    assert response.status_code == 302 and response["Location"] == "/years/"
    assert messages_of(response) == [
        "令和3年度を下書きとして作成しました (事業 29、実績項目 79、載せなかった項目 10)。"
    ]
    r3 = FiscalYear.objects.get(year=2021)
    assert not r3.published
    kept = Activity.objects.for_year(r3).get(text="サイクルイベントの開催")
    assert (kept.status, kept.previous) == ("planned", cycle)
    assert Change.objects.get(fiscal_year=r3, field="rollover").user.username == "jimukyoku"

    again = secretariat.get("/years/2020/rollover/")
    assert again["Location"] == "/years/"
    assert messages_of(again)[-1] == "令和3年度は既にあります。"
    html = secretariat.get("/years/").content.decode()
    assert "次年度の作成 (令和3年度)" not in html
    assert "次年度の作成 (令和4年度)" in html
    assert "令和3年度を令和2年度から作成 (jimukyoku)" in html


def test_publishing_through_the_page(secretariat, r2):
    page = page_text(secretariat.get("/years/2020/publish/").content.decode())
    assert "令和2年度は既に公開しています。" in page
    response = secretariat.post("/years/2020/publish/", {"confirm": "yes"})
    assert messages_of(response) == [
        "令和2年度は既に公開しています。市民のトップページは令和2年度を表示します。"
    ]
    secretariat.post("/years/2020/rollover/", {})
    response = secretariat.post("/years/2021/current/")
    assert messages_of(response)[-1] == (
        "令和3年度は公開していないため、現在の年度にできません。先に公開してください。"
    )
    response = secretariat.post("/years/2021/publish/", {"confirm": "yes", "current": "no"})
    assert messages_of(response)[-1] == (
        "令和3年度を公開しました。市民のトップページは令和2年度を表示します。"
    )
    response = secretariat.post("/years/2021/current/")
    assert messages_of(response)[-1] == "令和3年度を現在の年度にしました。"
    confirmation = secretariat.post("/years/2021/unpublish/")  # without the confirmation
    assert confirmation.status_code == 200
    assert "令和3年度は現在の年度です。現在の年度は令和2年度に移ります。" in page_text(
        confirmation.content.decode()
    )
    assert FiscalYear.objects.get(year=2021).published
    response = secretariat.post("/years/2021/unpublish/", {"confirm": "yes"})
    assert messages_of(response)[-1] == "令和3年度を非公開にしました。現在の年度は令和2年度です。"
    html = secretariat.get("/years/").content.decode()
    for line in (
        "令和3年度を非公開に変更 (jimukyoku)",
        "令和3年度を現在の年度に設定 (jimukyoku)",
        "令和3年度を公開 (jimukyoku)",
        "令和2年度を現在の年度から解除 (jimukyoku)",
        "令和2年度を公開</li>",  # by load_demo, without a user
    ):
        assert line in html
    assert secretariat.post("/years/2030/publish/").status_code == 404


def test_publish_asks_whether_the_year_becomes_current_and_says_what_citizens_see(
    secretariat, r2, client
):
    secretariat.post("/years/2020/rollover/", {})
    page = page_text(secretariat.get("/years/2021/publish/").content.decode())
    n = Activity.objects.filter(row__project__fiscal_year__year=2021).count()
    assert f"令和3年度を公開します (29 事業・{n} 実績項目)。" in page
    assert (
        "令和3年度を現在の年度にする: トップページと事業一覧は令和3年度を表示します (今は令和2年度)。"
        in page
    )
    assert (
        "現在の年度は令和2年度のまま: トップページは令和2年度を表示し、令和3年度は年度の切り替えから選べます。"
        in page
    )
    html = secretariat.get("/years/2021/publish/").content.decode()
    assert 'value="yes" checked' in html  # a newer year: becoming current is the default
    assert not FiscalYear.objects.get(year=2021).published  # the page changes nothing
    response = secretariat.post("/years/2021/publish/", {"confirm": "yes", "current": "yes"})
    assert messages_of(response)[-1] == (
        "令和3年度を公開しました。現在の年度にしました。市民のトップページは令和3年度を表示します。"
    )
    assert FiscalYear.objects.current().year == 2021
    assert "令和3年度の連携事業" in client.get("/").content.decode()


def test_the_first_published_year_becomes_current_and_the_page_says_so(secretariat, r2):
    FiscalYear.objects.update(published=False, is_current=False)
    page = page_text(secretariat.get("/years/2020/publish/").content.decode())
    assert (
        "公開中の年度がないため、令和2年度が現在の年度になり、トップページは令和2年度を表示します。"
        in page
    )
    response = secretariat.post("/years/2020/publish/", {"confirm": "yes"})
    assert messages_of(response)[-1] == (
        "令和2年度を公開しました。現在の年度にしました。市民のトップページは令和2年度を表示します。"
    )


def test_export_as_of_a_date(secretariat, r2):
    r2.projects.update(created_at=datetime.datetime(2020, 4, 1, tzinfo=datetime.UTC))
    response = secretariat.get("/years/2020/export/?as_of=2021-01-31")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="renkei-overview-2020-as-of-2021-01-31.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "令和2年度連携事業概要及び実績見込み（令和3年1月31日現在）"
    response = secretariat.get("/years/2020/export/?as_of=2021-13-01")
    assert response["Location"] == "/years/"
    assert messages_of(response) == ["出力する時点: 日付が正しくありません。"]


# ---------------------------------------------------------------------------- public


@pytest.fixture
def two_years(r2_published, r2_path, tmp_path):
    import_overview(read_workbook(build_next_year(r2_path, tmp_path / "r03.xlsx")))
    return r2_published, FiscalYear.objects.get(year=2021)


def test_comparison_shows_published_years_only(client, two_years):
    assert client.get("/years/compare/?a=2020&b=2021").status_code == 404
    html = client.get("/years/compare/").content.decode()
    assert "比べられる公開中の年度がまだ 2 つありません。" in html
    publish(fiscal_year=two_years[1])
    html = client.get("/years/compare/?a=2020&b=2021").content.decode()
    assert "<small>令和2年度 → 令和3年度</small>" in html
    assert "新規 1 事業、終了 1 事業、名称・番号の変更 3 事業。" in html
    assert "△ 実施予定 18 14" in page_text(html)
    assert "番号変更" in html and "● 実施済み" in page_text(html)
    assert client.get("/years/compare/").content.decode().count("令和2年度 → 令和3年度") == 1
    assert client.get("/years/compare/?a=1999").status_code == 404
    english = client.get("/en/years/compare/?a=2020&b=2021").content.decode()
    assert '<td class="kind">Renumbered</td>' in english
    assert '<td class="kind">Continued</td>' in english
    assert '<td class="kind">継続</td>' not in english


def test_comparison_csv(client, two_years):
    assert client.get("/years/compare.csv?a=2020&b=2021").status_code == 404
    publish(fiscal_year=two_years[1])
    response = client.get("/years/compare.csv?a=2021&b=2020")
    assert response["Content-Disposition"] == 'attachment; filename="renkei-compare-2020-2021.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff区分,令和2年度 番号,令和2年度 事業名,令和2年度 状況,")
    assert (
        "\r\n名称変更,2,起業・創業支援,○ 実施中,0,2,2,0,2,起業・創業・事業承継支援,○ 実施中,0,2,2,0\r\n"
        in text
    )
    assert text.endswith("\r\n合計 (【再掲】は1回),,,,4,56,18,7,,,,7,52,14,6\r\n")
    assert client.get("/years/compare.csv?a=2020&b=2020").status_code == 404


@pytest.mark.django_db
def test_export_as_of_the_last_date_there_is_refused_with_a_message(demo_users, r2):
    client = client_for(demo_users["jimukyoku"], raise_request_exception=True)
    response = client.get(f"/years/{r2.year}/export/", {"as_of": "9999-12-31"}, follow=True)
    assert response.redirect_chain == [("/years/", 302)]
    assert "出力する時点: 日付が正しくありません。" in response.content.decode()


def test_the_years_of_a_project_stay_marked_japanese_on_the_english_site(client, two_years):
    publish(fiscal_year=two_years[1])
    project = Project.objects.get(fiscal_year__year=2021, number=22)
    before = Project.objects.get(fiscal_year__year=2020, number=22)
    html = client.get(f"/en/projects/{project.pk}/").content.decode()
    assert f'<a href="/en/projects/{before.pk}/"><span lang="ja">令和2年度</span></a>' in html
    assert '<strong aria-current="page"><span lang="ja">令和3年度</span></strong>' in html
    assert (
        'Compare all projects of <span lang="ja">令和2年度</span> and '
        '<span lang="ja">令和3年度</span></a>'
    ) in html
