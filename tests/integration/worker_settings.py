"""Settings of the Celery worker that the integration tests start as a subprocess.

The real configuration path (DATABASE_URL, REDIS_URL from the environment), with
mail written to MAIL_DIR by a backend that can be made slow.
"""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS, env

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = False
MAILERS = {
    "default": {
        "BACKEND": "tests.integration.slowmail.SlowFileBackend",
        "OPTIONS": {"file_path": env("MAIL_DIR")},
    }
}
# How long Redis keeps a message a dead worker had taken before handing it out again.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": env.int("VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
