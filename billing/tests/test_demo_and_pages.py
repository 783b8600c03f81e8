import io

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from billing import demo, partner_terms
from billing.models import BalanceEntry, CashbackEntry, Invoice, Order, Payment, PayoutRequest
from billing.reconcile import billing_reconcile
from clients.models import Organization, Product, ProductType

from .factories import D, ProductFactory, full, hosting, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db


def test_bl1_demo_catalog_covers_demo_product_types():
    demo.seed_catalog()
    for slug in demo.CATALOG:
        pt = ProductType.objects.get(slug=slug)
        assert pt.prices.filter(currency="CHF").exists() and pt.prices.filter(currency="EUR").exists()


def test_demo_seed_is_idempotent_and_creates_cashback():
    demo.seed_catalog()
    partner, _ = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    ProductFactory(org=customer, product_type=ProductType.objects.get(slug="domain-ch"), name="a.ch")
    demo.seed(io.StringIO())
    counts = (Order.objects.count(), Invoice.objects.count(), CashbackEntry.objects.count())
    demo.seed(io.StringIO())
    assert counts == (Order.objects.count(), Invoice.objects.count(), CashbackEntry.objects.count())
    assert counts[0] >= 2 and counts[2] >= 1


def test_dashboard_card_and_nav_show_billing(client, catalog):
    org, user = org_with_rep()
    order(own_access(user, org), org)
    client.force_login(user)
    page = client.get("/manager/").content.decode()
    assert "1 invoice to pay." in page
    assert "/manager/billing/to-pay/" in page and "/manager/billing/shop/" in page


def test_nav_partner_sees_revenue_link(client, catalog):
    partner, user = partner_org()
    client.force_login(user)
    page = client.get("/manager/").content.decode()
    assert "/manager/billing/revenue/" in page


def test_ps12_acting_partner_nav_hides_invoices(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    hosting(customer)
    full(partner, customer)
    client.force_login(partner_user)
    client.post("/manager/switch/", {"org": customer.slug})
    page = client.get("/manager/billing/products/")
    assert page.status_code == 200
    assert "/manager/billing/invoices/" not in page.content.decode()
    assert client.get("/manager/billing/to-pay/").status_code == 404


def test_ps16_client_figures_provider(catalog):
    from billing import services
    from billing.selectors import client_figures_for

    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    inv = order(own_access(user, customer), customer).invoices.get()
    services.invoice_pay(access=own_access(user, customer), invoice=inv, card_number="4242424242424242")
    figures = client_figures_for(partner=partner)[customer.pk]
    assert str(figures["cashback_earned"]) == "86.80" and str(figures["total_paid"]) == "347.20"


@pytest.mark.parametrize(
    "path",
    ["shop/", "products/", "invoices/", "to-pay/", "cashback/", "revenue/", "revenue/export.csv", "revenue/rebill.csv"],
)
def test_sec1_billing_pages_need_login(client, path):
    response = client.get(f"/manager/billing/{path}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sec1_billing_api_needs_auth(client, catalog):
    org, _ = org_with_rep()
    for path in ["products/", "invoices/", "cashback/"]:
        assert client.get(f"/api/v1/orgs/{org.slug}/{path}").status_code in (401, 403)


def test_ps16_partners_clients_page_shows_billing_figures(client, catalog):
    from billing import services

    partner, partner_user = partner_org()
    customer, user = org_with_rep(name="Figures Client AG")
    full(partner, customer)
    inv = order(own_access(user, customer), customer).invoices.get()
    services.invoice_pay(access=own_access(user, customer), invoice=inv, card_number="4242424242424242")
    from partners import selectors as partner_selectors

    assert partner_selectors.client_figures(partner=partner)[customer.pk]["cashback_earned"] == D("86.80")
    client.force_login(partner_user)
    page = client.get("/manager/partners/clients/").content.decode()
    assert "86.80" in page and "347.20" in page


def _full_demo() -> None:
    """The demo as `manage.py demo_data` runs it: clients, partners, then billing."""
    from clients import demo as clients_demo
    from partners import demo as partners_demo

    for module in (clients_demo, partners_demo, demo):
        module.seed(io.StringIO())


def _demo_counts() -> tuple[int, ...]:
    models = (Order, Invoice, CashbackEntry, BalanceEntry, Payment, PayoutRequest, Product, Organization)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def demo_data(db):
    _full_demo()
    return Organization.objects.get(slug="helvetia-web-agency")


def test_bl7_demo_partner_has_12_months_of_cashback(client, demo_data):
    agency = demo_data
    assert demo.demo_partner() == agency  # the demo partner with the most clients
    months = {
        timezone.localtime(e.created_at).strftime("%Y-%m")
        for e in CashbackEntry.objects.filter(partner=agency, reverses__isnull=True)
    }
    this_month = timezone.localdate().replace(day=1)
    last_12 = {(this_month - relativedelta(months=i)).strftime("%Y-%m") for i in range(12)}
    assert last_12 <= months
    statuses = set(CashbackEntry.objects.filter(partner=agency).values_list("status", flat=True))
    assert {"earned", "pending"} <= statuses  # most paid, this month's pending
    client.force_login(agency.memberships.get(role="legal_representative").user)
    response = client.get("/manager/billing/revenue/")
    assert response.status_code == 200
    assert len(response.context["months"]) == 12 and all(m.cashback > 0 for m in response.context["months"])


def test_bl6_demo_invoices_paid_and_unpaid_on_both_payment_methods(demo_data):
    agency = demo_data
    baeckerei = Organization.objects.get(slug="baeckerei-mueller")  # full, client pays
    sonne = Organization.objects.get(name="Gasthaus Sonne AG")  # full, partner pays (partners demo)
    assert partner_terms.full_partnership_of(client=baeckerei).payment_method == "client_pays"
    assert partner_terms.full_partnership_of(client=sonne).payment_method == "partner_pays"
    client_pays = Invoice.objects.filter(org=baeckerei, kind="invoice")
    partner_pays = Invoice.objects.filter(org=agency, kind="invoice", lines__client=sonne).distinct()
    assert set(client_pays.values_list("status", flat=True)) == {"paid", "unpaid"}
    assert set(partner_pays.values_list("status", flat=True)) == {"paid", "unpaid"}
    assert not Invoice.objects.filter(org=sonne).exists()  # PS-8: the partner is invoiced
    assert partner_pays.filter(lines__partner_discount__gt=0).exists()  # the partner's own orders: discounted
    assert Payment.objects.filter(invoice__org=agency, method="balance", status="succeeded").exists()
    assert PayoutRequest.objects.get(org=agency).status == "requested"  # waiting for staff
    assert billing_reconcile() == []


def test_demo_history_runs_twice_without_creating_anything(demo_data):
    before = _demo_counts()
    demo.seed(io.StringIO())
    _full_demo()
    assert _demo_counts() == before
    assert billing_reconcile() == []
