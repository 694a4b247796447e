"""Request-level rules: Japanese first (the interface is Japanese unless the visitor chose
English, /en/…), control characters refused, a busy database answered with a 409 page instead
of a server error."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
# C0 controls but tab, line feed and carriage return, DEL and the C1 controls: never text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REFUSED = "要求に使えない文字 (NUL などの制御文字) が含まれています: 欄「{name}」。"
BUSY = (
    "ただいま他の書き込みが続いているため、保存できませんでした。何も変更していません。"
    "しばらく待ってから、もう一度お試しください。"
)


class ChosenLanguageMiddleware:
    """The language is in the URL: /en/… is English, every other page Japanese. Neither the
    browser's Accept-Language nor a cookie is read, so a page is the same for every visitor
    (a shared cache can keep it, and no cookie is needed to switch)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def reads_its_own_body(view):
    """Mark a view that sets its own upload handlers before the body is read (the workbook
    upload caps the size): it checks the multipart fields itself, with ``refused_field``."""
    view.reads_its_own_body = True
    return view


def checks_its_own_text(view):
    """Mark a view whose forms validate every posted field themselves, with a message at the
    field that says where the character is (the staff page's activity forms): only its query
    string is checked here."""
    view.checks_its_own_text = True
    return view


def refused_field(request, *, form: bool = True) -> HttpResponse | None:
    """A 400 naming the first query or (with ``form``) form field or file name with a control
    character."""
    fields = list(request.GET.lists())
    if form and request.method == "POST" and request.content_type in (FORM_TYPE, MULTIPART_TYPE):
        fields += list(request.POST.lists())
        fields += [(name, [f.name or ""]) for name, f in request.FILES.items()]
    for name, values in fields:
        if CONTROL.search(name) or any(CONTROL.search(v) for v in values):
            return HttpResponseBadRequest(
                REFUSED.format(name=CONTROL.sub("?", name)[:40]).encode(),
                content_type="text/plain; charset=utf-8",
            )
    return None


class RefuseNulMiddleware:
    """A NUL or another control character in a query, form or multipart field is never
    meaningful here, and PostgreSQL refuses NUL in any string: answer 400 with a message
    instead of failing inside a query. Checked once the view is known, so that a view that
    caps its upload (``reads_its_own_body``) reads its body first, and one whose forms say at
    the field what is wrong (``checks_its_own_text``) does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "reads_its_own_body", False) and request.content_type == MULTIPART_TYPE:
            return None
        return refused_field(request, form=not getattr(view, "checks_its_own_text", False))


def busy(request) -> HttpResponse:
    body = render_to_string("busy.html", {"message": BUSY}, request=request)
    response = HttpResponse(body, status=409)
    response["Retry-After"] = "5"
    return response


def is_busy(exc: Exception) -> bool:
    """SQLite's lock wait ran out, or PostgreSQL gave up on a lock or a serialization."""
    text = str(exc).lower()
    if isinstance(exc, OperationalError) and ("locked" in text or "busy" in text):
        return True
    cause = getattr(exc, "__cause__", None)
    code = getattr(cause, "pgcode", None)
    return isinstance(exc, DatabaseError) and code in {"40001", "40P01", "55P03", "57014"}


class BusyDatabaseMiddleware:
    """Concurrent writers wait for each other; one that waited too long gets a Japanese 409
    page saying nothing was changed (its transaction was rolled back), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if is_busy(exc):
            logger.warning("database busy: %s %s: %s", request.method, request.path, exc)
            return busy(request)
        return None


def not_found(request, exception=None):
    """The 404 page in the visitor's language, with the read layer's message only (never
    Django's); also the site's ``handler404``. Rendered from its template here, so that the
    request rules import no view."""
    from projects.models import FiscalYear
    from projects.reports.public import NotFound

    message = str(exception) if isinstance(exception, NotFound) else ""
    published = FiscalYear.objects.published().exists()  # else no list to send anyone to
    return render(request, "404.html", {"message": message, "published": published}, status=404)


class NotFoundMiddleware:
    """A public read that finds nothing (``projects.reports.public.NotFound``, a plain
    LookupError of the read layer) answers the 404 page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        from projects.reports.public import NotFound

        if isinstance(exc, NotFound):
            return not_found(request, exc)
        return None
