"""The round's mail: to the staff of the towns concerned, in Japanese with the link to their
page, and each mail once however often the cron command runs."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from projects.models import Municipality, RoundMail, StaffProfile
from projects.services import mail, rounds
from tests.support.rounds import open_r2_round

TOWNS = ("yamaguchi", "ube", "hagi", "hofu", "mine", "sanyo-onoda", "tsuwano")


@pytest.fixture
def staff(demo_users):
    """The demo accounts (one per town, each with an address), plus a second ube account
    without an address."""
    User = get_user_model()
    assert {u.username for u in demo_users.values()} >= set(TOWNS)
    quiet = User.objects.create_user("ube2")
    StaffProfile.objects.create(user=quiet, municipality=Municipality.objects.get(slug="ube"))
    return demo_users


def test_the_cron_command_sends_each_mail_once(r2, staff, mailoutbox, capsys):
    round_ = open_r2_round(r2, staff["jimukyoku"], days=2)
    round_.opened_at = timezone.now() - datetime.timedelta(days=10)  # opened long ago
    round_.save()
    call_command("send_round_mail")
    first = capsys.readouterr().out
    assert first.startswith("メールを 14 通送りました。\n")  # the opening and 3 days before
    assert len(mailoutbox) == 14
    call_command("send_round_mail")
    assert capsys.readouterr().out == "メールを 0 通送りました。\n"
    assert len(mailoutbox) == 14
    subjects = sorted({m.subject for m in mailoutbox})
    deadline = round_.deadline
    label = f"令和{deadline.year - 2018}年{deadline.month}月{deadline.day}日"
    assert subjects[0].startswith("【照会】令和2年度実績見込み照会 (締切 " + label)
    assert subjects[1].startswith("【締切が近づいています】令和2年度実績見込み照会")
    to_ube = [m for m in mailoutbox if m.to == ["ube@example.jp"]]
    assert len(to_ube) == 2
    body = to_ube[0].body
    assert body.startswith("宇部市 連携事業ご担当者様\n")
    assert f"回答のページ: http://127.0.0.1:8000/staff/rounds/{round_.pk}/" in body
    assert "2月の推進協議会の資料とします。" in body
    assert not to_ube[0].attachments
    # Past the deadline: the overdue mail, once, to the towns that have not handed in.
    rounds.submit(user=staff["hagi"], round_=round_)
    later = deadline + datetime.timedelta(days=1)
    call_command("send_round_mail", "--today", later.isoformat())
    call_command("send_round_mail", "--today", later.isoformat())
    overdue = [m for m in mailoutbox if m.subject.startswith("【締切を過ぎました】")]
    assert sorted(m.to[0].split("@")[0] for m in overdue) == sorted(set(TOWNS) - {"hagi"})
    assert RoundMail.objects.filter(kind="overdue").count() == 6


def test_opening_mail_goes_to_every_town_asked(r2, staff, mailoutbox):
    hagi = Municipality.objects.get(slug="hagi")
    ube = Municipality.objects.get(slug="ube")
    round_ = open_r2_round(r2, staff["jimukyoku"], municipalities=[ube, hagi])
    result = mail.send_due(rounds=[round_])
    assert result.message() == "メールを 2 通送りました。"
    assert sorted(m.to[0] for m in mailoutbox) == ["hagi@example.jp", "ube@example.jp"]
    assert mail.send_due(rounds=[round_]).message() == "メールを 0 通送りました。"


def test_a_reminder_goes_only_to_the_towns_still_open(r2, staff, mailoutbox):
    round_ = open_r2_round(r2, staff["jimukyoku"])
    mail.send_due(rounds=[round_])
    mailoutbox.clear()
    rounds.submit(user=staff["ube"], round_=round_)
    rounds.submit(user=staff["hagi"], round_=round_)
    sent = mail.send_reminder(user=staff["jimukyoku"], round_=round_)
    assert sorted(m.to[0].split("@")[0] for m in mailoutbox) == sorted(set(TOWNS) - {"ube", "hagi"})
    assert mailoutbox[0].subject.startswith("【督促】令和2年度実績見込み照会")
    to_yamaguchi = next(m for m in mailoutbox if m.to == ["yamaguchi@example.jp"])
    assert "\n85 項目中 0 項目に回答 (変更 0、変更なし 0)。\n" in to_yamaguchi.body
    assert sent.message() == "メールを 5 通送りました。"
    assert mail.send_reminder(user=staff["jimukyoku"], round_=round_).sent == []  # same day
    second = mail.send_reminder(user=staff["jimukyoku"], round_=round_, again=True)
    assert len(second.sent) == 5  # asked again: a second reminder is a mail of its own
    assert sorted(RoundMail.objects.filter(kind="reminder").values_list("sequence", flat=True)) == (
        [1] * 5 + [2] * 5
    )


def test_towns_without_an_address_are_named(r2, demo_users, mailoutbox):
    silent = ("hofu", "mine", "sanyo-onoda", "tsuwano")
    get_user_model().objects.filter(username__in=silent).update(email="")
    round_ = open_r2_round(r2, demo_users["jimukyoku"])
    result = mail.send_due(rounds=[round_])
    assert result.message() == (
        "メールを 3 通送りました。"
        "メールアドレスのある担当者がいない市町: 防府市、美祢市、山陽小野田市、津和野町。"
    )
    assert RoundMail.objects.count() == 3  # the others are tried again once they have one


def test_a_failed_sending_is_not_logged_and_is_tried_again(r2, staff, mailoutbox, monkeypatch):
    round_ = open_r2_round(r2, staff["jimukyoku"])

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    result = mail.send_due(rounds=[round_])
    assert len(result.failed) == 7 and RoundMail.objects.count() == 0
    monkeypatch.undo()
    assert len(mail.send_due(rounds=[round_]).sent) == 7
