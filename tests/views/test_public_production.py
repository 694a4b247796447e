"""Production serving, for real: gunicorn with two workers, DEBUG off, WhiteNoise serving the
compressed, hashed static files that collectstatic wrote, and a cache shared between processes.

The server and every writer run as separate processes against one file SQLite database (and
Redis when REDIS_URL is set), exactly as several machines behind a load balancer would.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy sends it

SETTINGS_SHIM = """import os
from portal.settings import *  # noqa: F403
STATIC_ROOT = os.environ["PORTAL_TEST_STATIC_ROOT"]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, check=True):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


def shell(env, code: str) -> str:
    """Run ``code`` in a fresh Django process (another process than the server's and ours)."""
    return manage(env, "shell", "--no-imports", "-c", code).stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("production")
    (tmp / "shim").mkdir()
    (tmp / "shim" / "portal_test_settings.py").write_text(SETTINGS_SHIM)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal_test_settings",
        PYTHONPATH=os.pathsep.join([str(tmp / "shim"), str(ROOT)]),
        PORTAL_TEST_STATIC_ROOT=str(tmp / "static"),
        DATABASE_URL=f"sqlite:///{tmp / 'portal.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CACHE_KEY_PREFIX=f"prodtest-{uuid.uuid4().hex}",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "setup_area", str(ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"))
    manage(env, "import_overview", str(ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx"))
    shell(
        env,
        "from projects.models import FiscalYear\n"
        "from projects.services.demo import assign_municipalities_from_text\n"
        "FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)\n"
        "assign_municipalities_from_text()\n"
        "from projects.cache import bump; bump()",
    )
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    log = open(tmp / "gunicorn.log", "w")
    process = subprocess.Popen(
        [GUNICORN, "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + (tmp / "gunicorn.log").read_text())
        yield {"port": port, "env": env, "static": tmp / "static"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={**HTTPS, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def page(server, path) -> str:
    status, _, body = get(server["port"], path)
    assert status == 200, (path, status)
    return body.decode()


def project_pk(server, number) -> int:
    return int(
        shell(
            server["env"],
            f"from projects.models import Project\n"
            f"print(Project.objects.get(fiscal_year__year=2020, number={number}).pk)",
        ).strip()
    )


def test_gunicorn_serves_pages_and_hashed_compressed_static_files(server):
    text = page(server, "/")
    assert "<title>令和2年度の連携事業 | 山口県央連携都市圏</title>" in text
    css = re.search(r'href="(/static/portal\.[0-9a-f]{12}\.css)"', text).group(1)
    assert (server["static"] / css.removeprefix("/static/")).exists()
    status, headers, body = get(server["port"], css, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    # DEBUG is off: the site's own 404 page, and plain HTTP is sent to HTTPS
    status, _, body = get(server["port"], "/opendata/1999.json")
    assert status == 404 and "ページが見つかりません" in body.decode()
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://127.0.0.1:{server['port']}/"
    connection.close()


def plain_http(server, path):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    result = response.status, response.getheader("Location"), response.read()
    connection.close()
    return result


def test_a_health_check_over_plain_http_is_answered_not_redirected(server):
    """A load balancer asks the server itself, without TLS or X-Forwarded-Proto."""
    status, location, body = plain_http(server, "/healthz")
    assert (status, location) == (200, None)
    assert body == b"ok"
    base = f"https://127.0.0.1:{server['port']}"
    # Only that address: every other one, however close, goes to HTTPS.
    assert plain_http(server, "/healthz/")[:2] == (301, f"{base}/healthz/")
    assert plain_http(server, "/projects/")[:2] == (301, f"{base}/projects/")


def test_a_change_made_in_another_process_shows_on_every_worker(server):
    pk = project_pk(server, 27)
    url = f"/projects/{pk}/"
    word = '<span aria-hidden="true">{}</span> {}</span> <span class="text" lang="ja">圏域企業訪問バスツアー'
    for _ in range(4):  # both workers render or read it
        assert word.format("●", "実施済み") in page(server, url)

    # A write around the change set, from another process: the page stays as cached …
    shell(
        server["env"],
        "from projects.models import Activity\n"
        "Activity.objects.filter(text__startswith='圏域企業訪問バスツアー').update(status='planned')",
    )
    assert word.format("●", "実施済み") in page(server, url)
    # … and the next save, from yet another process, shows on the next view, on every worker.
    shell(
        server["env"],
        "from projects.models import Activity\n"
        "from django.contrib.auth import get_user_model\n"
        "from projects.services.editing import update_activity\n"
        "office = get_user_model().objects.create_superuser('office', 'office@example.jp', 'x')\n"
        "a = Activity.objects.get(text__startswith='圏域企業訪問バスツアー')\n"
        "update_activity(user=office, activity=a, status='cancelled', text=a.text,"
        " details=a.details, expected_version=a.version)",
    )
    for _ in range(4):
        assert word.format("■", "コロナの影響による中止") in page(server, url)
    assert "コロナの影響による中止" in page(server, "/projects/?status=cancelled&municipality=ube")
