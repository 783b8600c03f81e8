from decimal import Decimal

import pytest

from billing import services
from billing.models import InvoiceLine

from .factories import D, full, hosting, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db


def test_pp5_tier_and_partner_rate_multiply():
    public, net = services.line_amounts(unit_price=D("347.20"), tier_discount=D("0.20"), partner_discount=D("0.25"))
    assert public == D("277.76")
    assert net == D("208.32")


def test_pp5_partner_pays_order_at_20pct_tier_is_208_32(catalog):
    partner, partner_user = partner_org()
    client, _ = org_with_rep()
    full(partner, client, payment_method="partner_pays")
    for i in range(19):  # the partner pays for 19 hostings; the new one is the 20th
        hosting(client, name=f"h{i}.ch")
    access = own_access(partner_user, client)
    o = order(access, client, slug="web-hosting-pro", period="1y")
    line = InvoiceLine.objects.get(invoice__order=o)
    assert (line.unit_price, line.tier_discount, line.partner_discount) == (D("347.20"), D("0.2"), D("0.25"))
    assert line.public_amount == D("277.76")
    assert line.net_amount == D("208.32")
    assert line.invoice.org == partner


def test_bl1_tier_counts_payer_hostings(catalog):
    client, user = org_with_rep()
    for i in range(4):
        hosting(client, name=f"h{i}.ch")
    o = order(own_access(user, client), client, slug="web-hosting-pro")  # 5th hosting → 10%
    line = InvoiceLine.objects.get(invoice__order=o)
    assert line.tier_discount == D("0.1")
    assert line.net_amount == D("312.48")


def test_bl1_no_tier_below_five_hostings(catalog):
    client, user = org_with_rep()
    o = order(own_access(user, client), client, slug="web-hosting-pro")
    line = InvoiceLine.objects.get(invoice__order=o)
    assert line.tier_discount == Decimal("0")
    assert line.net_amount == D("347.20")


def test_bl1_tier_does_not_apply_to_other_categories(catalog):
    client, user = org_with_rep()
    for i in range(25):
        hosting(client, name=f"h{i}.ch")
    o = order(own_access(user, client), client, slug="mail-pro", name="mail.example.ch")
    assert InvoiceLine.objects.get(invoice__order=o).tier_discount == 0


def test_bl1_catalog_api_lists_prices_per_currency(client, catalog):
    response = client.get("/api/v1/catalog/")
    assert response.status_code == 200
    entry = next(e for e in response.json()["results"] if e["slug"] == "web-hosting-pro")
    assert entry["category"] == "web_hosting"
    assert set(entry["periods"]) == {"1m", "1y"}
    assert entry["prices"]["CHF"]["1y"] == "347.20"
    assert entry["prices"]["EUR"]["1y"] == "320.00"


def test_bl1_eur_payer_gets_eur_price(catalog):
    client, user = org_with_rep(country="DE")
    o = order(own_access(user, client), client, slug="web-hosting-pro")
    invoice = o.invoices.get()
    assert invoice.currency == "EUR"
    assert invoice.net == D("320.00")
