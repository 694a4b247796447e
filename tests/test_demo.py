"""Demo accounts (``load_demo``) are marked, cannot log in with DEBUG off, and fail the
deployment check while any is active."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from projects.models import StaffProfile
from tests.support.staff import PASSWORD


@pytest.fixture
def demo(db, r2, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    return settings


TOWNS = ("yamaguchi", "ube", "hagi", "hofu", "mine", "sanyo-onoda", "tsuwano")


def test_the_demo_accounts_are_marked(demo):
    assert sorted(
        StaffProfile.objects.filter(is_demo=True).values_list("user__username", flat=True)
    ) == sorted(["jimukyoku", *TOWNS])


def test_with_debug_off_a_demo_account_cannot_log_in(demo, client):
    assert client.login(username="ube", password=PASSWORD)  # DEBUG on: the demo works
    demo.DEBUG = False
    assert client.get("/staff/").status_code == 302  # its session no longer counts
    assert not client.login(username="ube", password=PASSWORD)
    response = client.post("/accounts/login/", {"username": "jimukyoku", "password": PASSWORD})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_an_account_that_is_not_a_demo_logs_in_with_debug_off(demo, client):
    StaffProfile.objects.filter(user__username="ube").update(is_demo=False)
    demo.DEBUG = False
    assert client.login(username="ube", password=PASSWORD)


def test_the_deployment_check_fails_while_a_demo_account_is_active(demo, capsys):
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    assert "projects.E001" in str(failed.value)
    assert "デモ用アカウントが有効です: " + "、".join(sorted(["jimukyoku", *TOWNS])) in str(
        failed.value
    )
    call_command("remove_demo")
    assert "デモ用アカウントを削除しました: 8 件" in capsys.readouterr().out
    call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")  # passes
