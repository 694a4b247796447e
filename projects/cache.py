"""The public pages' cache: entries keyed by a version stamp that any change bumps.

The stamp lives in Django's default cache, which is shared by every process and machine (Redis
when ``REDIS_URL`` is set, else the database table ``portal_cache``), so a change saved by one
process invalidates what every other process has cached. Nothing is deleted: a bump makes every
key written under the old stamp unreachable, and those entries simply expire.

A stamp that goes missing (evicted, culled, cache flushed) is recreated from the clock, never
reset to an old value, so a stale entry can never become reachable again.

Writes that bypass model signals (``bulk_create``, ``bulk_update``, ``QuerySet.update``) must call
``bump()`` themselves, after their transaction commits: the import service does.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "public:version"
TIMEOUT = 60 * 60 * 24  # entries of an unchanged site still refresh once a day


def _fresh_stamp() -> int:
    return time.time_ns()


def version() -> int:
    stamp = cache.get(VERSION_KEY)
    if stamp is None:
        cache.add(VERSION_KEY, _fresh_stamp(), timeout=None)
        stamp = cache.get(VERSION_KEY)
    return stamp


def bump() -> None:
    """Invalidate every cached public page, in every process."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no stamp yet: any new one is newer than all the keys written before
        cache.set(VERSION_KEY, _fresh_stamp(), timeout=None)


def bump_on_commit() -> None:
    """Bump once the current transaction commits (at once outside one): a process that renders
    between the write and the commit would otherwise cache the old data under the new stamp."""
    transaction.on_commit(bump)


def key(*parts) -> str:
    """A cache key for ``parts`` under the current stamp (hashed: keys have length limits)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"public:{version()}:{digest}"


def get_or_build(parts, build):
    """The cached value for ``parts``, or ``build()`` stored under the current stamp.

    Exceptions (a 404 for an unpublished year) propagate and nothing is stored.
    """
    entry_key = key(*parts)
    value = cache.get(entry_key)
    if value is None:
        value = build()
        cache.set(entry_key, value, TIMEOUT)
    return value


def _changed(sender, **kwargs):
    bump_on_commit()


def connect_signals() -> None:
    """Bump on any save or delete of the models the public pages show."""
    from .models import (
        Activity,
        Change,
        FiscalYear,
        Measure,
        Municipality,
        Project,
        ProjectRow,
        Strategy,
    )

    # Events are derived from their activity and rewritten on each of its saves: not listed, so
    # that deleting them stays a fast bulk delete.
    for model in (
        FiscalYear,
        Municipality,
        Strategy,
        Measure,
        Project,
        ProjectRow,
        Activity,
        Change,
    ):
        uid = f"public-cache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
    m2m_changed.connect(
        _changed, sender=Project.municipalities.through, dispatch_uid="public-cache-project-munis"
    )
