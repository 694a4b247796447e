"""The public pages' cache: entries stamped with a version that any change bumps.

The stamp lives in Django's default cache, which is shared by every process and machine (Redis
when ``REDIS_URL`` is set, else the database table ``portal_cache``), so a change saved by one
process invalidates what every other process has cached. Nothing is deleted: each entry carries
the stamp it was built under, and an entry with an older stamp is rebuilt on its next read.

A stamp that goes missing (expired after a day like the entries, evicted, culled, cache
flushed) is recreated from the clock, never reset to an old value, so a stale entry can never
become reachable again.

Every write of the table goes through the change set (``services.changes``), whose ``commit()``
bumps the versions of the years it changed once its transaction commits; no model signal does.

**A data version per year.** Besides the area-wide stamp, each fiscal year has a stamp of its own
(``public:version:2020``), and so have the pages of the current year (``current``) and the pages
that show every year (``all``: the month calendar, the feeds, the sitemap). A page is stored
under the area-wide stamp and the stamps of its ``scope`` (a year, ``CURRENT``, ``ALL`` or a
tuple of them): ``bump(years=[2020])`` renews the pages of 2020, of the current year when 2020
is current, and of every year, and leaves the other years' pages as they are;
``bump()`` (``years=None``: the area, a year published, anything else) renews every page.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction

VERSION_KEY = "public:version"
CURRENT, ALL = "current", "all"  # scopes besides the years: the current year's pages, every year's
TIMEOUT = 60 * 60 * 24  # entries of an unchanged site still refresh once a day
LOCAL_ENTRIES = 256
PROJECT_YEAR_KEY = "public:project-year:{}"

_local: OrderedDict[str, tuple[object, object]] = OrderedDict()
_local_lock = threading.Lock()


def _fresh_stamp() -> int:
    return time.time_ns()


def _scopes(scope) -> tuple:
    if scope is None:
        return ()
    return tuple(dict.fromkeys(scope)) if isinstance(scope, tuple | list) else (scope,)


def scope_key(scope) -> str:
    return f"{VERSION_KEY}:{scope}"


def _stamp_keys(scope) -> list[str]:
    return [VERSION_KEY, *(scope_key(s) for s in _scopes(scope))]


def _stamp(found: dict, keys: list[str]):
    """The stamp of ``keys`` read in ``found``, creating those that are missing: the area's
    alone (an int) for a page of no scope, else a tuple."""
    stamps = []
    for k in keys:
        value = found.get(k)
        stamps.append(value if value is not None else _create_stamp(k))
    return stamps[0] if len(stamps) == 1 else tuple(stamps)


def version(scope=None):
    """The stamp of the pages of ``scope`` (None: the area-wide stamp alone); None when the
    cache keeps nothing (DummyCache)."""
    keys = _stamp_keys(scope)
    stamp = _stamp(cache.get_many(keys), keys)
    return None if stamp is None or (isinstance(stamp, tuple) and None in stamp) else stamp


def _create_stamp(key: str = VERSION_KEY) -> int:
    # Kept as long as the entries: one that expires is recreated newer, so nothing old comes
    # back, and the stamps of years asked for in URLs but never published do not pile up.
    cache.add(key, _fresh_stamp(), timeout=TIMEOUT)
    return cache.get(key)


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no stamp yet: any new one is newer than all the keys written before
        cache.set(key, _fresh_stamp(), timeout=TIMEOUT)


def bump(years=None) -> None:
    """Invalidate, in every process, the cached pages of ``years`` (with the current year's and
    every year's pages), or every cached public page (``years=None``)."""
    if years is None:
        _incr(VERSION_KEY)
        return
    years = {int(y) for y in years}
    scopes = [*sorted(years), ALL]
    if years & _current_years():
        scopes.append(CURRENT)
    for scope in scopes:
        _incr(scope_key(scope))


def _current_years() -> set[int]:
    from .models import FiscalYear

    return set(FiscalYear.objects.filter(is_current=True).values_list("year", flat=True))


def bump_on_commit(years=None) -> None:
    """Bump once the current transaction commits (at once outside one): a process that renders
    between the write and the commit would otherwise cache the old data under the new stamp."""
    years = None if years is None else tuple(years)
    transaction.on_commit(lambda: bump(years))


_project_years: dict[tuple[str, int], int] = {}


def project_scope(pk: int):
    """The scope of a project's pages: its year, or None for a project that does not exist.
    A project never changes year: the answer is kept in the shared cache and in this process
    (so a page of a project reads only its stamps)."""
    if isinstance(caches["default"], DummyCache):
        return None  # nothing is kept: no stamp to read, no query to spend on it
    local_key = (cache.key_prefix, pk)
    year = _project_years.get(local_key)
    if year is not None:
        return year
    cache_key = PROJECT_YEAR_KEY.format(pk)
    year = cache.get(cache_key)
    if year is None:
        from .models import Project

        year = Project.objects.filter(pk=pk).values_list("fiscal_year__year", flat=True).first()
        if year is None:
            return None
        cache.set(cache_key, year, timeout=None)
    if len(_project_years) > 50_000:
        _project_years.clear()
    _project_years[local_key] = year
    return year


@functools.cache
def release() -> str:
    """What this deployment renders with: a digest of the code, templates, translations and
    static files, read once per process. It is part of every page's key and ETag, so pages a
    previous release cached are never served after a deploy (the data stamps do not change)."""
    from django.conf import settings

    digest = hashlib.sha256()
    for folder in ("projects", "portal", "templates", "locale", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".txt", ".mo", ".css", ".js"}:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key(*parts) -> str:
    """The cache key of ``parts`` in this release (hashed: keys have length limits)."""
    text = "\x1f".join(str(p) for p in (release(), *parts))
    return f"public:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def get_or_build(parts, build, *, scope=None):
    """The value cached for ``parts`` if it was stored under the current stamp of ``scope``,
    else ``build()`` stored with the stamp. One round trip to the cache (one query with the
    database cache).

    The stamp is read before ``build()`` reads the data, so a value built from data older than
    a bump is always stored under an older stamp and never served after the bump.
    Exceptions (a 404 for an unpublished year) propagate and nothing is stored.
    """
    entry_key = key(*parts)
    stamp_keys = _stamp_keys(scope)
    found = cache.get_many([*stamp_keys, entry_key])
    stamp = _stamp(found, stamp_keys)
    entry = found.get(entry_key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = build()
    cache.set(entry_key, (stamp, value), TIMEOUT)
    return value


def get_local(parts, fetch, *, stamp=None, scope=None):
    """``fetch()`` kept in this process and reused while the shared stamp is unchanged.

    Every call still reads the stamp from the shared cache, so a change made anywhere shows on
    the next request here too; a hit saves only the transfer and decoding of the entry. The
    copies are few (least recently used first out) and may be objects that cannot be pickled.
    ``stamp`` is the stamp of ``scope`` the caller has just read, if it has.
    """
    stamp = stamp if stamp is not None else version(scope)
    if stamp is None:  # a cache that stores nothing (DummyCache): keep nothing either
        return fetch()
    local_key = f"{cache.key_prefix}:{key(*parts)}"
    with _local_lock:
        hit = _local.get(local_key)
        if hit is not None and hit[0] == stamp:
            _local.move_to_end(local_key)
            return hit[1]
    value = fetch()
    with _local_lock:
        _local[local_key] = (stamp, value)
        _local.move_to_end(local_key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value
