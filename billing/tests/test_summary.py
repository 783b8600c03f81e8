"""BL-7 / PP-4 at partner scale (issue 9): the revenue summary tables, the console's
pages read from them, and the invoice list's keyset pages and client search."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import selectors, services
from billing.models import Invoice, InvoiceLine, RevenueClient, RevenueMonth
from billing.summary import month_of, revenue_summary_drift, revenue_summary_rebuild

from .factories import D, OrganizationFactory, full, order, org_with_rep, own_access, partner_org, ptype

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
VALUES = ("volume", "discounts", "cashback_pending", "cashback_earned", "cashback_reversed")


@pytest.fixture
def client_pays(catalog):
    """A partner and a full client-pays client with an unpaid web-hosting invoice (347.20, cashback 86.80)."""
    partner, partner_user = partner_org()
    customer, user = org_with_rep(name="Alpha AG")
    full(partner, customer)
    invoice = order(own_access(user, customer), customer).invoices.get()
    return partner, customer, user, invoice


def _month_row(partner, category="web_hosting") -> RevenueMonth:
    return RevenueMonth.objects.get(
        partner=partner, currency="CHF", month=timezone.localdate().replace(day=1), category=category
    )


def _rows():
    months = {
        (r.partner_id, r.currency, r.month, r.category): tuple(getattr(r, f) for f in VALUES)
        for r in RevenueMonth.objects.all()
        if any(getattr(r, f) for f in VALUES)
    }
    clients = {
        (r.partner_id, r.currency, r.client_id): tuple(getattr(r, f) for f in (*VALUES, "paid"))
        for r in RevenueClient.objects.all()
        if any(getattr(r, f) for f in (*VALUES, "paid"))
    }
    return months, clients


def test_bl7_issue_counts_volume_in_its_month_category_and_client(client_pays):
    partner, customer, _user, invoice = client_pays
    row = _month_row(partner)
    assert month_of(invoice.issued_at) == row.month
    assert (row.volume, row.discounts, row.cashback_pending, row.cashback_earned) == (
        D("347.20"),
        D("0.00"),
        D("86.80"),
        D("0.00"),
    )
    by_client = RevenueClient.objects.get(partner=partner, client=customer)
    assert (by_client.volume, by_client.cashback_pending, by_client.paid) == (D("347.20"), D("86.80"), D("0.00"))


def test_bl7_partner_pays_discount_counted(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    order(own_access(partner_user, customer), customer, slug="mail-pro", name="m.ch")
    row = _month_row(partner, category="email")
    assert (row.volume, row.discounts, row.cashback_pending) == (D("33.00"), D("6.60"), D("0.00"))


def test_bl7_payment_moves_cashback_pending_to_earned_and_counts_paid(client_pays):
    partner, customer, user, invoice = client_pays
    services.invoice_pay(access=own_access(user, customer), invoice=invoice, card_number=CARD)
    row = _month_row(partner)
    assert (row.cashback_pending, row.cashback_earned) == (D("0.00"), D("86.80"))
    by_client = RevenueClient.objects.get(partner=partner, client=customer)
    assert (by_client.cashback_pending, by_client.cashback_earned, by_client.paid) == (
        D("0.00"),
        D("86.80"),
        D("347.20"),
    )


def test_bl7_credit_note_of_paid_invoice_reverses_cashback(client_pays):
    partner, customer, user, invoice = client_pays
    services.invoice_pay(access=own_access(user, customer), invoice=invoice, card_number=CARD)
    services.invoice_credit(invoice=invoice, reason="refund")
    row = _month_row(partner)
    assert (row.cashback_earned, row.cashback_reversed) == (D("86.80"), D("-86.80"))
    assert row.volume == D("347.20")  # a paid original stays counted, as the ledger aggregate does
    assert revenue_summary_drift(partner=partner) == []


def test_bl7_credit_note_of_unpaid_invoice_cancels_its_volume(client_pays):
    partner, customer, _user, invoice = client_pays
    services.invoice_credit(invoice=invoice, reason="mistake")
    row = _month_row(partner)
    assert (row.volume, row.cashback_pending, row.cashback_reversed) == (D("0.00"), D("86.80"), D("-86.80"))
    assert RevenueClient.objects.get(partner=partner, client=customer).volume == D("0.00")
    assert selectors.rolling_volume(partner=partner)["volume"] == D("0.00")
    assert revenue_summary_drift(partner=partner) == []


def test_bl7_rebuild_from_scratch_equals_incremental_rows(client_pays):
    partner, customer, user, invoice = client_pays
    other, _ = org_with_rep()
    full(partner, other, payment_method="partner_pays")
    partner_user = partner.memberships.get().user
    order(own_access(partner_user, other), other, slug="mail-pro", name="m.ch")
    services.invoice_pay(access=own_access(user, customer), invoice=invoice, card_number=CARD)
    second = order(own_access(user, customer), customer, slug="domain-ch", name="x.ch").invoices.get()
    services.invoice_credit(invoice=second, reason="test")
    incremental = _rows()
    assert revenue_summary_rebuild() > 0
    assert _rows() == incremental
    assert revenue_summary_drift() == []


def test_bl7_drift_detects_a_tampered_row(client_pays):
    partner, customer, _user, _invoice = client_pays
    RevenueClient.objects.filter(partner=partner, client=customer).update(volume=D("1.00"))
    drift = revenue_summary_drift(partner=partner)
    assert len(drift) == 1
    assert drift[0]["table"] == "client" and drift[0]["key"]["client_id"] == customer.pk
    assert (drift[0]["expected"]["volume"], drift[0]["found"]["volume"]) == (D("347.20"), D("1.00"))
    revenue_summary_rebuild(partner=partner)
    assert revenue_summary_drift(partner=partner) == []


def test_pp4_staff_below_minimum_reads_the_summary(client_pays):
    partner, *_ = client_pays
    staff = type("Staff", (), {"is_staff": True})()
    rows = selectors.below_minimum_rows(selectors.partners_below_minimum(user=staff, partners=[partner]))
    assert [(r["partner"], r["volume"]) for r in rows] == [(partner, D("347.20"))]
    RevenueMonth.objects.filter(partner=partner).update(volume=D("5000.00"))  # the summary is what it reads
    assert list(selectors.partners_below_minimum(user=staff, partners=[partner])) == []


# --- console: the by-client table is paginated, the CSV has every client ----------------------


@pytest.fixture
def thirty_clients(catalog):
    partner, partner_user = partner_org()
    orgs = [OrganizationFactory(name=f"Client {i:02d}") for i in range(1, 31)]
    RevenueClient.objects.bulk_create(
        RevenueClient(partner=partner, currency="CHF", client=o, volume=D(i * 10), paid=D(i))
        for i, o in enumerate(orgs, 1)
    )
    return partner, partner_user


def test_bl7_revenue_by_client_paginated_top_volume_first(client, thirty_clients):
    _partner, partner_user = thirty_clients
    client.force_login(partner_user)
    first = client.get("/manager/billing/revenue/").content.decode()
    assert "Client 30" in first and "Client 06" in first and "Client 05" not in first
    assert "page=2" in first
    second = client.get("/manager/billing/revenue/?page=2").content.decode()
    assert "Client 05" in second and "Client 01" in second and "Client 30" not in second


def test_bl7_revenue_unreadable_page_number_shows_first_page(client, thirty_clients):
    _partner, partner_user = thirty_clients
    client.force_login(partner_user)
    response = client.get("/manager/billing/revenue/?page=abc")
    assert response.status_code == 200 and "Client 30" in response.content.decode()


def test_bl7_revenue_csv_streams_every_client(client, thirty_clients):
    _partner, partner_user = thirty_clients
    client.force_login(partner_user)
    response = client.get("/manager/billing/revenue/export.csv")
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    clients = [r[1] for r in rows if r[0] == "client"]
    assert (
        len(clients) == 30 and clients[0] == "Client 30" and set(clients) == {f"Client {i:02d}" for i in range(1, 31)}
    )


# --- invoice list: keyset pages, client search, no COUNT -----------------------------------------


def _invoices(org, n, *, clients=()):
    """n invoices of `org` (bulk, newest last), each with one line per client in `clients` (cycled)."""
    now = timezone.now()
    invoices = Invoice.objects.bulk_create(
        Invoice(
            org=org,
            number=f"T{org.pk}-{i:04d}",
            issued_at=now - timedelta(hours=n - i) if i % 10 else now - timedelta(hours=n - i + 1),
            currency="CHF",
            net=D("10.00"),
            vat_rate=D("0"),
            vat_amount=D("0"),
            gross=D("10.00"),
        )
        for i in range(n)
    )
    if clients:
        for c in clients:  # a client's line is on the partner's invoice only when the partner pays (BL-4)
            full(org, c, payment_method="partner_pays")
        mail = ptype("mail-pro")
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=inv,
                description="x",
                product_type=mail,
                category=mail.category,
                period="1y",
                unit_price=D("10.00"),
                public_amount=D("10.00"),
                net_amount=D("10.00"),
                client=clients[i % len(clients)],
            )
            for i, inv in enumerate(invoices)
        )
    return invoices


def test_bl8_invoice_list_older_page_reachable_and_back(client, catalog):
    org, user = org_with_rep()
    invoices = _invoices(org, 120)
    newest_first = sorted(invoices, key=lambda i: (i.issued_at, i.pk), reverse=True)
    client.force_login(user)
    first = client.get("/manager/billing/invoices/")
    assert newest_first[0].number in first.content.decode() and newest_first[50].number not in first.content.decode()
    older = first.context["page"].older
    assert older and not first.context["page"].newer
    second = client.get(f"/manager/billing/invoices/?after={older}")
    shown = [i.number for i in second.context["invoices"]]
    assert shown == [i.number for i in newest_first[50:100]]
    third = client.get(f"/manager/billing/invoices/?after={second.context['page'].older}")
    assert [i.number for i in third.context["invoices"]] == [i.number for i in newest_first[100:]]
    assert not third.context["page"].older
    back = client.get(f"/manager/billing/invoices/?before={second.context['page'].newer}")
    assert [i.number for i in back.context["invoices"]] == [i.number for i in newest_first[:50]]
    assert not back.context["page"].newer


def test_bl8_invoice_list_bad_cursor_shows_first_page(client, catalog):
    org, user = org_with_rep()
    invoices = _invoices(org, 3)
    client.force_login(user)
    response = client.get("/manager/billing/invoices/?after=nonsense&before=1-x")
    assert response.status_code == 200 and len(response.context["invoices"]) == len(invoices)


def test_bl8_invoice_list_client_search_beyond_100_clients(client, catalog):
    partner, partner_user = partner_org()
    clients = OrganizationFactory.create_batch(101)
    target = OrganizationFactory(name="Zeppelin Bakery GmbH")
    _invoices(partner, 102, clients=[*clients, target])
    client.force_login(partner_user)
    page = client.get("/manager/billing/invoices/").content.decode()
    filters = page.split('class="filters"')[1].split('id="f-status"')[0]
    assert 'type="search"' in filters and "<option" not in filters
    response = client.get("/manager/billing/invoices/?client=zeppelin")
    shown = list(response.context["invoices"])
    assert len(shown) == 1 and shown[0].lines.get().client == target
    assert response.context["client"] == target
    assert client.get(f"/manager/billing/invoices/?client={target.slug}").context["invoices"] == shown


def test_bl8_invoice_list_client_search_without_match_says_so(client, catalog):
    partner, partner_user = partner_org()
    clients = OrganizationFactory.create_batch(101)
    _invoices(partner, 101, clients=clients)
    client.force_login(partner_user)
    response = client.get("/manager/billing/invoices/?client=nobody-like-this")
    assert response.status_code == 200 and response.context["invoices"] == []
    assert "No client matches" in response.content.decode()


def test_bl8_invoice_list_select_for_few_clients(client, catalog):
    partner, partner_user = partner_org()
    a, b = OrganizationFactory(name="Few A"), OrganizationFactory(name="Few B")
    _invoices(partner, 4, clients=[a, b])
    client.force_login(partner_user)
    page = client.get("/manager/billing/invoices/").content.decode()
    assert '<select id="f-client"' in page and "Few A" in page
    response = client.get(f"/manager/billing/invoices/?client={a.slug}")
    assert len(response.context["invoices"]) == 2
    assert {line.client for i in response.context["invoices"] for line in i.lines.all()} == {a}


def test_bl8_invoice_list_runs_no_count_over_invoices(client, catalog):
    partner, partner_user = partner_org()
    clients = OrganizationFactory.create_batch(3)
    invoices = _invoices(partner, 60, clients=clients)
    client.force_login(partner_user)
    client.get("/manager/billing/invoices/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/manager/billing/invoices/?status=unpaid&client={clients[0].slug}")
        older = client.get(f"/manager/billing/invoices/?after={selectors.invoice_cursor(invoices[-1])}")
    assert response.status_code == 200 and older.status_code == 200
    on_invoices = [q["sql"] for q in ctx.captured_queries if "billing_invoice" in q["sql"]]
    assert on_invoices and not [sql for sql in on_invoices if "COUNT(" in sql.upper()]


# --- PostgreSQL: concurrent ledger writes all land in the summary -------------------------------


def _email_rate_after_flushes():
    """Transactional tests flush the tables, the default plan's seeded rates with them: restore the one used."""
    from partners.models import CommissionRate
    from partners.tests.factories import default_plan

    CommissionRate.objects.get_or_create(plan=default_plan(), category="email", defaults={"rate": D("0.20")})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bl7_two_concurrent_payments_same_partner_month_category_both_counted(catalog):
    from .test_concurrency import REPETITIONS, _run_together

    assert connection.vendor == "postgresql"
    _email_rate_after_flushes()
    partner, _ = partner_org()
    payers = []
    for i in range(2):
        customer, user = org_with_rep(name=f"Race {i} AG")
        full(partner, customer)
        payers.append((customer, user))
    for r in range(REPETITIONS):
        invoices = [
            order(own_access(user, customer), customer, slug="mail-pro", name=f"race-{r}-{i}.ch").invoices.get()
            for i, (customer, user) in enumerate(payers)
        ]

        def pay(i, invoices=invoices):
            customer, user = payers[i]
            return lambda: services.invoice_pay(
                access=own_access(user, customer), invoice=invoices[i], card_number=CARD
            )

        results = _run_together(pay(0), pay(1))
        assert all(not isinstance(x, Exception) for x in results), results
    row = _month_row(partner, category="email")  # mail-pro: 33.00, cashback 20% = 6.60, no tiers
    assert row.cashback_earned == D("6.60") * 2 * REPETITIONS and row.cashback_pending == D("0.00")
    assert row.volume == D("33.00") * 2 * REPETITIONS
    paid = sorted(RevenueClient.objects.filter(partner=partner).values_list("paid", flat=True))
    assert paid == [D("33.00") * REPETITIONS] * 2
    assert revenue_summary_drift(partner=partner) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_bl7_concurrent_first_rows_upserted_once(catalog):
    """Two transactions creating the same (new) summary row: one inserts, the other adds to it."""
    from django.db import transaction

    from billing.summary import _Changes
    from billing.tests.test_concurrency import _run_together

    assert connection.vendor == "postgresql"
    partner, _ = partner_org()
    customer, _ = org_with_rep()
    line = InvoiceLine(
        managing_partner=partner, client=customer, category="email", public_amount=D("10.00"), net_amount=D("8.00")
    )

    def bump():
        with transaction.atomic():
            changes = _Changes()
            changes.line(line, issued_at=timezone.now(), currency="CHF")
            changes.write()
        return True

    for _ in range(5):
        assert _run_together(bump, bump) == [True, True]
    row = _month_row(partner, category="email")
    assert (row.volume, row.discounts) == (D("100.00"), D("20.00"))
    assert RevenueMonth.objects.filter(partner=partner).count() == 1


def test_bl8_invoice_list_client_filter_reads_partnerships_not_invoice_lines(client, catalog):
    partner, partner_user = partner_org()
    clients = OrganizationFactory.create_batch(3)
    _invoices(partner, 5, clients=clients)
    client.force_login(partner_user)
    client.get("/manager/billing/invoices/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/manager/billing/invoices/")

    assert response.status_code == 200
    assert all(c.name in response.content.decode() for c in clients)  # the select lists them
    assert not [q for q in ctx.captured_queries if 'FROM "billing_invoiceline"' in q["sql"]]
