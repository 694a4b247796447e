"""Fixtures of the page tests."""

import pytest

from projects.services.demo import assign_municipalities_from_text


@pytest.fixture(autouse=True)
def page_tests_own_cache(own_cache):
    """Every page test keeps its pages in a cache namespace of its own."""


@pytest.fixture
def site(r2_published):
    """R2, published and current, with each project's municipalities taken from its text."""
    assign_municipalities_from_text(fiscal_year=r2_published)
    return r2_published
