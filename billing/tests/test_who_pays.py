"""BL-2…BL-6, PS-4, PS-8, PP-5: who pays what and who earns what, one row per combination.

setup ∈ {no partner, limited (the product granted to the limited partner), full
client pays, full partner pays} × ordered by ∈ {client, partner} × product ∈ {Web
Hosting Pro 1 year (CHF 347.20), .ch domain 1 year (CHF 9.90)}.

Rates: the default commission plan the factories give every partner
(web_hosting 25%, domain 10%). Tiers: the demo catalog's (20+ hostings: 20%).
Every org is Swiss (8.1% VAT, CHF).

A limited partner earns only on the products it manages, which exist before they
are renewed, so its rows renew the granted product; the other rows order a new
one (a renewal is priced the same way, see the extra rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from billing import services
from billing.models import CashbackEntry, Invoice, Order
from billing.reconcile import billing_reconcile
from billing.selectors import invoices_visible_to
from clients.models import Product
from portal.errors import RuleViolation

from .factories import D, ProductFactory, full, limited, org_with_rep, own_access, partner_org, ptype

pytestmark = pytest.mark.django_db

HOSTING, DOMAIN = "web-hosting-pro", "domain-ch"
RATES = {HOSTING: D("0.25"), DOMAIN: D("0.10")}  # the factories' default commission plan


@dataclass(frozen=True)
class Row:
    setup: str  # none | limited | client_pays | partner_pays
    by: str  # client | partner
    product: str
    action: str = "new"  # new | renew
    payer_hostings: int = 0  # web hostings the payer already holds (BL-1 tier)
    # expected
    refused: str = ""  # the RuleViolation code when the orderer may not order
    payer: str = ""  # client | partner: the org the invoice goes to (BL-4, PS-8)
    tier: Decimal = D("0")
    partner_discount: Decimal = D("0")  # the partner's rate taken at checkout
    net: Decimal = D("0")  # the invoice line's net amount
    cashback_to: str = ""  # "" | partner: who earns, pending (BL-5)
    cashback: Decimal = D("0")


ROWS = [
    # --- no partner: the client pays the public price, nobody earns; a partner may not order.
    Row("none", "client", HOSTING, payer="client", net=D("347.20")),
    Row("none", "client", DOMAIN, payer="client", net=D("9.90")),
    Row("none", "partner", HOSTING, refused="not_allowed_to_order"),
    Row("none", "partner", DOMAIN, refused="not_allowed_to_order"),
    # --- limited: the client pays; the limited partner earns its rate on the products it manages (BL-5, PS-4).
    Row("limited", "client", HOSTING, "renew", payer="client", net=D("347.20"), cashback_to="partner",
        cashback=D("86.80")),  # 347.20 × 25%
    Row("limited", "client", DOMAIN, "renew", payer="client", net=D("9.90"), cashback_to="partner",
        cashback=D("0.99")),  # 9.90 × 10%
    Row("limited", "partner", HOSTING, "renew", refused="not_allowed_to_order"),  # BL-3, PS-4
    Row("limited", "partner", DOMAIN, "renew", refused="not_allowed_to_order"),
    # --- full, client pays: the client is invoiced the public price, whoever orders; the partner earns (PS-8).
    Row("client_pays", "client", HOSTING, payer="client", net=D("347.20"), cashback_to="partner", cashback=D("86.80")),
    Row("client_pays", "client", DOMAIN, payer="client", net=D("9.90"), cashback_to="partner", cashback=D("0.99")),
    Row("client_pays", "partner", HOSTING, payer="client", net=D("347.20"), cashback_to="partner", cashback=D("86.80")),
    Row("client_pays", "partner", DOMAIN, payer="client", net=D("9.90"), cashback_to="partner", cashback=D("0.99")),
    # --- full, partner pays: the partner is invoiced. Client orders: public price + cashback (BL-5);
    #     partner orders: its rate off at checkout, no cashback (BL-4, BL-5).
    Row("partner_pays", "client", HOSTING, payer="partner", net=D("347.20"), cashback_to="partner",
        cashback=D("86.80")),
    Row("partner_pays", "client", DOMAIN, payer="partner", net=D("9.90"), cashback_to="partner", cashback=D("0.99")),
    Row("partner_pays", "partner", HOSTING, payer="partner", partner_discount=D("0.25"), net=D("260.40")),
    Row("partner_pays", "partner", DOMAIN, payer="partner", partner_discount=D("0.10"), net=D("8.91")),
]  # fmt: skip

EXTRA_ROWS = [
    # A limited partner earns nothing on a new product: it doesn't manage it (yet).
    Row("limited", "client", HOSTING, "new", payer="client", net=D("347.20")),
    # Renewals are priced and attributed like orders.
    Row("client_pays", "partner", HOSTING, "renew", payer="client", net=D("347.20"), cashback_to="partner",
        cashback=D("86.80")),
    Row("partner_pays", "partner", DOMAIN, "renew", payer="partner", partner_discount=D("0.10"), net=D("8.91")),
    # PP-5: the rate multiplies the tier price: 347.20 at the 20% tier is 277.76, 25% off that is 208.32.
    Row("partner_pays", "partner", HOSTING, payer_hostings=19, payer="partner", tier=D("0.20"),
        partner_discount=D("0.25"), net=D("208.32")),
    # BL-5: cashback is the rate on the public price after tiers: 277.76 × 25% = 69.44.
    Row("client_pays", "client", HOSTING, payer_hostings=19, payer="client", tier=D("0.20"), net=D("277.76"),
        cashback_to="partner", cashback=D("69.44")),
    Row("partner_pays", "client", HOSTING, payer_hostings=19, payer="partner", tier=D("0.20"), net=D("277.76"),
        cashback_to="partner", cashback=D("69.44")),
]  # fmt: skip


def row_id(row: Row) -> str:
    extra = f"-{row.action}" if row.action != "new" else ""
    extra += f"-{row.payer_hostings}hostings" if row.payer_hostings else ""
    return f"{row.setup}-by_{row.by}-{row.product}{extra}"


def counts() -> tuple[int, ...]:
    return (Order.objects.count(), Invoice.objects.count(), CashbackEntry.objects.count(), Product.objects.count())


@pytest.mark.parametrize("row", [pytest.param(r, id=row_id(r)) for r in ROWS + EXTRA_ROWS])
def test_bl4_bl5_who_pays_and_who_earns(catalog, row: Row):
    partner, partner_user = partner_org()
    client, client_user = org_with_rep()
    existing = ProductFactory(org=client, product_type=ptype(row.product), name="existing.ch")
    if row.setup == "limited":
        limited(partner, client, [existing])
    elif row.setup in ("client_pays", "partner_pays"):
        full(partner, client, payment_method=row.setup)
    holder = partner if row.setup == "partner_pays" else client
    # The existing hosting counts for the payer too (the client's own, or a partner-pays client's).
    for i in range(row.payer_hostings - (1 if row.product == HOSTING else 0)):
        ProductFactory(org=holder, product_type=ptype("web-hosting-basic"), name=f"held{i}.ch")

    client_access = own_access(client_user, client)
    orderer = client_access if row.by == "client" else own_access(partner_user, client)  # acting for the client
    item = services.OrderItem(product_type=ptype(row.product), period="1y", name="new.ch")
    if row.action == "renew":
        item = services.OrderItem(product_type=ptype(row.product), period="1y", product=existing)

    if row.refused:
        before, expiry = counts(), existing.expires_at
        with pytest.raises(RuleViolation) as exc:
            services.order_place(access=orderer, client=client, items=[item])
        assert exc.value.code == row.refused
        assert counts() == before
        existing.refresh_from_db()
        assert existing.expires_at == expiry
        return

    order = services.order_place(access=orderer, client=client, items=[item])
    invoice = order.invoices.get()
    line = invoice.lines.get()
    payer = {"client": client, "partner": partner}[row.payer]

    # The price (BL-4, PP-5) and the org the invoice goes to (PS-8); products stay the client's (BL-2).
    assert line.unit_price == {HOSTING: D("347.20"), DOMAIN: D("9.90")}[row.product]
    assert (line.tier_discount, line.partner_discount, line.net_amount) == (row.tier, row.partner_discount, row.net)
    assert invoice.org == payer and invoice.net == row.net and invoice.currency == "CHF"
    assert line.product.org == client and line.client == client
    if row.payer_hostings:
        assert services.hostings_held_by(payer=payer) == row.payer_hostings + 1  # with the new one: the 20+ tier

    # Who sees it: the payer's own list only; the partner sees it under that client only when it pays (PS-8, PS-12).
    client_list = invoices_visible_to(access=client_access)
    partner_list = invoices_visible_to(access=own_access(partner_user, partner), client=client)
    assert list(client_list) == ([invoice] if row.payer == "client" else [])
    assert list(partner_list) == ([invoice] if row.payer == "partner" else [])
    if row.setup in ("client_pays", "partner_pays"):
        assert not invoices_visible_to(access=own_access(partner_user, client)).exists()  # acting for the client

    # Who earns (BL-5): pending until paid (BL-6).
    entries = list(CashbackEntry.objects.all())
    if row.cashback_to:
        assert [(e.partner, e.client, e.amount, e.status, e.invoice_line) for e in entries] == [
            (partner, client, row.cashback, "pending", line)
        ]
        assert row.cashback == services.money(line.public_amount * RATES[row.product])
    else:
        assert entries == []
    assert billing_reconcile() == []
