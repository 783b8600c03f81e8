"""Billing pages whose size used to follow the org's ledger (issue 9, fifth session): the
to-pay list and the cashback ledger are paged, the dashboard counts invoices to pay up to
a cap, and the partner console counts its clients from the partnerships."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import selectors
from billing.models import CashbackEntry, Invoice, InvoiceLine
from billing.views import CASHBACK_PER_PAGE
from partners.models import Partnership

from .factories import full, org_with_rep, partner_org, ptype

pytestmark = pytest.mark.django_db


def _unpaid(org, n: int, *, status: str = "unpaid") -> list[Invoice]:
    """`n` invoices of `org`, newest first by issue date (rows only: what the pages read)."""
    now = timezone.now()
    invoices = Invoice.objects.bulk_create(
        Invoice(
            org=org,
            number=f"{now.year}-{900000 + i:06d}",
            issued_at=now - timedelta(hours=i),
            currency="CHF",
            net=Decimal("100.00"),
            vat_rate=Decimal("0.081"),
            vat_amount=Decimal("8.10"),
            gross=Decimal("108.10"),
            status=status,
            paid_at=now if status == "paid" else None,
        )
        for i in range(n)
    )
    return sorted(invoices, key=lambda inv: inv.issued_at, reverse=True)


def _numbers(page: str, invoices) -> list[str]:
    return [inv.number for inv in invoices if f">{inv.number}<" in page]


def test_bl9_to_pay_shows_the_newest_50_and_a_link_to_older(client):
    org, user = org_with_rep()
    invoices = _unpaid(org, 53)
    client.force_login(user)

    page = client.get("/manager/billing/to-pay/").content.decode()

    assert _numbers(page, invoices) == [inv.number for inv in invoices[:50]]
    assert "Older invoices" in page and "Newer invoices" not in page
    assert page.count('name="card_number"') == 50


def test_bl9_to_pay_older_page_holds_the_rest_and_links_back(client):
    org, user = org_with_rep()
    invoices = _unpaid(org, 53)
    client.force_login(user)
    first = client.get("/manager/billing/to-pay/")
    older = first.context["page"].older

    page = client.get(f"/manager/billing/to-pay/?after={older}").content.decode()

    assert _numbers(page, invoices) == [inv.number for inv in invoices[50:]]
    assert "Newer invoices" in page and "Older invoices" not in page
    assert Invoice.objects.filter(org=org, status="unpaid").count() == 53  # reading pays nothing


def test_bl9_to_pay_lists_only_unpaid_invoices(client):
    org, user = org_with_rep()
    unpaid = _unpaid(org, 2)
    Invoice.objects.filter(pk=unpaid[0].pk).update(status="paid", paid_at=timezone.now())
    client.force_login(user)

    page = client.get("/manager/billing/to-pay/").content.decode()

    assert unpaid[1].number in page and unpaid[0].number not in page


def test_bl9_to_pay_unreadable_cursor_gives_the_first_page(client):
    org, user = org_with_rep()
    invoices = _unpaid(org, 3)
    client.force_login(user)

    response = client.get("/manager/billing/to-pay/?after=not-a-cursor&before=9-x")

    assert response.status_code == 200
    assert _numbers(response.content.decode(), invoices) == [inv.number for inv in invoices]


def test_bl9_to_pay_page_past_the_last_says_so_in_both_languages(client):
    org, user = org_with_rep()
    _unpaid(org, 1)
    client.force_login(user)
    past = "1-1"  # 1 µs after 1970: older than every invoice

    page = client.get(f"/manager/billing/to-pay/?after={past}").content.decode()
    assert "No more invoices to pay on this page." in page
    assert "Nothing to pay" not in page
    user.language = "es"
    user.save()
    page = client.get(f"/manager/billing/to-pay/?after={past}", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No quedan facturas por pagar en esta página." in page


def test_bl9_dashboard_counts_invoices_to_pay_exactly_below_the_cap(client, monkeypatch):
    monkeypatch.setattr(selectors, "UNPAID_COUNT_CAP", 5)
    org, user = org_with_rep()
    _unpaid(org, 4)
    client.force_login(user)

    page = client.get("/manager/").content.decode()

    assert "4 invoices to pay." in page


def test_bl9_dashboard_caps_invoices_to_pay_at_99_plus(client, monkeypatch):
    monkeypatch.setattr(selectors, "UNPAID_COUNT_CAP", 5)
    org, user = org_with_rep()
    _unpaid(org, 7)
    client.force_login(user)

    page = client.get("/manager/").content.decode()

    assert "4+ invoices to pay." in page and "7 invoices" not in page
    assert Invoice.objects.filter(org=org, status="unpaid").count() == 7


def _cashback(partner, client_org, n: int) -> list[CashbackEntry]:
    invoice = _unpaid(client_org, 1)[0]
    product_type = ptype("web-hosting-pro")
    now = timezone.now()
    lines = InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            description=f"line {i}",
            product_type=product_type,
            category=product_type.category,
            period="1y",
            quantity=1,
            unit_price=Decimal("10.00"),
            public_amount=Decimal("10.00"),
            net_amount=Decimal("10.00"),
            client=client_org,
            managing_partner=partner,
        )
        for i in range(n)
    )
    return CashbackEntry.objects.bulk_create(
        CashbackEntry(
            partner=partner,
            invoice_line=line,
            client=client_org,
            category=product_type.category,
            rate=Decimal("0.2500"),
            amount=Decimal(f"{i + 1}.00"),
            currency="CHF",
            created_at=now - timedelta(minutes=i),
        )
        for i, line in enumerate(lines)
    )


def test_bl6_cashback_ledger_in_pages_of_50_newest_first(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep(name="Ledger Client")
    full(partner, customer)
    _cashback(partner, customer, CASHBACK_PER_PAGE + 2)
    client.force_login(partner_user)

    first = client.get("/manager/billing/cashback/")
    second = client.get("/manager/billing/cashback/?page=2")

    assert [e.amount for e in first.context["entries"]] == [Decimal(f"{i}.00") for i in range(1, 51)]
    assert [e.amount for e in second.context["entries"]] == [Decimal("51.00"), Decimal("52.00")]
    assert "page=2" in first.content.decode() and "page=3" not in second.content.decode()


def test_bl6_cashback_ledger_page_past_the_last_says_so(client, catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    _cashback(partner, customer, 1)
    client.force_login(partner_user)

    page = client.get("/manager/billing/cashback/?page=9").content.decode()

    assert "No more entries on this page." in page and "No cashback yet" not in page


def test_pp_console_counts_active_clients_only(client, catalog):
    partner, partner_user = partner_org()
    for i in range(3):
        full(partner, org_with_rep(name=f"Client {i}")[0])
    first = Partnership.objects.filter(partner=partner).order_by("id").first()
    Partnership.objects.filter(pk=first.pk).update(status="ended", ended_at=timezone.now())
    client.force_login(partner_user)

    response = client.get("/manager/partners/")

    assert response.context["clients_count"] == 2
    assert "<dd>2</dd>" in response.content.decode()


# --- the API's lists page on: `next` and `after` (they stopped at the newest 500) --------------


def test_bl9_invoices_api_pages_with_next_until_the_oldest(client, monkeypatch):
    monkeypatch.setattr(selectors, "API_PAGE_SIZE", 2)
    org, user = org_with_rep()
    invoices = _unpaid(org, 5)
    client.force_login(user)

    seen, url, pages = [], f"/api/v1/orgs/{org.slug}/invoices/?status=unpaid", 0
    while url:
        body = client.get(url).json()
        seen += [row["number"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert seen == [inv.number for inv in invoices]
    assert pages == 3


def test_bl9_invoices_api_next_keeps_the_filters(client, monkeypatch):
    monkeypatch.setattr(selectors, "API_PAGE_SIZE", 1)
    org, user = org_with_rep()
    _unpaid(org, 2)
    client.force_login(user)

    body = client.get(f"/api/v1/orgs/{org.slug}/invoices/?status=unpaid").json()

    assert body["next"].startswith("http://testserver/api/v1/orgs/")
    assert "status=unpaid" in body["next"] and "after=" in body["next"]


def test_bl9_invoices_api_last_page_has_no_next(client):
    org, user = org_with_rep()
    _unpaid(org, 2)
    client.force_login(user)

    body = client.get(f"/api/v1/orgs/{org.slug}/invoices/").json()

    assert len(body["results"]) == 2 and body["next"] is None


def test_bl9_invoices_api_refuses_a_cursor_it_did_not_give(client):
    org, user = org_with_rep()
    _unpaid(org, 1)
    client.force_login(user)

    response = client.get(f"/api/v1/orgs/{org.slug}/invoices/?after=DROP-TABLE")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    assert "after" in response.json()["error"]["fields"]


def test_bl6_cashback_api_pages_with_next(client, catalog, monkeypatch):
    monkeypatch.setattr(selectors, "API_PAGE_SIZE", 2)
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer)
    _cashback(partner, customer, 3)
    client.force_login(partner_user)

    first = client.get(f"/api/v1/orgs/{partner.slug}/cashback/").json()
    second = client.get(first["next"]).json()

    assert [row["amount"] for row in first["results"]] == ["1.00", "2.00"]
    assert [row["amount"] for row in second["results"]] == ["3.00"] and second["next"] is None
    assert first["totals"] == second["totals"]  # the totals are the ledger's, on every page
