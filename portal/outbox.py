"""Email pipeline (NT-1, NT-2): transactional outbox, sent by Celery after commit.

`email_enqueue` renders the email in the recipient's language and stores it in
the outbox inside the caller's transaction. Only when that transaction commits
is the send task queued; if the broker is down then, the row stays `pending`
and `outbox_sweep` (periodic) queues it again. The idempotency key makes a
repeated event a no-op, and `outbox_send` sends a row at most once per commit.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, OutboxEmail, User

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """An absolute link for emails (NT-2)."""
    if path.startswith("http://") or path.startswith("https://"):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


ORG_PARAM = "org"


def link_in_org(path: str, org_slug: str) -> str:
    """A manager link that opens in `org_slug`: the acting org switches to it on arrival
    (`clients.tenancy.ActingOrgMiddleware`), so a person in two orgs doesn't land in the
    other one (a 404, or the other org's page)."""
    if not org_slug or not path.startswith("/manager/"):
        return path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({ORG_PARAM: org_slug})}"


def _dispatch(email_id: str) -> None:
    from .tasks import send_outbox_email

    try:
        send_outbox_email.delay(email_id)
    except Exception:  # broker unreachable: the sweeper will pick the row up
        logger.warning("outbox: could not queue %s; the sweeper will retry", email_id, exc_info=True)


def outbox_store(
    *,
    key: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "en",
    template: str = "",
    user: User | None = None,
    link: str = "",
    org_slug: str = "",
) -> OutboxEmail:
    """Store one email in the outbox (idempotent on `key`) and queue it after commit."""
    email, created = OutboxEmail.objects.get_or_create(
        key=key[:200],
        defaults={
            "to": to,
            "user": user,
            "language": language,
            "subject": subject.strip().replace("\n", " ")[:300],
            "body_text": body_text,
            "body_html": body_html,
            "template": template,
        },
    )
    if created:
        if user is not None:
            Notification.objects.create(
                user=user, subject=email.subject, body=body_text[:2000], link=link, org_slug=org_slug
            )
        email_id = str(email.pk)
        transaction.on_commit(lambda: _dispatch(email_id))
    return email


def email_enqueue(
    *,
    key: str,
    to: str | User,
    template: str,
    context: dict[str, Any] | None = None,
    language: str | None = None,
    link: str = "",
    org=None,
) -> OutboxEmail:
    """Render `templates/emails/<template>.{subject.txt,txt,html}` and store it.

    `to` is a user (their language is used) or a bare address (then `language`,
    default English). `link` is the page the email points to, made absolute.
    `org` (an org, or its slug) is the org the email is about: a manager link opens in it
    (`link_in_org`), and the in-app notification is filed under it.
    """
    org_slug = (org if isinstance(org, str) else getattr(org, "slug", "")) or ""
    link = link_in_org(link, org_slug) if link else ""
    user = to if isinstance(to, User) else User.objects.filter(email__iexact=to).first()
    address = to.email if isinstance(to, User) else to
    lang = language or (user.language if user else settings.LANGUAGE_CODE)
    ctx = dict(context or {})
    ctx.setdefault("site_url", settings.SITE_URL)
    ctx["recipient"] = user
    ctx["link"] = absolute_url(link) if link else ""
    with translation.override(lang):
        subject = render_to_string(f"emails/{template}.subject.txt", ctx)
        body_text = render_to_string(f"emails/{template}.txt", ctx)
        body_html = render_to_string(f"emails/{template}.html", ctx)
    return outbox_store(
        key=key,
        to=address,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=lang,
        template=template,
        user=user,
        link=link,
        org_slug=org_slug,
    )


def outbox_send(*, email_id: str) -> bool:
    """Send one pending outbox email. Returns True if this call sent it.

    The row is locked while sending, so two workers given the same id send once:
    the second finds it `sent` (or waits for the lock, then finds it sent).
    """
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboxEmail.Status.PENDING:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"X-Portal-Idempotency-Key": email.key, "Message-ID": f"<{email.pk}@partner-portal>"},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        message.send()
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "sent_at", "attempts"])
    return True


def outbox_record_failure(*, email_id: str, error: str) -> None:
    email = OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.PENDING).first()
    if email is None:
        return
    email.attempts += 1
    email.last_error = error[:2000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        email.status = OutboxEmail.Status.FAILED
    email.save(update_fields=["attempts", "last_error", "status"])


def outbox_sweep(*, older_than=None) -> int:
    """Queue again the pending emails the broker never delivered to a worker."""
    cutoff = timezone.now() - (older_than if older_than is not None else settings.OUTBOX_SWEEP_AFTER)
    ids = list(
        OutboxEmail.objects.filter(
            status=OutboxEmail.Status.PENDING,
            created_at__lte=cutoff,
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        _dispatch(str(email_id))
    return len(ids)
