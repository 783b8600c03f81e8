"""The email outbox (NT-1, NT-2): stored with the change, sent after commit, once."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal import outbox
from portal.models import Notification, OutboxEmail
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "emails/test/notice.subject.txt": "{% load i18n %}{% translate 'This field is required.' %} {{ thing }}",
    "emails/test/notice.txt": (
        "{% extends 'emails/base.txt' %}{% load i18n %}{% block content %}"
        "{% translate 'This field is required.' %} {{ thing }}{% endblock %}"
    ),
    "emails/test/notice.html": (
        "{% extends 'emails/base.html' %}{% load i18n %}{% block content %}"
        "<p>{% translate 'This field is required.' %} {{ thing }}</p>{% endblock %}"
    ),
}


@pytest.fixture(autouse=True)
def email_templates(settings, tmp_path):
    """A test email whose string Django's own catalog translates (es: 'Este campo es requerido.')."""
    for name, text in TEMPLATES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates


def enqueue(user, key="test:1", **kwargs):
    return outbox.email_enqueue(
        key=key, to=user, template="test/notice", context={"thing": "X-42"}, link="/manager/", **kwargs
    )


def test_nt1_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        user.full_name = "Changed"
        user.save()
        enqueue(user)
        raise RuntimeError("the change fails")

    assert OutboxEmail.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_nt1_email_is_stored_first_and_sent_only_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = enqueue(user)

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert mail.outbox == []

    for callback in callbacks:  # the commit
        callback()

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].extra_headers["X-Portal-Idempotency-Key"] == "test:1"


def test_nt1_repeated_event_with_same_key_gives_one_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(user, key="event:7")
    with django_capture_on_commit_callbacks(execute=True):
        second = enqueue(user, key="event:7")

    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nt1_outbox_send_twice_sends_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):
        email = enqueue(user)

    assert outbox.outbox_send(email_id=str(email.pk)) is True
    assert outbox.outbox_send(email_id=str(email.pk)) is False

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_nt1_failing_mailer_records_the_attempt_and_the_sweeper_sends_later(
    settings, django_capture_on_commit_callbacks
):
    user = UserFactory()
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "portal.tests.mailbackends.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue(user)

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert email.attempts == 1
    assert "hung up" in email.last_error
    assert mail.outbox == []

    settings.MAILERS = working
    requeued = outbox.outbox_sweep(older_than=timedelta(0))

    email.refresh_from_db()
    assert requeued == 1
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1


def test_nt1_mailer_failing_every_time_ends_failed(settings, django_capture_on_commit_callbacks):
    user = UserFactory()
    settings.MAILERS = {"default": {"BACKEND": "portal.tests.mailbackends.FailingBackend"}}
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        email = enqueue(user)
    outbox.outbox_sweep(older_than=timedelta(0))

    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 2
    assert outbox.outbox_sweep(older_than=timedelta(0)) == 0


def test_nt1_sweeper_requeues_only_old_pending_rows(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got them
        old = enqueue(user, key="old")
        fresh = enqueue(user, key="fresh")
    OutboxEmail.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    assert outbox.outbox_sweep() == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == OutboxEmail.Status.SENT
    assert fresh.status == OutboxEmail.Status.PENDING
    assert [m.extra_headers["X-Portal-Idempotency-Key"] for m in mail.outbox] == ["old"]


def test_nt2_email_has_text_and_html_parts_with_absolute_link(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://portal.example.ch"
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(user)

    message = mail.outbox[0]
    html = {mime: content for content, mime in message.alternatives}["text/html"]
    assert "X-42" in message.body
    assert "https://portal.example.ch/manager/" in message.body
    assert "<p>This field is required. X-42</p>" in html
    assert 'href="https://portal.example.ch/manager/"' in html


def test_nt2_email_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    spanish = UserFactory(language="es")
    english = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(spanish, key="es")
        enqueue(english, key="en")

    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[spanish.email].subject == "Este campo es requerido. X-42"
    assert "Este campo es requerido." in by_to[spanish.email].body
    assert by_to[english.email].subject == "This field is required. X-42"
    assert OutboxEmail.objects.get(key="es").language == "es"


def test_nt2_bare_address_uses_the_given_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_enqueue(
            key="visitor", to="visitor@example.org", template="test/notice", context={"thing": "T"}, language="es"
        )

    assert mail.outbox[0].to == ["visitor@example.org"]
    assert mail.outbox[0].subject == "Este campo es requerido. T"
    assert Notification.objects.count() == 0


def test_nt2_in_app_notification_mirrors_the_email(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(user)

    notification = Notification.objects.get(user=user)
    assert notification.subject == "This field is required. X-42"
    assert "X-42" in notification.body
    assert notification.link == "/manager/"
    assert notification.read_at is None


def test_nt1_signup_verification_email_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    password = "Tr0ub4dor&3-horse-battery"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.com", "email2": "new@example.com", "password1": password, "password2": password},
        )

    assert response.status_code == 302
    row = OutboxEmail.objects.get(to="new@example.com")
    assert row.template == "account/email/email_confirmation_signup"
    assert row.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert Notification.objects.filter(user__email="new@example.com").count() == 1


def test_nt2_signup_verification_email_in_the_request_language(client, django_capture_on_commit_callbacks):
    password = "Tr0ub4dor&3-horse-battery"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": "nueva@example.com", "email2": "nueva@example.com", "password1": password, "password2": password},
            headers={"accept-language": "es"},
        )

    row = OutboxEmail.objects.get(to="nueva@example.com")
    assert row.language == "es"
    assert row.user.language == "es"


def test_nt2_account_emails_have_an_html_part_with_their_link(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})

    row = OutboxEmail.objects.get(to="reset@example.com")
    html = {mimetype: content for content, mimetype in mail.outbox[0].alternatives}["text/html"]
    assert response.status_code == 302
    assert row.template == "account/email/password_reset_key"
    assert '<a href="http://testserver/accounts/password/reset/key/' in html
    assert f"<title>{row.subject}</title>" in html
