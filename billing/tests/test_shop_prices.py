"""BL-1/BL-4/PP-5: the shop shows the price the payer will pay (the order's own pricing), and
the products page offers to renew only for the periods sold in the payer's currency."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Invoice, InvoiceLine, Order, Price
from clients.models import Product

from .factories import D, ProductFactory, full, hosting, org_with_rep, partner_org, ptype

pytestmark = pytest.mark.django_db


def _shown(response, slug: str, period: str) -> Decimal:
    row = next(r for r in response.context["rows"] if r["type"].slug == slug)
    return next(p.amount for p in row["prices"] if p.period == period)


def _act_for(client, user, org) -> None:
    client.force_login(user)
    assert client.post("/manager/switch/", {"org": org.slug}).status_code == 302


def test_bl4_shop_shows_the_partner_price_that_the_invoice_then_charges(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep(name="Gasthaus AG")
    full(partner, customer, payment_method="partner_pays")
    _act_for(client, partner_user, customer)

    page = client.get("/manager/billing/shop/")
    shown = _shown(page, "web-hosting-pro", "1y")
    response = client.post("/manager/billing/shop/", {"product_type": "web-hosting-pro", "name": "s", "period": "1y"})

    assert page.status_code == 200 and response.status_code == 302
    assert shown == D("260.40")  # 347.20 less the partner's 25% (PP-5)
    line = InvoiceLine.objects.get()
    assert line.invoice.org == partner and line.net_amount == shown


def test_bl4_shop_says_the_partner_pays_and_shows_the_public_price_beside(client, catalog):
    partner, partner_user = partner_org(name="Agency AG")
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    _act_for(client, partner_user, customer)

    page = client.get("/manager/billing/shop/").content.decode()

    assert "Invoiced to Agency AG (the partner pays, with its partner price)." in page
    assert "CHF\xa0260.40" in page and "public price CHF\xa0347.20" in page
    assert not Order.objects.exists()


def test_bl4_shop_says_the_client_pays_when_its_partner_orders_for_it(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep(name="Client Pays AG")
    full(partner, customer, payment_method="client_pays")
    _act_for(client, partner_user, customer)

    page = client.get("/manager/billing/shop/")
    shown = _shown(page, "mail-pro", "1y")
    client.post("/manager/billing/shop/", {"product_type": "mail-pro", "name": "mail", "period": "1y"})

    assert "Invoiced to Client Pays AG (the client pays)." in page.content.decode()
    assert shown == D("33.00") == InvoiceLine.objects.get(invoice__org=customer).net_amount


def test_bl1_shop_price_includes_the_hosting_tier_reached_with_the_new_hosting(client, catalog):
    org, user = org_with_rep()
    for i in range(4):
        hosting(org, name=f"held{i}.ch")  # the new one is the 5th: the 10% tier
    client.force_login(user)

    shown = _shown(client.get("/manager/billing/shop/"), "web-hosting-pro", "1y")
    client.post("/manager/billing/shop/", {"product_type": "web-hosting-pro", "name": "fifth", "period": "1y"})

    assert shown == D("312.48")
    assert Invoice.objects.get(org=org).lines.get().net_amount == shown


def test_bl1_shop_offers_the_periods_sold_in_the_payer_currency_only(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)

    page = client.get("/manager/billing/shop/")

    domain = next(r for r in page.context["rows"] if r["type"].slug == "domain-ch")
    assert [p.period for p in domain["prices"]] == ["1y", "2y"]


def _renew_options(page: str, product: Product) -> list[str]:
    select = re.search(rf'<select id="renew-{product.pk}" name="period">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="(\w+)"', select.group(1)) if select else []


def test_bl1_products_page_offers_only_the_periods_a_domain_is_sold_for(client, catalog):
    org, user = org_with_rep()
    domain = ProductFactory(org=org, product_type=ptype("domain-ch"), name="a.ch")
    site = hosting(org)
    client.force_login(user)

    page = client.get("/manager/billing/products/").content.decode()

    assert _renew_options(page, domain) == ["1y", "2y"]
    assert _renew_options(page, site) == ["1m", "1y"]


def test_bl1_products_page_periods_follow_the_payer_currency(client, catalog):
    Price.objects.create(product_type=ptype("domain-ch"), period="1m", currency="EUR", amount=D("1.00"))
    partner, _ = partner_org(country="CH")
    french, french_user = org_with_rep(country="FR")
    paid_for, paid_for_user = org_with_rep(country="FR")
    full(partner, paid_for, payment_method="partner_pays")  # the CHF partner pays: CHF periods
    mine = ProductFactory(org=french, product_type=ptype("domain-ch"), name="f.ch")
    theirs = ProductFactory(org=paid_for, product_type=ptype("domain-ch"), name="p.ch")

    client.force_login(french_user)
    eur_page = client.get("/manager/billing/products/").content.decode()
    client.force_login(paid_for_user)
    chf_page = client.get("/manager/billing/products/").content.decode()

    assert _renew_options(eur_page, mine) == ["1m", "1y", "2y"]
    assert _renew_options(chf_page, theirs) == ["1y", "2y"]


def test_bl1_products_page_without_a_price_offers_no_renewal(client, catalog):
    org, user = org_with_rep()
    Price.objects.filter(product_type=ptype("office-suite")).delete()
    product = ProductFactory(org=org, product_type=ptype("office-suite"), name="office")
    client.force_login(user)

    page = client.get("/manager/billing/products/").content.decode()

    assert _renew_options(page, product) == []
    assert "Not available for renewal here: contact support." in page


def test_bl1_products_page_query_count_is_flat_in_its_rows(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    slugs = ["domain-ch", "domain-com", "mail-pro", "kdrive-1tb", "web-hosting-basic"]

    def count() -> int:
        client.get("/manager/billing/products/")  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/manager/billing/products/").status_code == 200
        return len(ctx)

    ProductFactory(org=org, product_type=ptype("domain-ch"), name="first.ch")
    one = count()
    for i in range(20):
        ProductFactory(org=org, product_type=ptype(slugs[i % len(slugs)]), name=f"p{i}.ch")

    assert count() == one


def test_bl3_ordering_is_confirmed_first_without_javascript_and_nothing_is_issued_before(client, catalog):
    """The order button asks (a dialog with JavaScript); without it the server's confirmation page asks."""
    org, user = org_with_rep(name="Fragen AG")
    client.force_login(user)
    page = client.get("/manager/billing/shop/").content.decode()
    assert 'data-confirm="Place this order? The invoice is issued at once, at the price shown."' in page
    assert 'name="_confirm" value="billing.order"' in page

    data = {"product_type": "web-hosting-pro", "name": "fragen.ch", "period": "1y", "_confirm": "billing.order"}
    asked = client.post("/manager/billing/shop/", {**data, "_confirmed": ""})

    assert asked.status_code == 200
    assert "Place this order? The invoice is issued at once, at the price shown." in asked.content.decode()
    assert not Order.objects.exists() and not Invoice.objects.exists()
    done = client.post("/manager/billing/shop/", {**data, "_confirmed": "1"})
    assert done.status_code == 302
    assert Invoice.objects.filter(org=org).count() == 1


def test_bl1_partner_shop_query_count_is_flat_in_the_clients_it_pays_for(client, catalog):
    """The web hosting tier counts the hostings of every client the partner pays for: read as one
    subquery, not a partnership per client (the big benchmark partner would have read 10,000)."""
    partner, partner_user = partner_org()
    client.force_login(partner_user)

    def count() -> int:
        client.get("/manager/billing/shop/")  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/manager/billing/shop/").status_code == 200
        return len(ctx)

    customer, _ = org_with_rep(name="Erster Kunde AG")
    full(partner, customer, payment_method="partner_pays")
    one = count()
    for i in range(8):
        other, _ = org_with_rep(name=f"Kunde {i} AG")
        full(partner, other, payment_method="partner_pays")
        hosting(other, name=f"site{i}.ch")

    assert count() == one


def test_bl1_tier_counts_the_hostings_of_clients_the_partner_pays_for_only(catalog):
    from billing.services import hostings_held_by

    partner, _user = partner_org()
    paid_for, _ = org_with_rep(name="Bezahlt AG")
    full(partner, paid_for, payment_method="partner_pays")
    pays_itself, _ = org_with_rep(name="Selbstzahler AG")
    full(partner, pays_itself, payment_method="client_pays")
    hosting(partner, name="own.ch")
    hosting(paid_for, name="paid-for.ch")
    hosting(pays_itself, name="pays-itself.ch")

    assert hostings_held_by(payer=partner) == 2
    assert hostings_held_by(payer=pays_itself) == 1


def _banner(page: str) -> str:
    return re.search(r'<p class="banner">(.*?)</p>', page, re.S).group(1)


def test_bl4_shop_banner_names_the_partner_price_only_for_categories_with_a_rate(client, catalog):
    from partners.models import CommissionRate

    partner, partner_user = partner_org(name="Agency AG")
    CommissionRate.objects.filter(plan__partners__org=partner, category="office_suite").update(rate=0)
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    _act_for(client, partner_user, customer)

    response = client.get("/manager/billing/shop/")
    banner = _banner(response.content.decode())

    assert response.status_code == 200
    assert banner.startswith("Invoiced to Agency AG (the partner pays, with its partner price for: ")
    assert "Web hosting" in banner and "Office suite" not in banner
    assert _shown(response, "office-suite", "1y") == D("48.00")  # no rate: the public price
    assert not Order.objects.exists()


def test_bl4_shop_banner_names_no_partner_price_when_the_client_orders_and_its_partner_pays(client, catalog):
    partner, _ = partner_org(name="Agency AG")
    customer, user = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    client.force_login(user)

    response = client.get("/manager/billing/shop/")

    assert response.status_code == 200
    assert _banner(response.content.decode()) == "Invoiced to Agency AG (the partner pays)."
    assert _shown(response, "web-hosting-pro", "1y") == D("347.20")  # the partner pays the public price (BL-5)
    assert not Order.objects.exists()


def test_org5_shop_offers_no_billing_reference_to_a_client_whose_partner_pays(client, catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    client.force_login(user)

    response = client.get("/manager/billing/shop/")

    assert response.status_code == 200
    assert 'name="invoice_note"' not in response.content.decode()
    assert not Order.objects.exists()


def test_org5_shop_refuses_a_client_reference_for_the_invoice_its_partner_pays(client, catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep(invoice_note="CLIENT-PO")
    full(partner, customer, payment_method="partner_pays")
    client.force_login(user)

    response = client.post(
        "/manager/billing/shop/",
        {"product_type": "mail-pro", "name": "m.ch", "period": "1y", "invoice_note": "CLIENT-4711"},
    )

    assert response.status_code == 400
    assert "its invoice carries the partner&#x27;s own billing reference" in response.content.decode()
    assert not Order.objects.exists() and not Invoice.objects.exists()
    assert not Product.objects.filter(org=customer).exists()
