"""BL-6 / NT-2: payout requests and their settlement are emailed (and mirrored in-app) to the
people who see the partner's cashback and balance: its legal reps and administrators."""

import pytest

from billing import services
from billing.models import BalanceEntry, PayoutRequest
from clients.models import AuditEvent, Role
from portal.models import Notification, OutboxEmail

from .factories import D, member, own_access, partner_org

pytestmark = pytest.mark.django_db
IBAN = "CH93 0076 2011 6238 5295 7"


def _funded_partner(amount="100.00", **user_kwargs):
    partner, rep = partner_org()
    if user_kwargs:
        rep.__class__.objects.filter(pk=rep.pk).update(**user_kwargs)
        rep.refresh_from_db()
    account = services.prepaid_account_for(org=partner, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D(amount))
    return partner, rep


def _request(partner, user, amount="60"):
    return services.payout_request_create(
        access=own_access(user, partner), amount=D(amount), currency="CHF", method="bank", iban=IBAN
    )


def test_bl6_nt2_payout_request_emails_a_confirmation_to_legal_reps_and_admins(catalog):
    partner, rep = _funded_partner()
    admin = member(partner, role=Role.ADMINISTRATOR)
    collaborator = member(partner, role=Role.COLLABORATOR)
    payout = _request(partner, rep)
    emails = OutboxEmail.objects.filter(template="billing/payout_requested")
    assert {e.key for e in emails} == {f"payout-requested:{payout.pk}:{u.pk}" for u in (rep, admin)}
    assert not emails.filter(user=collaborator).exists()
    email = emails.get(user=rep)
    assert "60.00" in email.subject and "60.00" in email.body_text
    assert "/manager/billing/cashback/" in email.body_html
    assert Notification.objects.filter(user__in=[rep, admin], subject=email.subject).count() == 2
    assert not Notification.objects.filter(user=collaborator).exists()
    assert AuditEvent.objects.filter(action="payout.requested", org=partner).count() == 1
    assert PayoutRequest.objects.get().status == "requested"


def test_bl6_nt2_payout_request_email_in_the_recipients_language(catalog):
    partner, rep = _funded_partner(language="es")
    _request(partner, rep)
    email = OutboxEmail.objects.get(template="billing/payout_requested")
    assert email.language == "es"
    assert email.subject.startswith("Hemos recibido")
    assert "transferencia bancaria" in email.body_text


def test_bl6_nt2_payout_paid_emails_the_outcome(catalog):
    partner, rep = _funded_partner()
    payout = _request(partner, rep)
    services.payout_settle(payout=payout, by=None, paid=True)
    email = OutboxEmail.objects.get(template="billing/payout_settled")
    assert email.key == f"payout-settled:{payout.pk}:paid:{rep.pk}"
    assert "60.00" in email.subject and "sent" in email.subject
    assert "was paid" in email.body_text and "Reason" not in email.body_text
    assert Notification.objects.filter(user=rep, subject=email.subject).exists()
    assert PayoutRequest.objects.get().status == "paid"


def test_bl6_nt2_payout_rejected_emails_the_outcome_with_the_reason(catalog):
    partner, rep = _funded_partner()
    payout = _request(partner, rep)
    services.payout_settle(payout=payout, by=None, paid=False, note="The IBAN's holder is not the partner.")
    email = OutboxEmail.objects.get(template="billing/payout_settled")
    assert email.key == f"payout-settled:{payout.pk}:rejected:{rep.pk}"
    assert "rejected" in email.subject
    assert "Reason: The IBAN's holder is not the partner." in email.body_text
    assert "The IBAN&#x27;s holder is not the partner." in email.body_html
    assert PayoutRequest.objects.get().status == "rejected"
    assert AuditEvent.objects.filter(action="payout.rejected", org=partner).count() == 1


def test_bl6_nt2_payout_rejection_email_in_spanish_gives_the_reason(catalog):
    partner, rep = _funded_partner(language="es")
    payout = _request(partner, rep)
    services.payout_settle(payout=payout, by=None, paid=False, note="IBAN incorrecto")
    email = OutboxEmail.objects.get(template="billing/payout_settled")
    assert "rechazada" in email.subject
    assert "Motivo: IBAN incorrecto" in email.body_text


def test_bl6_nt2_payout_settled_twice_emails_the_outcome_once(catalog):
    partner, rep = _funded_partner()
    payout = _request(partner, rep)
    services.payout_settle(payout=payout, by=None, paid=True)
    with pytest.raises(services.RuleViolation):
        services.payout_settle(payout=payout, by=None, paid=False)
    assert OutboxEmail.objects.filter(template="billing/payout_settled").count() == 1
    assert Notification.objects.filter(user=rep).count() == 2  # the confirmation and the outcome


def test_bl6_nt2_admin_rejection_emails_the_note_staff_wrote(client, catalog):
    from clients.tests.factories import UserFactory

    partner, rep = _funded_partner()
    payout = _request(partner, rep)
    PayoutRequest.objects.filter(pk=payout.pk).update(note="Unknown account holder")
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post("/admin/billing/payoutrequest/", {"action": "reject", "_selected_action": [payout.pk]})
    assert response.status_code == 302
    assert PayoutRequest.objects.get().status == "rejected"
    assert "Reason: Unknown account holder" in OutboxEmail.objects.get(template="billing/payout_settled").body_text
