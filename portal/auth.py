"""Login throttling against password guessing, for the site login and the admin login.

Failures are counted in the cache three ways, each within ``LOGIN_FAILURE_WINDOW`` seconds:
per user name and client address (``LOGIN_FAILURE_LIMIT``), per client address whatever the
name (``LOGIN_FAILURES_PER_ADDRESS``: one machine trying many names), and per user name from
anywhere (``LOGIN_FAILURES_PER_ACCOUNT``: guessing spread over many machines). Past a limit the
login is refused, even with the right password, until the window has passed; never one count
for everybody.

The client address is the one the configured number of trusted proxies saw
(``TRUSTED_PROXY_COUNT``, from ``DJANGO_TRUSTED_PROXY_COUNT``): X-Forwarded-For read from the
right, skipping the entries those proxies appended, so that a client cannot choose its address
by sending the header itself. With no proxy it is REMOTE_ADDR.

An account locked by failures from elsewhere still logs in from the secretariat's networks
(``LOGIN_TRUSTED_NETWORKS``), and the secretariat can lift the lock (``reset_account``, an
action on the admin's user list).
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache

LOGIN_FAILURE_LIMIT = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURES_PER_ADDRESS = getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_FAILURES_PER_ACCOUNT = getattr(settings, "LOGIN_FAILURES_PER_ACCOUNT", 20)
LOGIN_FAILURE_WINDOW = getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60)
THROTTLED = (
    "ログインの失敗が続いたため、しばらくログインできません。"
    "%(minutes)s 分ほど待ってから、もう一度お試しください。"
)


def client_address(request) -> str:
    """The client's address as the trusted proxies in front of the portal saw it."""
    if request is None:
        return "unknown"
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [a for a in chain if a]
    # Each proxy appends the address it received from; the last ``proxies`` entries but the
    # outermost one were written by proxies, the one before them by the outermost proxy.
    return chain[-proxies] if len(chain) >= proxies else remote


def is_trusted(address: str) -> bool:
    """Whether the address is in the secretariat's networks (LOGIN_TRUSTED_NETWORKS)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in getattr(settings, "LOGIN_TRUSTED_NETWORKS", ()):
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def _name(username: str) -> str:
    return (username or "").strip().casefold()


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"login-failures:{digest}"


def _generation(name: str) -> str:
    """Changes when the secretariat lifts the account's lock: its counts start again."""
    return str(cache.get(_key("reset", name), 0))


def keys(request, username: str) -> tuple[str, str, str]:
    """(name and address, address, name) counters."""
    name, address = _name(username), client_address(request)
    generation = _generation(name)
    return (
        _key("user", name, generation, address),
        _key("addr", address),
        _key("account", name, generation),
    )


def is_throttled(request, username: str) -> bool:
    pair, address, account = keys(request, username)
    if cache.get(pair, 0) >= LOGIN_FAILURE_LIMIT:
        return True
    if is_trusted(client_address(request)):
        return False
    return (
        cache.get(address, 0) >= LOGIN_FAILURES_PER_ADDRESS
        or cache.get(account, 0) >= LOGIN_FAILURES_PER_ACCOUNT
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
    pair, _, account = keys(request, username)
    cache.delete_many([pair, account])


def is_locked(username: str) -> bool:
    """Whether the account is locked for logins from outside the trusted networks."""
    account = _key("account", _name(username), _generation(_name(username)))
    return cache.get(account, 0) >= LOGIN_FAILURES_PER_ACCOUNT


def reset_account(username: str) -> None:
    """Lift the account's lock and its per-address counts (the secretariat's admin action)."""
    cache.set(_key("reset", _name(username)), time.time_ns(), timeout=LOGIN_FAILURE_WINDOW * 2)


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
