"""The prepaid balance kept on the account (issue 9): the field, filled from the entries.

Self-contained (historical models): Σ amount per account, summed in Python on the
stored Decimals (SQLite would sum floats), as `billing_reconcile` does.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations, models


def backfill(apps, schema_editor):
    PrepaidAccount = apps.get_model("billing", "PrepaidAccount")
    BalanceEntry = apps.get_model("billing", "BalanceEntry")
    db = schema_editor.connection.alias
    totals = defaultdict(Decimal)
    for account_id, amount in BalanceEntry.objects.using(db).values_list("account_id", "amount").iterator(10_000):
        totals[account_id] += amount
    for account_id, total in totals.items():
        PrepaidAccount.objects.using(db).filter(pk=account_id).update(balance=total)


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_revenue_summary_backfill")]

    operations = [
        migrations.AddField(
            model_name="prepaidaccount",
            name="balance",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0.00"), editable=False, max_digits=14, verbose_name="balance"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
