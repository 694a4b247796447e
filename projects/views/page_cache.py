"""The public pages' cache in the views: pages kept under the shared version stamp, and the
HTTP caching that lets browsers and proxies keep them too.

A page is cached under the shared version stamp (``projects.cache``), per language and per
query parameter it reads: its main part, which the shell (navigation with the staff links) is
rendered around for signed-in visitors, and the whole page as an anonymous visitor sees it.
Anonymous pages carry nothing personal (no cookie is set: the language is in the URL), so each
process also keeps them gzipped ahead of time, reused while the shared stamp is unchanged.

Anonymous responses say ``Cache-Control: public, max-age=…`` with an ETag made from the stamp
and the page's key: a conditional request (If-None-Match) is answered 304 after one read of the
stamp, without building or rendering anything. Signed-in visitors get ``private, no-cache``.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from projects import cache as public_cache
from projects.cache import CURRENT
from projects.context_processors import other_language_url
from projects.models import Area

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
MAX_AGE = 300  # seconds a browser or proxy may show a public page without asking again
PUBLIC = f"public, max-age={MAX_AGE}"
PRIVATE = "private, no-cache"


def fiscal_year_of(day: datetime.date) -> int:
    """April to March: 2021-03-31 is in fiscal year 2020."""
    return day.year if day.month >= 4 else day.year - 1


def year_scope(request):
    """The scope of a page of one year: the year asked for (``?year=``), else the current one."""
    asked = request.GET.get("year", "")
    return int(asked) if asked.isascii() and asked.isdigit() and len(asked) == 4 else CURRENT


def soon_scope(day: datetime.date) -> tuple[int, ...]:
    """The years whose dates a list of the next 30 days may show."""
    return tuple(dict.fromkeys(fiscal_year_of(d) for d in (day, day + datetime.timedelta(30))))


def is_anonymous_visit(request) -> bool:
    """No session and no pending message: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and (
        getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def etag_for(stamp, parts) -> str | None:
    """None when the cache keeps nothing (DummyCache): no version, so no promise."""
    if stamp is None:
        return None
    digest = hashlib.sha256(repr((public_cache.release(), stamp, *parts)).encode()).hexdigest()[:24]
    return f'W/"{digest}"'


def not_modified(request, etag: str) -> HttpResponseNotModified | None:
    """A 304 when the client already holds this version of the page."""
    asked = request.META.get("HTTP_IF_NONE_MATCH", "")
    if etag is None or request.method not in ("GET", "HEAD") or not asked:
        return None
    tags = {t.strip().removeprefix("W/") for t in asked.split(",")}
    if "*" not in tags and etag.removeprefix("W/") not in tags:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


class Compressed:
    """A response body kept as is and gzipped once."""

    def __init__(self, content: bytes):
        self.plain = content
        self.gzipped = gzip.compress(content, compresslevel=6, mtime=0)

    def response(self, request, content_type: str, etag: str | None) -> HttpResponse:
        if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(self.gzipped, content_type=content_type)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.plain, content_type=content_type)
        if etag:
            response["ETag"] = etag
        response["Cache-Control"] = PUBLIC
        patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
        return response


def render_public(request, template, build, *, params=(), key=(), section="", scope=None):
    """Render ``template`` with ``build(values)`` as its context, cached; ``params`` are the
    query parameters the page reads (the only ones in its cache key); ``section`` marks the
    current item of the main navigation; ``scope``: the years whose data the page shows
    (``projects.cache``; None: a page of the area only)."""
    values = {name: request.GET.get(name, "") for name in params}
    parts = ("page", template, get_language(), request.path, *values.items(), *key)
    site_root = request.build_absolute_uri("/").rstrip("/")
    query = urlencode({k: v for k, v in values.items() if v})
    path = request.path + (f"?{query}" if query else "")

    def build_page():
        context = build(values)
        context.setdefault("area", Area.objects.current())
        return {
            "title": str(context["title"]),
            "content": render_to_string(template, context),
            "print": context.get("print", False),
            "meta": context.get("meta", {}),
            "area": context["area"],
            "section": section,
        }

    if not is_anonymous_visit(request):
        page = public_cache.get_or_build(parts, build_page, scope=scope)
        response = render(
            request, "projects/public_page.html", {"page": page, "area": page["area"]}
        )
        response["Cache-Control"] = PRIVATE
        patch_vary_headers(response, ("Cookie",))
        return response

    def build_anonymous():
        page = public_cache.get_or_build(parts, build_page, scope=scope)
        context = {
            "page": page,
            "area": page["area"],
            "user": AnonymousUser(),
            "switch_url": other_language_url(path),
            "page_url": site_root + path,
            "site_root": site_root,
        }
        return render_to_string("projects/public_page.html", context).encode()

    whole = (*parts, "anonymous", site_root)
    stamp = public_cache.version(scope)
    etag = etag_for(stamp, whole)
    if unchanged := not_modified(request, etag):
        return unchanged
    page = public_cache.get_local(
        whole,
        lambda: Compressed(public_cache.get_or_build(whole, build_anonymous, scope=scope)),
        stamp=stamp,
    )
    return page.response(request, "text/html; charset=utf-8", etag)


def cached_response(request, build, *, key=(), headers=None, scope=None):
    """A cached non-HTML response: ``build()`` returns ``(content bytes, content type)``, built
    once per data version of ``scope`` (see ``render_public``)."""
    parts = ("response", get_language(), request.path, *key)
    stamp = public_cache.version(scope)
    etag = etag_for(stamp, parts)
    if unchanged := not_modified(request, etag):
        return unchanged

    def fetch():
        content, content_type = public_cache.get_or_build(parts, build, scope=scope)
        return Compressed(content), content_type

    body, content_type = public_cache.get_local(parts, fetch, stamp=stamp)
    response = body.response(request, content_type, etag)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
