"""The data the journeys start from, built with the apps' factories and services (not through the UI).

Transactional tests empty every table afterwards, rows seeded by data migrations included
(default commission plan, help articles): what a journey needs is created here again.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from clients.models import Membership, Organization, Product, ProductType, Role
from clients.tests.factories import OrganizationFactory, UserFactory
from partners.models import CommissionPlan, CommissionRate, PartnerProfile, Partnership, PartnershipProduct

DEFAULT_RATES = {
    "domain": "0.10",
    "web_hosting": "0.25",
    "email": "0.20",
    "storage": "0.20",
    "office_suite": "0.15",
    "cloud_server": "0.20",
    "support": "0.10",
}
PRODUCT_TYPES = {
    "domain-ch": (ProductType.Category.DOMAIN, ".ch domain"),
    "web-hosting-basic": (ProductType.Category.WEB_HOSTING, "Web Hosting Basic"),
    "web-hosting-pro": (ProductType.Category.WEB_HOSTING, "Web Hosting Pro"),
    "mail-pro": (ProductType.Category.EMAIL, "Mail Pro"),
    "kdrive-1tb": (ProductType.Category.STORAGE, "kDrive 1 TB"),
}


def standard_plan() -> CommissionPlan:
    """The default commission plan of migration partners/0002 (web hosting 25%, domains 10%, ...)."""
    plan = CommissionPlan.objects.filter(is_default=True).first()
    if plan is None:
        plan = CommissionPlan.objects.create(name="Standard", is_default=True)
    for category, rate in DEFAULT_RATES.items():
        CommissionRate.objects.get_or_create(plan=plan, category=category, defaults={"rate": Decimal(rate)})
    return plan


def person(email: str, full_name: str = "", **kwargs):
    return UserFactory(email=email, full_name=full_name or email.split("@")[0].replace(".", " ").title(), **kwargs)


def org_with_rep(name: str, email: str, *, country: str = "CH", role: str = Role.LEGAL_REPRESENTATIVE, **kwargs):
    org = OrganizationFactory(name=name, slug=slugify(name)[:50], country=country, **kwargs)
    user = person(email)
    Membership.objects.create(org=org, user=user, role=role)
    return org, user


def add_member(org: Organization, email: str, role: str = Role.COLLABORATOR, **kwargs):
    user = person(email, **kwargs)
    Membership.objects.create(org=org, user=user, role=role)
    return user


def partner_with_rep(name: str, email: str, **kwargs):
    """An approved partner on the standard plan, and its legal representative."""
    org, user = org_with_rep(name, email, register_number="CHE116281710", **kwargs)
    PartnerProfile.objects.create(org=org, commission_plan=standard_plan(), slug=slugify(name)[:60], public_name=name)
    return org, user


def product_type(slug: str) -> ProductType:
    category, name = PRODUCT_TYPES[slug]
    ptype, _ = ProductType.objects.get_or_create(slug=slug, defaults={"category": category, "name": name})
    return ptype


def product(org: Organization, slug: str, name: str) -> Product:
    return Product.objects.create(
        org=org, product_type=product_type(slug), name=name, expires_at=date.today() + timedelta(days=200)
    )


def company_with_products(name: str, email: str, **kwargs):
    """A client company, its legal rep, and a domain, a hosting and a mailbox."""
    org, user = org_with_rep(name, email, **kwargs)
    base = slugify(name)[:20]
    products = [
        product(org, "domain-ch", f"{base}.ch"),
        product(org, "web-hosting-basic", f"Website {base}.ch"),
        product(org, "mail-pro", f"Mail {base}.ch"),
    ]
    return org, user, products


def active_partnership(partner, client, *, level: str, payment_method: str | None = None, products=(), by=None):
    p = Partnership.objects.create(
        partner=partner,
        client=client,
        access_level=level,
        payment_method=payment_method if level == "full" else None,
        requested_access_level=level,
        requested_payment_method=payment_method if level == "full" else None,
        status=Partnership.Status.ACTIVE,
        initiated_by=Partnership.Side.PARTNER,
        invited_by=by,
        accepted_at=timezone.now(),
    )
    for item in products:
        PartnershipProduct.objects.create(partnership=p, product=item)
    return p
