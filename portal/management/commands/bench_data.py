"""`manage.py bench_data`: the data set of the performance benchmark (issue 9, docs/benchmarks.md).

This is a tool, not application code: it writes the tables of every app
(clients, partners, billing, tenders) directly with PostgreSQL `COPY`, bypassing
the services (no emails, no audit events), so that a million invoice lines load
in a few minutes. It still respects every invariant the models declare:

- PS-7: one active partnership per client (so at most one full one);
- PS-5: a product is granted to at most one active limited partnership;
- BL-8: invoice numbers `YYYY-NNNNNN`, gap-free per year, in the order of issue,
  continuing `InvoiceCounter` (and setting it to the last number used);
- gross = net + VAT, paid invoices have `paid_at`, earned cashback has `earned_at`,
  one cashback entry per invoice line;
- BL-6: a paid invoice has one successful payment of its gross, and each earned cashback
  entry is credited once to the partner's prepaid balance, so `billing_reconcile` finds
  nothing to report (tested).

One run loads one partner at one scale:

    manage.py bench_data --clients 10000 --products 100000 --invoice-lines 1000000 \
        --small-orgs 2000 --scale-label big      # bench@bench.example
    manage.py bench_data --clients 100 --products 1000 --invoice-lines 10000 \
        --scale-label small                        # bench-small@bench.example

A label that is already loaded is skipped (idempotent). `--reset` empties every
table of the project first; it refuses unless the database name contains "bench".
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-Partner-2026"
ADMIN_EMAIL = "bench-admin@bench.example"
EMAILS = {"big": "bench@bench.example", "small": "bench-small@bench.example"}
LINES_PER_INVOICE = 5
VAT = Decimal("0.081")
CENT = Decimal("0.01")
WORDS = [
    "Alpine",
    "Bakery",
    "Cosmos",
    "Delta",
    "Edelweiss",
    "Fjord",
    "Glacier",
    "Helios",
    "Iris",
    "Jura",
    "Kestrel",
    "Lakeside",
    "Matterhorn",
    "Nordic",
    "Orion",
    "Pilatus",
    "Quarz",
    "Rhone",
    "Saentis",
    "Ticino",
    "Uri",
    "Vaud",
    "Weiss",
    "Xenon",
    "Yverdon",
    "Zermatt",
]
CITIES = ["Zürich", "Genève", "Bern", "Basel", "Lausanne", "Lugano", "Luzern", "St. Gallen", "Paris", "Lyon"]


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Ids:
    """Primary keys allocated in Python (COPY gives none back); sequences are set at the end."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, model, n: int = 1) -> int:
        table = model._meta.db_table
        if table not in self.next:
            with connection.cursor() as cur:
                cur.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608 - table from _meta
                self.next[table] = cur.fetchone()[0]
        first = self.next[table]
        self.next[table] += n
        return first

    def reset_sequences(self) -> None:
        with connection.cursor() as cur:
            for table in self.next:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY `rows` (tuples in the order of `fields`, attnames) into the model's table.

    Columns not given get the field's default (called per row when callable),
    `now` for auto_now(_add) fields, and are left out when the default is NULL.
    """
    now = timezone.now()
    extra = []  # (column, constant or callable)
    given = set(fields)
    for f in model._meta.concrete_fields:
        if f.attname in given or f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extra.append((f.column, now))
        elif f.has_default() and callable(f.default):
            extra.append((f.column, f.get_default))
        else:
            value = f.get_default()
            if value is None and f.null:
                continue
            if f.get_internal_type() == "JSONField":
                value = json.dumps(value)
            extra.append((f.column, value))
    columns = [model._meta.get_field(a).column if a != "id" else "id" for a in fields] + [c for c, _ in extra]
    consts = [v for _, v in extra]
    dynamic = any(callable(v) for v in consts)
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cur:
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = f'COPY "{table}" ({cols}) FROM STDIN'
        with cur.cursor.copy(sql) as copy:
            for row in rows:
                if dynamic:
                    tail = tuple(v() if callable(v) else v for v in consts)
                else:
                    tail = tuple(consts)
                copy.write_row(tuple(row) + tail)
                count += 1
    return count


def _directory_search_text(*, name: str, city: str, services: list[str]) -> str:
    """The search column `PartnerProfile.save()` would fill (COPY bypasses it)."""
    from clients.models import Organization
    from partners.models import PartnerProfile

    profile = PartnerProfile(public_name=name, city=city, services=services, org=Organization(name=name, city=city))
    return profile.build_search_text()


class Command(BaseCommand):
    help = "Load the benchmark data set into PostgreSQL (one partner at one scale per run)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=10000)
        parser.add_argument("--products", type=int, default=100000)
        parser.add_argument("--invoice-lines", type=int, default=1000000)
        parser.add_argument("--small-orgs", type=int, default=0, help="directory partners (public pages)")
        parser.add_argument("--tenders", type=int, default=None, help="quote requests delivered (default: clients)")
        parser.add_argument("--scale-label", choices=sorted(EMAILS), default="big")
        parser.add_argument("--reset", action="store_true", help="empty every table first (bench databases only)")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data needs PostgreSQL (it loads with COPY); set DATABASE_URL.")
        if opts["reset"]:
            self._reset()
        label = opts["scale_label"]
        from clients.models import Organization

        if Organization.objects.filter(slug=f"bench-{label}-partner").exists():
            self.stdout.write(f"bench_data: '{label}' already loaded, nothing to do")
            return
        started = time.monotonic()
        with transaction.atomic():
            ids = Ids()
            self._load(ids=ids, label=label, opts=opts)
            ids.reset_sequences()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self.stdout.write(f"bench_data: '{label}' loaded in {time.monotonic() - started:.0f} s")

    # ------------------------------------------------------------------
    def _reset(self) -> None:
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in name:
            raise CommandError(f"--reset empties every table: refused on database {name!r} (name lacks 'bench').")
        from django.apps import apps

        tables = [
            m._meta.db_table
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and m._meta.app_label not in {"contenttypes", "auth", "migrations"}
        ]
        keep = {"partners_commissionplan", "partners_commissionrate", "tickets_helparticle"}
        tables = [t for t in tables if t not in keep and t in connection.introspection.table_names()]
        with connection.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        self.stdout.write(f"bench_data: emptied {len(tables)} tables")

    def _load(self, *, ids: Ids, label: str, opts) -> None:  # noqa: C901, PLR0915 - one linear script
        from allauth.account.models import EmailAddress

        from billing.demo import seed_catalog
        from billing.models import (
            BalanceEntry,
            CashbackEntry,
            Invoice,
            InvoiceCounter,
            InvoiceLine,
            Payment,
            PrepaidAccount,
            Price,
        )
        from clients.models import Membership, Organization, Product, ProductType, Role
        from partners.models import CommissionRate, PartnerProfile, Partnership, PartnershipProduct
        from partners.selectors import default_commission_plan
        from portal.models import User
        from tenders.models import TenderDelivery, TenderRequest

        n_clients, n_products, n_lines = opts["clients"], opts["products"], opts["invoice_lines"]
        n_tenders = opts["tenders"] if opts["tenders"] is not None else n_clients
        per_client = max(1, n_products // n_clients)
        now = timezone.now()
        pw = make_password(PASSWORD)
        say = self.stdout.write

        seed_catalog()
        plan = default_commission_plan()
        rates = dict(CommissionRate.objects.filter(plan=plan).values_list("category", "rate"))
        types = list(ProductType.objects.exclude(category=ProductType.Category.SUPPORT).order_by("id"))
        prices = {
            (p.product_type_id, p.currency): p.amount for p in Price.objects.filter(period="1y", product_type__in=types)
        }

        # --- people and the partner -----------------------------------------------------
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            User.objects.create_superuser(email=ADMIN_EMAIL, password=PASSWORD, full_name="Bench Admin")
            EmailAddress.objects.create(
                user=User.objects.get(email=ADMIN_EMAIL), email=ADMIN_EMAIL, verified=True, primary=True
            )
        email = EMAILS[label]
        rep = User.objects.create_user(email=email, password=PASSWORD, full_name=f"Bench {label} partner")
        EmailAddress.objects.create(user=rep, email=email, verified=True, primary=True)
        partner = Organization.objects.create(
            name=f"Bench {label.title()} Partner AG",
            slug=f"bench-{label}-partner",
            kind="company",
            country="CH",
            city="Zürich",
            register_number="CHE116281710",
        )
        Membership.objects.create(org=partner, user=rep, role=Role.LEGAL_REPRESENTATIVE)
        PartnerProfile.objects.create(
            org=partner,
            commission_plan=plan,
            slug=f"bench-{label}-partner",
            public_name=partner.name,
            listed_in_directory=True,
            city="Zürich",
            languages=["de", "en"],
            services=["web_hosting", "email"],
        )

        # --- clients: orgs, users, memberships ----------------------------------------------
        t0 = time.monotonic()
        org_first = ids.take(Organization, n_clients)
        clients = []  # (org id, country, currency, level, payment method)
        for i in range(n_clients):
            country = "CH" if i % 5 else "FR"
            level = "limited" if i % 3 == 0 else "full"
            method = None if level == "limited" else ("partner_pays" if i % 2 == 0 else "client_pays")
            clients.append((org_first + i, country, "CHF" if country == "CH" else "EUR", level, method))
        copy_rows(
            Organization,
            ["id", "name", "slug", "kind", "country", "city", "created_at"],
            (
                (
                    cid,
                    f"{WORDS[i % len(WORDS)]} {WORDS[(i // len(WORDS)) % len(WORDS)]} {label} {i:05d}",
                    f"bench-{label}-c{i}",
                    "company",
                    country,
                    CITIES[i % len(CITIES)],
                    now - timedelta(days=800 - i % 700),
                )
                for i, (cid, country, *_rest) in enumerate(clients)
            ),
        )
        n_users = n_clients + n_clients // 3  # one legal rep each, an administrator for every third
        user_first = ids.take(User, n_users)
        copy_rows(
            User,
            ["id", "email", "password", "full_name", "is_active", "is_staff", "is_superuser", "date_joined"],
            (
                (user_first + u, f"bench-{label}-u{u}@bench.example", pw, f"Client person {u}", True, False, False, now)
                for u in range(n_users)
            ),
        )
        mem_first = ids.take(Membership, n_users)

        def memberships():
            for i, (cid, *_rest) in enumerate(clients):
                yield (mem_first + i, cid, user_first + i, Role.LEGAL_REPRESENTATIVE, now)
            for j in range(n_clients // 3):
                yield (
                    mem_first + n_clients + j,
                    clients[j * 3][0],
                    user_first + n_clients + j,
                    Role.ADMINISTRATOR,
                    now,
                )

        copy_rows(Membership, ["id", "org_id", "user_id", "role", "created_at"], memberships())
        say(f"  {n_clients} client orgs, {n_users} users ({time.monotonic() - t0:.1f} s)")

        # --- partnerships (PS-7: one per client, active) --------------------------------------
        ps_first = ids.take(Partnership, n_clients)
        copy_rows(
            Partnership,
            [
                "id",
                "partner_id",
                "client_id",
                "access_level",
                "payment_method",
                "status",
                "initiated_by",
                "invited_email",
                "invited_by_id",
                "requested_access_level",
                "requested_payment_method",
                "requested_product_ids",
                "created_at",
                "expires_at",
                "accepted_at",
                "accepted_by_id",
            ],
            (
                (
                    ps_first + i,
                    partner.pk,
                    cid,
                    level,
                    method,
                    "active",
                    "partner",
                    f"bench-{label}-u{i}@bench.example",
                    rep.pk,
                    level,
                    method,
                    "[]",
                    now - timedelta(days=400 - i % 365),
                    now - timedelta(days=386 - i % 365),
                    now - timedelta(days=399 - i % 365),
                    user_first + i,
                )
                for i, (cid, _c, _cur, level, method) in enumerate(clients)
            ),
        )

        # --- products; limited partnerships are granted the first half (PS-5: once each) -----
        t0 = time.monotonic()
        prod_first = ids.take(Product, n_clients * per_client)

        def product_id(i: int, j: int) -> int:
            return prod_first + i * per_client + j

        def ptype(i: int, j: int):
            return types[(i + j) % len(types)]

        copy_rows(
            Product,
            ["id", "org_id", "product_type_id", "name", "status", "expires_at", "created_at"],
            (
                (
                    product_id(i, j),
                    cid,
                    ptype(i, j).pk,
                    f"{WORDS[(i + j) % len(WORDS)].lower()}-{i}-{j}.ch",
                    "active",
                    (now + timedelta(days=30 + (i * 7 + j) % 330)).date(),
                    now - timedelta(days=700 - (i + j) % 600),
                )
                for i, (cid, *_r) in enumerate(clients)
                for j in range(per_client)
            ),
        )
        granted = max(1, per_client // 2)
        grant_rows = [
            (ps_first + i, product_id(i, j), True, now)
            for i, c in enumerate(clients)
            if c[3] == "limited"
            for j in range(granted)
        ]
        grant_first = ids.take(PartnershipProduct, len(grant_rows))
        copy_rows(
            PartnershipProduct,
            ["id", "partnership_id", "product_id", "active", "created_at"],
            ((grant_first + k, *row) for k, row in enumerate(grant_rows)),
        )
        say(f"  {n_clients * per_client} products, {len(grant_rows)} grants ({time.monotonic() - t0:.1f} s)")

        # --- invoices, lines, cashback ------------------------------------------------------
        t0 = time.monotonic()
        n_invoices = max(1, n_lines // LINES_PER_INVOICE)
        span = 730 * 86400
        plan_invoices = []  # (issued_at, k, client index)
        for k in range(n_invoices):
            issued = now - timedelta(seconds=int(span * (n_invoices - k) / n_invoices) + (k * 7919) % 3600)
            plan_invoices.append((issued, k, k % n_clients))
        plan_invoices.sort()
        counters = dict(InvoiceCounter.objects.values_list("year", "last_number"))
        inv_first = ids.take(Invoice, n_invoices)
        line_first = ids.take(InvoiceLine, n_invoices * LINES_PER_INVOICE)
        cash_first = ids.take(CashbackEntry, n_invoices * LINES_PER_INVOICE)
        pay_first = ids.take(Payment, n_invoices)
        balance_first = ids.take(BalanceEntry, n_invoices * LINES_PER_INVOICE)
        # BL-6: a paid invoice has its successful payment, and each cashback entry it earns
        # is credited to the partner's prepaid balance in that currency (what invoice_pay does).
        accounts = {
            cur: PrepaidAccount.objects.get_or_create(org=partner, currency=cur)[0].pk
            for cur in sorted({c[2] for c in clients} | {"CHF"})
        }
        invoice_rows, cashback_rows, payment_rows, balance_rows = [], [], [], []
        partner_name = partner.name

        def lines():
            line_id, cash_id, balance_id = line_first, cash_first, balance_first
            for n, (issued, k, ci) in enumerate(plan_invoices):
                inv_id = inv_first + n
                cid, country, ccur, level, method = clients[ci]
                partner_pays = method == "partner_pays"
                payer, currency = (partner.pk, "CHF") if partner_pays else (cid, ccur)
                paid = (now - issued).days > 30 and k % 10 != 0
                paid_at = issued + timedelta(days=3) if paid else None
                counters[issued.year] = counters.get(issued.year, 0) + 1
                number = f"{issued.year}-{counters[issued.year]:06d}"
                net_total = Decimal("0")
                for j in range(LINES_PER_INVOICE):
                    pj = (k + j) % per_client
                    pt = ptype(ci, pj)
                    unit = prices.get((pt.pk, currency), Decimal("10.00"))
                    managed = level == "full" or pj < granted
                    rate = rates.get(pt.category, Decimal("0")) if managed else Decimal("0")
                    discount = rate if partner_pays else Decimal("0")
                    net = money(unit * (1 - discount))
                    net_total += net
                    yield (
                        line_id,
                        inv_id,
                        f"{pt.name} — renewal 1 year",
                        product_id(ci, pj),
                        pt.pk,
                        pt.category,
                        "1y",
                        1,
                        unit,
                        Decimal("0"),
                        discount,
                        unit,
                        net,
                        cid,
                        partner.pk if managed else None,
                        rate,
                    )
                    if managed and not partner_pays and rate:
                        cashback_rows.append(
                            (
                                cash_id,
                                partner.pk,
                                line_id,
                                cid,
                                pt.category,
                                rate,
                                money(unit * rate),
                                currency,
                                "earned" if paid else "pending",
                                issued,
                                paid_at,
                            )
                        )
                        if paid:
                            balance_rows.append(
                                (
                                    balance_id,
                                    accounts[currency],
                                    "cashback",
                                    money(unit * rate),
                                    f"Cashback on invoice {number}",
                                    cash_id,
                                    inv_id,
                                    paid_at,
                                )
                            )
                            balance_id += 1
                        cash_id += 1
                    line_id += 1
                vat = money(net_total * VAT)
                if paid:
                    payment_rows.append(
                        (pay_first + n, inv_id, net_total + vat, currency, "card", "succeeded", f"bench-{n}", paid_at)
                    )
                invoice_rows.append(
                    (
                        inv_id,
                        payer,
                        number,
                        "invoice",
                        issued,
                        (issued + timedelta(days=30)).date(),
                        currency,
                        net_total,
                        VAT,
                        vat,
                        net_total + vat,
                        partner_name if partner_pays else f"Client {ci}",
                        "CH" if partner_pays else country,
                        "paid" if paid else "unpaid",
                        paid_at,
                    )
                )

        copy_rows(
            InvoiceLine,
            [
                "id",
                "invoice_id",
                "description",
                "product_id",
                "product_type_id",
                "category",
                "period",
                "quantity",
                "unit_price",
                "tier_discount",
                "partner_discount",
                "public_amount",
                "net_amount",
                "client_id",
                "managing_partner_id",
                "partner_rate",
            ],
            lines(),
        )
        copy_rows(
            Invoice,
            [
                "id",
                "org_id",
                "number",
                "kind",
                "issued_at",
                "due_on",
                "currency",
                "net",
                "vat_rate",
                "vat_amount",
                "gross",
                "payer_name",
                "payer_country",
                "status",
                "paid_at",
            ],
            invoice_rows,
        )
        copy_rows(
            CashbackEntry,
            [
                "id",
                "partner_id",
                "invoice_line_id",
                "client_id",
                "category",
                "rate",
                "amount",
                "currency",
                "status",
                "created_at",
                "earned_at",
            ],
            cashback_rows,
        )
        copy_rows(
            Payment,
            ["id", "invoice_id", "amount", "currency", "method", "status", "gateway_reference", "created_at"],
            payment_rows,
        )
        copy_rows(
            BalanceEntry,
            ["id", "account_id", "kind", "amount", "description", "cashback_id", "invoice_id", "created_at"],
            balance_rows,
        )
        for year, last in counters.items():
            InvoiceCounter.objects.update_or_create(year=year, defaults={"last_number": last})
        say(
            f"  {n_invoices} invoices, {n_invoices * LINES_PER_INVOICE} lines, {len(cashback_rows)} cashback entries,"
            f" {len(payment_rows)} payments, {len(balance_rows)} balance credits ({time.monotonic() - t0:.1f} s)"
        )

        # --- revenue summary (BL-7/PP-4, billing.summary): COPY bypassed the services ------------
        from billing.summary import revenue_summary_rebuild

        t0 = time.monotonic()
        with connection.cursor() as cur:
            cur.execute(
                "ANALYZE billing_invoice, billing_invoiceline, billing_cashbackentry,"
                " billing_payment, billing_balanceentry"
            )
        rows = revenue_summary_rebuild(partner=partner)
        say(f"  {rows} revenue summary rows ({time.monotonic() - t0:.1f} s)")
        # The accounts' stored balances (BL-6, `PrepaidAccount.balance`): COPY bypassed the model.
        from billing.services import prepaid_balances_rebuild

        t0 = time.monotonic()
        accounts = prepaid_balances_rebuild(org=partner)
        say(f"  {accounts} prepaid balances ({time.monotonic() - t0:.1f} s)")

        # --- tender requests delivered to the partner (TD-2) -------------------------------
        t0 = time.monotonic()
        req_first = ids.take(TenderRequest, n_tenders)
        cats = ["web_hosting", "email", "domain", "storage", "cloud_server", "office_suite"]
        copy_rows(
            TenderRequest,
            [
                "id",
                "contact_name",
                "email",
                "company",
                "country",
                "region",
                "language",
                "description",
                "categories",
                "budget_min",
                "budget_max",
                "currency",
                "deadline",
                "status",
                "token",
                "confirm_token",
                "created_at",
                "confirmed_at",
                "published_at",
            ],
            (
                (
                    req_first + r,
                    f"Requester {r}",
                    f"bench-{label}-req{r}@bench.example",
                    f"{WORDS[r % len(WORDS)]} GmbH",
                    "CH",
                    CITIES[r % len(CITIES)],
                    ("de", "fr", "en", "es")[r % 4],
                    "We need a new website with hosting and mailboxes for our team.",
                    json.dumps([cats[r % len(cats)], cats[(r + 2) % len(cats)]]),
                    Decimal(1000 + r % 20 * 500),
                    Decimal(5000 + r % 20 * 500),
                    "CHF",
                    (now + timedelta(days=30 + r % 60)).date(),
                    ("published", "published", "published", "awarded", "closed")[r % 5],
                    secrets.token_urlsafe(24),
                    secrets.token_urlsafe(24),
                    now - timedelta(minutes=r * 7),
                    now - timedelta(minutes=r * 7),
                    now - timedelta(minutes=r * 7),
                )
                for r in range(n_tenders)
            ),
        )
        del_first = ids.take(TenderDelivery, n_tenders)
        copy_rows(
            TenderDelivery,
            ["id", "request_id", "partner_id", "created_at", "seen_at"],
            (
                (del_first + r, req_first + r, partner.pk, now - timedelta(minutes=r * 7), None if r % 3 else now)
                for r in range(n_tenders)
            ),
        )
        say(f"  {n_tenders} tender requests delivered ({time.monotonic() - t0:.1f} s)")

        # --- small partner orgs listed in the public directory (TD-5) -----------------------
        n_small = opts["small_orgs"]
        if n_small:
            t0 = time.monotonic()
            small_first = ids.take(Organization, n_small)
            copy_rows(
                Organization,
                ["id", "name", "slug", "kind", "country", "city", "created_at"],
                (
                    (
                        small_first + s,
                        f"{WORDS[s % len(WORDS)]} Digital {s:04d}",
                        f"bench-{label}-dir{s}",
                        "company",
                        "CH" if s % 4 else "FR",
                        CITIES[s % len(CITIES)],
                        now,
                    )
                    for s in range(n_small)
                ),
            )
            prof_first = ids.take(PartnerProfile, n_small)
            copy_rows(
                PartnerProfile,
                [
                    "id",
                    "org_id",
                    "status",
                    "commission_plan_id",
                    "approved_at",
                    "listed_in_directory",
                    "slug",
                    "public_name",
                    "description",
                    "city",
                    "website",
                    "languages",
                    "services",
                    "search_text",
                ],
                (
                    (
                        prof_first + s,
                        small_first + s,
                        "approved",
                        plan.pk,
                        now,
                        s % 10 != 0,
                        f"bench-{label}-dir{s}",
                        f"{WORDS[s % len(WORDS)]} Digital {s:04d}",
                        "Websites, hosting and mail for small businesses.",
                        CITIES[s % len(CITIES)],
                        f"https://dir{s}.bench.example",
                        json.dumps([("de", "fr", "en", "it")[s % 4], "en"]),
                        json.dumps([cats[s % len(cats)], cats[(s + 1) % len(cats)]]),
                        _directory_search_text(
                            name=f"{WORDS[s % len(WORDS)]} Digital {s:04d}",
                            city=CITIES[s % len(CITIES)],
                            services=[cats[s % len(cats)], cats[(s + 1) % len(cats)]],
                        ),
                    )
                    for s in range(n_small)
                ),
            )
            say(f"  {n_small} directory partners ({time.monotonic() - t0:.1f} s)")
