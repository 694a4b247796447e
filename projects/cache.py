"""The public pages' cache: entries stamped with a version that any change bumps.

The stamp lives in Django's default cache, which is shared by every process and machine (Redis
when ``REDIS_URL`` is set, else the database table ``portal_cache``), so a change saved by one
process invalidates what every other process has cached. Nothing is deleted: each entry carries
the stamp it was built under, and an entry with an older stamp is rebuilt on its next read.

A stamp that goes missing (evicted, culled, cache flushed) is recreated from the clock, never
reset to an old value, so a stale entry can never become reachable again.

Every write of the table goes through the change set (``services.changes``), whose ``commit()``
bumps the version once its transaction commits; no model signal does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public:version"
TIMEOUT = 60 * 60 * 24  # entries of an unchanged site still refresh once a day
LOCAL_ENTRIES = 256

_local: OrderedDict[str, tuple[int, object]] = OrderedDict()
_local_lock = threading.Lock()


def _fresh_stamp() -> int:
    return time.time_ns()


def version() -> int:
    stamp = cache.get(VERSION_KEY)
    return stamp if stamp is not None else _create_stamp()


def _create_stamp() -> int:
    cache.add(VERSION_KEY, _fresh_stamp(), timeout=None)
    return cache.get(VERSION_KEY)


def bump(years=None) -> None:
    """Invalidate the cached public pages, in every process (``years``: the fiscal years whose
    data changed; every page is renewed whatever they are)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no stamp yet: any new one is newer than all the keys written before
        cache.set(VERSION_KEY, _fresh_stamp(), timeout=None)


def bump_on_commit(years=None) -> None:
    """Bump once the current transaction commits (at once outside one): a process that renders
    between the write and the commit would otherwise cache the old data under the new stamp.
    The one caller is the change set's ``commit()`` (``services.changes``)."""
    transaction.on_commit(lambda: bump(years))


def key(*parts) -> str:
    """The cache key of ``parts`` (hashed: keys have length limits)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"public:{digest}"


def get_or_build(parts, build):
    """The value cached for ``parts`` if it was stored under the current stamp, else ``build()``
    stored with the stamp. One round trip to the cache (one query with the database cache).

    The stamp is read before ``build()`` reads the data, so a value built from data older than
    a bump is always stored under an older stamp and never served after the bump.
    Exceptions (a 404 for an unpublished year) propagate and nothing is stored.
    """
    entry_key = key(*parts)
    found = cache.get_many([VERSION_KEY, entry_key])
    stamp = found.get(VERSION_KEY)
    if stamp is None:
        stamp = _create_stamp()
    entry = found.get(entry_key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = build()
    cache.set(entry_key, (stamp, value), TIMEOUT)
    return value


def get_local(parts, fetch, *, stamp=None):
    """``fetch()`` kept in this process and reused while the shared stamp is unchanged.

    Every call still reads the stamp from the shared cache, so a change made anywhere shows on
    the next request here too; a hit saves only the transfer and decoding of the entry. The
    copies are few (least recently used first out) and may be objects that cannot be pickled.
    ``stamp`` is the stamp the caller has just read, if it has.
    """
    stamp = stamp if stamp is not None else version()
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
