"""Fixtures of the page tests."""

import uuid

import pytest

from projects.services.demo import assign_municipalities_from_text


@pytest.fixture(autouse=True)
def own_cache(settings):
    """A cache namespace of this test's own (Redis persists between tests; the database cache
    rolls back with them)."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def site(r2_published):
    """R2, published and current, with each project's municipalities taken from its text."""
    assign_municipalities_from_text(fiscal_year=r2_published)
    return r2_published
