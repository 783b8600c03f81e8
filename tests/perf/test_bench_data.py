"""`manage.py bench_data` keeps the models' invariants (PostgreSQL only: it loads with COPY)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from billing.models import CashbackEntry, Invoice, InvoiceCounter, InvoiceLine
from clients.models import Organization
from partners.models import PartnerProfile, Partnership, PartnershipProduct
from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _load(label: str = "small", **sizes) -> None:
    args = {"clients": 9, "products": 36, "invoice_lines": 90, "small_orgs": 4} | sizes
    call_command(
        "bench_data",
        "--clients", args["clients"],
        "--products", args["products"],
        "--invoice-lines", args["invoice_lines"],
        "--small-orgs", args["small_orgs"],
        "--scale-label", label,
    )  # fmt: skip


def test_bench_data_shape_and_login_user():
    _load()
    partner = Organization.objects.get(slug="bench-small-partner")
    assert Partnership.objects.filter(partner=partner, status="active").count() == 9
    assert InvoiceLine.objects.filter(client__partnerships_as_client__partner=partner).count() == 90
    assert PartnerProfile.objects.filter(listed_in_directory=True).count() >= 4
    user = User.objects.get(email="bench-small@bench.example")
    assert user.check_password("bench-Partner-2026")
    assert user.emailaddress_set.filter(verified=True, primary=True).exists()


def test_ps7_bench_data_one_active_partnership_per_client():
    _load()
    assert not Partnership.objects.filter(status="active").values("client").annotate(n=Count("id")).filter(n__gt=1)


def test_ps5_bench_data_each_product_granted_once():
    _load()
    grants = PartnershipProduct.objects.filter(active=True)
    assert grants.exists()
    assert not grants.values("product").annotate(n=Count("id")).filter(n__gt=1)
    assert not grants.exclude(partnership__access_level="limited").exists()


def test_bl8_bench_data_numbers_gap_free_and_counter_set():
    _load()
    _load("big", clients=3, products=6, invoice_lines=20, small_orgs=0)
    for counter in InvoiceCounter.objects.all():
        numbers = sorted(
            int(n.split("-")[1])
            for n in Invoice.objects.filter(number__startswith=f"{counter.year}-").values_list("number", flat=True)
        )
        assert numbers == list(range(1, counter.last_number + 1))


def test_bl8_bench_data_gross_is_net_plus_vat_and_paid_have_dates():
    _load()
    assert not Invoice.objects.exclude(gross=F("net") + F("vat_amount")).exists()
    assert not Invoice.objects.filter(status="paid", paid_at__isnull=True).exists()
    assert not CashbackEntry.objects.filter(status="earned", earned_at__isnull=True).exists()
    assert not CashbackEntry.objects.values("invoice_line").annotate(n=Count("id")).filter(n__gt=1)


def test_bench_data_second_run_of_a_label_adds_nothing():
    _load()
    before = InvoiceLine.objects.count()
    _load()
    assert InvoiceLine.objects.count() == before
    assert Organization.objects.filter(Q(slug="bench-small-partner")).count() == 1


def test_bench_data_sequences_follow_the_loaded_rows():
    _load()
    org = Organization.objects.create(name="After", slug="after-bench", country="CH")
    assert org.pk > Organization.objects.exclude(pk=org.pk).order_by("-pk").values_list("pk", flat=True).first()


def test_bl6_bench_data_reconciles_payments_and_balances():
    _load()
    _load("big", clients=3, products=6, invoice_lines=20, small_orgs=0)

    from billing.models import BalanceEntry, Payment
    from billing.reconcile import billing_reconcile

    paid = Invoice.objects.filter(status="paid")
    assert paid.exists()
    assert Payment.objects.filter(status="succeeded").count() == paid.count()
    assert BalanceEntry.objects.filter(kind="cashback").count() == CashbackEntry.objects.filter(status="earned").count()
    assert billing_reconcile() == []


def test_td5_bench_data_directory_partners_are_searchable():
    _load()
    listed = PartnerProfile.objects.filter(slug__startswith="bench-small-dir").exclude(search_text="")

    assert listed.count() == PartnerProfile.objects.filter(slug__startswith="bench-small-dir").count() > 0
    assert "digital" in listed.first().search_text
