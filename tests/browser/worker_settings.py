"""Settings of the browser journeys' Celery worker: the integration worker's, on the journey's own queue."""

from tests.integration.worker_settings import *  # noqa: F403
from tests.integration.worker_settings import env

# Set by tests/browser/worker.py (one queue per test database); what the worker queues itself goes there too.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
