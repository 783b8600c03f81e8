"""Shared pytest fixtures for every app's tests."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    # REQUIRE_SERVICES=1 (CI) turns "service missing" skips into failures.
    pass


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"
