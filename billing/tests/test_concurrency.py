"""BL-8/BL-9 under concurrency, on PostgreSQL with real threads.

Skipped on SQLite (fails instead under REQUIRE_SERVICES=1, see conftest.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from billing import services
from billing.models import Invoice, Payment
from portal.errors import RuleViolation

from .factories import D, order, org_with_rep, own_access, ptype

REPETITIONS = 20
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(*targets):
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def runner(i, target):
        try:
            barrier.wait(timeout=10)
            results[i] = target()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _issue(org):
    def go():
        return services.invoice_issue(
            payer=org,
            lines=[
                services.LineData(
                    description="race",
                    product_type=ptype("mail-pro"),
                    period="1y",
                    unit_price=D("10.00"),
                    tier_discount=D("0"),
                    partner_discount=D("0"),
                    client=org,
                )
            ],
        ).number

    return go


def test_bl8_concurrent_invoices_get_consecutive_distinct_numbers(catalog):
    assert connection.vendor == "postgresql"
    org, _ = org_with_rep()
    numbers: list[str] = []
    for _ in range(REPETITIONS):
        results = _run_together(_issue(org), _issue(org))
        assert all(isinstance(r, str) for r in results), results
        numbers.extend(results)
    assert len(set(numbers)) == 2 * REPETITIONS
    sequence = sorted(int(n[-6:]) for n in numbers)
    assert sequence == list(range(1, 2 * REPETITIONS + 1))
    assert Invoice.objects.count() == 2 * REPETITIONS


def test_bl9_two_concurrent_payments_exactly_one_wins(catalog):
    assert connection.vendor == "postgresql"
    org, user = org_with_rep()
    for i in range(REPETITIONS):
        invoice = order(own_access(user, org), org, slug="domain-ch", name=f"race{i}.ch").invoices.get()

        def pay(invoice=invoice):
            return services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number="4242424242424242")

        results = _run_together(pay, pay)
        wins = [r for r in results if isinstance(r, Payment)]
        losses = [r for r in results if isinstance(r, RuleViolation)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert losses[0].code == "invoice_not_payable"
        assert Payment.objects.filter(invoice=invoice, status="succeeded").count() == 1
        invoice.refresh_from_db()
        assert invoice.status == "paid"


def test_bl6_concurrent_balance_entries_each_count_once_in_the_stored_balance(catalog):
    """The account's stored balance (issue 9) is an atomic increment per entry: entries
    appended at the same moment, outside any lock, all reach it."""
    from billing.models import BalanceEntry, PrepaidAccount

    assert connection.vendor == "postgresql"
    org, _ = org_with_rep()
    account = services.prepaid_account_for(org=org, currency="CHF")

    def credit(amount):
        return lambda: BalanceEntry.objects.create(account=account, kind="adjustment", amount=D(amount)).pk

    for _ in range(REPETITIONS):
        results = _run_together(credit("1.25"), credit("2.50"), credit("-0.75"))
        assert all(isinstance(r, int) for r in results), results

    stored = PrepaidAccount.objects.get(pk=account.pk).balance
    assert stored == D("3.00") * REPETITIONS
    assert stored == sum(BalanceEntry.objects.filter(account=account).values_list("amount", flat=True))
