from __future__ import annotations

from decimal import Decimal

from billing import services
from billing.demo import seed_catalog
from clients.models import Membership, Product, ProductType, Role
from clients.tenancy import Access, access_for
from clients.tests.factories import OrganizationFactory, ProductFactory, UserFactory
from partners.tests.factories import PartnerProfileFactory, PartnershipFactory, PartnershipProductFactory

__all__ = [
    "OrganizationFactory",
    "ProductFactory",
    "UserFactory",
    "PartnerProfileFactory",
    "PartnershipFactory",
    "PartnershipProductFactory",
    "seed_catalog",
]


def member(org, role=Role.LEGAL_REPRESENTATIVE, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(org=org, user=user, role=role)
    return user


def org_with_rep(**kwargs):
    org = OrganizationFactory(**kwargs)
    return org, member(org)


def own_access(user, org) -> Access:
    return access_for(user=user, org=org)


def partner_org(**kwargs):
    """An approved partner (default plan: web_hosting 25%, domain 10%…) and its legal rep."""
    org, user = org_with_rep(**kwargs)
    PartnerProfileFactory(org=org)
    return org, user


def full(partner, client, payment_method="client_pays"):
    return PartnershipFactory(partner=partner, client=client, access_level="full", payment_method=payment_method)


def limited(partner, client, products):
    p = PartnershipFactory(partner=partner, client=client, access_level="limited", payment_method=None)
    for product in products:
        PartnershipProductFactory(partnership=p, product=product)
    return p


def ptype(slug: str) -> ProductType:
    return ProductType.objects.get(slug=slug)


def hosting(org, name="site.example.ch") -> Product:
    return ProductFactory(org=org, product_type=ptype("web-hosting-basic"), name=name)


def order(access, client, slug="web-hosting-pro", period="1y", name="shop.example.ch"):
    return services.order_place(
        access=access, client=client, items=[services.OrderItem(product_type=ptype(slug), period=period, name=name)]
    )


def renew(access, product, period="1y"):
    return services.product_renew(access=access, product=product, period=period)


def D(value: str) -> Decimal:
    return Decimal(value)
