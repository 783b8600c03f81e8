from celery import shared_task

from .services import invitations_expire


@shared_task
def expire_invitations() -> int:
    """ORG-6: mark member invitations past their 7 days as expired (idempotent)."""
    return invitations_expire()
