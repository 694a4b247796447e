"""Shared fixtures: the real R2 workbook, workbooks built in code, users, and a real browser."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.services.area import setup_area
from projects.services.imports import import_overview, read_workbook
from tests.support import snapshot

ROOT = Path(__file__).resolve().parent.parent
R2_WORKBOOK = ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx"
AREA_FILE = ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Django's live server runs beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """A fast password hasher: PBKDF2's deliberate slowness would dominate the suite, since
    most tests log users in or create them (as cookiecutter-django's test settings do)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a file, as the portal does: an in-memory database shared between
    threads locks tables instead of waiting, and the concurrency tests need the real thing."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)
        # A test database need not survive a power cut: no waiting for the disk.
        options = database.setdefault("OPTIONS", {})
        options["init_command"] = options.get("init_command", "") + "PRAGMA synchronous=OFF;"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the database cache table (the default cache without REDIS_URL)
    and our area with its seven municipalities (``setup_area``, as ``make run`` does)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if settings_dict["NAME"] != settings_dict.get("TEST", {}).get("NAME") and not str(
        settings_dict["NAME"]
    ).startswith("test_"):
        return  # no selected test uses the database: none was created, and ours is not touched
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)
        setup_area(path=AREA_FILE)


@pytest.fixture
def area(db):
    """The area again: a transactional test empties every table when it ends."""
    setup_area(path=AREA_FILE)


@pytest.fixture(autouse=True)
def japanese_after_each_test():
    """A request through the test client activates its language in this thread; start each
    test in Japanese, as a new request does."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def r2_path():
    return R2_WORKBOOK


def import_r2():
    result = import_overview(read_workbook(R2_WORKBOOK))
    assert result.totals["projects"] == 29
    return result


@pytest.fixture(scope="session")
def r2_rows(django_db_setup, django_db_blocker):
    """The rows the R2 import writes, taken once (tests/support/snapshot.py)."""
    with django_db_blocker.unblock():
        return snapshot.take(import_r2)


@pytest.fixture
def r2(db, r2_rows):
    """The R2 table imported into the test database; returns the FiscalYear. The import's rows
    are laid as they came out of the one real import of the session, or, where that would not
    give the same result (other rows already written, a transactional test), imported again."""
    if not r2_rows.lay():
        import_r2()
    from projects.models import FiscalYear

    return FiscalYear.objects.get(year=2020)


@pytest.fixture
def r2_published(r2):
    r2.published = True
    r2.is_current = True
    r2.save()
    return r2


@pytest.fixture
def demo_users(db, r2, settings):
    """jimukyoku (secretariat) and one staff account per member town (yamaguchi, ube, hagi, …),
    as `make run` creates."""
    settings.DEBUG = True  # load_demo refuses to run otherwise
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    from django.contrib.auth import get_user_model

    from projects.models import StaffProfile

    # The tests use them as real accounts, which log in with DEBUG off (tests/test_demo.py
    # checks that demo-marked ones cannot).
    StaffProfile.objects.update(is_demo=False)

    return {u.username: u for u in get_user_model().objects.all()}


# --- browser tests ---------------------------------------------------------------------------


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM)) or os.path.exists(CHROMIUM)


def pytest_terminal_summary(terminalreporter):
    if not chromium_available():
        terminalreporter.write_line(
            f"*** Chromium ({CHROMIUM}) がないためブラウザテストを省略しました ***", yellow=True
        )
    from projects.table.pdf import missing

    if missing():
        terminalreporter.write_line(f"*** PDF のテストを省略しました: {missing()} ***", yellow=True)


@pytest.fixture(scope="session")
def pdf_renderer():
    """WeasyPrint, pango and Noto CJK: missing, a skip that says what to install on a
    workstation and a failure in CI."""
    from projects.table.pdf import missing

    if reason := missing():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing: a skip on a workstation, a failure in CI."""
    if not chromium_available():
        message = f"Chromium が見つかりません ({CHROMIUM}): apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab; tests using it should also request ``transactional_db``."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def own_cache(settings):
    """A cache namespace of this test's own (Redis persists between tests; the database cache
    rolls back with them)."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
