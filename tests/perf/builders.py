"""A partner with `n` rows on every measured list page, built with bulk_create.

Same shape as `manage.py bench_data` (docs/benchmarks.md), small enough for SQLite:
n clients (full client-pays, full partner-pays and limited with granted products,
a user each), 2 products per client, an invoice per client with 2 lines
attributed to the partner and cashback, n tender requests delivered, n listed
directory partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from billing.demo import seed_catalog
from billing.models import CashbackEntry, Invoice, InvoiceCounter, InvoiceLine
from billing.summary import revenue_summary_rebuild
from clients.models import Membership, Organization, Product, ProductType, Role
from clients.tests.factories import UserFactory
from partners.models import PartnerProfile, Partnership, PartnershipProduct
from partners.tests.factories import default_plan
from portal.models import User
from tenders.models import TenderDelivery, TenderRequest


@dataclass
class Bench:
    partner: Organization
    rep: User
    admin: User
    client: Organization  # a full client-pays client with products


def build(n: int, prefix: str = "perf") -> Bench:
    seed_catalog()
    plan = default_plan()
    now = timezone.now()
    rep = UserFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    partner = Organization.objects.create(name=f"{prefix} Partner AG", slug=f"{prefix}-partner", country="CH")
    Membership.objects.create(org=partner, user=rep, role=Role.LEGAL_REPRESENTATIVE)
    PartnerProfile.objects.create(org=partner, commission_plan=plan, slug=f"{prefix}-partner", listed_in_directory=True)
    types = list(ProductType.objects.exclude(category="support").order_by("id"))

    clients = Organization.objects.bulk_create(
        Organization(name=f"{prefix} client {i:03d}", slug=f"{prefix}-c{i}", country="CH" if i % 5 else "FR")
        for i in range(n)
    )
    users = User.objects.bulk_create(User(email=f"{prefix}-u{i}@example.com", full_name=f"U {i}") for i in range(n))
    Membership.objects.bulk_create(
        Membership(org=c, user=u, role=Role.LEGAL_REPRESENTATIVE) for c, u in zip(clients, users, strict=True)
    )
    levels = ["full", "full", "limited"]
    partnerships = Partnership.objects.bulk_create(
        Partnership(
            partner=partner,
            client=c,
            access_level=levels[i % 3],
            requested_access_level=levels[i % 3],
            payment_method=None if levels[i % 3] == "limited" else ("client_pays" if i % 2 else "partner_pays"),
            status="active",
            initiated_by="partner",
            accepted_at=now,
        )
        for i, c in enumerate(clients)
    )
    products = Product.objects.bulk_create(
        Product(org=c, product_type=types[(i + j) % len(types)], name=f"site-{i}-{j}.ch")
        for i, c in enumerate(clients)
        for j in range(2)
    )
    PartnershipProduct.objects.bulk_create(
        PartnershipProduct(partnership=p, product=products[i * 2])
        for i, p in enumerate(partnerships)
        if p.access_level == "limited"
    )
    counter, _ = InvoiceCounter.objects.get_or_create(year=now.year)
    invoices = []
    for i, (c, p) in enumerate(zip(clients, partnerships, strict=True)):
        counter.last_number += 1
        partner_pays = p.payment_method == "partner_pays"
        invoices.append(
            Invoice(
                org=partner if partner_pays else c,
                number=f"{now.year}-{counter.last_number:06d}",
                issued_at=now - timedelta(days=i % 300),
                currency="CHF",
                net=Decimal("200.00"),
                vat_rate=Decimal("0.081"),
                vat_amount=Decimal("16.20"),
                gross=Decimal("216.20"),
                status="paid" if i % 2 else "unpaid",
                paid_at=now if i % 2 else None,
            )
        )
    counter.save()
    invoices = Invoice.objects.bulk_create(invoices)
    lines = InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=inv,
            description="renewal",
            product=products[i * 2 + j],
            product_type=products[i * 2 + j].product_type,
            category=products[i * 2 + j].product_type.category,
            period="1y",
            unit_price=Decimal("100.00"),
            public_amount=Decimal("100.00"),
            net_amount=Decimal("100.00"),
            client=clients[i],
            managing_partner=partner,
            partner_rate=Decimal("0.2"),
        )
        for i, inv in enumerate(invoices)
        for j in range(2)
    )
    CashbackEntry.objects.bulk_create(
        CashbackEntry(
            partner=partner,
            invoice_line=line,
            client=line.client,
            category=line.category,
            rate=Decimal("0.2"),
            amount=Decimal("20.00"),
            currency="CHF",
            status="earned" if line.invoice.status == "paid" else "pending",
            earned_at=now if line.invoice.status == "paid" else None,
        )
        for line in lines
    )
    revenue_summary_rebuild(partner=partner)  # bulk_create bypasses the services that maintain it
    requests = TenderRequest.objects.bulk_create(
        TenderRequest(
            contact_name=f"R {r}",
            email=f"{prefix}-r{r}@example.org",
            country="CH",
            language="de",
            description="A website.",
            categories=["web_hosting"],
            currency="CHF",
            deadline=(now + timedelta(days=30)).date(),
            status="published",
            published_at=now - timedelta(minutes=r),
            token=f"{prefix}-tok-{r}",
            confirm_token=f"{prefix}-conf-{r}",
        )
        for r in range(n)
    )
    TenderDelivery.objects.bulk_create(TenderDelivery(request=r, partner=partner) for r in requests)
    dir_orgs = Organization.objects.bulk_create(
        Organization(name=f"{prefix} directory {s:03d}", slug=f"{prefix}-dir{s}", country="CH") for s in range(n)
    )
    PartnerProfile.objects.bulk_create(
        PartnerProfile(
            org=o,
            commission_plan=plan,
            slug=f"{prefix}-dir{s}",
            listed_in_directory=True,
            languages=["de"],
            services=["web_hosting"],
        )
        for s, o in enumerate(dir_orgs)
    )
    full_client = next(p.client for p in partnerships if p.payment_method == "client_pays") if n > 1 else clients[0]
    if n == 1:  # the only client is full partner-pays: make it client-pays for the "acting for" page
        Partnership.objects.filter(pk=partnerships[0].pk).update(payment_method="client_pays")
    return Bench(partner=partner, rep=rep, admin=admin, client=full_client)
