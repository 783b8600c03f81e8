"""Demo data for billing (idempotent): catalog, tiers, invoices, payments, cashback.

Runs after clients' and partners' demo; orgs are looked up by name and whatever
is missing is skipped.
"""

from __future__ import annotations

from decimal import Decimal

from clients.models import Membership, Organization, Product, ProductType
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
    return []
