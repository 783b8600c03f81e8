"""Thin periodic tasks (PS-1 expiry, PS-15 end dates): they call services."""

from celery import shared_task

from . import services


@shared_task
def expire_partnerships() -> int:
    return services.partnerships_expire()


@shared_task
def partnership_end_dates() -> int:
    """PS-15: remind 30/7/1 days before the end date, then end what is due."""
    sent = services.partnerships_send_end_reminders()
    ended = services.partnerships_end_due()
    return sent + ended
