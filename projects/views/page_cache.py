"""The public pages' cache in the views: pages kept under the shared version stamp.

A page is cached under the shared version stamp (``projects.cache``), per language and per
query parameter it reads, twice over: its main part, which the shell (navigation, messages,
the language switch) is rendered around for signed-in visitors, and the whole page as an
anonymous visitor sees it, served with only the CSRF token of the language switch filled in.
That page is also kept in each process, gzipped ahead of time around the token
(``SplicedPage``), and reused while the shared stamp is unchanged. Responses are gzipped for
clients that accept it (the CSRF token is masked afresh on every response, so compression does
not expose it to BREACH).

``SplicedPage`` compresses the page ahead of time in two raw-deflate pieces, before and after
the slot; a response is the gzip header, the first piece (flushed to a byte boundary), the
slot's bytes as a stored block, the second piece and the trailer, whose CRC-32 covers the slot
and the second piece (kilobytes of CRC rather than compressing the page again on every request).
"""

from __future__ import annotations

import re
import struct
import zlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from projects import cache as public_cache
from projects.models import Area

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime, OS unknown


class SplicedPage:
    def __init__(self, html: str, slot: str):
        head, found, tail = html.encode().partition(slot.encode())
        self.has_slot = bool(found)
        self.head, self.tail = head, tail
        before = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated_head = before.compress(head) + before.flush(zlib.Z_SYNC_FLUSH)
        after = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated_tail = after.compress(tail) + after.flush(zlib.Z_FINISH)
        self.head_crc = zlib.crc32(head)

    def plain(self, value: str) -> bytes:
        return self.head + (value.encode() if self.has_slot else b"") + self.tail

    def gzipped(self, value: str) -> bytes:
        data = value.encode() if self.has_slot else b""
        if len(data) > 0xFFFF:
            raise ValueError("the slot's value must fit one stored block")
        # A non-final stored block: header bits 000, padded to the byte, then LEN and ~LEN.
        stored = b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data
        crc = zlib.crc32(self.tail, zlib.crc32(data, self.head_crc))
        size = (len(self.head) + len(data) + len(self.tail)) & 0xFFFFFFFF
        return (
            GZIP_HEADER
            + self.deflated_head
            + stored
            + self.deflated_tail
            + struct.pack("<II", crc, size)
        )


CSRF_PLACEHOLDER = "csrf-token-placeholder-4d1f0c"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def render_public(request, template, build, *, params=(), key=()):
    """Render ``template`` with ``build(values)`` as its context, cached; ``params`` are the
    query parameters the page reads (the only ones in its cache key)."""
    values = {name: request.GET.get(name, "") for name in params}
    parts = ("page", template, get_language(), request.path, *values.items(), *key)
    query = urlencode({k: v for k, v in values.items() if v})
    path = request.path + (f"?{query}" if query else "")

    def build_page():
        # Rendered without the request, so without context processors: the area is read here.
        context = {"area": Area.objects.current(), **build(values)}
        return {
            "title": str(context["title"]),
            "content": render_to_string(template, context),
            "print": context.get("print", False),
            "area": context["area"],
        }

    def build_anonymous():
        page = public_cache.get_or_build(parts, build_page)
        anonymous = {
            "page": page,
            "area": page["area"],
            "user": AnonymousUser(),
            "csrf_token": CSRF_PLACEHOLDER,
            "request": {"get_full_path": path},
        }
        return render_to_string("projects/public_page.html", anonymous)

    if is_anonymous_visit(request):
        page = public_cache.get_local(
            (*parts, "anonymous"),
            lambda: SplicedPage(
                public_cache.get_or_build((*parts, "anonymous"), build_anonymous),
                CSRF_PLACEHOLDER,
            ),
        )
        return spliced_response(request, page, get_token(request))
    page = public_cache.get_or_build(parts, build_page)
    return render(request, "projects/public_page.html", {"page": page})


def spliced_response(request, page: SplicedPage, token: str) -> HttpResponse:
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(page.gzipped(token))
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.plain(token))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def is_anonymous_visit(request) -> bool:
    """No session and no pending message: the page is the same for every such visitor."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and (
        getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def cached_response(request, build, *, key=(), headers=None):
    """A cached non-HTML response: ``build()`` returns ``(content bytes, content type)``."""
    parts = ("response", get_language(), request.path, *key)
    content, content_type = public_cache.get_or_build(parts, build)
    response = HttpResponse(content, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
