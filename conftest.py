"""Shared pytest fixtures for every app's tests.

Service markers (declared in pyproject.toml):

- ``postgres``: needs the test database to be PostgreSQL (``DATABASE_URL=postgres://...``);
- ``integration``: needs PostgreSQL *and* a reachable Redis (a real Celery worker is started);
- ``browser``: needs a Chromium binary for Playwright.

A test whose service is missing is skipped, so that ``make test`` stays green on
a fresh clone with SQLite and nothing else. With ``REQUIRE_SERVICES=1`` (CI) the
same test FAILS instead: a missing service must never turn into a silent skip.
Tests run whenever their services are reachable, whatever REQUIRE_SERVICES says.
"""

from __future__ import annotations

import functools
import os
import shutil

import pytest

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def redis_url() -> str:
    """The Redis the integration tests use: REDIS_URL, or the local default."""
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


@functools.cache
def _redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:
        return False


def _postgres_in_use() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def missing_services(markers: set[str]) -> list[str]:
    """What the markers ask for and this machine doesn't offer (empty: all there)."""
    missing = []
    if markers & {"postgres", "integration"} and not _postgres_in_use():
        missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
    if "integration" in markers:
        if not _redis_reachable(redis_url()):
            missing.append(f"Redis at {redis_url()}")
        if not shutil.which("redis-server"):
            missing.append("the redis-server binary")
    if "browser" in markers and chromium_path() is None:
        missing.append("Chromium (/usr/bin/chromium)")
    return missing


def require_or_skip(reason: str) -> None:
    """Skip, or fail under REQUIRE_SERVICES=1: for services checked inside a test."""
    if services_required():
        pytest.fail(f"required service missing (REQUIRE_SERVICES=1): {reason}", pytrace=False)
    pytest.skip(f"service missing: {reason}")


def pytest_runtest_setup(item):
    markers = {m.name for m in item.iter_markers()} & {"postgres", "integration", "browser"}
    if not markers:
        return
    missing = missing_services(markers)
    if missing:
        require_or_skip(", ".join(missing))


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def require_services() -> bool:
    return services_required()
