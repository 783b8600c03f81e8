"""`manage.py billing_reconcile [--org SLUG]`: BL-6, the ledger and balances against the invoices.

Prints "OK: N invoices, M ledger entries reconciled" and exits 0, or one line
per discrepancy and exits 1 (for cron or CI).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from billing.reconcile import reconcile_run
from clients.models import Organization


class Command(BaseCommand):
    help = "Check that invoices, the cashback ledger and prepaid balances reconcile (exit 1 on any discrepancy)."

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organization's invoices, cashback and balances")

    def handle(self, *args, **options):
        org = None
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"No organization with the slug {options['org']!r}.")
        result = reconcile_run(org=org)
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(f"OK: {result.invoices} invoices, {result.ledger_entries} ledger entries reconciled")
            )
            return
        for discrepancy in result.discrepancies:
            self.stdout.write(str(discrepancy))
        self.stderr.write(
            self.style.ERROR(
                f"{len(result.discrepancies)} discrepancies in {result.invoices} invoices, "
                f"{result.ledger_entries} ledger entries"
            )
        )
        raise SystemExit(1)
