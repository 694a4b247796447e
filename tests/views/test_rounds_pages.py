"""The round's pages, the staff page's year choice and round panel, the confirmations, the
comparison of a draft, and the history in sentences in the admin."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from projects.models import Activity, FiscalYear, Round
from projects.services import editing, rounds, years
from tests.support.html import inner_html, page_text, text_of
from tests.support.rounds import open_r2_round
from tests.support.staff import activity_of, client_for


@pytest.fixture
def users(demo_users):
    return demo_users


@pytest.fixture
def round_(r2, users):
    return open_r2_round(r2, users["jimukyoku"])


def form_data(activity, **changes):
    values = {
        "status": activity.status,
        "text": activity.text,
        "details": "\n".join(activity.details),
        "version": activity.version,
        **changes,
    }
    return {f"a{activity.pk}-{k}": v for k, v in values.items()}


def test_the_secretariat_opens_a_round_and_the_towns_get_mail(users, r2, mailoutbox):
    client = client_for(users["jimukyoku"])
    form = client.get("/staff/rounds/new/").content.decode()
    assert 'value="令和2年度実績見込み照会"' in form
    assert form.count('name="municipalities"') == 7
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        "/staff/rounds/new/",
        {
            "fiscal_year": r2.pk,
            "title": "令和2年度実績見込み照会",
            "deadline": deadline.isoformat(),
            "message": "",
            "municipalities": [m.pk for m in r2.projects.first().municipalities.all()],
        },
    )
    round_ = Round.objects.get()
    assert response["Location"] == f"/staff/rounds/{round_.pk}/"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"{slug}@example.jp"
        for slug in ("yamaguchi", "ube", "hagi", "hofu", "mine", "sanyo-onoda", "tsuwano")
    )
    bad = client.post(
        "/staff/rounds/new/", {"fiscal_year": r2.pk, "title": "x", "deadline": "2021-02-30"}
    )
    assert bad.status_code == 400
    text = page_text(bad.content.decode())
    assert "日付が正しくありません (例: 2021-02-10)。" in text
    assert "照会する市町を選んでください。" in text
    assert client_for(users["ube"]).get("/staff/rounds/new/").status_code == 403


def test_the_staff_page_shows_the_open_round_with_the_towns_progress(users, r2, round_):
    html = client_for(users["ube"]).get("/staff/").content.decode()
    panel = text_of(html, f"round-panel-{round_.pk}")
    day = round_.deadline
    deadline = f"令和{day.year - 2018}年{day.month}月{day.day}日 ({day.isoformat()})"
    assert panel == (
        f"令和2年度実績見込み照会 (令和2年度) — 締切 {deadline} 未回答"
        " 70 項目中 0 項目に回答 (変更 0、変更なし 0) 回答のページ"
    )
    secretariat = client_for(users["jimukyoku"]).get("/staff/").content.decode()
    assert "回答済み 0 / 7 市町" in text_of(secretariat, f"round-panel-{round_.pk}")


def test_a_town_answers_and_hands_in(users, r2, round_):
    client = client_for(users["ube"])
    url = f"/staff/rounds/{round_.pk}/"
    one = activity_of(r2, 28)
    response = client.post(url + "answer/", {"activity": one.pk})
    assert response["Location"] == f"{url}#round-activity-{one.pk}"
    project = activity_of(r2, 24).row.project
    client.post(url + "answer/", {"project": project.pk})
    html = client.get(url).content.decode()
    assert text_of(html, "town-progress") == (
        "回答中 6% 70 項目中 4 項目に回答 (変更 0、変更なし 4)"
    )
    answered = text_of(html, f"round-activity-{one.pk}")
    assert "変更なし" in answered and "(項目ごと)" in answered and "ube" in answered
    confirm = client.get(url + "submit/").content.decode()
    assert "まだ回答していない 66 項目は「変更なし」として回答します。" in page_text(confirm)
    assert client.post(url + "submit/").status_code == 200  # no confirmation: the page again
    response = client.post(url + "submit/", {"confirm": "yes"})
    assert response["Location"] == url
    html = client.get(url).content.decode()
    assert text_of(html, "town-progress").startswith(
        "回答済み 100% 70 項目中 70 項目に回答 (変更 0、変更なし 70) ／ 提出 "
    )
    hagi = client_for(users["hagi"]).post(url + "answer/", {"activity": one.pk})
    assert hagi.status_code == 403
    assert "この照会であなたの市町に尋ねていない実績項目です。" in hagi.content.decode()


def test_the_secretariat_sees_every_town_and_closes_with_a_confirmation(
    users, r2, round_, pdf_renderer
):
    rounds.submit(user=users["ube"], round_=round_)
    client = client_for(users["jimukyoku"])
    url = f"/staff/rounds/{round_.pk}/"
    html = client.get(url).content.decode()
    assert "回答済み 1 / 7 市町" in page_text(html)
    assert text_of(html, "town-ube").startswith(
        "宇部市 回答済み 100% 70 項目中 70 項目に回答 (変更 0、変更なし 70) "
    )
    assert (
        text_of(html, "town-hagi") == "萩市 未回答 0% 69 項目中 0 項目に回答 (変更 0、変更なし 0) —"
    )
    assert "督促のメールを送る… (6 市町)" in html
    confirm = page_text(client.get(url + "close/").content.decode())
    assert (
        "回答を提出していない市町: 山口市、萩市、防府市、美祢市、山陽小野田市、津和野町。"
        in confirm
    )
    assert client.post(url + "close/").status_code == 200
    assert Round.objects.get().is_open
    client.post(url + "close/", {"confirm": "yes"})
    round_.refresh_from_db()
    snapshot = round_.snapshots.get()
    html = client.get(url).content.decode()
    link = f"/staff/rounds/{round_.pk}/snapshots/{snapshot.pk}.xlsx"
    assert f'href="{link}">資料 (xlsx)</a>' in html
    download = client_for(users["ube"]).get(link)
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert sheet["A1"].value == "令和2年度連携事業概要及び実績見込み"
    pdf = client.get(link.replace(".xlsx", ".pdf"))
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF-")

    activity = activity_of(r2, 28)
    refused = client_for(users["ube"]).post(
        f"/staff/activities/{activity.pk}/", form_data(activity, status="done")
    )
    assert refused.status_code == 403
    assert "令和2年度は照会「令和2年度実績見込み照会」を締め切ったため、変更できません。" in (
        refused.content.decode()
    )
    assert Activity.objects.get(pk=activity.pk).version == 1
    banner = client_for(users["ube"]).get("/staff/").content.decode()
    assert "を締め切ったため、変更できません。" in banner
    reopen = client.get(url + "reopen/").content.decode()
    assert "担当者は再びこの年度の実績項目を変更できます。" in reopen


def test_after_a_roll_over_staff_record_a_march_result_in_the_earlier_year(users, r2):
    years.roll_over(source=r2, user=users["jimukyoku"])
    client = client_for(users["ube"])
    html = client.get("/staff/").content.decode()
    assert "<small>令和3年度 (非公開)</small>" in html
    assert '<option value="2020">令和2年度</option>' in html
    activity = activity_of(r2, 28)
    assert f'id="activity-{activity.pk}"' not in html
    earlier = client.get("/staff/?year=2020").content.decode()
    assert "<small>令和2年度</small>" in earlier
    assert f'action="/staff/activities/{activity.pk}/?year=2020#activity-{activity.pk}"' in earlier
    response = client.post(
        f"/staff/activities/{activity.pk}/?year=2020",
        form_data(activity, status="done", text=activity.text + "(3/15)"),
    )
    assert response["Location"] == (f"/staff/?year=2020&saved={activity.pk}#activity-{activity.pk}")
    activity.refresh_from_db()
    assert (activity.status, activity.events.get().start_date) == (
        "done",
        datetime.date(2021, 3, 15),
    )
    history = client.get("/staff/history/?year=2020").content.decode()
    assert "<small>令和2年度 宇部市</small>" in history
    assert "状況: ○ 実施中 → ● 実施済み" in history
    # Once the secretariat locks the earlier year, it is no longer offered.
    years.lock(fiscal_year=r2, user=users["jimukyoku"])
    html = client.get("/staff/?year=2020").content.decode()
    assert "<small>令和3年度 (非公開)</small>" in html and 'value="2020"' not in html


def test_locking_and_unpublishing_are_confirmed(users, r2):
    client = client_for(users["jimukyoku"])
    page = page_text(client.get("/years/2020/lock/").content.decode())
    assert "令和2年度の資料を確定します。" in page
    assert not FiscalYear.objects.get(pk=r2.pk).locked
    client.post("/years/2020/lock/", {"confirm": "yes"})
    assert FiscalYear.objects.get(pk=r2.pk).locked
    html = client.get("/years/").content.decode()
    assert 'href="/years/2020/unlock/">令和2年度の確定を解除する…</a>' in html
    assert "令和2年度の資料を確定 (jimukyoku)" in html
    page = page_text(client.get("/years/2020/unpublish/").content.decode())
    assert "令和2年度を非公開にします。" in page
    assert "ほかに公開中の年度がないため、トップページに年度がなくなります。" in page
    assert FiscalYear.objects.get(pk=r2.pk).published


def test_the_secretariat_compares_a_draft_the_public_cannot(users, r2, client):
    years.roll_over(source=r2, user=users["jimukyoku"])
    assert client.get("/years/compare/?a=2020&b=2021").status_code == 404
    response = client_for(users["jimukyoku"]).get("/years/compare/?a=2020&b=2021")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<small>令和2年度 → 令和3年度</small>" in html
    assert "下書き (非公開) の年度を含む比較です。事務局だけが見られます。" in html
    assert '<option value="2021" selected>令和3年度 (下書き)</option>' in html


def test_the_admin_history_reads_as_sentences(users, r2):
    years.roll_over(source=r2, user=users["jimukyoku"])
    client = client_for(users["jimukyoku"])
    html = client.get("/admin/projects/change/?field=rollover").content.decode()
    assert "令和3年度を令和2年度から作成" in html
    created = client.get("/admin/projects/change/?field=created").content.decode()
    assert "実績項目を追加: △" in created
    assert "old_value" not in created


def test_a_closed_round_is_compared_with_the_round_before_it(users, r2, round_):
    rounds.close_round(user=users["jimukyoku"], round_=round_)
    second = rounds.open_round(
        user=users["jimukyoku"],
        fiscal_year=r2,
        title="令和2年度実績照会",
        deadline=round_.deadline,
    )
    activity = activity_of(r2, 28)
    editing.update_activity(
        user=users["ube"],
        activity=activity,
        status="done",
        text=activity.text,
        details=activity.details,
        expected_version=activity.version,
    )
    client = client_for(users["jimukyoku"])
    url = f"/staff/rounds/{second.pk}/"
    assert (
        "両方の照会を締め切って資料を保存している必要があります。"
        in client.get(url).content.decode()
    )
    rounds.close_round(user=users["jimukyoku"], round_=second)
    html = client.get(url).content.decode()
    comparison = page_text(inner_html(html, "round-comparison"))
    assert comparison.startswith("前回の照会との比較 令和2年度実績見込み照会")
    assert "● 実施済み 4 5 ○ 実施中 59 58 △ 実施予定 18 18 ■ 中止 7 7" in comparison
    assert comparison.endswith(
        f"変わった項目 1・追加 0・削除 0 28 次世代の人材育成: ○{activity.text} → ●{activity.text}"
    )
