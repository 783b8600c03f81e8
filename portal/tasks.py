from celery import shared_task

from . import outbox


@shared_task(bind=True, max_retries=8, acks_late=True)
def send_outbox_email(self, email_id: str) -> bool:
    """Thin task: send one outbox email; retried with exponential backoff."""
    try:
        return outbox.outbox_send(email_id=email_id)
    except Exception as exc:
        outbox.outbox_record_failure(email_id=email_id, error=repr(exc))
        if self.request.is_eager:  # no broker: the periodic sweeper retries later
            return False
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 10, 3600)) from exc


@shared_task
def sweep_outbox() -> int:
    return outbox.outbox_sweep()
