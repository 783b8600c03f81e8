from decimal import Decimal

import pytest
from django.db.models import Sum

from billing import services
from billing.models import BalanceEntry, CashbackEntry, ImmutableError, InvoiceLine, PayoutRequest
from billing.selectors import balances_of
from portal.errors import RuleViolation
from portal.models import OutboxEmail

from .factories import D, full, hosting, limited, order, org_with_rep, own_access, partner_org, renew

pytestmark = pytest.mark.django_db
CARD = "4242 4242 4242 4242"


def test_bl5_full_client_pays_client_own_order_gives_cashback(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer, payment_method="client_pays")
    o = order(own_access(user, customer), customer, slug="web-hosting-pro")
    entry = CashbackEntry.objects.get()
    assert o.invoices.get().org == customer
    assert (entry.partner, entry.client, entry.status) == (partner, customer, "pending")
    assert entry.amount == D("86.80")  # 347.20 × 25%


def test_bl5_full_client_pays_partner_order_gives_cashback(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="client_pays")
    o = order(own_access(partner_user, customer), customer, slug="mail-pro", name="m.ch")
    line = o.invoices.get().lines.get()
    assert line.partner_discount == 0 and line.net_amount == D("33.00")
    assert CashbackEntry.objects.get().amount == D("6.60")


def test_bl5_full_partner_pays_client_own_order_cashback_to_partner(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    o = order(own_access(user, customer), customer, slug="mail-pro", name="m.ch")
    invoice = o.invoices.get()
    assert invoice.org == partner and invoice.net == D("33.00")  # public price, no rebate
    assert CashbackEntry.objects.get().partner == partner


def test_bl5_partner_pays_partner_order_gets_discount_and_no_cashback(catalog):
    partner, partner_user = partner_org()
    customer, _ = org_with_rep()
    full(partner, customer, payment_method="partner_pays")
    o = order(own_access(partner_user, customer), customer, slug="mail-pro", name="m.ch")
    assert o.invoices.get().lines.get().net_amount == D("26.40")
    assert not CashbackEntry.objects.exists()


def test_bl5_limited_partner_earns_on_managed_product_renewal(catalog):
    limited_partner, _ = partner_org()
    full_partner, _ = partner_org()
    customer, user = org_with_rep()
    product = hosting(customer)
    limited(limited_partner, customer, [product])
    full(full_partner, customer)
    renew(own_access(user, customer), product)
    entry = CashbackEntry.objects.get()
    assert entry.partner == limited_partner  # the limited manager keeps it (PS-7 decision)
    assert entry.amount == D("24.75")  # 99.00 × 25%


def test_bl5_limited_partner_earns_nothing_on_other_products(catalog):
    limited_partner, _ = partner_org()
    customer, user = org_with_rep()
    managed, other = hosting(customer, "a.ch"), hosting(customer, "b.ch")
    limited(limited_partner, customer, [managed])
    renew(own_access(user, customer), other)
    assert not CashbackEntry.objects.exists()


def test_bl5_no_partner_no_cashback(catalog):
    customer, user = org_with_rep()
    order(own_access(user, customer), customer)
    assert not CashbackEntry.objects.exists()
    assert InvoiceLine.objects.get().managing_partner is None


def test_bl6_cashback_earned_on_payment_and_credited(catalog):
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    invoice = order(own_access(user, customer), customer).invoices.get()
    services.invoice_pay(access=own_access(user, customer), invoice=invoice, card_number=CARD)
    entry = CashbackEntry.objects.get()
    assert entry.status == "earned" and entry.earned_at is not None
    assert balances_of(org=partner) == {"CHF": D("86.80")}
    assert BalanceEntry.objects.get(cashback=entry).amount == D("86.80")
    assert OutboxEmail.objects.filter(key=f"cashback-earned:{invoice.pk}:{partner.pk}:{partner_user.pk}").exists()


def test_bl6_cashback_stays_pending_while_unpaid(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    order(own_access(user, customer), customer)
    assert CashbackEntry.objects.get().status == "pending"
    assert balances_of(org=partner) == {}


def test_bl6_credit_of_paid_invoice_reverses_earned_cashback(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    invoice = order(own_access(user, customer), customer).invoices.get()
    services.invoice_pay(access=own_access(user, customer), invoice=invoice, card_number=CARD)
    services.invoice_credit(invoice=invoice, reason="refund")
    assert CashbackEntry.objects.count() == 2
    assert CashbackEntry.objects.aggregate(t=Sum("amount"))["t"] == 0
    assert balances_of(org=partner) == {"CHF": D("0.00")}
    invoice.refresh_from_db()
    assert balances_of(org=customer) == {"CHF": invoice.gross}  # refunded to the payer's balance


def test_bl6_cashback_amount_is_append_only(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    order(own_access(user, customer), customer)
    entry = CashbackEntry.objects.get()
    entry.amount = D("999.00")
    with pytest.raises(ImmutableError):
        entry.save()
    entry.refresh_from_db()
    entry.status = "reversed"
    with pytest.raises(ImmutableError):
        entry.save()


def test_bl6_ledger_reconciles_with_invoice_lines(catalog):
    partner, partner_user = partner_org()
    a, a_user = org_with_rep()
    b, b_user = org_with_rep()
    full(partner, a)
    full(partner, b, payment_method="partner_pays")
    for i in range(3):
        order(own_access(a_user, a), a, name=f"a{i}.ch")
        order(own_access(b_user, b), b, slug="mail-pro", name=f"b{i}.ch")
        order(own_access(partner_user, b), b, slug="domain-com", name=f"c{i}.com")  # rebate, no cashback
    for inv in partner.invoices.all()[:2]:
        services.invoice_pay(access=own_access(partner_user, partner), invoice=inv, card_number=CARD)
    for inv in a.invoices.all()[:2]:
        services.invoice_pay(access=own_access(a_user, a), invoice=inv, card_number=CARD)
    lines = InvoiceLine.objects.filter(cashback_entries__isnull=False)
    expected = sum((services.money(li.public_amount * li.partner_rate) for li in lines), Decimal("0"))
    assert CashbackEntry.objects.aggregate(t=Sum("amount"))["t"] == expected
    earned = CashbackEntry.objects.filter(status="earned").aggregate(t=Sum("amount"))["t"]
    assert balances_of(org=partner)["CHF"] == earned
    assert not CashbackEntry.objects.filter(invoice_line__partner_discount__gt=0).exists()


def test_bl6_balance_pays_an_invoice(catalog):
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    for i in range(3):
        inv = order(own_access(user, customer), customer, slug="web-hosting-pro", name=f"s{i}.ch").invoices.get()
        services.invoice_pay(access=own_access(user, customer), invoice=inv, card_number=CARD)
    own = order(own_access(partner_user, partner), partner, slug="domain-ch", name="p.ch").invoices.get()
    payment = services.invoice_pay(access=own_access(partner_user, partner), invoice=own, method="balance")
    assert payment.method == "balance" and payment.status == "succeeded"
    assert balances_of(org=partner)["CHF"] == D("260.40") - own.gross


def test_bl6_balance_too_low_refused(catalog):
    org, user = org_with_rep()
    inv = order(own_access(user, org), org).invoices.get()
    with pytest.raises(RuleViolation) as exc:
        services.invoice_pay(access=own_access(user, org), invoice=inv, method="balance")
    assert exc.value.code == "insufficient_balance"
    inv.refresh_from_db()
    assert inv.status == "unpaid"


def _funded_partner(amount="100.00"):
    partner, user = partner_org()
    account = services.prepaid_account_for(org=partner, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D(amount))
    return partner, user


def test_bl6_payout_reserves_balance_and_rejection_returns_it(catalog):
    partner, user = _funded_partner()
    payout = services.payout_request_create(
        access=own_access(user, partner),
        amount=D("60"),
        currency="CHF",
        method="bank",
        iban="CH93 0076 2011 6238 5295 7",
    )
    assert balances_of(org=partner)["CHF"] == D("40.00")
    services.payout_settle(payout=payout, by=None, paid=False)
    assert balances_of(org=partner)["CHF"] == D("100.00")
    assert PayoutRequest.objects.get().status == "rejected"


def test_bl6_payout_above_balance_refused(catalog):
    partner, user = _funded_partner("10.00")
    with pytest.raises(RuleViolation) as exc:
        services.payout_request_create(
            access=own_access(user, partner), amount=D("60"), currency="CHF", method="paypal", paypal_email="a@b.ch"
        )
    assert exc.value.code == "insufficient_balance"
    assert not PayoutRequest.objects.exists()


def test_bl6_payout_invalid_iban_refused(catalog):
    partner, user = _funded_partner()
    with pytest.raises(RuleViolation) as exc:
        services.payout_request_create(
            access=own_access(user, partner), amount=D("5"), currency="CHF", method="bank", iban="CH00 1234"
        )
    assert exc.value.code == "invalid_iban"


def test_bl6_cashback_api_for_partner(client, catalog):
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    order(own_access(user, customer), customer)
    client.force_login(partner_user)
    body = client.get(f"/api/v1/orgs/{partner.slug}/cashback/").json()
    assert body["totals"]["CHF"]["pending"] == "86.80"
    assert body["results"][0]["client"] == customer.slug


def test_bl6_cashback_api_refused_to_non_partner(client, catalog):
    org, user = org_with_rep()
    client.force_login(user)
    response = client.get(f"/api/v1/orgs/{org.slug}/cashback/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_partner"


def test_bl6_cashback_page_payout_form(client, catalog):
    partner, user = _funded_partner()
    client.force_login(user)
    assert client.get("/manager/billing/cashback/").status_code == 200
    response = client.post(
        "/manager/billing/cashback/", {"amount": "20", "currency": "CHF", "method": "paypal", "paypal_email": "p@x.ch"}
    )
    assert response.status_code == 302
    assert PayoutRequest.objects.get().amount == D("20.00")


def test_bl6_ledger_shows_the_rate_as_a_percentage_in_the_reader_language(client, catalog):
    partner, partner_user = partner_org()
    partner_user.language = "es"
    partner_user.save()
    customer, user = org_with_rep()
    full(partner, customer, payment_method="client_pays")
    order(own_access(user, customer), customer, slug="web-hosting-pro")
    client.force_login(partner_user)

    response = client.get("/manager/billing/cashback/")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<td class="num">25\xa0%</td>' in page and "0,2500" not in page
    assert CashbackEntry.objects.get().rate == D("0.25")
