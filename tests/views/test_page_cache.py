"""The anonymous page, gzipped ahead of time around its CSRF token and spliced per response."""

import gzip
import re
import uuid

import pytest
from django.test import Client

from projects.views.page_cache import SplicedPage


@pytest.mark.parametrize(
    "html",
    [
        '<p>前</p><input value="SLOT"><p>後</p>',
        "SLOT at the start, " + "長い本文 " * 5000,
        "長い本文 " * 5000 + " and SLOT at the end",
        "no slot here",
        "",
    ],
)
def test_spliced_gzip_is_the_page_with_the_value_filled_in(html):
    page = SplicedPage(html, "SLOT")
    for value in ("abc", "x" * 64, ""):
        expected = html.replace("SLOT", value, 1).encode()
        assert gzip.decompress(page.gzipped(value)) == expected
        assert page.plain(value) == expected


def test_spliced_gzip_is_compressed():
    html = "<html>" + "<li>広域観光連携</li>" * 2000 + '<input value="SLOT"></html>'
    assert len(SplicedPage(html, "SLOT").gzipped("t" * 64)) < len(html.encode()) / 20


@pytest.fixture
def site(r2_published, settings):
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    return r2_published


@pytest.mark.django_db
def test_anonymous_pages_carry_a_working_csrf_token_gzipped_or_not(site):
    for encoding in ("gzip, deflate, br", ""):
        client = Client(enforce_csrf_checks=True)
        for _ in range(2):  # built, then served from this process's copy
            response = client.get("/projects/", HTTP_ACCEPT_ENCODING=encoding)
            assert response.status_code == 200
            assert "Accept-Encoding" in response["Vary"]
            if encoding:
                assert response["Content-Encoding"] == "gzip"
                text = gzip.decompress(response.content).decode()
            else:
                assert not response.has_header("Content-Encoding")
                text = response.content.decode()
            assert "<title>事業一覧 (令和2年度) | 山口県央連携都市圏</title>" in text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
            assert '<input type="hidden" name="next" value="/projects/">' in text
        switched = client.post(
            "/i18n/setlang/",
            {"language": "en", "next": "/projects/", "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302
        assert client.cookies["django_language"].value == "en"
