"""SPEC §9 / SEC-1: billing API paths and bodies a client gets wrong answer in the error shape
(404 for an id no object can have, 400 for a body that is not a JSON object), never a 500."""

import json

import pytest

from billing.models import BalanceEntry, Order, Payment, PayoutRequest
from clients.models import AuditEvent
from portal.models import OutboxEmail

from .factories import order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
HUGE = "999999999999999999999999999999"
NOT_OBJECTS = ["[1]", '"x"', "null", "1", "[]"]


@pytest.fixture
def rep(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    return org


@pytest.mark.parametrize("suffix", ["", "pay/", "download/"])
def test_sec1_billing_api_invoice_id_beyond_any_object_is_404(client, rep, suffix):
    method = client.post if suffix == "pay/" else client.get
    kwargs = {"data": {"card_number": "4242424242424242"}, "content_type": "application/json"} if suffix else {}
    response = method(f"/api/v1/orgs/{rep.slug}/invoices/{HUGE}/{suffix}", **kwargs)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_sec1_billing_api_order_body_not_an_object_is_400(client, rep, body):
    response = client.post(f"/api/v1/orgs/{rep.slug}/orders/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Order.objects.exists() and not AuditEvent.objects.filter(action="order.placed").exists()


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_sec1_billing_api_pay_body_not_an_object_is_400(client, rep, body):
    user = rep.memberships.get().user
    invoice = order(own_access(user, rep), rep, slug="mail-pro", name="m.ch").invoices.get()
    response = client.post(f"/api/v1/orgs/{rep.slug}/invoices/{invoice.pk}/pay/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    invoice.refresh_from_db()
    assert invoice.status == "unpaid" and not Payment.objects.exists()


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_sec1_bl6_payout_api_body_not_an_object_is_400(client, catalog, body):
    partner, user = partner_org()
    client.force_login(user)
    response = client.post(f"/api/v1/orgs/{partner.slug}/payouts/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not PayoutRequest.objects.exists() and not BalanceEntry.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_sec1_billing_api_order_item_product_id_beyond_any_id_is_400_on_its_field(client, rep):
    body = {"items": [{"product_id": int(HUGE), "period": "1y"}]}
    response = client.post(f"/api/v1/orgs/{rep.slug}/orders/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["items.0.product_id"]
    assert not Order.objects.exists()
