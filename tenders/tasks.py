from celery import shared_task

from .services import tender_requests_purge_unconfirmed


@shared_task
def purge_unconfirmed_requests() -> int:
    """TD-1: delete quote requests never confirmed within 7 days (idempotent)."""
    return tender_requests_purge_unconfirmed()
