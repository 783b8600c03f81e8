from celery import shared_task

from . import services


@shared_task
def record_expired_support_access() -> int:
    """SP-3: one `support_access.expired` audit event per grant that ran out (idempotent)."""
    return services.support_access_record_expired()
