"""Fill the revenue summary tables from the existing invoice lines and cashback entries (issue 9).

Self-contained (historical models, no import of billing.summary, which may change later);
the same aggregates as `billing.summary.summary_expected`.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncMonth

CENT = Decimal("0.01")
STATUS_FIELD = {"pending": "cashback_pending", "earned": "cashback_earned", "reversed": "cashback_reversed"}


def backfill(apps, schema_editor):
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    CashbackEntry = apps.get_model("billing", "CashbackEntry")
    RevenueMonth = apps.get_model("billing", "RevenueMonth")
    RevenueClient = apps.get_model("billing", "RevenueClient")
    db = schema_editor.connection.alias
    months = defaultdict(lambda: defaultdict(Decimal))
    clients = defaultdict(lambda: defaultdict(Decimal))
    lines = (
        InvoiceLine.objects.using(db)
        .filter(managing_partner__isnull=False, invoice__kind="invoice")
        .exclude(invoice__status="cancelled")
    )
    month = TruncMonth("invoice__issued_at", output_field=DateField())
    for r in (
        lines.values("managing_partner_id", "invoice__currency", "category", m=month)
        .annotate(public=Sum("public_amount"), net=Sum("net_amount"))
        .order_by()
    ):
        row = months[(r["managing_partner_id"], r["invoice__currency"], r["m"], r["category"])]
        row["volume"] += r["public"] or 0
        row["discounts"] += (r["public"] or 0) - (r["net"] or 0)
    for r in (
        lines.values("managing_partner_id", "invoice__currency", "client_id")
        .annotate(
            public=Sum("public_amount"), net=Sum("net_amount"), paid=Sum("net_amount", filter=Q(invoice__status="paid"))
        )
        .order_by()
    ):
        row = clients[(r["managing_partner_id"], r["invoice__currency"], r["client_id"])]
        row["volume"] += r["public"] or 0
        row["discounts"] += (r["public"] or 0) - (r["net"] or 0)
        row["paid"] += r["paid"] or 0
    entries = CashbackEntry.objects.using(db)
    for r in (
        entries.values(
            "partner_id", "currency", "category", "status", m=TruncMonth("created_at", output_field=DateField())
        )
        .annotate(t=Sum("amount"))
        .order_by()
    ):
        months[(r["partner_id"], r["currency"], r["m"], r["category"])][STATUS_FIELD[r["status"]]] += r["t"] or 0
    for r in entries.values("partner_id", "currency", "client_id", "status").annotate(t=Sum("amount")).order_by():
        clients[(r["partner_id"], r["currency"], r["client_id"])][STATUS_FIELD[r["status"]]] += r["t"] or 0

    def cents(values):
        return {k: Decimal(v).quantize(CENT) for k, v in values.items()}

    RevenueMonth.objects.using(db).bulk_create(
        (
            RevenueMonth(partner_id=p, currency=c, month=m, category=cat, **cents(v))
            for (p, c, m, cat), v in months.items()
        ),
        batch_size=2000,
    )
    RevenueClient.objects.using(db).bulk_create(
        (RevenueClient(partner_id=p, currency=c, client_id=cl, **cents(v)) for (p, c, cl), v in clients.items()),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_revenue_summary")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
