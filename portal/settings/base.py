"""Settings shared by every environment.

Configuration comes from the environment through django-environ, with safe local
defaults so that a fresh clone runs with no `.env`: SQLite, emails written to
`var/mail/`, Celery tasks run eagerly when no `REDIS_URL` is given.
"""

import contextlib
import time
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
# A fresh clone has no var/ (git-ignored): the SQLite default and the mail files live there.
with contextlib.suppress(OSError):  # read-only image: DATABASE_URL/EMAIL_URL point elsewhere
    VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-secret-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Base URL used for absolute links in emails (NT-2).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:" + env("PORT", default="8000")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "clients",
    "partners",
    "billing",
    "tickets",
    "tenders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.UserSessionActivityMiddleware",  # allauth's tracking, once a minute
    "clients.tenancy.ActingOrgMiddleware",
    "portal.confirm.ConfirmStepMiddleware",  # after CSRF: no-JS confirmation of destructive actions
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clients.context_processors.acting",
                "portal.context_processors.fragments",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# The embedded default's options. IMMEDIATE: a transaction takes the write lock when it begins and waits for
# it (timeout), instead of failing at once with "database is locked" when it read first and another wrote since.
SQLITE_OPTIONS = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    # Without Redis (`make run`'s defaults) the cache is still shared by gunicorn's worker processes:
    # rate limits (SEC-3) counted in one process each let twice the allowed attempts through.
    # Files under var/ are enough for one machine; production has Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
        }
    }

# Cached template fragments (the manager's nav and support widget, issue 9) are keyed by
# everything they show and by this version: by default the process's start, so a new
# release never serves the old one's HTML; set RELEASE (e.g. the git commit) to share
# fragments between the processes of one release.
FRAGMENT_CACHE_VERSION = env("RELEASE", default="") or f"start-{time.time_ns()}"

# The support widget's facts (support code, VIP code) are read from the cache on every
# manager page when it is shared (Redis); a per-process cache could not be cleared in
# the other processes when a code is regenerated, so without Redis they are read each time.
# Short-lived: a page that read the old code just before a regeneration committed can put
# it back in the cache after the clearing, for at most this long.
SUPPORT_FACTS_CACHE_SECONDS = env.int("SUPPORT_FACTS_CACHE_SECONDS", default=60 if REDIS_URL else 0)

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/manager/"

# --- allauth -----------------------------------------------------------------
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "email2*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partner Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth's defaults are kept on (login failures, sign-up, password reset, ...);
# they count in the cache, which is Redis when REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    # Every login POST per IP (answers 429), then failures per IP and per account
    # (the form refuses even the right password for 5 minutes).
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Partner Portal"
# Activity is tracked by portal.middleware.UserSessionActivityMiddleware, which does what
# allauth's middleware does at most once a minute per session (a write per page view otherwise).
USERSESSIONS_TRACK_ACTIVITY = False
USERSESSIONS_ACTIVITY_INTERVAL = 60

# --- i18n --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]  # en: "27 Nov 2026", 24 h; es: "1.234,50" (portal/formats/)
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- email (Django 6.1 MAILERS; legacy EMAIL_* settings must not be set) ------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Partner Portal <no-reply@partner-portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAIL = env("STAFF_NOTIFICATION_EMAIL", default="partners-team@partner-portal.example")


def mailers_from_url(url: str) -> dict:
    """Map a django-environ EMAIL_URL onto Django 6.1's MAILERS setting."""
    cfg = environ.Env.email_url_config(url)
    backend = cfg["EMAIL_BACKEND"]
    options: dict = {}
    if backend.endswith("filebased.EmailBackend"):
        options["file_path"] = cfg.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
    elif backend.endswith("smtp.EmailBackend"):
        options = {
            "host": cfg.get("EMAIL_HOST") or "localhost",
            "port": cfg.get("EMAIL_PORT") or 25,
            "username": cfg.get("EMAIL_HOST_USER") or "",
            "password": cfg.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(cfg.get("EMAIL_USE_TLS")),
            "use_ssl": bool(cfg.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


EMAIL_URL = env("EMAIL_URL", default=f"filemail:////{(VAR_DIR / 'mail').as_posix().lstrip('/')}")
MAILERS = mailers_from_url(EMAIL_URL)

# --- Celery ------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
# A broker that is down must not hang the request that commits a change: the
# outbox row is already stored and the sweeper sends it later (NT-1).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
CELERY_BEAT_SCHEDULE = {
    "billing-renewal-notices": {"task": "billing.tasks.send_renewal_notices", "schedule": crontab(hour=7, minute=0)},
    "outbox-sweep": {"task": "portal.tasks.sweep_outbox", "schedule": timedelta(minutes=1)},
    "expire-member-invitations": {"task": "clients.tasks.expire_invitations", "schedule": crontab(minute=5)},
    "tenders-purge-unconfirmed": {"task": "tenders.tasks.purge_unconfirmed_requests", "schedule": crontab(minute=25)},
    "expire-partnerships": {"task": "partners.tasks.expire_partnerships", "schedule": crontab(minute=15)},
    "partnership-end-dates": {"task": "partners.tasks.partnership_end_dates", "schedule": crontab(hour=6, minute=0)},
    "record-expired-support-access": {
        "task": "tickets.tasks.record_expired_support_access",
        "schedule": timedelta(minutes=5),
    },
}
OUTBOX_SWEEP_AFTER = timedelta(seconds=env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60))
OUTBOX_MAX_ATTEMPTS = 8

# --- API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.api_auth.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["portal.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Portal API",
    "DESCRIPTION": "The customer manager's REST API. The org a call acts in is in the path.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- security (production tightens these) ------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The benchmark's trivial authenticated page /bench/floor/ (scripts/bench.sh sets it).
BENCH_FLOOR_ENABLED = env.bool("BENCH_FLOOR_ENABLED", default=False)

# Rate limits of the portal's own forms (SEC-3), "count/seconds".
PORTAL_RATE_LIMITS = {
    "member_invite": (20, 3600),
    "partner_invite": (20, 3600),
    "tender_request_ip": (5, 3600),
    "tender_request_email": (3, 3600),
    # PS-11: wrong passwords when ending a partnership, per person (then refused even when right)
    "partnership_password": (5, 900),
}
