"""portal.cache.RedisCache: Django's Redis backend with one client per pool (issue 9)."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from conftest import _redis_reachable, redis_url, require_or_skip
from portal.cache import RedisCache


@pytest.fixture
def redis_cache():
    """The backend on the integration tests' Redis, under a key prefix of its own: it never
    calls clear() (FLUSHDB), which would empty a database other tests may be using."""
    url = redis_url()
    if not _redis_reachable(url):
        require_or_skip(f"Redis at {url}")
    cache = RedisCache(url, {"KEY_PREFIX": f"cache-backend-test-{uuid.uuid4().hex}", "TIMEOUT": 60})
    yield cache
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)
    cache.close()


def test_perf_redis_cache_reuses_one_client_per_pool(redis_cache):
    client = redis_cache._cache

    first = client.get_client("a")
    second = client.get_client("b", write=True)

    assert first is second  # one server: reads and writes share the pool and its client
    assert first.connection_pool is client._get_connection_pool(write=False)


def test_perf_redis_cache_behaves_as_djangos_backend(redis_cache):
    redis_cache.set("fragment", "<nav>…</nav>", 30)
    redis_cache.set("count", 7, 30)

    assert redis_cache.get("fragment") == "<nav>…</nav>"
    assert redis_cache.incr("count") == 8
    assert redis_cache.add("fragment", "other") is False
    redis_cache.delete("fragment")
    assert redis_cache.get("fragment", "gone") == "gone"
    assert redis_cache.get_many(["count", "missing"]) == {"count": 8}


def test_perf_redis_cache_client_is_shared_safely_between_threads(redis_cache):
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"t{n}-{i}", i, 30)
                assert redis_cache.get(f"t{n}-{i}") == i
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(redis_cache._cache._clients) == 1


def test_perf_redis_cache_threads_first_use_builds_one_pool_and_one_client(redis_cache, monkeypatch):
    """Django's backend builds a pool on first use without a lock: threads arriving together
    each built one (CI caught two clients). A slow pool constructor makes the race certain."""
    client = redis_cache._cache
    build = client._pool_class.from_url

    def slow_from_url(*args, **kwargs):
        time.sleep(0.02)
        return build(*args, **kwargs)

    monkeypatch.setattr(client._pool_class, "from_url", slow_from_url)
    barrier = threading.Barrier(8)
    got = []

    def first_use() -> None:
        barrier.wait(timeout=10)
        got.append(client.get_client(write=True))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(got) == 8 and all(c is got[0] for c in got)
    assert len(client._pools) == 1 and len(client._clients) == 1


def test_perf_settings_use_the_reusing_backend_with_redis(monkeypatch):
    import importlib

    from portal.settings import base

    monkeypatch.setenv("REDIS_URL", os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.CACHES["default"]["BACKEND"] == "portal.cache.RedisCache"
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(base)
