"""Load the demo data (idempotent): `make run` calls it on every start.

Each app contributes a `demo.py` with `seed(stdout) -> list[tuple[email, password, what]]`,
called in dependency order (clients, partners, billing, tickets). The accounts
are printed so that whoever starts the portal can log in.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

APPS_IN_ORDER = ["clients", "partners", "billing", "tickets", "tenders"]


class Command(BaseCommand):
    help = "Create or update the demo users, organizations and data (idempotent)."

    def handle(self, *args, **options):
        accounts: list[tuple[str, str, str]] = []
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{app}.demo":
                    continue
                raise
            with transaction.atomic():
                accounts.extend(module.seed(self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts (email / password):"))
        for email, password, what in accounts:
            self.stdout.write(f"  {email:40} {password:22} {what}")
