"""BL-6/BL-8 reconciliation: do the ledger and the balances say what the invoices say?

`billing_reconcile(*, org=None)` re-derives every figure from the documents it
comes from and returns one `Discrepancy` per row that disagrees (an empty list
when everything reconciles). It only reads. The checks:

- invoices: each line's amounts = unit price × (1 − tier) × quantity × (1 − partner
  discount), rounded once; the invoice's net = Σ its lines' net, VAT = net × rate
  rounded once, gross = net + VAT; a paid invoice has exactly one successful payment
  of its gross, an unpaid or cancelled one none;
- credit notes mirror the invoice they cancel (org, currency, amounts, lines); an
  unpaid credited invoice is cancelled, a paid one is refunded to its payer's
  prepaid balance; a cancelled invoice has a credit note;
- cashback (BL-5): one positive entry per invoice line that earns (a managing
  partner with a rate and no checkout discount), none on other lines, of the
  line's public amount × rate; earned ⇔ the invoice is paid; each earned entry
  credited to the partner's balance once; a credited line's entry is reversed
  by exactly one entry of the opposite amount (the pair sums to zero);
- prepaid accounts: never overdrawn by a payment or a payout (only a clawback of
  cashback already spent may take a balance below zero), and Σ entries = earned cashback −
  reversed earned cashback − invoices paid from the balance + refunds by credit
  note − payouts + returned (rejected) payouts + staff adjustments;
- the revenue console's summary tables (`billing/summary.py`) equal the aggregate of
  the invoice lines and cashback entries they summarize;
- numbering (whole database only): per year the numbers are 1..N without gap or
  duplicate, in the year of issue, and the year's `InvoiceCounter` is N.

Sums are made in Python on the stored `Decimal`s (SQLite would sum floats).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal

from django.db.models import Q

from clients.models import Organization

from .models import (
    BalanceEntry,
    CashbackEntry,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
    PaymentMethod,
    PayoutRequest,
    PrepaidAccount,
)
from .services import line_amounts, money

ZERO = Decimal("0.00")
NUMBER = re.compile(r"^(\d{4})-(\d{6,})$")


@dataclass
class Discrepancy:
    code: str
    message: str
    ids: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        refs = ", ".join(f"{k}={v}" for k, v in self.ids.items())
        return f"[{self.code}] {self.message}" + (f" ({refs})" if refs else "")


@dataclass
class Reconciliation:
    discrepancies: list[Discrepancy]
    invoices: int
    ledger_entries: int

    @property
    def ok(self) -> bool:
        return not self.discrepancies


def billing_reconcile(*, org: Organization | None = None) -> list[Discrepancy]:
    """Every disagreement between invoices, cashback ledger and prepaid balances ([] = reconciled).

    With `org`: its invoices, the invoices with lines for it (as client or managing
    partner), its cashback and its prepaid accounts; numbering is checked only for
    the whole database (it is global per year)."""
    return reconcile_run(org=org).discrepancies


def reconcile_run(*, org: Organization | None = None) -> Reconciliation:
    return _Run(org=org).run()


class _Run:
    def __init__(self, *, org: Organization | None):
        self.org = org
        self.found: list[Discrepancy] = []

    def add(self, code: str, message: str, **ids: int) -> None:
        self.found.append(Discrepancy(code=code, message=message, ids=ids))

    # --- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        org = self.org
        invoices = Invoice.objects.all()
        if org is not None:
            invoice_ids = set(
                InvoiceLine.objects.filter(Q(client=org) | Q(managing_partner=org)).values_list("invoice_id", flat=True)
            )
            invoices = invoices.filter(Q(org=org) | Q(pk__in=invoice_ids))
            # A credit note and the invoice it cancels are always checked together.
            ids = set(invoices.values_list("pk", flat=True))
            ids |= set(Invoice.objects.filter(credit_of_id__in=ids).values_list("pk", flat=True))
            ids |= {i for i in Invoice.objects.filter(pk__in=ids).values_list("credit_of_id", flat=True) if i}
            invoices = Invoice.objects.filter(pk__in=ids)
        self.invoices = {
            row["id"]: row
            for row in invoices.values(
                "id",
                "org_id",
                "number",
                "kind",
                "credit_of_id",
                "issued_at",
                "currency",
                "net",
                "vat_rate",
                "vat_amount",
                "gross",
                "status",
                "paid_at",
            )
        }
        self.lines = {
            row["id"]: row
            for row in InvoiceLine.objects.filter(invoice_id__in=self.invoices).values(
                "id",
                "invoice_id",
                "product_id",
                "product_type_id",
                "quantity",
                "unit_price",
                "tier_discount",
                "partner_discount",
                "public_amount",
                "net_amount",
                "client_id",
                "managing_partner_id",
                "partner_rate",
                "category",
            )
        }
        self.lines_of: dict[int, list[dict]] = defaultdict(list)
        for line in self.lines.values():
            self.lines_of[line["invoice_id"]].append(line)
        for rows in self.lines_of.values():
            rows.sort(key=lambda r: r["id"])
        cashback = CashbackEntry.objects.filter(invoice_line_id__in=self.lines)
        if org is not None:
            cashback = CashbackEntry.objects.filter(Q(invoice_line_id__in=self.lines) | Q(partner=org))
        self.cashback = {
            row["id"]: row
            for row in cashback.values(
                "id",
                "partner_id",
                "invoice_line_id",
                "invoice_line__invoice_id",
                "client_id",
                "category",
                "rate",
                "amount",
                "currency",
                "status",
                "reverses_id",
                "earned_at",
            )
        }
        self.payments = list(
            Payment.objects.filter(invoice_id__in=self.invoices, status=Payment.Status.SUCCEEDED).values(
                "id", "invoice_id", "amount", "currency", "method"
            )
        )
        accounts = PrepaidAccount.objects.all()
        payouts = PayoutRequest.objects.all()
        if org is not None:
            accounts = accounts.filter(org=org)
            payouts = payouts.filter(org=org)
        self.accounts = {row["id"]: row for row in accounts.values("id", "org_id", "currency")}
        self.balance_entries = list(
            BalanceEntry.objects.filter(account_id__in=self.accounts).values(
                "id", "account_id", "kind", "amount", "cashback_id", "invoice_id", "payout_id"
            )
        )
        self.payouts = {row["id"]: row for row in payouts.values("id", "org_id", "currency", "amount", "status")}

    # --- checks ----------------------------------------------------------------------------

    def run(self) -> Reconciliation:
        self.load()
        self.check_lines()
        self.check_invoices()
        self.check_credit_notes()
        self.check_cashback()
        self.check_balances()
        self.check_revenue_summary()
        if self.org is None:
            self.check_numbering()
        return Reconciliation(
            discrepancies=self.found,
            invoices=len(self.invoices),
            ledger_entries=len(self.cashback) + len(self.balance_entries),
        )

    def check_revenue_summary(self) -> None:
        """The console's summary tables (billing/summary.py) = the aggregate of the ledger."""
        from .summary import revenue_summary_drift

        for row in revenue_summary_drift(partner=self.org):
            key = ", ".join(f"{k}={v}" for k, v in row["key"].items())
            self.add(
                "revenue_summary_drift",
                f"revenue summary ({row['table']}) {key}: stored {row['found']}, the ledger gives {row['expected']}",
            )

    def check_lines(self) -> None:
        for line in self.lines.values():
            public, net = line_amounts(
                unit_price=line["unit_price"],
                tier_discount=line["tier_discount"],
                partner_discount=line["partner_discount"],
                quantity=line["quantity"],
            )
            if (line["public_amount"], line["net_amount"]) != (public, net):
                self.add(
                    "line_amounts_mismatch",
                    f"line {line['id']}: public/net {line['public_amount']}/{line['net_amount']}, "
                    f"the price, tier and discount give {public}/{net}",
                    invoice=line["invoice_id"],
                    line=line["id"],
                )

    def check_invoices(self) -> None:
        paid_by: dict[int, list[dict]] = defaultdict(list)
        for payment in self.payments:
            paid_by[payment["invoice_id"]].append(payment)
        for inv in self.invoices.values():
            lines_net = sum((li["net_amount"] for li in self.lines_of[inv["id"]]), ZERO)
            if not self.lines_of[inv["id"]]:
                self.add("invoice_without_lines", f"{inv['number']} has no lines", invoice=inv["id"])
            if inv["net"] != lines_net:
                self.add(
                    "invoice_net_mismatch",
                    f"{inv['number']}: net {inv['net']} ≠ Σ lines {lines_net}",
                    invoice=inv["id"],
                )
            if inv["vat_amount"] != money(inv["net"] * inv["vat_rate"]):
                self.add(
                    "invoice_vat_mismatch",
                    f"{inv['number']}: VAT {inv['vat_amount']} ≠ {inv['net']} × {inv['vat_rate']}",
                    invoice=inv["id"],
                )
            if inv["gross"] != inv["net"] + inv["vat_amount"]:
                self.add(
                    "invoice_gross_mismatch",
                    f"{inv['number']}: gross {inv['gross']} ≠ net {inv['net']} + VAT {inv['vat_amount']}",
                    invoice=inv["id"],
                )
            if inv["kind"] != Invoice.Kind.INVOICE:
                continue
            payments = paid_by.get(inv["id"], [])
            if inv["status"] == Invoice.Status.PAID:
                if len(payments) != 1 or payments[0]["amount"] != inv["gross"]:
                    self.add(
                        "invoice_payment_mismatch",
                        f"{inv['number']} is paid but has {len(payments)} successful payment(s) "
                        f"of {[str(p['amount']) for p in payments]} for a gross of {inv['gross']}",
                        invoice=inv["id"],
                    )
            elif payments:
                self.add(
                    "invoice_payment_mismatch",
                    f"{inv['number']} is {inv['status']} but has a successful payment",
                    invoice=inv["id"],
                    payment=payments[0]["id"],
                )

    def check_credit_notes(self) -> None:
        notes_of: dict[int, list[dict]] = defaultdict(list)
        for inv in self.invoices.values():
            if inv["kind"] == Invoice.Kind.CREDIT_NOTE:
                notes_of[inv["credit_of_id"]].append(inv)
        refunds = Counter(
            (e["invoice_id"], e["amount"]) for e in self.balance_entries if e["kind"] == BalanceEntry.Kind.CREDIT_NOTE
        )
        for inv in self.invoices.values():
            if inv["kind"] == Invoice.Kind.CREDIT_NOTE:
                self._check_note(inv, refunds)
            elif len(notes_of.get(inv["id"], [])) > 1:
                self.add("credit_note_duplicate", f"{inv['number']} has several credit notes", invoice=inv["id"])
            elif inv["status"] == Invoice.Status.CANCELLED and inv["id"] not in notes_of:
                self.add(
                    "credit_note_missing", f"{inv['number']} is cancelled without a credit note", invoice=inv["id"]
                )

    def _check_note(self, note: dict, refunds: Counter) -> None:
        original = self.invoices.get(note["credit_of_id"])
        if original is None or original["kind"] != Invoice.Kind.INVOICE:
            self.add("credit_note_mismatch", f"{note['number']} cancels no invoice", invoice=note["id"])
            return
        same = all(note[f] == original[f] for f in ("org_id", "currency", "vat_rate")) and all(
            note[f] == -original[f] for f in ("net", "vat_amount", "gross")
        )
        ours, theirs = self.lines_of[note["id"]], self.lines_of[original["id"]]
        same = same and len(ours) == len(theirs)
        for mine, other in zip(ours, theirs, strict=False):
            same = (
                same
                and mine["net_amount"] == -other["net_amount"]
                and mine["public_amount"] == -other["public_amount"]
                and all(
                    mine[f] == other[f] for f in ("client_id", "managing_partner_id", "partner_rate", "product_type_id")
                )
            )
        if not same:
            self.add(
                "credit_note_mismatch",
                f"{note['number']} does not mirror {original['number']} (org, currency, amounts or lines)",
                invoice=note["id"],
                original=original["id"],
            )
        if original["status"] == Invoice.Status.UNPAID:
            self.add(
                "credit_note_mismatch",
                f"{original['number']} is credited by {note['number']} but still unpaid (should be cancelled)",
                invoice=note["id"],
                original=original["id"],
            )
        refunded = refunds.get((note["id"], original["gross"]), 0)
        expected = 1 if original["status"] == Invoice.Status.PAID else 0
        if (self.org is None or original["org_id"] == self.org.pk) and refunded != expected:
            self.add(
                "credit_note_refund_mismatch",
                f"{note['number']}: {refunded} refund(s) of {original['gross']} to the payer's balance, "
                f"expected {expected} ({original['number']} is {original['status']})",
                invoice=note["id"],
                original=original["id"],
            )

    def check_cashback(self) -> None:
        positive: dict[int, list[dict]] = defaultdict(list)
        reversals_of: dict[int, list[dict]] = defaultdict(list)
        for entry in self.cashback.values():
            if entry["reverses_id"] is None:
                positive[entry["invoice_line_id"]].append(entry)
            else:
                reversals_of[entry["reverses_id"]].append(entry)
        credits = Counter(
            (e["cashback_id"], e["kind"], e["amount"]) for e in self.balance_entries if e["cashback_id"] is not None
        )
        credited_lines = self._credited_lines()

        for line in self.lines.values():
            invoice = self.invoices[line["invoice_id"]]
            entries = positive.get(line["id"], [])
            earns = (
                invoice["kind"] == Invoice.Kind.INVOICE
                and line["managing_partner_id"] is not None
                and line["partner_rate"] > 0
                and line["partner_discount"] == 0
            )
            if earns and not entries:
                self.add(
                    "cashback_missing",
                    f"line {line['id']} of {invoice['number']} should earn cashback (BL-5) and has none",
                    invoice=invoice["id"],
                    line=line["id"],
                )
            elif len(entries) > 1:
                self.add(
                    "cashback_duplicate",
                    f"line {line['id']} of {invoice['number']} has {len(entries)} cashback entries",
                    invoice=invoice["id"],
                    line=line["id"],
                )
            if entries and not earns:
                reason = (
                    "the partner paid at its discount"
                    if line["partner_discount"] > 0
                    else "it earns none (no managing partner, no rate, or a credit note)"
                )
                self.add(
                    "cashback_not_due",
                    f"line {line['id']} of {invoice['number']} has cashback but {reason}",
                    invoice=invoice["id"],
                    line=line["id"],
                    cashback=entries[0]["id"],
                )

        for entry in self.cashback.values():
            line = self.lines.get(entry["invoice_line_id"])
            if line is None:  # only with `org`: an entry of the org on a line outside the scope
                continue
            invoice = self.invoices[line["invoice_id"]]
            if entry["reverses_id"] is None:
                self._check_positive(entry, line, invoice, credits, reversals_of, credited_lines)
            else:
                self._check_reversal(entry, line, credits)

    def _credited_lines(self) -> dict[int, int]:
        """Original line id → the credit note's invoice id (lines are mirrored in order)."""
        out = {}
        for note in self.invoices.values():
            if note["kind"] == Invoice.Kind.CREDIT_NOTE and note["credit_of_id"] in self.invoices:
                for original in self.lines_of[note["credit_of_id"]]:
                    out[original["id"]] = note["id"]
        return out

    def _check_positive(self, entry, line, invoice, credits, reversals_of, credited_lines) -> None:
        expected = money(line["public_amount"] * line["partner_rate"])
        if (
            entry["amount"] != expected
            or entry["rate"] != line["partner_rate"]
            or entry["partner_id"] != line["managing_partner_id"]
            or entry["client_id"] != line["client_id"]
            or entry["currency"] != invoice["currency"]
            or entry["category"] != line["category"]
        ):
            self.add(
                "cashback_amount_mismatch",
                f"cashback {entry['id']}: {entry['amount']} at {entry['rate']} for partner {entry['partner_id']}; "
                f"line {line['id']} gives {line['public_amount']} × {line['partner_rate']} = {expected} "
                f"for partner {line['managing_partner_id']}",
                cashback=entry["id"],
                line=line["id"],
            )
        if entry["status"] == CashbackEntry.Status.REVERSED:
            self.add("cashback_status_mismatch", f"cashback {entry['id']} is not a reversal", cashback=entry["id"])
        paid = invoice["status"] == Invoice.Status.PAID
        earned = entry["status"] == CashbackEntry.Status.EARNED
        if earned and not paid:
            self.add(
                "cashback_status_mismatch",
                f"cashback {entry['id']} is earned but {invoice['number']} is {invoice['status']}",
                cashback=entry["id"],
                invoice=invoice["id"],
            )
        if paid and entry["status"] == CashbackEntry.Status.PENDING:
            self.add(
                "cashback_status_mismatch",
                f"cashback {entry['id']} is pending but {invoice['number']} is paid",
                cashback=entry["id"],
                invoice=invoice["id"],
            )
        if self._account_in_scope(entry["partner_id"]):
            count = credits.get((entry["id"], BalanceEntry.Kind.CASHBACK, entry["amount"]), 0)
            if count != (1 if earned else 0):
                self.add(
                    "cashback_credit_mismatch",
                    f"cashback {entry['id']} ({entry['status']}) credited {count} time(s) to the partner's balance",
                    cashback=entry["id"],
                )
        reversals = reversals_of.get(entry["id"], [])
        if line["id"] in credited_lines and len(reversals) != 1:
            self.add(
                "cashback_reversal_missing",
                f"cashback {entry['id']} is on a credited invoice and has {len(reversals)} reversal(s)",
                cashback=entry["id"],
                invoice=invoice["id"],
            )
        for reversal in reversals:
            if reversal["amount"] + entry["amount"] != 0:
                self.add(
                    "cashback_reversal_mismatch",
                    f"cashback {entry['id']} ({entry['amount']}) and its reversal {reversal['id']} "
                    f"({reversal['amount']}) don't sum to zero",
                    cashback=entry["id"],
                    reversal=reversal["id"],
                )
            if credited_lines.get(line["id"]) != reversal["invoice_line__invoice_id"]:
                self.add(
                    "cashback_reversal_mismatch",
                    f"reversal {reversal['id']} is not on the credit note of {invoice['number']}",
                    cashback=entry["id"],
                    reversal=reversal["id"],
                )

    def _check_reversal(self, entry, line, credits) -> None:
        original = self.cashback.get(entry["reverses_id"])
        if entry["status"] != CashbackEntry.Status.REVERSED or original is None:
            self.add(
                "cashback_reversal_mismatch",
                f"reversal {entry['id']} has status {entry['status']} or reverses nothing known",
                reversal=entry["id"],
            )
            return
        if entry["partner_id"] != original["partner_id"] or entry["currency"] != original["currency"]:
            self.add(
                "cashback_reversal_mismatch",
                f"reversal {entry['id']} is not for the partner and currency of cashback {original['id']}",
                reversal=entry["id"],
                cashback=original["id"],
            )
        if self._account_in_scope(entry["partner_id"]):
            was_earned = original["status"] == CashbackEntry.Status.EARNED
            count = credits.get((entry["id"], BalanceEntry.Kind.CASHBACK_REVERSAL, -original["amount"]), 0)
            if count != (1 if was_earned else 0):
                self.add(
                    "cashback_credit_mismatch",
                    f"reversal {entry['id']} of {original['status']} cashback {original['id']} "
                    f"debited {count} time(s) from the partner's balance",
                    reversal=entry["id"],
                    cashback=original["id"],
                )

    def _account_in_scope(self, org_id: int) -> bool:
        return self.org is None or self.org.pk == org_id

    def check_balances(self) -> None:
        """Σ entries per account, and that sum re-derived from the documents."""
        by_account: dict[int, Decimal] = defaultdict(lambda: ZERO)
        clawbacks: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for e in self.balance_entries:
            by_account[e["account_id"]] += e["amount"]
            if e["kind"] == BalanceEntry.Kind.CASHBACK_REVERSAL:
                clawbacks[e["account_id"]] += e["amount"]
        account_of = {(a["org_id"], a["currency"]): a_id for a_id, a in self.accounts.items()}
        expected: dict[int, Decimal] = defaultdict(lambda: ZERO)
        unplaced: list[tuple[str, str, dict]] = []

        def credit(org_id, currency, amount, what, ids):
            account = account_of.get((org_id, currency))
            if account is None:
                if amount and self._account_in_scope(org_id):
                    unplaced.append((what, f"{amount} {currency}", ids))
                return
            expected[account] += amount

        for entry in self.cashback.values():
            if entry["reverses_id"] is None and entry["status"] == CashbackEntry.Status.EARNED:
                credit(
                    entry["partner_id"],
                    entry["currency"],
                    entry["amount"],
                    "earned cashback",
                    {"cashback": entry["id"]},
                )
            elif entry["reverses_id"] is not None:
                original = self.cashback.get(entry["reverses_id"])
                if original is not None and original["status"] == CashbackEntry.Status.EARNED:
                    credit(
                        entry["partner_id"],
                        entry["currency"],
                        entry["amount"],
                        "reversed cashback",
                        {"cashback": entry["id"]},
                    )
        for payment in self.payments:
            if payment["method"] == PaymentMethod.BALANCE:
                inv = self.invoices[payment["invoice_id"]]
                credit(
                    inv["org_id"], inv["currency"], -payment["amount"], "payment from balance", {"invoice": inv["id"]}
                )
        for note in self.invoices.values():
            original = self.invoices.get(note["credit_of_id"]) if note["credit_of_id"] else None
            if original is not None and original["status"] == Invoice.Status.PAID:
                credit(original["org_id"], original["currency"], original["gross"], "refund", {"invoice": note["id"]})
        for payout in self.payouts.values():
            credit(payout["org_id"], payout["currency"], -payout["amount"], "payout", {"payout": payout["id"]})
            if payout["status"] == PayoutRequest.Status.REJECTED:
                credit(
                    payout["org_id"], payout["currency"], payout["amount"], "returned payout", {"payout": payout["id"]}
                )
        for e in self.balance_entries:
            if e["kind"] == BalanceEntry.Kind.ADJUSTMENT:  # staff corrections: no other document
                expected[e["account_id"]] += e["amount"]

        for account_id, account in self.accounts.items():
            total, derived = by_account[account_id], expected[account_id]
            ids = {"account": account_id, "org": account["org_id"]}
            # Only a clawback (cashback reversed after it was spent or paid out) may take a
            # balance below zero; a payment or a payout never may (docs/decisions.md).
            if total - clawbacks[account_id] < 0:
                self.add(
                    "balance_negative",
                    f"prepaid account {account_id} is at {total} {account['currency']}, overdrawn by payments "
                    f"or payouts (clawbacks {clawbacks[account_id]})",
                    **ids,
                )
            if total != derived:
                self.add(
                    "balance_mismatch",
                    f"prepaid account {account_id}: Σ entries {total} {account['currency']}, the invoices, "
                    f"cashback and payouts give {derived}",
                    **ids,
                )
        for what, amount, ids in unplaced:
            self.add("balance_mismatch", f"{what} of {amount} has no prepaid account to be booked in", **ids)

    def check_numbering(self) -> None:
        numbers: dict[int, list[int]] = defaultdict(list)
        for inv in self.invoices.values():
            match = NUMBER.match(inv["number"])
            if match is None:
                self.add("invoice_number_format", f"{inv['number']} is not YYYY-NNNNNN", invoice=inv["id"])
                continue
            year, n = int(match[1]), int(match[2])
            numbers[year].append(n)
            issued_year = inv["issued_at"].astimezone(UTC).year  # numbered with the UTC year of issue
            if issued_year != year:
                self.add(
                    "invoice_number_year",
                    f"{inv['number']} was issued in {issued_year}",
                    invoice=inv["id"],
                )
        counters = dict(InvoiceCounter.objects.values_list("year", "last_number"))
        for year in sorted(set(numbers) | set(counters)):
            seen = numbers.get(year, [])
            counts = Counter(seen)
            top = max(seen, default=0)
            duplicates = sorted(n for n, c in counts.items() if c > 1)
            missing = sorted(set(range(1, top + 1)) - set(counts))
            if duplicates:
                self.add("invoice_number_duplicate", f"{year}: numbers used twice: {duplicates[:10]}", year=year)
            if missing:
                self.add("invoice_number_gap", f"{year}: numbers missing: {missing[:10]}", year=year)
            if counters.get(year, 0) != top:
                self.add(
                    "invoice_counter_mismatch",
                    f"{year}: the invoice counter is at {counters.get(year, 0)}, the last number issued is {top}",
                    year=year,
                )
