"""BL-6/BL-8 reconciliation: clean data reconciles; each corrupted row is named by its check.

Rows are corrupted with `QuerySet.update()`/`delete()` (which bypass the models'
immutability), and where a database constraint forbids the corruption, with the
constraint lifted inside the test's transaction (rolled back afterwards).
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import reconcile, services
from billing.models import (
    BalanceEntry,
    CashbackEntry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
    PayoutRequest,
    PrepaidAccount,
)
from billing.reconcile import Discrepancy, billing_reconcile
from billing.selectors import balances_of, cashback_totals

from .factories import D, full, limited, order, org_with_rep, own_access, partner_org, renew

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["batch-2000", "batch-1"])
def batch_size(request, monkeypatch):
    """Every check runs twice: with the default batch, and with one family (an invoice and its
    credit notes) per batch, so that nothing depends on two families being loaded together."""
    if request.param == "batch-1":
        monkeypatch.setattr(reconcile, "BATCH", 1)
    return reconcile.BATCH


CARD = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


@pytest.fixture
def ledger(catalog):
    """Every kind of ledger row: client-pays and partner-pays invoices (paid by card and
    by balance, unpaid, a declined card), a limited partner's cashback, credit notes of a
    paid and an unpaid invoice, a payout paid, one rejected and one waiting."""
    partner, partner_user = partner_org()
    other_partner, _ = partner_org()
    a, a_user = org_with_rep()  # full, client pays
    b, b_user = org_with_rep()  # full, partner pays
    c, c_user = org_with_rep()  # limited (one hosting managed by other_partner)
    full(partner, a)
    full(partner, b, payment_method="partner_pays")
    as_a, as_b, as_c = own_access(a_user, a), own_access(b_user, b), own_access(c_user, c)
    as_partner, as_partner_for_b = own_access(partner_user, partner), own_access(partner_user, b)

    paid_a = order(as_a, a, name="a1.ch").invoices.get()
    services.invoice_pay(access=as_a, invoice=paid_a, card_number=CARD)
    unpaid_a = order(own_access(partner_user, a), a, slug="domain-ch", name="a2.ch").invoices.get()
    paid_b = order(as_b, b, slug="mail-pro", name="b1.ch").invoices.get()  # to the partner, with cashback
    services.invoice_pay(access=as_partner, invoice=paid_b, card_number=CARD)
    discounted = order(as_partner_for_b, b, name="b2.ch").invoices.get()  # rebate, no cashback
    with pytest.raises(services.RuleViolation):
        services.invoice_pay(access=as_partner, invoice=discounted, card_number=DECLINED)
    refunded = order(as_a, a, slug="kdrive-1tb", name="a3").invoices.get()
    services.invoice_pay(access=as_a, invoice=refunded, card_number=CARD)
    services.invoice_credit(invoice=refunded, reason="refund")  # paid: refund to a's balance
    cancelled = order(as_b, b, slug="domain-com", name="b3.com").invoices.get()
    services.invoice_credit(invoice=cancelled, reason="cancelled")  # unpaid: cancelled
    by_balance = order(as_a, a, slug="domain-ch", name="a4.ch").invoices.get()
    services.invoice_pay(access=as_a, invoice=by_balance, method="balance")

    hosting = order(as_c, c, slug="web-hosting-basic", name="c1.ch").lines.get().product  # no partner yet
    limited(other_partner, c, [hosting])
    limited_invoice = renew(as_c, hosting).invoices.get()
    services.invoice_pay(access=as_c, invoice=limited_invoice, card_number=CARD)

    def payout(amount):
        return services.payout_request_create(
            access=as_partner, amount=D(amount), currency="CHF", method="paypal", paypal_email="p@example.ch"
        )

    services.payout_settle(payout=payout("10"), by=None, paid=True)
    services.payout_settle(payout=payout("5"), by=None, paid=False)
    waiting = payout("1")
    return SimpleNamespace(
        partner=partner,
        other_partner=other_partner,
        a=a,
        b=b,
        c=c,
        paid_a=paid_a,
        unpaid_a=unpaid_a,
        paid_b=paid_b,
        discounted=discounted,
        refunded=refunded,
        cancelled=cancelled,
        by_balance=by_balance,
        limited_invoice=limited_invoice,
        waiting=waiting,
    )


def codes(found: list[Discrepancy]) -> set[str]:
    return {d.code for d in found}


def reported(code: str, *, alone: bool = False, **ids) -> list[Discrepancy]:
    """`code` is reported (`alone`: and nothing else), naming the given objects; the command exits 1 with it."""
    everything = billing_reconcile()
    found = [d for d in everything if d.code == code]
    assert found, f"{code} not reported; got {everything}"
    if alone:
        # Tampering with a line or a cashback entry also leaves the console's summary behind
        # the ledger, and tampering with a balance entry its account's stored balance: those
        # drifts are reported too (and tested on their own below).
        others = codes(everything) - {code}
        assert others <= {"revenue_summary_drift", "balance_stored_drift"} - {code}, everything
    for key, value in ids.items():
        assert any(d.ids.get(key) == value for d in found), found
    exit_code, out = run_command()
    assert exit_code == 1 and f"[{code}]" in out
    return found


@contextmanager
def constraint_lifted(table: str, name: str):
    """Let a corrupted row past a CHECK constraint, for this test's transaction only."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:  # the deferred foreign-key checks first: ALTER TABLE refuses pending trigger events
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")


def drop_index(name: str) -> None:
    """A partial unique constraint is an index on both databases; DDL is rolled back with the test."""
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{name}"')


def run_command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("billing_reconcile", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


# --- clean data ------------------------------------------------------------------------------


def test_bl6_clean_ledger_reconciles(ledger):
    assert billing_reconcile() == []
    assert CashbackEntry.objects.filter(reverses__isnull=False).count() == 2  # both credit notes reversed
    assert set(PayoutRequest.objects.values_list("status", flat=True)) == {"paid", "rejected", "requested"}
    assert Payment.objects.filter(status="failed").count() == 1


def test_bl6_command_ok_exits_0(ledger):
    code, out = run_command()
    expected = CashbackEntry.objects.count() + BalanceEntry.objects.count()
    assert code == 0
    assert out.strip() == f"OK: {Invoice.objects.count()} invoices, {expected} ledger entries reconciled"


def test_bl6_command_on_empty_database_exits_0(db):
    assert run_command() == (0, "OK: 0 invoices, 0 ledger entries reconciled\n")


def test_bl6_command_org_scope_ignores_other_orgs(ledger):
    CashbackEntry.objects.filter(partner=ledger.other_partner).update(amount=D("1.00"))
    code, out = run_command("--org", ledger.a.slug)
    assert code == 0 and out.startswith("OK: ")
    code, out = run_command("--org", ledger.other_partner.slug)
    assert code == 1 and "[cashback_amount_mismatch]" in out


def test_bl6_command_unknown_org_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("billing_reconcile", "--org", "nobody", stdout=io.StringIO())


def test_bl6_command_prints_each_discrepancy_and_exits_1(ledger):
    InvoiceCounter.objects.update(last_number=999)
    CashbackEntry.objects.filter(invoice_line__invoice=ledger.paid_a).update(amount=D("1.00"))
    code, out = run_command()
    assert code == 1
    assert "[invoice_counter_mismatch]" in out and "[cashback_amount_mismatch]" in out


# --- one test per check -------------------------------------------------------------------------


def test_bl8_line_amounts_mismatch(ledger):
    line = ledger.unpaid_a.lines.get()
    InvoiceLine.objects.filter(pk=line.pk).update(unit_price=D("1.00"))
    reported("line_amounts_mismatch", line=line.pk)


def test_bl8_invoice_net_mismatch(ledger):
    line = ledger.unpaid_a.lines.get()
    InvoiceLine.objects.filter(pk=line.pk).update(
        unit_price=D("10.90"), public_amount=D("10.90"), net_amount=D("10.90")
    )
    found = reported("invoice_net_mismatch", invoice=ledger.unpaid_a.pk)
    assert "line_amounts_mismatch" not in codes(billing_reconcile())
    assert "9.90" in found[0].message and "10.90" in found[0].message


def test_bl8_invoice_vat_mismatch(ledger):
    inv = ledger.unpaid_a
    Invoice.objects.filter(pk=inv.pk).update(vat_amount=inv.vat_amount + D("0.01"), gross=inv.gross + D("0.01"))
    reported("invoice_vat_mismatch", alone=True)


def test_bl8_invoice_gross_mismatch(ledger):
    inv = ledger.unpaid_a
    with constraint_lifted("billing_invoice", "invoice_gross_is_net_plus_vat"):
        Invoice.objects.filter(pk=inv.pk).update(gross=inv.gross + D("1.00"))
        reported("invoice_gross_mismatch", alone=True)


def test_bl8_invoice_without_lines(ledger):
    InvoiceLine.objects.filter(invoice=ledger.discounted).delete()
    reported("invoice_without_lines", invoice=ledger.discounted.pk)


def test_bl9_paid_invoice_payment_mismatch(ledger):
    Payment.objects.filter(invoice=ledger.paid_a, status="succeeded").update(amount=D("1.00"))
    reported("invoice_payment_mismatch", invoice=ledger.paid_a.pk)


def test_bl9_unpaid_invoice_with_successful_payment(ledger):
    Payment.objects.filter(invoice=ledger.discounted).update(status="succeeded")
    reported("invoice_payment_mismatch", invoice=ledger.discounted.pk)


def test_bl8_credit_note_mismatch(ledger):
    note = ledger.refunded.credit_notes.get()
    Invoice.objects.filter(pk=note.pk).update(currency="EUR")
    reported("credit_note_mismatch", invoice=note.pk)


def test_bl8_credited_unpaid_invoice_not_cancelled(ledger):
    Invoice.objects.filter(pk=ledger.cancelled.pk).update(status="unpaid")
    reported("credit_note_mismatch", original=ledger.cancelled.pk)


def test_bl8_credit_note_refund_mismatch(ledger):
    note = ledger.refunded.credit_notes.get()
    BalanceEntry.objects.filter(invoice=note, kind="credit_note").delete()
    reported("credit_note_refund_mismatch", invoice=note.pk)


def test_bl8_cancelled_invoice_without_credit_note(ledger):
    Invoice.objects.filter(pk=ledger.unpaid_a.pk).update(status="cancelled")
    reported("credit_note_missing", alone=True)


def test_bl8_credit_note_duplicate(ledger):
    note = ledger.cancelled.credit_notes.get()
    Invoice.objects.filter(pk=note.pk).update(credit_of=ledger.refunded)
    reported("credit_note_duplicate", invoice=ledger.refunded.pk)


def test_bl5_cashback_missing(ledger):
    line = ledger.unpaid_a.lines.get()
    CashbackEntry.objects.filter(invoice_line=line).delete()
    reported("cashback_missing", alone=True, line=line.pk)


def test_bl5_cashback_duplicate(ledger):
    drop_index("cashback_one_per_invoice_line")
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.unpaid_a)
    CashbackEntry.objects.create(
        partner=entry.partner,
        invoice_line=entry.invoice_line,
        client=entry.client,
        category=entry.category,
        rate=entry.rate,
        amount=entry.amount,
        currency=entry.currency,
    )
    reported("cashback_duplicate", line=entry.invoice_line_id)


def test_bl5_no_cashback_when_partner_paid_at_its_discount(ledger):
    line = ledger.discounted.lines.get()
    assert line.partner_discount > 0
    CashbackEntry.objects.create(
        partner=ledger.partner,
        invoice_line=line,
        client=ledger.b,
        category=line.category,
        rate=line.partner_rate,
        amount=services.money(line.public_amount * line.partner_rate),
        currency="CHF",
    )
    found = reported("cashback_not_due", line=line.pk)
    assert "discount" in found[0].message


def test_bl5_cashback_amount_mismatch(ledger):
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.unpaid_a)
    CashbackEntry.objects.filter(pk=entry.pk).update(amount=entry.amount + D("0.01"))
    reported("cashback_amount_mismatch", alone=True)


def test_bl5_cashback_to_the_wrong_partner(ledger):
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.unpaid_a)
    CashbackEntry.objects.filter(pk=entry.pk).update(partner=ledger.other_partner)
    reported("cashback_amount_mismatch", cashback=entry.pk)


def test_bl6_earned_cashback_on_unpaid_invoice(ledger):
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.unpaid_a)
    CashbackEntry.objects.filter(pk=entry.pk).update(status="earned", earned_at=timezone.now())
    reported("cashback_status_mismatch", cashback=entry.pk)


def test_bl6_pending_cashback_on_paid_invoice(ledger):
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.paid_b)
    BalanceEntry.objects.filter(cashback=entry).delete()
    CashbackEntry.objects.filter(pk=entry.pk).update(status="pending", earned_at=None)
    reported("cashback_status_mismatch", alone=True)


def test_bl6_cashback_credit_mismatch(ledger):
    entry = CashbackEntry.objects.get(invoice_line__invoice=ledger.paid_a)
    BalanceEntry.objects.filter(cashback=entry).update(amount=D("0.01"))
    reported("cashback_credit_mismatch", cashback=entry.pk)
    reported("balance_mismatch", org=ledger.partner.pk)


def test_bl6_cashback_reversal_missing(ledger):
    reversal = CashbackEntry.objects.get(invoice_line__invoice__credit_of=ledger.cancelled)
    CashbackEntry.objects.filter(pk=reversal.pk).delete()
    reported("cashback_reversal_missing", alone=True)


def test_bl6_reversal_pair_does_not_sum_to_zero(ledger):
    reversal = CashbackEntry.objects.get(invoice_line__invoice__credit_of=ledger.cancelled)
    CashbackEntry.objects.filter(pk=reversal.pk).update(amount=reversal.amount + D("0.01"))
    reported("cashback_reversal_mismatch", reversal=reversal.pk)


def test_bl6_balance_negative(ledger):
    account = services.prepaid_account_for(org=ledger.b, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D("-5.00"))
    reported("balance_negative", alone=True)


def test_bl6_balance_mismatch_with_documents(ledger):
    BalanceEntry.objects.filter(invoice=ledger.by_balance, kind="invoice_payment").update(amount=D("-1.00"))
    reported("balance_mismatch", alone=True, org=ledger.a.pk)


def test_bl6_rejected_payout_not_returned(ledger):
    rejected = PayoutRequest.objects.get(status="rejected")
    BalanceEntry.objects.filter(payout=rejected, kind="payout_returned").delete()
    reported("balance_mismatch", org=ledger.partner.pk)


def test_bl6_payout_without_its_debit(ledger):
    BalanceEntry.objects.filter(payout=ledger.waiting).delete()
    reported("balance_mismatch", alone=True)


def test_bl8_invoice_number_gap(ledger):
    year = timezone.now().year
    last = Invoice.objects.order_by("-number").first()
    Invoice.objects.filter(pk=last.pk).update(number=f"{year}-{int(last.number[-6:]) + 1:06d}")
    InvoiceCounter.objects.filter(year=year).update(last_number=int(last.number[-6:]) + 1)
    reported("invoice_number_gap", alone=True)


def test_bl8_invoice_number_duplicate(ledger):
    year = timezone.now().year
    last = Invoice.objects.order_by("-number").first()
    n = int(last.number[-6:])
    Invoice.objects.filter(pk=last.pk).update(number=f"{year}-{n - 1:07d}")  # the same number, written longer
    InvoiceCounter.objects.filter(year=year).update(last_number=n - 1)
    reported("invoice_number_duplicate", alone=True)


def test_bl8_invoice_counter_mismatch(ledger):
    InvoiceCounter.objects.update(last_number=1)
    reported("invoice_counter_mismatch", alone=True)


def test_bl8_invoice_number_not_in_year_of_issue(ledger):
    inv = ledger.unpaid_a
    Invoice.objects.filter(pk=inv.pk).update(issued_at=inv.issued_at - timedelta(days=400))
    reported("invoice_number_year", alone=True)


def test_bl8_invoice_number_format(ledger):
    Invoice.objects.filter(pk=ledger.unpaid_a.pk).update(number="INV-7")
    reported("invoice_number_format", invoice=ledger.unpaid_a.pk)


def test_bl7_revenue_summary_drift_reported(ledger):
    from billing.models import RevenueMonth

    row = RevenueMonth.objects.filter(partner=ledger.partner).order_by("id").first()
    RevenueMonth.objects.filter(pk=row.pk).update(volume=row.volume + D("100.00"))

    found = reported("revenue_summary_drift", alone=True)

    assert "month" in found[0].message


def test_bl7_revenue_summary_rebuilt_reconciles_again(ledger):
    from billing.models import RevenueClient
    from billing.summary import revenue_summary_rebuild

    RevenueClient.objects.filter(partner=ledger.partner).delete()
    assert {d.code for d in billing_reconcile()} == {"revenue_summary_drift"}

    revenue_summary_rebuild(partner=ledger.partner)

    assert billing_reconcile() == []


def test_bl6_stored_balance_drift_reported(ledger):
    account = services.prepaid_account_for(org=ledger.partner, currency="CHF")
    total = sum(BalanceEntry.objects.filter(account=account).values_list("amount", flat=True))
    PrepaidAccount.objects.filter(pk=account.pk).update(balance=total + D("7.00"))

    found = reported("balance_stored_drift", alone=True, account=account.pk)

    assert f"shows {total + D('7.00')} CHF, its entries sum to {total}" in found[0].message


def test_bl6_stored_balance_rebuilt_reconciles_again(ledger):
    account = services.prepaid_account_for(org=ledger.partner, currency="CHF")
    PrepaidAccount.objects.filter(pk=account.pk).update(balance=D("0.00"))
    assert {d.code for d in billing_reconcile()} == {"balance_stored_drift"}

    changed = services.prepaid_balances_rebuild(org=ledger.partner)

    assert changed == 1
    assert billing_reconcile() == []


def test_bl6_stored_balances_equal_their_entries(ledger):
    accounts = PrepaidAccount.objects.filter(entries__isnull=False).distinct()
    kinds = set(BalanceEntry.objects.values_list("kind", flat=True))

    assert accounts.count() >= 2
    assert {"cashback", "invoice_payment", "credit_note", "payout", "payout_returned"} <= kinds
    for account in accounts:
        assert account.balance == sum(account.entries.values_list("amount", flat=True)), account


def test_bl6_balances_read_from_the_accounts_not_summed_from_entries(ledger):
    with CaptureQueriesContext(connection) as ctx:
        balances = balances_of(org=ledger.partner)

    account = PrepaidAccount.objects.get(org=ledger.partner, currency="CHF")
    assert balances == {"CHF": sum(account.entries.values_list("amount", flat=True))}
    assert len(ctx) == 1 and "SUM(" not in ctx[0]["sql"].upper()


def test_bl6_cashback_totals_equal_the_ledger_by_status(ledger):
    sums: dict = {}
    for currency, status, amount in CashbackEntry.objects.filter(partner=ledger.partner).values_list(
        "currency", "status", "amount"
    ):  # summed in Python on the stored Decimals (SQLite would sum floats)
        sums.setdefault(currency, {"pending": D("0.00"), "earned": D("0.00"), "reversed": D("0.00")})
        sums[currency][status] += amount
    expected = {cur: {k: str(v) for k, v in by_status.items()} for cur, by_status in sums.items()}

    with CaptureQueriesContext(connection) as ctx:
        totals = cashback_totals(partner=ledger.partner)

    assert all(value != "0.00" for value in expected["CHF"].values())  # the fixture has all three
    assert totals == expected
    assert len(ctx) == 1 and "billing_cashbackentry" not in ctx[0]["sql"]


def test_bl6_cashback_totals_empty_for_an_org_without_cashback(ledger):
    assert cashback_totals(partner=ledger.a) == {}


def test_bl6_reconciliation_holds_one_batch_of_invoices_at_a_time(ledger, monkeypatch):
    monkeypatch.setattr(reconcile, "BATCH", 1)
    sizes = []
    load_batch = reconcile._Run.load_batch

    def recording(self, invoices):
        load_batch(self, invoices)
        sizes.append(len(self.invoices))

    monkeypatch.setattr(reconcile._Run, "load_batch", recording)

    result = reconcile.reconcile_run()

    assert result.ok, result.discrepancies
    assert max(sizes) == 2  # an invoice with its credit note, never more
    assert sum(sizes) == result.invoices == Invoice.objects.count()


def test_bl6_org_scope_counts_the_same_invoices_in_batches(ledger, monkeypatch):
    whole = reconcile.reconcile_run(org=ledger.a)
    monkeypatch.setattr(reconcile, "BATCH", 1)
    batched = reconcile.reconcile_run(org=ledger.a)

    assert whole.ok and batched.ok
    assert (batched.invoices, batched.ledger_entries) == (whole.invoices, whole.ledger_entries)
    assert whole.invoices == Invoice.objects.filter(Q(org=ledger.a) | Q(lines__client=ledger.a)).distinct().count()
