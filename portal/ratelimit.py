"""Rate limits of the portal's own actions (SEC-3): a counter per scope and key
in the cache (Redis when configured), over `settings.PORTAL_RATE_LIMITS`."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def rate_limit_exceeded(*, scope: str, key: str) -> bool:
    """Count one action in the scope's window; True once over the limit."""
    limit, window = settings.PORTAL_RATE_LIMITS[scope]
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count > limit
