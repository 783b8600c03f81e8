"""The Redis cache backend, with one redis-py client per connection pool (issue 9).

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation, and redis-py's constructor fills a dict of ~170 response callbacks each
time: about 0.1–0.3 ms per ``cache.get``, three to five times per manager page (the
nav and support fragments, the support facts). A ``redis.Redis`` is safe to share
between threads (it takes a connection from its pool for each command), so one per
pool is kept and reused. Everything else is Django's backend unchanged.
"""

from __future__ import annotations

import threading

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id(pool) -> redis.Redis on that pool
        self._lock = threading.Lock()

    def _get_connection_pool(self, write):
        """Django's, made thread-safe: two threads' first commands used to build a pool each,
        one of them then left open beside the kept one (with gthread workers)."""
        index = self._get_connection_pool_index(write)
        pool = self._pools.get(index)
        if pool is None:
            with self._lock:
                pool = self._pools.get(index)
                if pool is None:
                    pool = self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools are never dropped, so their ids stay theirs
        if client is None:
            with self._lock:
                client = self._clients.get(id(pool))
                if client is None:
                    client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
