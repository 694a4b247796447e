"""The environment-driven settings module."""

import ast
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.settings import BASE_DIR, database_from_url
from tests.conftest import ROOT


def test_default_database_is_sqlite_in_project_folder(monkeypatch):
    monkeypatch.setenv("DJANGO_CONN_MAX_AGE", "30")
    db = database_from_url("sqlite:///db.sqlite3")
    assert (db["ENGINE"], db["NAME"]) == (
        "django.db.backends.sqlite3",
        str(BASE_DIR / "db.sqlite3"),
    )
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (30, True)


def test_absolute_sqlite_path():
    assert (
        database_from_url("sqlite:////var/lib/portal/db.sqlite3")["NAME"]
        == "/var/lib/portal/db.sqlite3"
    )


def test_postgres_url():
    db = database_from_url("postgres://portal:s%40cret@db.example.jp:5433/renkei")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "renkei",
        "portal",
        "s@cret",
        "db.example.jp",
        5433,
    )


def test_unknown_database_scheme():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL の形式に対応していません: mysql"):
        database_from_url("mysql://localhost/portal")


def run_settings(env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.DEBUG)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
    )


def test_missing_secret_key_is_an_error_without_debug():
    done = run_settings({"DJANGO_DEBUG": "false"})
    assert done.returncode != 0
    assert "DJANGO_DEBUG が無効のときは DJANGO_SECRET_KEY を設定してください。" in done.stderr


def test_japanese_defaults():
    done = run_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 60})
    assert done.stdout.split() == ["ja", "Asia/Tokyo", "False"]


def test_interface_is_japanese_whatever_the_browser_asks(client, r2_published):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.content.decode()


def test_english_when_chosen_with_the_switch(client, r2_published):
    """The switch is a link to the same page under /en/: no form, no cookie."""
    page = client.get("/").content.decode()
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in page
    response = client.get("/en/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert not response.cookies
    # the form of earlier pages still leads there
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/projects/"})
    assert switched["Location"] == "/en/projects/"


@pytest.mark.parametrize(
    "url", ["/projects/?municipality=%00", "/projects/?q=a%00b", "/calendar/?municipality=%00"]
)
def test_nul_in_a_query_is_refused_with_a_message(client, r2_published, url):
    response = client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.content.decode() == (
        f"要求に使えない文字 (NUL などの制御文字) が含まれています: 欄「{name}」。"
    )


def test_nul_in_a_form_is_refused(client, db):
    response = client.post(
        "/i18n/setlang/", "language=en%00&next=/", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


# -- the README's environment table ---------------------------------------------------------------


def variables_read_by_the_settings() -> set[str]:
    """Every name the settings read: os.environ.get("X"), os.environ["X"], env_bool("X", …)."""
    tree = ast.parse((ROOT / "portal" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            if function in {"os.environ.get", "env_bool", "os.getenv"} and node.args:
                names.add(node.args[0])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(node.slice)
    # env_bool's own os.environ.get(name) reads the names given to it.
    return {n.value for n in names if isinstance(n, ast.Constant)}


def variables_in_the_readme() -> set[str]:
    """The names in the first column of the table under 「環境変数 / Environment」."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## 環境変数 / Environment", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_readme_documents_every_environment_variable_the_settings_read():
    read = variables_read_by_the_settings()
    assert {"DATABASE_URL", "DJANGO_SSL_REDIRECT", "CACHE_KEY_PREFIX"} <= read  # the parser works
    assert sorted(read - variables_in_the_readme()) == []  # read but not documented
    assert sorted(variables_in_the_readme() - read) == []  # documented but never read


def test_the_readme_documents_every_make_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY:(.*)$", makefile, re.M)[1].split()
    assert {"run", "test", "check-deploy"} <= set(targets)
    readme = (ROOT / "README.md").read_text()
    assert [t for t in targets if f"make {t}" not in readme] == []
