"""NT-1 with real services: a Celery worker subprocess, Redis, PostgreSQL, file mail.

The outbox gives at-least-once delivery (sweeper, acks_late) and the row lock plus
the `pending` status make it exactly one email per event.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import transaction

from portal import outbox
from portal.models import OutboxEmail, User
from portal.tasks import send_outbox_email
from tests.integration.conftest import app_broker, mails_with_key, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def change_with_email(key: str) -> tuple[User, OutboxEmail]:
    """A change and its email, committed together (the code path of every service)."""
    with transaction.atomic():
        user = User.objects.create_user(email=f"{key}@example.com", password="x-Tr0ub4dor&3")
        email = outbox.outbox_store(
            key=key, to=user.email, subject=f"Subject {key}", body_text=f"Body {key}", body_html="<p>hi</p>", user=user
        )
    return user, email


def status_of(email: OutboxEmail) -> str:
    email.refresh_from_db()
    return email.status


def test_nt1_email_committed_is_delivered_by_the_worker(worker, broker_url, maildir):
    worker.start()
    with app_broker(broker_url):
        _, email = change_with_email("delivered")

        wait_for(lambda: status_of(email) == OutboxEmail.Status.SENT, what="the worker to send the email")

    assert mails_with_key(maildir, "delivered") == 1
    assert "send_outbox_email" in worker.log_text()


def test_nt1_broker_down_at_commit_keeps_the_change_and_sends_once_later(spare_redis, worker, maildir):
    spare_redis.start()
    worker.broker_url = spare_redis.url
    worker.start()
    spare_redis.stop()  # the broker goes down

    with app_broker(spare_redis.url):
        started = time.monotonic()
        user, email = change_with_email("broker-down")
        commit_seconds = time.monotonic() - started

        assert User.objects.filter(pk=user.pk).exists()
        assert commit_seconds < 10
        assert status_of(email) == OutboxEmail.Status.PENDING
        assert mails_with_key(maildir, "broker-down") == 0

        spare_redis.start()  # the broker is back; the worker reconnects by itself
        wait_for(lambda: "Connected to redis" in worker.log_text().split("Cannot connect", 1)[-1], timeout=60)
        assert outbox.outbox_sweep(older_than=timedelta(0)) == 1

        wait_for(lambda: status_of(email) == OutboxEmail.Status.SENT, timeout=60, what="the swept email")
        assert outbox.outbox_sweep(older_than=timedelta(0)) == 0
        time.sleep(1)

    assert mails_with_key(maildir, "broker-down") == 1


def test_nt1_worker_killed_mid_send_email_still_sent_exactly_once(worker, broker_url, maildir):
    # The first worker's mail server takes 60 s; the message reappears 5 s after it dies.
    worker.extra_env.update(SLOW_MAIL_SECONDS="60", VISIBILITY_TIMEOUT="5")
    worker.start()
    with app_broker(broker_url):
        _, email = change_with_email("killed")
        wait_for(lambda: list(maildir.parent.glob("sending-*")), timeout=30, what="the worker to start sending")

        worker.kill()  # SIGKILL in the middle of the send: its transaction never commits

        assert status_of(email) == OutboxEmail.Status.PENDING
        assert mails_with_key(maildir, "killed") == 0

        worker.start(SLOW_MAIL_SECONDS="0")
        # Two paths bring the email back, in either order: the sweeper re-queues the
        # pending row, and Redis hands the dead worker's unacknowledged message out
        # again after its visibility timeout. Whichever comes second finds it sent.
        outbox.outbox_sweep(older_than=timedelta(0))
        wait_for(lambda: status_of(email) == OutboxEmail.Status.SENT, timeout=60, what="the email to be sent")
        send_outbox_email.delay(str(email.pk))  # and one more delivery of the same id, for certain
        wait_for(lambda: ": False" in worker.log_text(), timeout=60, what="a delivery that sends nothing")

    assert mails_with_key(maildir, "killed") == 1
    email.refresh_from_db()
    assert email.attempts == 1
