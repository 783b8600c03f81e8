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
- prepaid accounts: the balance stored on the account = Σ its entries; never
  overdrawn by a payment or a payout (only a clawback of cashback already spent
  may take a balance below zero), and Σ entries = earned cashback −
  reversed earned cashback − invoices paid from the balance + refunds by credit
  note − payouts + returned (rejected) payouts + staff adjustments;
- the revenue console's summary tables (`billing/summary.py`) equal the aggregate of
  the invoice lines and cashback entries they summarize;
- numbering (whole database only): per year the numbers are 1..N without gap or
  duplicate, in the year of issue, and the year's `InvoiceCounter` is N.

Sums are made in Python on the stored `Decimal`s (SQLite would sum floats).

Memory stays bounded: invoices are read in batches of `BATCH` family ids (an invoice
and its credit notes always in one batch, with the other end of every cashback reversal
pair), the balance entries and the invoice numbers are streamed, and only per-account
sums and the numbers per year are kept across batches.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal

from django.db.models import Max, Min, Q

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


# Invoices are checked in batches of this many ids of "families" (an invoice with its credit
# notes, which always share a batch): memory stays bounded whatever the ledger's size (1,000,000
# lines held at once took 3 GB). Balances and numbering are summed across batches.
BATCH = 2000

INVOICE_FIELDS = (
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
LINE_FIELDS = (
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
CASHBACK_FIELDS = (
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
    "reverses__status",
    "earned_at",
)


def _chunks(ids: list[int], size: int = 5000):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Run:
    def __init__(self, *, org: Organization | None):
        self.org = org
        self.found: list[Discrepancy] = []
        self.invoice_count = 0
        self.ledger_count = 0
        # What the documents say each prepaid account should hold, summed over the batches.
        self.expected: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.unplaced: list[tuple[str, str, dict]] = []
        self.scope_ids: set[int] = set()  # with `org`: the invoices checked

    def add(self, code: str, message: str, **ids: int) -> None:
        self.found.append(Discrepancy(code=code, message=message, ids=ids))

    # --- scope and batches -----------------------------------------------------------------

    def scope_families(self) -> dict[int, list[int]]:
        """With `org`: its invoices and the invoices with lines for it (as client or managing
        partner), with the credit notes of those and the invoices those notes cancel, by family
        (the id of an invoice, or for a credit note of the invoice it cancels). Ids only: a few MB
        for the 200,000 invoices of a 10,000-client partner."""
        org = self.org
        # Separate queries, each on its own index: PostgreSQL ran `org = x OR id IN (lines…)`
        # as a subplan per invoice (minutes on the benchmark's data).
        base = set(Invoice.objects.filter(org=org).values_list("pk", flat=True))
        for lines in (InvoiceLine.objects.filter(client=org), InvoiceLine.objects.filter(managing_partner=org)):
            base.update(lines.values_list("invoice_id", flat=True).distinct())
        credit_of: dict[int, int | None] = {}
        for chunk in _chunks(sorted(base)):
            credit_of.update(Invoice.objects.filter(pk__in=chunk).values_list("pk", "credit_of_id"))
            credit_of.update(Invoice.objects.filter(credit_of__in=chunk).values_list("pk", "credit_of_id"))
        originals = {c for c in credit_of.values() if c} - credit_of.keys()
        for chunk in _chunks(sorted(originals)):
            credit_of.update(Invoice.objects.filter(pk__in=chunk).values_list("pk", "credit_of_id"))
        families: dict[int, list[int]] = defaultdict(list)
        for pk, original in credit_of.items():
            families[original or pk].append(pk)
        return families

    def batches(self):
        """Querysets of invoices, a batch of families each: every invoice falls in exactly one.
        The whole database goes by ranges of family ids (an invoice's id, or for a credit note
        the id of the invoice it cancels)."""
        if self.org is not None:
            families = self.scope_families()
            self.scope_ids = {pk for ids in families.values() for pk in ids}
            roots = sorted(families)
            for start in range(0, len(roots), BATCH):
                ids = [pk for root in roots[start : start + BATCH] for pk in families[root]]
                yield Invoice.objects.filter(pk__in=ids)
            return
        bounds = Invoice.objects.aggregate(low=Min("id"), high=Max("id"))
        if bounds["low"] is None:
            return
        for low in range(bounds["low"], bounds["high"] + 1, BATCH):
            high = low + BATCH
            yield Invoice.objects.filter(
                Q(credit_of__isnull=True, pk__gte=low, pk__lt=high) | Q(credit_of_id__gte=low, credit_of_id__lt=high)
            )

    # --- loading ---------------------------------------------------------------------------

    def load_accounts(self) -> None:
        accounts = PrepaidAccount.objects.all()
        payouts = PayoutRequest.objects.all()
        if self.org is not None:
            accounts = accounts.filter(org=self.org)
            payouts = payouts.filter(org=self.org)
        self.accounts = {row["id"]: row for row in accounts.values("id", "org_id", "currency", "balance")}
        self.account_of = {(a["org_id"], a["currency"]): a_id for a_id, a in self.accounts.items()}
        self.payouts = {row["id"]: row for row in payouts.values("id", "org_id", "currency", "amount", "status")}

    def balance_entries_of(self):
        entries = BalanceEntry.objects.all()
        return entries if self.org is None else entries.filter(account__org=self.org)

    def load_batch(self, invoices) -> None:
        self.invoices = {row["id"]: row for row in invoices.values(*INVOICE_FIELDS)}
        ids = list(self.invoices)
        self.lines = {row["id"]: row for row in InvoiceLine.objects.filter(invoice_id__in=ids).values(*LINE_FIELDS)}
        self.lines_of: dict[int, list[dict]] = defaultdict(list)
        for line in self.lines.values():
            self.lines_of[line["invoice_id"]].append(line)
        for rows in self.lines_of.values():
            rows.sort(key=lambda r: r["id"])
        # This batch's entries, and the other end of their reversal pairs: a pair always sits in
        # one family, unless a credit note points at the wrong invoice, which must read the same.
        # (Each query is an index lookup by the batch's invoice ids; one OR over the three joins
        # took 3 s a batch on the benchmark's data.)
        entries = CashbackEntry.objects.values(*CASHBACK_FIELDS)
        self.cashback = {row["id"]: row for row in entries.filter(invoice_line__invoice_id__in=ids)}
        originals = {e["reverses_id"] for e in self.cashback.values() if e["reverses_id"]} - set(self.cashback)
        others = list(entries.filter(reverses__invoice_line__invoice_id__in=ids))
        if originals:
            others += list(entries.filter(pk__in=originals))
        for row in others:
            self.cashback.setdefault(row["id"], row)
        self.payments = list(
            Payment.objects.filter(invoice_id__in=ids, status=Payment.Status.SUCCEEDED).values(
                "id", "invoice_id", "amount", "currency", "method"
            )
        )
        # The balance rows that name this batch's documents: cashback credits and debits, refunds.
        balance = self.balance_entries_of().values(
            "id", "account_id", "kind", "amount", "cashback_id", "invoice_id", "payout_id"
        )
        self.balance_entries = list(balance.filter(cashback__invoice_line__invoice_id__in=ids)) + list(
            balance.filter(kind=BalanceEntry.Kind.CREDIT_NOTE, invoice_id__in=ids)
        )
        self.invoice_count += len(self.invoices)
        self.ledger_count += sum(1 for e in self.cashback.values() if e["invoice_line_id"] in self.lines)

    # --- checks ----------------------------------------------------------------------------

    def run(self) -> Reconciliation:
        self.load_accounts()
        for batch in self.batches():
            self.load_batch(batch)
            if not self.invoices:
                continue
            self.check_lines()
            self.check_invoices()
            self.check_credit_notes()
            self.check_cashback()
            self.book_documents()
        self.book_other_cashback()
        self.check_balances()
        self.check_revenue_summary()
        if self.org is None:
            self.check_numbering()
        return Reconciliation(
            discrepancies=self.found,
            invoices=self.invoice_count,
            ledger_entries=self.ledger_count,
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

    def credit(self, org_id, currency, amount, what, ids) -> None:
        """The documents say `amount` goes to the org's prepaid account in `currency`."""
        account = self.account_of.get((org_id, currency))
        if account is None:
            if amount and self._account_in_scope(org_id):
                self.unplaced.append((what, f"{amount} {currency}", ids))
            return
        self.expected[account] += amount

    def book_cashback(self, entry: dict) -> None:
        if entry["reverses_id"] is None and entry["status"] == CashbackEntry.Status.EARNED:
            self.credit(
                entry["partner_id"], entry["currency"], entry["amount"], "earned cashback", {"cashback": entry["id"]}
            )
        elif entry["reverses_id"] is not None and entry["reverses__status"] == CashbackEntry.Status.EARNED:
            self.credit(
                entry["partner_id"], entry["currency"], entry["amount"], "reversed cashback", {"cashback": entry["id"]}
            )

    def book_documents(self) -> None:
        """This batch's part of what the balances should be: cashback, payments, refunds."""
        for entry in self.cashback.values():
            if entry["invoice_line_id"] in self.lines:  # the other end of a pair is booked in its batch
                self.book_cashback(entry)
        for payment in self.payments:
            if payment["method"] == PaymentMethod.BALANCE:
                inv = self.invoices[payment["invoice_id"]]
                self.credit(
                    inv["org_id"], inv["currency"], -payment["amount"], "payment from balance", {"invoice": inv["id"]}
                )
        for note in self.invoices.values():
            original = self.invoices.get(note["credit_of_id"]) if note["credit_of_id"] else None
            if original is not None and original["status"] == Invoice.Status.PAID:
                self.credit(
                    original["org_id"], original["currency"], original["gross"], "refund", {"invoice": note["id"]}
                )

    def book_other_cashback(self) -> None:
        """With `org`: its cashback on lines outside its invoices (a line credited to another
        partner) still moves its balance."""
        if self.org is None:
            return
        entries = CashbackEntry.objects.filter(partner=self.org).values(*CASHBACK_FIELDS)
        for entry in entries.iterator(chunk_size=BATCH * 5):
            if entry["invoice_line__invoice_id"] not in self.scope_ids:
                self.ledger_count += 1
                self.book_cashback(entry)

    def check_balances(self) -> None:
        """Σ entries per account, and that sum re-derived from the documents."""
        by_account: dict[int, Decimal] = defaultdict(lambda: ZERO)
        clawbacks: dict[int, Decimal] = defaultdict(lambda: ZERO)
        expected = self.expected
        # Streamed and summed in Python on the stored Decimals (SQLite would sum floats).
        rows = self.balance_entries_of().values_list("account_id", "kind", "amount")
        for account_id, kind, amount in rows.iterator(chunk_size=BATCH * 5):
            self.ledger_count += 1
            by_account[account_id] += amount
            if kind == BalanceEntry.Kind.CASHBACK_REVERSAL:
                clawbacks[account_id] += amount
            elif kind == BalanceEntry.Kind.ADJUSTMENT:  # staff corrections: no other document
                expected[account_id] += amount
        for payout in self.payouts.values():
            self.credit(payout["org_id"], payout["currency"], -payout["amount"], "payout", {"payout": payout["id"]})
            if payout["status"] == PayoutRequest.Status.REJECTED:
                self.credit(
                    payout["org_id"], payout["currency"], payout["amount"], "returned payout", {"payout": payout["id"]}
                )
        unplaced = self.unplaced

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
            if total != account["balance"]:
                self.add(
                    "balance_stored_drift",
                    f"prepaid account {account_id} shows {account['balance']} {account['currency']}, "
                    f"its entries sum to {total} (`prepaid_balances_rebuild` restores it)",
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
        numbers: dict[int, list[int]] = defaultdict(list)  # whole numbers only: 200,000 take ~8 MB
        rows = Invoice.objects.values_list("id", "number", "issued_at")
        for invoice_id, number, issued_at in rows.iterator(chunk_size=BATCH * 5):
            match = NUMBER.match(number)
            if match is None:
                self.add("invoice_number_format", f"{number} is not YYYY-NNNNNN", invoice=invoice_id)
                continue
            year, n = int(match[1]), int(match[2])
            numbers[year].append(n)
            issued_year = issued_at.astimezone(UTC).year  # numbered with the UTC year of issue
            if issued_year != year:
                self.add("invoice_number_year", f"{number} was issued in {issued_year}", invoice=invoice_id)
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
