"""Thin, idempotent Celery tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task
def send_renewal_notices() -> int:
    """BL-11: daily; idempotency keys make a second run the same day a no-op."""
    from .services import renewal_notices_send

    return renewal_notices_send()
