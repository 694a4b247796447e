"""Login throttling, CSRF on every write, and a clean `check --deploy` in production settings."""

import io
import secrets
import string

import pytest
from django.core.cache import cache
from django.test import Client

from portal import auth
from projects.models import Activity, PendingUpload
from tests.support.processes import manage, url_of_test_database
from tests.support.staff import PASSWORD, activity_of, add_users, client_for

THROTTLED = (
    "ログインの失敗が続いたため、しばらくログインできません。"
    "15 分ほど待ってから、もう一度お試しください。"
)
WRONG = "正しいユーザー名とパスワードを入力してください。"


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


@pytest.fixture(autouse=True)
def clean_cache(db):
    cache.clear()
    yield
    cache.clear()


def login(client, url, username, password, address="192.0.2.10"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failures_lock_the_name_from_that_address(users, url):
    client = Client()
    for _ in range(auth.LOGIN_FAILURE_LIMIT):
        response = login(client, url, "ube", "wrong-password")
        assert WRONG in response.content.decode()
    refused = login(client, url, "ube", PASSWORD)  # even the right password
    assert refused.status_code == 200
    assert THROTTLED in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # the same name from another address, and another name from this one, still work
    assert login(Client(), url, "ube", PASSWORD, address="198.51.100.7").status_code == 302
    assert login(Client(), url, "hagi", PASSWORD).status_code == 302


def test_a_success_clears_the_count(users):
    client = Client()
    for _ in range(auth.LOGIN_FAILURE_LIMIT - 1):
        login(client, "/accounts/login/", "ube", "wrong-password")
    assert login(client, "/accounts/login/", "ube", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(auth.LOGIN_FAILURE_LIMIT - 1):
        login(client, "/accounts/login/", "ube", "wrong-password")
    assert login(client, "/accounts/login/", "ube", PASSWORD).status_code == 302


def test_one_address_trying_many_names_is_stopped(users):
    client = Client()
    for i in range(auth.LOGIN_FAILURES_PER_ADDRESS):
        login(client, "/accounts/login/", f"guess{i}", "wrong-password")
    response = login(client, "/accounts/login/", "hagi", PASSWORD)
    assert THROTTLED in response.content.decode()


def test_names_are_counted_without_regard_to_case(users):
    client = Client()
    for name in ("ube", "UBE", "Ube", " ube", "uBe"):
        login(client, "/accounts/login/", name, "wrong-password")
    assert THROTTLED in login(client, "/accounts/login/", "ube", PASSWORD).content.decode()


def test_logout_needs_a_post(users):
    client = client_for(users["ube"])
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


# -- CSRF ----------------------------------------------------------------------------------------


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token(client, url) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def test_staff_page_posts_need_the_csrf_token(users, r2):
    activity = activity_of(r2, 28)
    client = csrf_client(users["ube"])
    data = {
        f"a{activity.pk}-status": "done",
        f"a{activity.pk}-text": activity.text,
        f"a{activity.pk}-details": "\n".join(activity.details),
        f"a{activity.pk}-version": "1",
    }
    url = f"/staff/activities/{activity.pk}/"
    assert client.post(url, data).status_code == 403
    assert Activity.objects.get(pk=activity.pk).status == "in_progress"
    data["csrfmiddlewaretoken"] = token(client, "/staff/")
    assert client.post(url, data).status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == "done"


def test_admin_posts_need_the_csrf_token(users, r2):
    activity = activity_of(r2, 28)
    client = csrf_client(users["ube"])
    data = {"status": "done", "text": activity.text, "details": "\n".join(activity.details)}
    data["expected_version"] = "1"
    url = f"/admin/projects/activity/{activity.pk}/change/"
    assert client.post(url, data).status_code == 403
    data["csrfmiddlewaretoken"] = token(client, url)
    assert client.post(url, data).status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == "done"


def test_the_upload_checks_csrf_after_its_size_check(users, r2, r2_path):
    """The upload view turns off the automatic check to look at the size first; it must
    still check the token itself."""
    client = csrf_client(users["jimukyoku"])
    url = "/admin/projects/fiscalyear/upload/"

    def upload():
        data = io.BytesIO(r2_path.read_bytes())
        data.name = "r02.xlsx"
        return data

    assert client.post(url, {"file": upload()}).status_code == 403
    assert not PendingUpload.objects.exists()
    response = client.post(url, {"file": upload(), "csrfmiddlewaretoken": token(client, url)})
    assert response.status_code == 302
    assert PendingUpload.objects.count() == 1


def test_login_posts_need_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    assert login(client, "/accounts/login/", "ube", PASSWORD).status_code == 403


# -- production settings ---------------------------------------------------------------------------


def production(**env):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "DJANGO_ALLOWED_HOSTS": "portal.example.jp",
        **env,
    }


def test_check_deploy_is_clean_with_production_settings(db):
    """On the test database (migrated, no demo account), never the working one."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        database_url=url_of_test_database(),
        **production(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_fails_when_the_database_is_not_there(tmp_path):
    """Nothing could be checked: an error, not a pass, and no empty database file left."""
    missing = tmp_path / "portal.sqlite3"
    result = manage("check", "--deploy", database_url=f"sqlite:///{missing}", **production())
    assert result.returncode == 1
    assert (
        "?: (projects.E002) データベースを読めないため、デモ用アカウントの有無を確かめられません "
        f"(SQLite のファイル {missing} がありません)。"
    ) in result.stderr
    assert not missing.exists()


def test_check_deploy_fails_before_migrate(tmp_path):
    empty = tmp_path / "portal.sqlite3"
    empty.touch()
    result = manage("check", "--deploy", database_url=f"sqlite:///{empty}", **production())
    assert result.returncode == 1
    assert (
        "?: (projects.E002) データベースを読めないため、デモ用アカウントの有無を確かめられません "
        "(表を読めません。migrate の前ですか: no such table: projects_staffprofile)。"
    ) in result.stderr


def test_check_deploy_fails_when_the_database_cannot_be_reached():
    result = manage(
        "check", "--deploy", database_url="postgres://portal@127.0.0.1:1/portal", **production()
    )
    assert result.returncode == 1
    assert (
        "?: (projects.E002) データベースを読めないため、デモ用アカウントの有無を確かめられません "
        "(PostgreSQL のデータベース「portal」(127.0.0.1:1、ユーザー portal) に接続できません: "
    ) in result.stderr


# -- behind proxies ------------------------------------------------------------------------------

PROXY = "10.0.0.2"  # the inner proxy: what REMOTE_ADDR shows for everyone


def via_proxies(client, username, password, client_ip, spoofed=""):
    """A login through two proxies: the outer one appends the client's address, the inner one
    the outer's; a client may send its own X-Forwarded-For in front of them."""
    chain = ", ".join(a for a in (spoofed, client_ip, "10.0.0.1") if a)
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=chain,
    )


@pytest.fixture
def two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.LOGIN_TRUSTED_NETWORKS = ["203.0.113.0/28"]  # the secretariat's office
    return settings


def test_behind_two_proxies_one_attacker_locks_out_nobody_else(users, two_proxies):
    attacker = "198.51.100.66"
    for i in range(auth.LOGIN_FAILURE_LIMIT):  # spoofing a new address every time
        via_proxies(Client(), "jimukyoku", "wrong", attacker, spoofed=f"192.0.2.{i}")
    assert THROTTLED in via_proxies(Client(), "jimukyoku", PASSWORD, attacker).content.decode()
    # the secretariat, elsewhere, and every other user are not locked out
    assert via_proxies(Client(), "jimukyoku", PASSWORD, "198.51.100.20").status_code == 302
    for i in range(auth.LOGIN_FAILURES_PER_ADDRESS):  # many names from one address
        via_proxies(Client(), f"guess{i}", "wrong", attacker)
    assert THROTTLED in via_proxies(Client(), "ube", PASSWORD, attacker).content.decode()
    assert via_proxies(Client(), "ube", PASSWORD, "198.51.100.21").status_code == 302


def test_an_account_locked_from_many_addresses_logs_in_from_the_office_or_after_a_reset(
    users, two_proxies
):
    for i in range(auth.LOGIN_FAILURES_PER_ACCOUNT):  # guessing spread over many machines
        via_proxies(Client(), "jimukyoku", "wrong", f"198.51.100.{100 + i // 4}")
    assert auth.is_locked("jimukyoku")
    home = "198.51.100.200"
    assert THROTTLED in via_proxies(Client(), "jimukyoku", PASSWORD, home).content.decode()
    assert via_proxies(Client(), "ube", PASSWORD, home).status_code == 302  # others are not
    assert via_proxies(Client(), "jimukyoku", PASSWORD, "203.0.113.5").status_code == 302
    for i in range(auth.LOGIN_FAILURES_PER_ACCOUNT):
        via_proxies(Client(), "jimukyoku", "wrong", f"198.51.100.{100 + i // 4}")
    admin = client_for(users["superuser"])
    jimukyoku = users["jimukyoku"]
    response = admin.post(
        "/admin/auth/user/",
        {"action": "lift_login_lock", "_selected_action": [jimukyoku.pk]},
        follow=True,
    )
    assert "ログインの制限を解除しました: jimukyoku" in response.content.decode()
    assert not auth.is_locked("jimukyoku")
    assert via_proxies(Client(), "jimukyoku", PASSWORD, home).status_code == 302


def test_without_proxies_the_forwarded_header_is_ignored(users):
    for _ in range(auth.LOGIN_FAILURE_LIMIT):
        login(Client(), "/accounts/login/", "ube", "wrong")
    response = Client().post(
        "/accounts/login/",
        {"username": "ube", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert THROTTLED in response.content.decode()
