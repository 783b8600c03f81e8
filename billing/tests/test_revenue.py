import csv
import datetime
import io

import pytest
from django.utils import timezone

from billing import selectors, services
from billing.models import InvoiceLine
from portal.models import OutboxEmail

from .factories import D, ProductFactory, full, order, org_with_rep, own_access, partner_org, ptype

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


@pytest.fixture
def book(catalog):
    """A partner with a client-pays client (paid order) and a partner-pays client."""
    partner, partner_user = partner_org()
    a, a_user = org_with_rep(name="Alpha AG")
    b, _ = org_with_rep(name="Beta AG")
    full(partner, a)
    full(partner, b, payment_method="partner_pays")
    inv = order(own_access(a_user, a), a).invoices.get()
    services.invoice_pay(access=own_access(a_user, a), invoice=inv, card_number=CARD)
    order(own_access(partner_user, b), b, slug="mail-pro", name="m.ch")
    return partner, partner_user, a, b


def test_ps16_revenue_by_client_columns(book):
    partner, _u, a, b = book
    rows = {r["client"]: r for r in selectors.revenue_by_client(partner=partner)}
    assert rows["Alpha AG"]["cashback_earned"] == D("86.80")
    assert rows["Alpha AG"]["total_paid"] == D("347.20")
    assert rows["Beta AG"]["discounts_received"] == D("6.60")
    assert rows["Beta AG"]["total_paid"] == D("0.00")  # not paid yet


def test_bl7_revenue_console_totals_and_progress(client, book):
    partner, partner_user, _a, _b = book
    client.force_login(partner_user)
    page = client.get("/manager/billing/revenue/").content.decode()
    assert "<progress" in page
    assert "Alpha AG" in page and "86.80" in page
    month = timezone.localdate().strftime("%b %Y")
    assert month in page
    volume = selectors.rolling_volume(partner=partner)
    assert volume["volume"] == D("380.20") and volume["minimum"] == D("2000") and not volume["reached"]


def test_bl7_revenue_chart_says_what_its_bars_and_figures_are(client, book):
    """The bar is cashback + discounts, the figure beside it "cashback / discounts": the chart says so."""
    _partner, partner_user, _a, _b = book
    client.force_login(partner_user)
    response = client.get("/manager/billing/revenue/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="bar-chart-legend"' in page
    assert "the figures beside it are the cashback / the discounts" in page
    assert "CHF\u00a086.80 / CHF\u00a06.60" in page  # this month: Alpha's cashback, Beta's discount


def test_bl7_revenue_console_hidden_from_non_partners_404(client, catalog):
    _org, user = org_with_rep()
    client.force_login(user)
    assert client.get("/manager/billing/revenue/").status_code == 404


def test_bl7_revenue_csv_export(client, book):
    _p, partner_user, _a, _b = book
    client.force_login(partner_user)
    response = client.get("/manager/billing/revenue/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # streamed since issue 9
    assert "client,Alpha AG,CHF,86.80" in body
    assert "category,web_hosting,CHF,86.80" in body


def test_pp4_staff_lists_partners_below_minimum(client, book):
    partner, partner_user, _a, _b = book
    staff, _ = org_with_rep()
    staff_user = staff.memberships.get().user
    staff_user.is_staff = True
    staff_user.save()
    client.force_login(staff_user)
    page = client.get("/manager/billing/staff/below-minimum/")
    assert page.status_code == 200 and partner.name in page.content.decode()
    client.force_login(partner_user)
    assert client.get("/manager/billing/staff/below-minimum/").status_code == 404


def test_pp4_partner_above_minimum_not_listed(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    order(own_access(partner_user, customer), customer, slug="support-business", name="vip")
    staff = type("Staff", (), {"is_staff": True})()
    assert list(selectors.partners_below_minimum(user=staff, partners=[partner])) == []


def _staff_browser(client):
    staff, _ = org_with_rep()
    user = staff.memberships.get().user
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _volume(partner, currency, amount):
    from billing.models import RevenueMonth

    month = timezone.localdate().replace(day=1)
    RevenueMonth.objects.create(partner=partner, currency=currency, month=month, category="web_hosting", volume=amount)


def test_pp4_below_minimum_each_partner_against_its_own_currency(catalog):
    staff = type("Staff", (), {"is_staff": True})()
    chf, _ = partner_org(name="Chf AG", country="CH")
    eur, _ = partner_org(name="Eur GmbH", country="DE")
    _volume(chf, "CHF", D("1900.00"))  # minimum CHF 2,000: below
    _volume(eur, "EUR", D("1900.00"))  # minimum EUR 1,800: reached
    _volume(chf, "EUR", D("5000.00"))  # another currency does not count towards CHF's minimum

    rows = selectors.below_minimum_rows(selectors.partners_below_minimum(user=staff, partners=[chf, eur]))

    assert [(r["partner"], r["currency"], r["volume"], r["minimum"]) for r in rows] == [
        (chf, "CHF", D("1900.00"), D("2000"))
    ]


def test_pp4_below_minimum_none_for_non_staff(catalog):
    partner, partner_user = partner_org()
    assert list(selectors.partners_below_minimum(user=partner_user, partners=[partner])) == []


def test_pp4_below_minimum_list_in_pages_by_name(client, catalog, monkeypatch):
    monkeypatch.setattr(selectors, "BELOW_MINIMUM_PER_PAGE", 2)
    for name in ("Gamma AG", "Alpha AG", "Beta AG"):
        partner_org(name=name)
    browser = _staff_browser(client)
    url = "/manager/billing/staff/below-minimum/"

    first = browser.get(url).content.decode()
    second = browser.get(url, {"page": 2}).content.decode()
    beyond = browser.get(url, {"page": 9})

    assert "Alpha AG" in first and "Beta AG" in first and "Gamma AG" not in first
    assert 'href="?page=2"' in first
    assert "Gamma AG" in second and "Alpha AG" not in second and 'href="?page=1"' in second
    assert beyond.status_code == 200 and "No more partners on this page." in beyond.content.decode()


def test_pp4_below_minimum_page_queries_do_not_grow_with_partners(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = _staff_browser(client)
    partner_org(name="One AG")
    url = "/manager/billing/staff/below-minimum/"
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    for i in range(5):
        partner_org(name=f"More {i} AG")
    with CaptureQueriesContext(connection) as six:
        page = browser.get(url).content.decode()

    assert "More 4 AG" in page
    assert len(six) == len(one)


def test_bl10_rebill_csv_per_client(client, book):
    partner, partner_user, a, b = book
    client.force_login(partner_user)
    response = client.get(f"/manager/billing/revenue/rebill.csv?client={b.slug}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="rebill-{b.slug}.csv"'
    rows = _csv_rows(response)
    assert len(rows) == 2 and rows[1][0] == "Beta AG" and rows[1][6:8] == ["33.00", "26.40"]
    assert "Alpha AG" not in [row[0] for row in rows]


def test_bl10_rebill_csv_of_an_org_that_is_not_a_client_says_so_like_an_unknown_slug(client, book):
    _partner, partner_user, _a, _b = book
    other, _ = org_with_rep(name="Not A Client AG")
    client.force_login(partner_user)

    existing = client.get(f"/manager/billing/revenue/rebill.csv?client={other.slug}")
    unknown = client.get("/manager/billing/revenue/rebill.csv?client=no-such-org")

    assert existing.status_code == unknown.status_code == 302  # SEC-1: the slug's existence is not told
    assert existing["Location"] == unknown["Location"] == "/manager/billing/revenue/"


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def test_bl10_rebill_csv_every_column_of_every_line_in_order(client, book):
    partner, partner_user, _a, b = book
    c, _ = org_with_rep(name="Charlie AG")
    full(partner, c, payment_method="partner_pays")
    order(own_access(partner_user, c), c, slug="domain-ch", name="c.ch")
    order(own_access(partner_user, b), b, slug="domain-ch", name="b2.ch")
    client.force_login(partner_user)

    rows = _csv_rows(client.get("/manager/billing/revenue/rebill.csv"))

    lines = InvoiceLine.objects.filter(invoice__org=partner).select_related("invoice", "client")
    expected = [
        [
            line.client.name,
            line.invoice.number,
            line.invoice.issued_at.date().isoformat(),
            line.description,
            line.category,
            line.period,
            str(line.public_amount),
            str(line.net_amount),
            line.invoice.currency,
        ]
        for line in sorted(lines, key=lambda x: (x.client.name, x.invoice.issued_at, x.pk))
    ]
    assert rows[0] == [
        "client", "invoice", "issued", "description", "category", "period", "public_price", "paid_net", "currency"
    ]  # fmt: skip
    assert rows[1:] == expected
    assert [r[0] for r in rows[1:]] == ["Beta AG", "Beta AG", "Charlie AG"]
    assert rows[1][6:] == ["33.00", "26.40", "CHF"]


def test_bl10_rebill_csv_streams_its_rows(client, book):
    _partner, partner_user, _a, _b = book
    client.force_login(partner_user)

    response = client.get("/manager/billing/revenue/rebill.csv")

    assert response.streaming  # 333,000 lines for the benchmark's partner: never held whole
    assert len(_csv_rows(response)) == 2


def test_bl11_renewal_notice_30_and_7_days_with_org4_banner(catalog):
    org, user = org_with_rep(vat_number="")
    today = timezone.localdate()
    p30 = ProductFactory(org=org, product_type=ptype("domain-ch"), expires_at=today + datetime.timedelta(days=30))
    p7 = ProductFactory(org=org, product_type=ptype("domain-ch"), expires_at=today + datetime.timedelta(days=7))
    ProductFactory(org=org, product_type=ptype("domain-ch"), expires_at=today + datetime.timedelta(days=12))
    assert services.renewal_notices_send(today=today) == 2
    email = OutboxEmail.objects.get(key__startswith=f"renewal-notice:{p30.pk}:30:")
    assert email.to == user.email and "VAT number" in email.body_text
    assert OutboxEmail.objects.filter(key__startswith=f"renewal-notice:{p7.pk}:7:").exists()


def test_bl11_renewal_notice_idempotent(catalog):
    org, _user = org_with_rep()
    today = timezone.localdate()
    ProductFactory(org=org, product_type=ptype("domain-ch"), expires_at=today + datetime.timedelta(days=7))
    services.renewal_notices_send(today=today)
    services.renewal_notices_send(today=today)
    assert OutboxEmail.objects.filter(key__startswith="renewal-notice:").count() == 1


def test_bl11_renewal_notice_goes_to_paying_partner(catalog):
    partner, partner_user = partner_org(vat_number="CHE116281710")
    customer, customer_user = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    today = timezone.localdate()
    ProductFactory(org=customer, product_type=ptype("domain-ch"), expires_at=today + datetime.timedelta(days=30))
    services.renewal_notices_send(today=today)
    email = OutboxEmail.objects.get(key__startswith="renewal-notice:")
    assert email.to == partner_user.email
    assert "VAT number" not in email.body_text


def test_bl11_task_runs_the_service(catalog):
    from billing.tasks import send_renewal_notices

    org, _ = org_with_rep()
    ProductFactory(
        org=org, product_type=ptype("domain-ch"), expires_at=timezone.localdate() + datetime.timedelta(days=7)
    )
    assert send_renewal_notices.apply().get() == 1


def test_bl7_lines_attributed_to_managing_partner(book):
    partner, *_ = book
    assert InvoiceLine.objects.filter(managing_partner=partner).count() == 2


def test_bl7_revenue_overview_is_the_month_category_and_volume_reads_in_one_query(book, django_assert_num_queries):
    partner, _u, _a, _b = book
    with django_assert_num_queries(1):
        overview = selectors.revenue_overview(partner=partner)

    assert overview.months == selectors.revenue_by_month(partner=partner, currency=partner.currency)
    assert overview.by_category == selectors.revenue_by_category(partner=partner, currency=partner.currency)
    assert overview.volume == selectors.rolling_volume(partner=partner)
    assert overview.volume["volume"] == D("380.20")
    assert sum(m.volume for m in overview.months) == D("380.20")
    assert {c["category"] for c in overview.by_category}  # both orders' categories are there


# --- a partner with figures in two currencies (a EUR client of a CHF partner) ---------------------


@pytest.fixture
def two_currencies(catalog):
    """A CHF partner: a CHF client-pays client (347.20, cashback 86.80 pending) and a French
    client whose hosting it manages (limited), renewed and paid in EUR (92.00, cashback 23.00)."""
    from .factories import hosting, limited, renew

    partner, partner_user = partner_org(name="Agency AG")
    alpha, alpha_user = org_with_rep(name="Alpha AG")
    full(partner, alpha)
    order(own_access(alpha_user, alpha), alpha)
    atelier, atelier_user = org_with_rep(name="Atelier SARL", country="FR")
    site = hosting(atelier, name="atelier.fr")
    limited(partner, atelier, [site])
    invoice = renew(own_access(atelier_user, atelier), site).invoices.get()
    services.invoice_pay(access=own_access(atelier_user, atelier), invoice=invoice, card_number=CARD)
    return partner, partner_user, alpha, atelier


def _client_row(page: str, name: str) -> str:
    import re

    return re.search(rf"<tr><td>{name}</td>(.*?)</tr>", page).group(1)


def test_bl7_revenue_console_lists_a_client_in_the_currency_it_was_invoiced_in(client, two_currencies):
    _partner, partner_user, _alpha, _atelier = two_currencies
    client.force_login(partner_user)

    page = client.get("/manager/billing/revenue/").content.decode()

    assert "2 clients, largest volume first" in page
    atelier = _client_row(page, "Atelier SARL")
    assert "EUR\xa092.00" in atelier and "EUR\xa023.00" in atelier and "CHF" not in atelier
    assert "CHF\xa0347.20" in _client_row(page, "Alpha AG")


def test_bl7_revenue_overview_has_a_section_per_currency_the_partner_s_first(two_currencies):
    partner, _u, _alpha, _atelier = two_currencies

    overview = selectors.revenue_overview(partner=partner)

    assert [s.currency for s in overview.sections] == ["CHF", "EUR"]
    eur = overview.sections[1]
    assert [(c["category"], c["volume"], c["cashback"]) for c in eur.by_category] == [
        ("web_hosting", D("92.00"), D("23.00"))
    ]
    assert eur.months[-1].volume == D("92.00") and eur.volume == D("92.00")
    assert overview.by_category == overview.sections[0].by_category  # the partner's currency
    assert [(c["category"], c["volume"]) for c in overview.by_category] == [("web_hosting", D("347.20"))]


def test_bl7_revenue_console_shows_chart_and_categories_per_currency(client, two_currencies):
    _partner, partner_user, _alpha, _atelier = two_currencies
    client.force_login(partner_user)

    page = client.get("/manager/billing/revenue/").content.decode()

    assert "Last 12 months (CHF)" in page and "Last 12 months (EUR)" in page
    assert "Per category (CHF)" in page and "Per category (EUR)" in page
    assert "EUR\xa023.00 / EUR\xa00.00" in page  # this month's EUR bar: cashback / discounts


def test_pp4_volume_bar_counts_the_partner_currency_and_names_the_rest(client, two_currencies):
    partner, partner_user, _alpha, _atelier = two_currencies
    client.force_login(partner_user)

    page = client.get("/manager/billing/revenue/").content.decode()
    volume = selectors.revenue_overview(partner=partner).volume

    assert (volume["currency"], volume["volume"]) == ("CHF", D("347.20"))
    assert volume == selectors.rolling_volume(partner=partner)
    assert "Also EUR\xa092.00 invoiced in another currency, not counted toward the CHF minimum." in page


def test_bl7_revenue_csv_gives_every_row_its_own_currency(client, two_currencies):
    _partner, partner_user, _alpha, _atelier = two_currencies
    client.force_login(partner_user)

    response = client.get("/manager/billing/revenue/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert ["client", "Atelier SARL", "EUR", "23.00", "0.00", "92.00"] in rows
    assert ["category", "web_hosting", "EUR", "23.00", "0.00", "92.00"] in rows
    assert ["category", "web_hosting", "CHF", "86.80", "0.00", "347.20"] in rows


def test_ps16_client_figures_in_the_currency_the_client_was_invoiced_in(two_currencies):
    partner, _u, alpha, atelier = two_currencies

    page = selectors.client_figures_for(partner=partner, client_ids=[alpha.pk, atelier.pk])
    every = selectors.client_figures_for(partner=partner)

    for figures in (page, every):
        row = figures[atelier.pk]
        assert (row["currency"], row["cashback_earned"], row["total_paid"]) == ("EUR", D("23.00"), D("92.00"))
        assert figures[alpha.pk]["currency"] == "CHF"


def test_ps16_client_with_figures_in_two_currencies_shows_the_partner_s_and_keeps_the_other(catalog):
    partner, partner_user = partner_org()
    atelier, atelier_user = org_with_rep(name="Atelier SARL", country="FR")
    partnership = full(partner, atelier)  # client pays: EUR invoices
    order(own_access(atelier_user, atelier), atelier, slug="mail-pro", name="m1")
    partnership.payment_method = "partner_pays"
    partnership.save(update_fields=["payment_method"])
    order(own_access(partner_user, atelier), atelier, slug="mail-pro", name="m2")  # the CHF partner pays

    row = selectors.client_figures_for(partner=partner, client_ids=[atelier.pk])[atelier.pk]

    assert (row["currency"], row["discounts_received"]) == ("CHF", D("6.60"))  # 33.00 × 20% (email)
    assert row["other_currencies"]["EUR"]["volume"] == D("30.00")


@pytest.fixture
def two_currency_client(catalog):
    """A CHF partner's FR client invoiced in EUR (client pays), then in CHF (the partner pays)."""
    partner, partner_user = partner_org()
    atelier, atelier_user = org_with_rep(name="Atelier SARL", country="FR")
    partnership = full(partner, atelier)
    order(own_access(atelier_user, atelier), atelier, slug="mail-pro", name="m1")
    partnership.payment_method = "partner_pays"
    partnership.save(update_fields=["payment_method"])
    order(own_access(partner_user, atelier), atelier, slug="mail-pro", name="m2")
    return partner, partner_user, atelier


def test_ps16_clients_page_shows_a_client_s_figures_in_its_other_currency_too(client, two_currency_client):
    _partner, partner_user, _atelier = two_currency_client
    client.force_login(partner_user)

    response = client.get("/manager/partners/clients/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "CHF\xa06.60" in page  # discounts received on the partner's CHF invoice (33.00 × 20%)
    assert '<span class="muted">EUR\xa00.00</span>' in page  # the EUR invoice: client pays, unpaid


def test_ps16_clients_csv_has_a_row_per_currency_of_a_client(client, two_currency_client):
    _partner, partner_user, _atelier = two_currency_client
    client.force_login(partner_user)

    response = client.get("/manager/partners/clients/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    atelier = [r for r in rows if r[0] == "Atelier SARL"]
    assert response.status_code == 200
    assert [(r[7], r[8], r[9], r[10]) for r in atelier] == [
        ("0.00", "6.60", "0.00", "CHF"),
        ("0.00", "0.00", "0.00", "EUR"),
    ]


def test_ps16_clients_api_lists_a_client_s_other_currencies(client, two_currency_client):
    partner, partner_user, _atelier = two_currency_client
    client.force_login(partner_user)

    response = client.get(f"/api/v1/orgs/{partner.slug}/clients/")

    row = response.json()["results"][0]
    assert response.status_code == 200
    assert (row["currency"], row["discounts_received"]) == ("CHF", "6.60")
    assert row["other_currencies"] == [
        {"currency": "EUR", "revenue_earned": "0.00", "discounts_received": "0.00", "total_paid": "0.00"}
    ]


def test_pp4_partner_console_shows_the_volume_billing_computes(client, book):
    partner, partner_user, _a, _b = book
    client.force_login(partner_user)

    response = client.get("/manager/partners/")

    page = response.content.decode()
    assert response.status_code == 200
    volume = selectors.rolling_volume(partner=partner)
    assert 'id="volume-progress"' in page
    assert f'value="{volume["percent"]}"' in page
    assert "CHF\u00a0380.20 of the CHF\u00a02,000.00 minimum" in page


def _summary_rows(partner, rows) -> None:
    from billing.models import RevenueClient

    for name, currency, volume in rows:
        client_org, _ = org_with_rep(name=name)
        RevenueClient.objects.create(partner=partner, client=client_org, currency=currency, volume=D(volume))


def test_bl7_console_by_client_in_index_order_when_the_partners_currency_sorts_first(db):
    """A CHF partner's clients are read in the summary index's order (no sort of every client:
    the console's growth from 100 to 10,000 clients); its CHF rows come first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner, _user = partner_org(name="Swiss Agency AG")
    _summary_rows(partner, [("Euro Small", "EUR", "900"), ("Chf Small", "CHF", "10"), ("Chf Big", "CHF", "500")])

    with CaptureQueriesContext(connection) as ctx:
        page = selectors.revenue_clients_page(partner=partner)

    assert [(r["client"], r["currency"]) for r in page] == [
        ("Chf Big", "CHF"),
        ("Chf Small", "CHF"),
        ("Euro Small", "EUR"),
    ]
    rows_query = [q["sql"] for q in ctx.captured_queries if "client_name" in q["sql"]]
    assert len(rows_query) == 1 and "CASE" not in rows_query[0]


def test_bl7_console_by_client_puts_a_eur_partners_currency_first_too(db):
    partner, _user = partner_org(name="Agence SARL", country="FR")
    assert partner.currency == "EUR"
    _summary_rows(partner, [("Chf Big", "CHF", "900"), ("Euro Small", "EUR", "10"), ("Euro Big", "EUR", "500")])

    page = selectors.revenue_clients_page(partner=partner)

    assert [(r["client"], r["currency"]) for r in page] == [
        ("Euro Big", "EUR"),
        ("Euro Small", "EUR"),
        ("Chf Big", "CHF"),
    ]
