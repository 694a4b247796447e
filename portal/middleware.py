"""Japanese first: the interface is Japanese unless the visitor chose English with the switch."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

FORM_TYPE = "application/x-www-form-urlencoded"


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language: a municipal
    portal speaks Japanese to everyone, and English only to those who asked for it."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """A NUL character in a query or form value is never meaningful here, and PostgreSQL
    refuses it in any string: answer 400 with a message instead of failing inside a query.
    (Multipart bodies are left to the views, which check uploads before reading them.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [v for _, vs in request.GET.lists() for v in vs]
        if request.method == "POST" and request.content_type == FORM_TYPE:
            values += [v for _, vs in request.POST.lists() for v in vs]
        if any("\x00" in v for v in values):
            return HttpResponseBadRequest(
                "要求に使えない文字 (NUL) が含まれています。".encode(),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
