"""AU-1: every billing audit event records the org the person acted from (`actor_org`): the org
itself for its own people, the partner when a partner person acts for a client."""

import pytest

from billing import services
from billing.models import BalanceEntry
from clients.models import AuditEvent

from .factories import D, full, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
CARD = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


def _event(action):
    return AuditEvent.objects.get(action=action)


def test_au1_own_order_records_the_org_as_actor_org(catalog):
    org, user = org_with_rep()
    order(own_access(user, org), org, slug="mail-pro", name="m.ch")
    event = _event("order.placed")
    assert (event.org, event.actor, event.actor_org) == (org, user, org)


def test_au1_partner_order_for_client_records_the_partner_as_actor_org(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    order(own_access(partner_user, customer), customer, slug="mail-pro", name="m.ch")
    event = _event("order.placed")
    assert (event.org, event.actor, event.actor_org) == (customer, partner_user, partner)


def test_au1_invoice_issued_records_the_ordering_org_as_actor_org(catalog):
    org, user = org_with_rep()
    order(own_access(user, org), org, slug="mail-pro", name="m.ch")
    event = _event("invoice.issued")
    assert (event.org, event.actor_org) == (org, org)


def test_au1_invoice_paid_records_the_org_as_actor_org(catalog):
    org, user = org_with_rep()
    invoice = order(own_access(user, org), org, slug="mail-pro", name="m.ch").invoices.get()
    services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number=CARD)
    event = _event("invoice.paid")
    assert (event.org, event.actor, event.actor_org) == (org, user, org)


def test_au1_payment_failed_records_the_org_as_actor_org(catalog):
    org, user = org_with_rep()
    invoice = order(own_access(user, org), org, slug="mail-pro", name="m.ch").invoices.get()
    with pytest.raises(services.RuleViolation):
        services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number=DECLINED)
    event = _event("invoice.payment_failed")
    assert (event.org, event.actor, event.actor_org) == (org, user, org)


def test_au1_payout_requested_records_the_partner_as_actor_org(catalog):
    partner, user = partner_org()
    account = services.prepaid_account_for(org=partner, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D("50"))
    services.payout_request_create(
        access=own_access(user, partner), amount=D("10"), currency="CHF", method="paypal", paypal_email="p@x.ch"
    )
    event = _event("payout.requested")
    assert (event.org, event.actor, event.actor_org) == (partner, user, partner)


def test_au1_own_order_through_the_api_shows_the_org_in_the_audit_trail(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/orders/",
        {"items": [{"product_type": "mail-pro", "name": "m.ch", "period": "1y"}]},
        content_type="application/json",
    )
    assert response.status_code == 201
    events = client.get(f"/api/v1/orgs/{org.slug}/audit-events/").json()["results"]
    placed = next(e for e in events if e["action"] == "order.placed")
    assert placed["actor_org"] not in (None, "")
