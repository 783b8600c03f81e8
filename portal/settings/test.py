from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read emails from locmem unless an integration test asks for the real path.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Always a per-process cache: with xdist, clearing a shared Redis between tests
# would wipe the other worker's state (and the integration tests' broker).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process, a cache cleared before each test: the cached paths are the ones tested.
SUPPORT_FACTS_CACHE_SECONDS = 300
# Serve static files from the finders without scanning STATIC_ROOT (not collected in tests).
WHITENOISE_AUTOREFRESH = True
