"""Login throttling against password guessing, for the site login and the admin login.

Failed logins are counted in the cache per user name and client address; after
``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_FAILURE_WINDOW`` seconds that pair is refused,
even with the right password, until the window has passed. A per-address count stops one
machine from trying many user names. The address is REMOTE_ADDR: a forwarded-for header is
set by the client and would let an attacker pick a fresh address for every try.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache

LOGIN_FAILURE_LIMIT = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURES_PER_ADDRESS = getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_FAILURE_WINDOW = getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60)
THROTTLED = (
    "ログインの失敗が続いたため、しばらくログインできません。"
    "%(minutes)s 分ほど待ってから、もう一度お試しください。"
)


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"login-failures:{digest}"


def keys(request, username: str) -> tuple[str, str]:
    address = client_address(request)
    return _key("user", (username or "").strip().casefold(), address), _key("addr", address)


def is_throttled(request, username: str) -> bool:
    pair, address = keys(request, username)
    return (cache.get(pair, 0) >= LOGIN_FAILURE_LIMIT) or (
        cache.get(address, 0) >= LOGIN_FAILURES_PER_ADDRESS
    )


def record_failure(request, username: str) -> None:
    for key in keys(request, username):
        if cache.add(key, 1, LOGIN_FAILURE_WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, LOGIN_FAILURE_WINDOW)


def clear_failures(request, username: str) -> None:
    cache.delete(keys(request, username)[0])


class ThrottleMixin:
    """Refuse before checking the password while throttled; count each failure."""

    def clean(self):
        username = self.data.get("username", "")
        if is_throttled(self.request, username):
            raise forms.ValidationError(
                THROTTLED, code="throttled", params={"minutes": LOGIN_FAILURE_WINDOW // 60}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                record_failure(self.request, username)
            raise
        clear_failures(self.request, username)
        return cleaned


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True
