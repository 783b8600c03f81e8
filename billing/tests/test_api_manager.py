"""SPEC §9: the billing manager's functions in the API, with the pages' capabilities — payout
requests (BL-6), the revenue console and its CSV (BL-7), the rebill export (BL-10), the PP-4
volume and the invoice download (BL-8)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import api, services
from billing.models import BalanceEntry, Invoice, PayoutRequest
from clients.models import AuditEvent, Role
from portal.models import Notification, OutboxEmail

from .factories import D, full, member, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
IBAN = "CH93 0076 2011 6238 5295 7"


@pytest.fixture
def book(catalog):
    """A partner with a client-pays client (paid order) and a partner-pays client, and a CHF 100 balance."""
    partner, partner_user = partner_org()
    a, a_user = org_with_rep(name="Alpha AG")
    b, _ = org_with_rep(name="Beta AG")
    full(partner, a)
    full(partner, b, payment_method="partner_pays")
    inv = order(own_access(a_user, a), a).invoices.get()
    services.invoice_pay(access=own_access(a_user, a), invoice=inv, card_number=CARD)
    order(own_access(partner_user, b), b, slug="mail-pro", name="m.ch")
    account = services.prepaid_account_for(org=partner, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D("100"))
    return partner, partner_user, a, b


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _post_payout(client, partner, **body):
    data = {"amount": "40", "method": "bank", "iban": IBAN, "account_holder": "Partner AG", **body}
    return client.post(f"/api/v1/orgs/{partner.slug}/payouts/", data, content_type="application/json")


# --- BL-6: payout requests ------------------------------------------------------------------------


def test_bl6_api_payout_request_reserves_the_amount_and_emails_a_confirmation(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = _post_payout(client, partner)
    assert response.status_code == 201
    body = response.json()
    payout = PayoutRequest.objects.get()
    assert body["id"] == payout.pk and body["amount"] == "40.00" and body["currency"] == "CHF"
    assert body["status"] == "requested" and body["iban"] == "CH9300762011623852957"
    assert BalanceEntry.objects.filter(payout=payout, amount=D("-40.00")).exists()
    assert OutboxEmail.objects.filter(key=f"payout-requested:{payout.pk}:{user.pk}").exists()
    assert Notification.objects.filter(user=user, link=f"/manager/billing/cashback/?org={partner.slug}").exists()
    event = AuditEvent.objects.get(action="payout.requested")
    assert (event.org, event.actor, event.actor_org) == (partner, user, partner)


def test_bl6_api_payout_above_the_balance_is_refused_409(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = _post_payout(client, partner, amount="1000")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_balance"
    assert not PayoutRequest.objects.exists()
    assert not OutboxEmail.objects.filter(template="billing/payout_requested").exists()


def test_bl6_api_payout_invalid_iban_is_400_on_its_field(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = _post_payout(client, partner, iban="CH00 1234")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_iban" and "iban" in response.json()["error"]["fields"]
    assert not PayoutRequest.objects.exists()


def test_bl6_api_payout_amount_not_a_number_is_400(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = _post_payout(client, partner, amount="lots")
    assert response.status_code == 400 and "amount" in response.json()["error"]["fields"]
    assert not PayoutRequest.objects.exists()


def test_bl6_api_payout_refused_to_a_collaborator_403(client, book):
    partner, _user, _a, _b = book
    collaborator = member(partner, role=Role.COLLABORATOR)
    client.force_login(collaborator)
    response = _post_payout(client, partner)
    assert response.status_code == 403
    assert not PayoutRequest.objects.exists() and not OutboxEmail.objects.filter(template__contains="payout").exists()


def test_bl6_api_payouts_refused_to_a_non_partner_403(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{org.slug}/payouts/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_partner"


def test_bl6_api_payouts_list_the_orgs_own_requests_newest_first_in_pages(client, book, monkeypatch):
    partner, user, _a, _b = book
    other, other_user = partner_org()
    for amount in ("10", "20", "30"):
        services.payout_request_create(
            access=own_access(user, partner), amount=D(amount), currency="CHF", method="paypal", paypal_email="p@x.ch"
        )
    BalanceEntry.objects.create(
        account=services.prepaid_account_for(org=other, currency="CHF"), kind="adjustment", amount=D("5")
    )
    services.payout_request_create(
        access=own_access(other_user, other), amount=D("5"), currency="CHF", method="paypal", paypal_email="o@x.ch"
    )
    monkeypatch.setattr("billing.selectors.API_PAGE_SIZE", 2)
    client.force_login(user)
    first = client.get(f"/api/v1/orgs/{partner.slug}/payouts/").json()
    assert [p["amount"] for p in first["results"]] == ["30.00", "20.00"]
    second = client.get(first["next"]).json()
    assert [p["amount"] for p in second["results"]] == ["10.00"] and second["next"] is None


def test_bl6_api_payouts_list_queries_do_not_grow_with_requests(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    path = f"/api/v1/orgs/{partner.slug}/payouts/"

    def count() -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx)

    services.payout_request_create(
        access=own_access(user, partner), amount=D("1"), currency="CHF", method="paypal", paypal_email="p@x.ch"
    )
    one = count()
    for _ in range(5):
        services.payout_request_create(
            access=own_access(user, partner), amount=D("1"), currency="CHF", method="paypal", paypal_email="p@x.ch"
        )
    assert count() == one


# --- BL-7 / PP-4: the revenue console ------------------------------------------------------------


def test_bl7_api_revenue_gives_the_consoles_months_categories_and_volume(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{partner.slug}/revenue/")
    assert response.status_code == 200
    body = response.json()
    chf = body["sections"][0]
    assert body["currency"] == "CHF" and chf["currency"] == "CHF" and len(chf["months"]) == 12
    assert chf["months"][-1]["cashback"] == "86.80" and chf["months"][-1]["discounts"] == "6.60"
    assert {c["category"]: c["cashback"] for c in chf["by_category"]}["web_hosting"] == "86.80"
    assert body["volume"] == {"currency": "CHF", "volume": "380.20", "minimum": "2000", "reached": False, "percent": 19}


def test_bl7_api_revenue_refused_while_acting_for_a_client_403(client, book):
    _partner, user, a, _b = book
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{a.slug}/revenue/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_bl7_api_revenue_queries_do_not_grow_with_clients(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    path = f"/api/v1/orgs/{partner.slug}/revenue/"
    client.get(path)
    with CaptureQueriesContext(connection) as before:
        client.get(path)
    for i in range(4):
        c, c_user = org_with_rep(name=f"Client {i}")
        full(partner, c)
        order(own_access(c_user, c), c, name=f"s{i}.example.ch")
    with CaptureQueriesContext(connection) as after:
        client.get(path)
    assert len(after) == len(before)


def test_bl7_api_revenue_clients_by_volume_in_pages(client, book, monkeypatch):
    partner, user, a, b = book
    monkeypatch.setattr(api, "REVENUE_CLIENTS_API_PAGE", 1)
    client.force_login(user)
    first = client.get(f"/api/v1/orgs/{partner.slug}/revenue/clients/").json()
    assert first["count"] == 2 and first["previous"] is None
    assert first["results"] == [
        {
            "client": a.slug,
            "client_name": "Alpha AG",
            "currency": "CHF",
            "volume": "347.20",
            "cashback_earned": "86.80",
            "discounts_received": "0.00",
            "total_paid": "347.20",
        }
    ]
    second = client.get(first["next"]).json()
    assert [r["client"] for r in second["results"]] == [b.slug] and second["next"] is None


def test_bl7_api_revenue_csv_is_the_pages_export(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    from_api = client.get(f"/api/v1/orgs/{partner.slug}/revenue/export.csv", HTTP_ACCEPT="text/csv")
    assert from_api.status_code == 200 and from_api["Content-Type"].startswith("text/csv")
    assert _csv(from_api) == _csv(client.get("/manager/billing/revenue/export.csv"))
    assert ["client", "Alpha AG", "CHF", "86.80", "0.00", "347.20"] in _csv(
        client.get(f"/api/v1/orgs/{partner.slug}/revenue/export.csv")
    )


def test_bl7_api_revenue_csv_refused_to_a_non_partner_in_the_error_shape(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{org.slug}/revenue/export.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_a_partner"


def test_pp4_api_program_volume_against_the_minimum(client, book):
    partner, user, _a, _b = book
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{partner.slug}/program-volume/")
    assert response.status_code == 200
    assert response.json() == {
        "currency": "CHF",
        "volume": "380.20",
        "minimum": "2000",
        "reached": False,
        "percent": 19,
    }


# --- BL-10: the rebill export ----------------------------------------------------------------------


def test_bl10_api_rebill_csv_per_client(client, book):
    partner, user, _a, b = book
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{partner.slug}/rebill.csv?client={b.slug}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="rebill-{b.slug}.csv"'
    rows = _csv(response)
    assert rows[0][:3] == ["client", "invoice", "issued"]
    assert len(rows) == 2 and rows[1][0] == "Beta AG" and rows[1][6:8] == ["33.00", "26.40"]


def test_bl10_api_rebill_csv_of_an_org_that_is_not_a_client_is_404(client, book):
    partner, user, _a, _b = book
    stranger, _ = org_with_rep(name="Stranger AG")
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{partner.slug}/rebill.csv?client={stranger.slug}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- BL-8: the invoice download --------------------------------------------------------------------


def test_bl8_api_invoice_download_is_the_managers_attachment(client, book):
    _partner, _user, a, _b = book
    a_user = a.memberships.get().user
    invoice = Invoice.objects.get(org=a)
    client.force_login(a_user)
    response = client.get(f"/api/v1/orgs/{a.slug}/invoices/{invoice.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.html"'
    assert invoice.number in response.content.decode()
    page = client.get(f"/manager/billing/invoices/{invoice.pk}/download/")
    assert response.content == page.content


def test_bl8_api_invoice_download_of_another_orgs_invoice_is_404(client, book):
    partner, user, a, _b = book
    invoice = Invoice.objects.get(org=a)
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{partner.slug}/invoices/{invoice.pk}/download/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
