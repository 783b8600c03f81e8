"""Revenue summary tables (BL-7, PP-4, PS-16; issue 9).

`RevenueMonth` (partner, currency, month, category) and `RevenueClient`
(partner, currency, client) hold what the revenue console used to aggregate
from a partner's invoice lines and cashback entries on every request. They are
written here only, by the billing services, inside the transaction that writes
the ledger:

- `record_issue`: an invoice is issued → volume (public amount after tiers) and
  discounts (public − net) of its managed lines in the month of issue; its
  cashback entries as pending in their month;
- `record_payment`: the invoice is paid → its cashback moves pending → earned
  (in the month the entry was created), the net of its managed lines is paid;
- `record_credit`: a credit note → reversal entries counted as reversed in the
  credit note's month; an unpaid original becomes cancelled, so its lines leave
  volume and discounts again (a paid original stays counted, as before).

Each change is one `INSERT … ON CONFLICT (key) DO UPDATE SET x = x + excluded.x`
per table (PostgreSQL and SQLite), keys sorted so that two transactions lock
shared rows in the same order. The figures are the same as the aggregates of
the ledger (`summary_expected`), which `revenue_summary_drift` compares and
`revenue_summary_rebuild` writes back.

Months are computed in the site time zone (`TIME_ZONE`), as `TruncMonth` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.models import Organization

from .models import CashbackEntry, Invoice, InvoiceLine, RevenueClient, RevenueMonth

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONTH_KEY = ("partner_id", "currency", "month", "category")
CLIENT_KEY = ("partner_id", "currency", "client_id")
MONTH_VALUES = ("volume", "discounts", "cashback_pending", "cashback_earned", "cashback_reversed")
CLIENT_VALUES = ("volume", "discounts", "paid", "cashback_pending", "cashback_earned", "cashback_reversed")
STATUS_FIELD = {
    CashbackEntry.Status.PENDING: "cashback_pending",
    CashbackEntry.Status.EARNED: "cashback_earned",
    CashbackEntry.Status.REVERSED: "cashback_reversed",
}

Deltas = dict[tuple, dict[str, Decimal]]


def month_of(moment) -> date:
    """First day of the month of `moment` in the site time zone."""
    return timezone.localtime(moment).date().replace(day=1)


class _Changes:
    """Deltas collected for one ledger change, written with one upsert per table."""

    def __init__(self):
        self.months: Deltas = defaultdict(lambda: defaultdict(Decimal))
        self.clients: Deltas = defaultdict(lambda: defaultdict(Decimal))

    def line(self, line: InvoiceLine, *, issued_at, currency: str, sign: int = 1) -> None:
        if line.managing_partner_id is None:
            return
        volume = line.public_amount * sign
        discounts = (line.public_amount - line.net_amount) * sign
        for row in (
            self.months[(line.managing_partner_id, currency, month_of(issued_at), line.category)],
            self.clients[(line.managing_partner_id, currency, line.client_id)],
        ):
            row["volume"] += volume
            row["discounts"] += discounts

    def paid(self, line: InvoiceLine, *, currency: str) -> None:
        if line.managing_partner_id is not None:
            self.clients[(line.managing_partner_id, currency, line.client_id)]["paid"] += line.net_amount

    def cashback(self, entry: CashbackEntry, *, status: str, amount: Decimal) -> None:
        field = STATUS_FIELD[status]
        self.months[(entry.partner_id, entry.currency, month_of(entry.created_at), entry.category)][field] += amount
        self.clients[(entry.partner_id, entry.currency, entry.client_id)][field] += amount

    def write(self) -> None:
        _upsert(RevenueMonth, MONTH_KEY, MONTH_VALUES, self.months)
        _upsert(RevenueClient, CLIENT_KEY, CLIENT_VALUES, self.clients)


def _upsert(model, key: tuple[str, ...], values: tuple[str, ...], deltas: Deltas) -> None:
    rows = [(k, d) for k, d in sorted(deltas.items()) if any(d.values())]
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [*key, *values]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{qn(v)} = {table}.{qn(v)} + excluded.{qn(v)}" for v in values)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608 - quoted model names; values are parameters
        + ", ".join([placeholders] * len(rows))
        + f" ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {updates}"
    )
    params: list = []
    for k, d in rows:
        params.extend(k)
        params.extend(d.get(v, ZERO) for v in values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("The revenue summary is written inside the ledger's transaction.")


def record_issue(*, invoice: Invoice, lines: Iterable[InvoiceLine], entries: Iterable[CashbackEntry]) -> None:
    """An invoice was issued with these lines and pending cashback entries."""
    _require_transaction()
    changes = _Changes()
    if invoice.kind == Invoice.Kind.INVOICE and invoice.status != Invoice.Status.CANCELLED:
        for line in lines:
            changes.line(line, issued_at=invoice.issued_at, currency=invoice.currency)
            if invoice.status == Invoice.Status.PAID:
                changes.paid(line, currency=invoice.currency)
    for entry in entries:
        changes.cashback(entry, status=entry.status, amount=entry.amount)
    changes.write()


def record_payment(*, invoice: Invoice, earned: Iterable[CashbackEntry]) -> None:
    """The invoice is paid: its managed lines' net is paid, these entries became earned."""
    _require_transaction()
    changes = _Changes()
    for line in InvoiceLine.objects.filter(invoice=invoice, managing_partner__isnull=False).only(
        "managing_partner_id", "client_id", "net_amount"
    ):
        changes.paid(line, currency=invoice.currency)
    for entry in earned:
        changes.cashback(entry, status=CashbackEntry.Status.PENDING, amount=-entry.amount)
        changes.cashback(entry, status=CashbackEntry.Status.EARNED, amount=entry.amount)
    changes.write()


def record_credit(
    *, original: Invoice, lines: Iterable[InvoiceLine], reversals: Iterable[CashbackEntry], cancelled: bool
) -> None:
    """A credit note for `original`: reversal entries; if it cancelled the original, its lines leave the volume."""
    _require_transaction()
    changes = _Changes()
    if cancelled:
        for line in lines:
            changes.line(line, issued_at=original.issued_at, currency=original.currency, sign=-1)
    for entry in reversals:
        changes.cashback(entry, status=entry.status, amount=entry.amount)
    changes.write()


# --- what the ledger says: rebuild and drift ----------------------------------------------------


def _truncated(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


def summary_expected(*, partner: Organization | None = None) -> tuple[Deltas, Deltas]:
    """(month rows, client rows) aggregated from the invoice lines and cashback entries."""
    months: Deltas = defaultdict(lambda: defaultdict(Decimal))
    clients: Deltas = defaultdict(lambda: defaultdict(Decimal))
    lines = InvoiceLine.objects.filter(managing_partner__isnull=False, invoice__kind=Invoice.Kind.INVOICE).exclude(
        invoice__status=Invoice.Status.CANCELLED
    )
    entries = CashbackEntry.objects.all()
    if partner is not None:
        lines = lines.filter(managing_partner=partner)
        entries = entries.filter(partner=partner)
    for r in (
        lines.values("managing_partner_id", "invoice__currency", "category", m=_truncated("invoice__issued_at"))
        .annotate(public=Sum("public_amount"), net=Sum("net_amount"))
        .order_by()
    ):
        row = months[(r["managing_partner_id"], r["invoice__currency"], r["m"], r["category"])]
        row["volume"] += r["public"] or ZERO
        row["discounts"] += (r["public"] or ZERO) - (r["net"] or ZERO)
    for r in (
        lines.values("managing_partner_id", "invoice__currency", "client_id")
        .annotate(
            public=Sum("public_amount"),
            net=Sum("net_amount"),
            paid=Sum("net_amount", filter=Q(invoice__status=Invoice.Status.PAID)),
        )
        .order_by()
    ):
        row = clients[(r["managing_partner_id"], r["invoice__currency"], r["client_id"])]
        row["volume"] += r["public"] or ZERO
        row["discounts"] += (r["public"] or ZERO) - (r["net"] or ZERO)
        row["paid"] += r["paid"] or ZERO
    for r in (
        entries.values("partner_id", "currency", "category", "status", m=_truncated("created_at"))
        .annotate(t=Sum("amount"))
        .order_by()
    ):
        months[(r["partner_id"], r["currency"], r["m"], r["category"])][STATUS_FIELD[r["status"]]] += r["t"] or ZERO
    for r in entries.values("partner_id", "currency", "client_id", "status").annotate(t=Sum("amount")).order_by():
        clients[(r["partner_id"], r["currency"], r["client_id"])][STATUS_FIELD[r["status"]]] += r["t"] or ZERO
    return months, clients


def _cents(values: dict, fields: tuple[str, ...]) -> dict[str, Decimal]:
    return {f: Decimal(values.get(f) or 0).quantize(CENT) for f in fields}


def _stored(model, key: tuple[str, ...], fields: tuple[str, ...], partner) -> dict[tuple, dict]:
    qs = model.objects.all() if partner is None else model.objects.filter(partner=partner)
    return {tuple(r[k] for k in key): r for r in qs.values(*key, *fields)}


@transaction.atomic
def revenue_summary_rebuild(*, partner: Organization | None = None) -> int:
    """Recompute the summary rows (of one partner, or all) from the ledger; returns the rows written.

    On PostgreSQL the summary tables are locked (EXCLUSIVE: plain reads go on) for the
    rebuild, so a payment or an invoice committing meanwhile waits and then adds its
    deltas to the rebuilt rows instead of being lost or counted twice.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (RevenueMonth, RevenueClient):
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN EXCLUSIVE MODE")
    months, clients = summary_expected(partner=partner)
    written = 0
    for model, key, fields, rows in (
        (RevenueMonth, MONTH_KEY, MONTH_VALUES, months),
        (RevenueClient, CLIENT_KEY, CLIENT_VALUES, clients),
    ):
        (model.objects.all() if partner is None else model.objects.filter(partner=partner)).delete()
        objs = [
            model(**dict(zip(key, k, strict=True)), **_cents(values, fields))
            for k, values in rows.items()
            if any(_cents(values, fields).values())
        ]
        model.objects.bulk_create(objs, batch_size=2000)
        written += len(objs)
    return written


def revenue_summary_drift(*, partner: Organization | None = None) -> list[dict]:
    """Summary rows that differ from the aggregate of the ledger (to the cent).

    Each: {"table": "month"|"client", "key": {...}, "expected": {...}, "found": {...}}.
    A missing row counts as all zeros, so a row emptied by a cancellation is no drift.
    """
    months, clients = summary_expected(partner=partner)
    drift = []
    for table, model, key, fields, expected in (
        ("month", RevenueMonth, MONTH_KEY, MONTH_VALUES, months),
        ("client", RevenueClient, CLIENT_KEY, CLIENT_VALUES, clients),
    ):
        stored = _stored(model, key, fields, partner)
        for k in sorted(set(expected) | set(stored), key=str):
            want = _cents(expected.get(k, {}), fields)
            have = _cents(stored.get(k, {}), fields)
            if want != have:
                drift.append({"table": table, "key": dict(zip(key, k, strict=True)), "expected": want, "found": have})
    return drift
