"""Journey 7: a full partner (client pays) orders and renews for its client; the invoices are in the
client's org only; once paid, the partner's revenue console shows the cashback (PS-6, PS-8, BL-4..BL-7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.demo import seed_catalog
from billing.models import CashbackEntry, Invoice
from clients.models import Product

from .data import active_partnership, company_with_products, partner_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey7_full_partner_orders_and_renews_client_pays_partner_sees_cashback(journey):
    seed_catalog()
    partner, anna = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    client, hans, (_domain, hosting, _mail) = company_with_products("Bäckerei Müller GmbH", "hans@baeckerei.example")
    p = active_partnership(partner, client, level="full", payment_method="client_pays")

    # The partner's legal rep acts for the client, orders a hosting and renews another.
    page = journey.login(anna, org=partner)
    journey.goto("/manager/partners/clients/")
    page.locator("main").get_by_role("link", name=client.name).click()
    page.locator("main").get_by_role("button", name="Access the client's account").click()
    page.wait_for_load_state()
    assert page.locator(".banner-acting").count() == 1
    page.locator("#mainnav").get_by_role("link", name="Shop").click()
    assert journey.path() == "/manager/billing/shop/"
    journey.check("acting-shop", mobile=True)
    row = page.locator("main tr").filter(has_text="Web Hosting Pro")
    row.get_by_label("Name (domain, site…)").fill("shop.baeckerei.ch")
    row.get_by_label("Period").select_option("1y")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        row.get_by_role("button", name="Order").click()
    assert asked == ["Place this order? The invoice is issued at once, at the price shown."], asked
    journey.check("acting-ordered")
    assert Product.objects.filter(org=client, name="shop.baeckerei.ch").exists(), (
        f"the product is created in the client's org: {messages_text(page)!r}"
    )
    journey.goto("/manager/billing/products/")
    page.once("dialog", lambda dialog: dialog.accept())  # "Renew this product …? The invoice is issued at once."
    with page.expect_navigation():
        page.locator("main tr").filter(has_text=hosting.name).get_by_role("button", name="Renew").click()
    assert f"{hosting.name} renewed" in messages_text(page), messages_text(page)
    journey.check("acting-renewed")
    page.locator(".banner-acting").get_by_role("button", name="Leave").click()
    page.wait_for_load_state()

    invoices = list(Invoice.objects.filter(org=client).order_by("number"))
    assert len(invoices) == 2, f"an invoice for the order and one for the renewal, to the client: {invoices}"
    assert not Invoice.objects.filter(org=partner).exists(), "client pays: nothing is invoiced to the partner"

    # PS-8: the invoices are visible only in the client's org.
    journey.goto("/manager/billing/invoices/")
    journey.check("partner-invoices")
    partner_text = page.locator("main").inner_text()
    assert all(i.number not in partner_text for i in invoices), "the client's invoices are not in the partner's org"

    client_page = journey.login_as_new(hans, org=client)
    journey.goto("/manager/", page=client_page)
    client_page.locator("#mainnav").get_by_role("link", name="To pay").click()
    journey.check("client-to-pay", page=client_page, mobile=True)
    for invoice in invoices:
        row = client_page.locator("main tr").filter(has_text=invoice.number)
        assert row.count() == 1, f"invoice {invoice.number} is in the client's 'To pay'"
        row.get_by_label("Card number").fill("4242 4242 4242 4242")
        row.get_by_role("button", name="Pay by card").click()
        assert "is paid" in messages_text(client_page), messages_text(client_page)
        journey.check(f"client-invoice-{invoice.pk}", page=client_page, mobile=True)
        journey.goto("/manager/billing/to-pay/", page=client_page)

    # BL-5/BL-7: the partner's revenue console shows the cashback earned on both.
    earned = sum((e.amount for e in CashbackEntry.objects.filter(partner=partner, status="earned")), start=Decimal("0"))
    assert earned > 0, "cashback is earned once the client paid"
    page.locator("#mainnav").get_by_role("link", name="Revenue").click()
    assert journey.path() == "/manager/billing/revenue/"
    journey.check("partner-revenue", mobile=True)
    row = page.locator("main tr").filter(has_text=client.name)
    assert row.count() >= 1, "the revenue console lists the client"
    assert f"{earned:.2f}" in row.first.inner_text(), f"cashback {earned} in {row.first.inner_text()!r}"
    assert p.partner_id == partner.pk
    journey.assert_pages_ok()
