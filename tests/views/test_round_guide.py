"""The round as a guide: 督促 from a confirmation that names the towns, at most one a day to a
town unless asked again; after the close the towns read their forms without being offered a
save (the server still refuses one); the default title in the edition's words; one date style;
the round page says when the mail goes and where its links point."""

import datetime

import pytest
from django.utils import timezone

from projects.models import FiscalYear, Municipality, Round, RoundMail
from projects.services import rounds
from tests.support.html import page_text
from tests.support.rounds import open_r2_round
from tests.support.staff import activity_of, client_for


def long_date(day: datetime.date) -> str:
    return f"令和{day.year - 2018}年{day.month}月{day.day}日 ({day.isoformat()})"


def text(response) -> str:
    return page_text(response.content.decode())


OTHERS = "山口市、宇部市、萩市、防府市、美祢市、山陽小野田市、津和野町"


@pytest.fixture
def users(demo_users):
    return demo_users


@pytest.fixture
def round_(r2, users):
    return open_r2_round(r2, users["jimukyoku"])


def test_a_reminder_is_confirmed_naming_the_towns_and_goes_once_a_day(
    users, round_, mailoutbox, django_assert_max_num_queries
):
    client = client_for(users["jimukyoku"])
    url = f"/staff/rounds/{round_.pk}/remind/"
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200
    assert f"回答を提出していない次の 7 市町に、督促のメールを送ります: {OTHERS}。" in text(page)
    assert mailoutbox == []  # the page sends nothing
    client.post(url, {"confirm": "yes"})
    assert len(mailoutbox) == 7

    again = text(client.get(url))
    assert "回答を提出していない次の 0 市町に、督促のメールを送ります: なし。" in again
    assert "今日すでに督促した市町には送りません: 山口市 (" in again
    followed = client.post(url, {"confirm": "yes"}, follow=True)
    assert "督促のメールを送る市町はありませんでした。" in text(followed)
    assert len(mailoutbox) == 7  # a second click the same day sends nothing

    client.post(url, {"confirm": "yes", "again": "yes"})
    assert len(mailoutbox) == 14  # asked again, explicitly
    assert sorted(set(RoundMail.objects.values_list("sequence", flat=True))) == [1, 2]


def test_a_post_without_the_confirmation_shows_the_confirmation(users, round_, mailoutbox):
    response = client_for(users["jimukyoku"]).post(f"/staff/rounds/{round_.pk}/remind/")
    assert response.status_code == 200
    assert "督促のメールを送る" in text(response)
    assert mailoutbox == []


def test_after_the_close_the_towns_read_without_forms_and_saving_is_refused(users, r2, round_):
    rounds.close_round(user=users["jimukyoku"], round_=round_)
    ube = client_for(users["ube"])
    page = ube.get("/staff/")
    shown = text(page)
    assert "は照会「令和2年度実績見込み照会」を締め切ったため、変更できません。" in shown
    assert "このページは読むだけで、変更の欄は出していません。" in shown
    html = page.content.decode()
    assert "/staff/activities/" not in html and "この行に実績項目を追加" not in html
    answer = text(ube.get(f"/staff/rounds/{round_.pk}/"))
    assert "回答と実績項目は読むだけで、変更はできません。" in answer
    activity = activity_of(r2, 2, 0)
    refused = ube.post(
        f"/staff/activities/{activity.pk}/",
        {
            f"a{activity.pk}-status": "done",
            f"a{activity.pk}-text": activity.text,
            f"a{activity.pk}-details": "",
            f"a{activity.pk}-version": activity.version,
        },
    )
    assert refused.status_code == 403
    secretariat = client_for(users["jimukyoku"]).get("/staff/").content.decode()
    assert "/staff/activities/" in secretariat  # the secretariat still edits


def test_the_default_title_follows_the_edition(users, r2):
    client = client_for(users["jimukyoku"])
    assert 'value="令和2年度実績見込み照会"' in client.get("/staff/rounds/new/").content.decode()
    FiscalYear.objects.filter(pk=r2.pk).update(title="令和2年度連携事業概要及び実績")
    assert 'value="令和2年度実績照会"' in client.get("/staff/rounds/new/").content.decode()


def test_one_date_style_and_the_mail_set_up_on_the_round_page(users, round_, settings):
    deadline = round_.deadline
    shown = long_date(deadline)
    client = client_for(users["jimukyoku"])
    overview = text(client.get(f"/staff/rounds/{round_.pk}/"))
    assert f"締切: {shown}" in overview
    assert shown in text(client.get("/staff/rounds/"))
    assert f"締切: {shown}" in text(client_for(users["ube"]).get(f"/staff/rounds/{round_.pk}/"))
    soon = long_date(deadline - datetime.timedelta(days=3))
    assert f"締切の 3 日前 ({soon})" in overview
    assert "python manage.py send_round_mail" in overview
    assert (
        f"メールのリンクの先 (回答のページ): http://127.0.0.1:8000/staff/rounds/{round_.pk}/"
        in (overview)
    )
    assert "PORTAL_BASE_URL が既定の http://127.0.0.1:8000 のままです。" in overview
    settings.PORTAL_BASE_URL = "https://portal.example.jp"
    configured = text(client.get(f"/staff/rounds/{round_.pk}/"))
    assert f"https://portal.example.jp/staff/rounds/{round_.pk}/" in configured
    assert "のままです" not in configured
    assert timezone.localdate() <= deadline


def test_a_title_left_at_another_years_default_follows_the_chosen_year(users, r2):
    client = client_for(users["jimukyoku"])
    client.post("/years/2020/rollover/", {})
    r3 = FiscalYear.objects.get(year=2021)
    FiscalYear.objects.filter(pk=r3.pk).update(title="令和3年度連携事業概要及び実績")
    form = client.get("/staff/rounds/new/").content.decode()
    assert 'value="令和3年度実績照会"' in form  # the newest year first
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    base = {"deadline": deadline, "municipalities": [m.pk for m in Municipality.objects.all()]}
    client.post("/staff/rounds/new/", {**base, "fiscal_year": r2.pk, "title": "令和3年度実績照会"})
    client.post("/staff/rounds/new/", {**base, "fiscal_year": r3.pk, "title": ""})
    assert sorted(Round.objects.values_list("title", flat=True)) == [
        "令和2年度実績見込み照会",
        "令和3年度実績照会",
    ]
