"""Demo data for billing (idempotent): catalog, tiers, invoices, payments, cashback.

Runs after clients' and partners' demo; orgs are looked up by name and whatever
is missing is skipped.

The demo partner with the most clients (Helvetia Web Agency AG) gets a year of
history so that its revenue console shows a real 12-month chart: each of the
last 12 months, orders for a client that pays (Bäckerei Müller) and for a client
whose partner pays (Gasthaus Sonne AG, from partners' demo), by the client and by the
partner; invoices paid by card (one from the prepaid balance) except this
month's, which stay unpaid with their cashback pending; one payout request
waiting for staff. The services don't take a date, so each month is placed
under `freezegun` (installed from requirements.lock) inside the seeding only.
Idempotent: a month whose demo product exists is skipped.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from clients.models import Membership, Organization, Product, ProductType, Role
from clients.tenancy import Access, access_for

C = ProductType.Category
# slug: (category, name, {period: (CHF, EUR)})
CATALOG = {
    "domain-ch": (C.DOMAIN, ".ch domain", {"1y": ("9.90", "9.90"), "2y": ("19.80", "19.80")}),
    "domain-com": (C.DOMAIN, ".com domain", {"1y": ("15.90", "14.90"), "2y": ("31.80", "29.80")}),
    "web-hosting-basic": (C.WEB_HOSTING, "Web Hosting Basic", {"1m": ("9.00", "8.50"), "1y": ("99.00", "92.00")}),
    "web-hosting-pro": (C.WEB_HOSTING, "Web Hosting Pro", {"1m": ("29.00", "27.00"), "1y": ("347.20", "320.00")}),
    "mail-pro": (C.EMAIL, "Mail Pro", {"1m": ("3.00", "2.80"), "1y": ("33.00", "30.00")}),
    "kdrive-1tb": (C.STORAGE, "kDrive 1 TB", {"1m": ("5.00", "4.60"), "1y": ("54.00", "50.00")}),
    "office-suite": (C.OFFICE_SUITE, "Office suite", {"1m": ("4.50", "4.20"), "1y": ("48.00", "45.00")}),
    "cloud-server-s": (C.CLOUD_SERVER, "Cloud Server S", {"1m": ("19.00", "17.50"), "1y": ("205.20", "189.00")}),
    "support-pro": (C.SUPPORT, "Premium Support Pro", {"1m": ("49.00", "45.00"), "1y": ("529.00", "486.00")}),
    "support-business": (
        C.SUPPORT,
        "Premium Support Business",
        {"1m": ("199.00", "185.00"), "1y": ("2149.00", "1998.00")},
    ),
}
TIERS = [(1, "0"), (5, "0.10"), (10, "0.15"), (20, "0.20")]


def seed_catalog() -> int:
    from .models import HostingTier, Price

    created = 0
    for slug, (category, name, prices) in CATALOG.items():
        pt, _ = ProductType.objects.get_or_create(slug=slug, defaults={"category": category, "name": name})
        for period, (chf, eur) in prices.items():
            for currency, amount in (("CHF", chf), ("EUR", eur)):
                _price, made = Price.objects.get_or_create(
                    product_type=pt, period=period, currency=currency, defaults={"amount": Decimal(amount)}
                )
                created += int(made)
    for min_count, discount in TIERS:
        HostingTier.objects.get_or_create(min_count=min_count, defaults={"discount": Decimal(discount)})
    return created


def _legal_rep_access(org: Organization) -> Access | None:
    membership = Membership.objects.filter(org=org, role="legal_representative").select_related("user").first()
    return access_for(user=membership.user, org=org) if membership else None


def seed(stdout=None) -> list:
    """Idempotent per org: an org that already has orders is left alone, so a
    later run (e.g. after partners' demo created partnerships) adds what is missing."""
    from . import partner_terms, services
    from .models import Invoice, Order

    created = seed_catalog()
    if stdout is not None:
        stdout.write(f"billing: catalog ready ({created} new prices)")
    accounts = seed_partner_history(stdout)
    orders = 0
    for org in Organization.objects.order_by("id"):
        access = _legal_rep_access(org)
        if access is None or not access.can("orders.place") or Order.objects.filter(client=org).exists():
            continue
        products = list(Product.objects.filter(org=org).select_related("product_type")[:3])
        for i, product in enumerate(products):
            periods = set(product.product_type.prices.values_list("period", flat=True))
            if not periods:
                continue
            period = "1y" if "1y" in periods else sorted(periods)[0]
            try:
                order = services.product_renew(access=access, product=product, period=period)
            except Exception as exc:  # demo data: skip what doesn't fit, say so
                if stdout is not None:
                    stdout.write(f"billing: skipped renewal of {product}: {exc}")
                continue
            orders += 1
            invoice = order.invoices.first()
            if invoice is None or i % 2:  # leave some unpaid for the "To pay" page
                continue
            payer_access = _legal_rep_access(invoice.org)
            if payer_access is not None and invoice.status == Invoice.Status.UNPAID:
                services.invoice_pay(access=payer_access, invoice=invoice, card_number="4242424242424242")
        # A full partner orders one product for each client (shows partner pays / client pays).
        full = partner_terms.full_partnership_of(client=org)
        if full is not None and not Order.objects.filter(client=org, placed_by_org=full.partner).exists():
            partner_rep = Membership.objects.filter(org=full.partner, role="legal_representative").first()
            partner_access = access_for(user=partner_rep.user, org=org) if partner_rep else None
            if partner_access is not None and partner_access.can("orders.place"):
                try:
                    services.order_place(
                        access=partner_access,
                        client=org,
                        items=[
                            services.OrderItem(
                                product_type=ProductType.objects.get(slug="mail-pro"),
                                period="1y",
                                name=f"mail.{org.slug}.example",
                            )
                        ],
                    )
                    orders += 1
                except Exception as exc:  # demo data: skip what doesn't fit, say so
                    if stdout is not None:
                        stdout.write(f"billing: skipped partner order for {org}: {exc}")
    if stdout is not None:
        stdout.write(f"billing: {orders} new demo orders with invoices")
    return accounts


# --- a year of history for the demo partner (BL-7 chart, PP-4 volume, BL-6 ledger) -------------

CARD = "4242424242424242"
# (product type, period) ordered each month, in turn: by the client, and by the partner.
CLIENT_BUYS = [
    ("domain-ch", "1y"),
    ("mail-pro", "1y"),
    ("web-hosting-basic", "1y"),
    ("kdrive-1tb", "1y"),
    ("office-suite", "1y"),
    ("domain-com", "1y"),
]
PARTNER_BUYS = [("web-hosting-pro", "1y"), ("mail-pro", "1y"), ("domain-ch", "2y"), ("cloud-server-s", "1y")]
PAYOUT_AMOUNT = Decimal("50.00")


def demo_partner() -> Organization | None:
    """The approved partner with the most clients (ties: by name)."""
    from . import partner_terms

    best, most = None, 0
    for partner in partner_terms.approved_partner_orgs():
        count = partner_terms.clients_of(partner=partner).count()
        if count > most:
            best, most = partner, count
    return best


def _month_moments(now: datetime) -> list[datetime]:
    """The 10th of each of the last 12 months at 10:00 (this month: now, if earlier)."""
    local = timezone.localtime(now)
    moments = []
    for back in range(11, -1, -1):
        day = (local - relativedelta(months=back)).date().replace(day=10)
        moment = timezone.make_aware(datetime.combine(day, time(10, 0)))
        moments.append(min(moment, now - relativedelta(minutes=1)))
    return moments


def _partner_pays_client(partner: Organization) -> Organization | None:
    """The partner's full-access client whose partner pays (PS-8), made by partners' demo."""
    from . import partner_terms

    for client in partner_terms.clients_of(partner=partner).order_by("name"):
        full = partner_terms.full_partnership_of(client=client)
        if full is not None and full.partner_id == partner.pk and full.payment_method == "partner_pays":
            return client
    return None


def seed_partner_history(stdout=None) -> list[tuple[str, str, str]]:
    """12 months of orders, invoices and cashback for the demo partner (see the module docstring)."""
    from . import partner_terms

    try:
        from freezegun import freeze_time
    except ImportError:  # pragma: no cover - requirements.lock installs it
        if stdout is not None:
            stdout.write("billing: freezegun missing, no 12-month history")
        return []
    partner = demo_partner()
    if partner is None:
        return []
    partner_access = _legal_rep_access(partner)
    client_pays = None
    for client in partner_terms.clients_of(partner=partner).order_by("name"):
        full = partner_terms.full_partnership_of(client=client)
        if full is not None and full.partner_id == partner.pk and full.payment_method == "client_pays":
            client_pays = client
            break
    partner_pays = _partner_pays_client(partner)
    if partner_access is None or client_pays is None or partner_pays is None:
        return []
    now = timezone.now()
    made = 0
    with freeze_time(now) as clock:
        for i, moment in enumerate(_month_moments(now)):
            clock.move_to(moment)
            for client, by_partner in _history_plan(i, client_pays=client_pays, partner_pays=partner_pays):
                made += _history_order(
                    partner=partner, client=client, by_partner=by_partner, month_index=i, when=moment
                )
    made_payout = _payout_waiting(partner=partner)
    if stdout is not None:
        stdout.write(
            f"billing: {partner.name}: {made} new history orders over 12 months"
            + ("; a payout request waits for staff" if made_payout else "")
        )
    return []


def _history_plan(i: int, *, client_pays: Organization, partner_pays: Organization) -> list[tuple[Organization, bool]]:
    """Month i (0 = 11 months ago, 11 = this month): (client, ordered by the partner?).

    Every month a client orders itself (cashback each month), in turn the one that
    pays and the one whose partner pays; some months the partner orders too (for the
    client that pays: cashback; for the other: its discount). This month both clients
    order and the partner orders for the second: unpaid invoices on both methods."""
    if i == 11:
        return [(client_pays, False), (partner_pays, False), (partner_pays, True)]
    plan = [(client_pays if i % 2 == 0 else partner_pays, False)]
    if i in (1, 5, 9):
        plan.append((partner_pays, True))
    elif i in (3, 7):
        plan.append((client_pays, True))
    return plan


def _history_order(
    *, partner: Organization, client: Organization, by_partner: bool, month_index: int, when: datetime
) -> int:
    """One order of the plan, paid by card (month 9: the partner's from its balance) unless this month's."""
    from . import services
    from .models import Invoice

    if by_partner:
        partner_user = Membership.objects.filter(org=partner, role=Role.LEGAL_REPRESENTATIVE).first()
        access = access_for(user=partner_user.user, org=client) if partner_user else None
        slug, period = PARTNER_BUYS[(month_index // 2) % len(PARTNER_BUYS)]
    else:
        access = _legal_rep_access(client)
        slug, period = CLIENT_BUYS[month_index % len(CLIENT_BUYS)]
    product_type = ProductType.objects.get(slug=slug)
    name = f"{'agency' if by_partner else 'shop'}-{when:%Y-%m}.{client.slug}.example"
    # A domain is named in its extension (the order refuses anything else); the older
    # ".example" name still marks the month as seeded in a database made before.
    legacy, name = name, name.removesuffix(".example") + f".{services.domain_tld_of(product_type) or 'example'}"
    if Product.objects.filter(org=client, name__in=[name, legacy]).exists() or access is None:
        return 0
    order = services.order_place(
        access=access,
        client=client,
        items=[services.OrderItem(product_type=product_type, period=period, name=name)],
    )
    invoice = order.invoices.get()
    payer_access = _legal_rep_access(invoice.org)
    if month_index == 11 or payer_access is None or invoice.status != Invoice.Status.UNPAID:
        return 1  # this month's invoices stay unpaid: cashback pending, something on "To pay"
    balance = services.balance_of(account=services.prepaid_account_for(org=invoice.org, currency=invoice.currency))
    if invoice.org == partner and month_index == 9 and balance >= invoice.gross:
        services.invoice_pay(access=payer_access, invoice=invoice, method="balance")
    else:
        services.invoice_pay(access=payer_access, invoice=invoice, card_number=CARD)
    return 1


def _payout_waiting(*, partner: Organization) -> bool:
    """One payout request waiting for staff (BL-6), unless the partner already has one."""
    from . import services
    from .models import PayoutRequest

    access = _legal_rep_access(partner)
    if access is None or PayoutRequest.objects.filter(org=partner).exists():
        return False
    balance = services.balance_of(account=services.prepaid_account_for(org=partner, currency=partner.currency))
    if balance < PAYOUT_AMOUNT:
        return False
    services.payout_request_create(
        access=access,
        amount=PAYOUT_AMOUNT,
        currency=partner.currency,
        method="bank",
        iban="CH93 0076 2011 6238 5295 7",
        account_holder=partner.name,
    )
    return True
