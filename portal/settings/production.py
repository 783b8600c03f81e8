"""Production: everything from the environment, HTTPS everywhere (SEC-4).

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, EMAIL_URL (a real
mail server, e.g. smtp://user:pass@host:587/?tls=True). `manage.py check --deploy
--fail-level WARNING` is clean with these settings (CI runs it).
"""

from .base import *  # noqa: F403
from .base import DATABASES, SPECTACULAR_SETTINGS, env, mailers_from_url

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# No default: the file backend of the local set-up must never be used here.
EMAIL_URL = env("EMAIL_URL")
MAILERS = mailers_from_url(EMAIL_URL)

# Persistent database connections (one per gunicorn thread), checked before reuse:
# opening a PostgreSQL connection on every request costs more than most pages' queries.
# (A copy: base's dict is shared with every settings module that imports it.)
DATABASES = {**DATABASES, "default": {**DATABASES["default"]}}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz and /readyz are probed over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# drf-spectacular's deploy check generates the whole schema and reports style
# warnings (operationId collisions, views without serializer_class); those are API
# documentation quality, not deployment safety, so they don't belong to --deploy.
SPECTACULAR_SETTINGS = {**SPECTACULAR_SETTINGS, "ENABLE_DJANGO_DEPLOY_CHECK": False}
