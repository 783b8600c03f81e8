"""The ONE place where billing asks `partners` (BL-4, BL-5, PS-8).

Who pays an order line, which partner manages it, at what rate, and whether the
partner gets a checkout discount (rebate) or cashback. Everything else in
billing goes through `terms_for_order`, so the rules live here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from clients.models import Organization, Product, ProductType
from clients.tenancy import Access
from partners import selectors as partner_selectors

CLIENT_PAYS = "client_pays"
PARTNER_PAYS = "partner_pays"
ZERO = Decimal("0")


@dataclass(frozen=True)
class OrderTerms:
    payer: Organization
    # The partner the line is attributed to (gets the cashback, or the discount), or None.
    managing_partner: Organization | None
    partner_rate: Decimal
    discount_applies: bool
    cashback_applies: bool
    ordered_by_partner: bool


def ordered_by_partner(*, access: Access | None, client: Organization) -> bool:
    return bool(access is not None and access.is_acting_for_client and access.org.pk == client.pk)


def terms_for_order(
    *, client: Organization, ordered_by_access: Access | None, product_type: ProductType, product: Product | None = None
) -> OrderTerms:
    """BL-4/BL-5, exactly:

    - no full partner → the client pays the public price (after tiers);
    - full + client pays → the client pays; the managing partner earns cashback on
      the client's own orders and on those the partner places;
    - full + partner pays → the partner is invoiced (PS-8). When the partner orders,
      it gets its rate as a discount and no cashback; when the client orders itself,
      the partner pays the public price and earns cashback (BL-5);
    - a limited partner managing the product earns the cashback on the client's
      orders/renewals of it (it is then the managing partner, PS-7 decision).
    """
    full = partner_selectors.full_partnership_of(client=client)
    by_partner = ordered_by_partner(access=ordered_by_access, client=client)
    limited = partner_selectors.limited_manager_of(product=product) if product is not None else None
    category = product_type.category

    payer = _payer(client=client, full=full)

    if full is not None and by_partner and full.payment_method == PARTNER_PAYS:
        # The rebate at checkout: only a full partner that pays, ordering itself.
        rate = partner_selectors.commission_rate(partner=full.partner, category=category)
        return OrderTerms(
            payer=payer,
            managing_partner=full.partner if rate > 0 else None,
            partner_rate=rate,
            discount_applies=rate > 0,
            cashback_applies=False,
            ordered_by_partner=True,
        )

    managing = limited or (full.partner if full is not None else None)
    rate = partner_selectors.commission_rate(partner=managing, category=category) if managing is not None else ZERO
    return OrderTerms(
        payer=payer,
        managing_partner=managing if rate > 0 else None,
        partner_rate=rate,
        discount_applies=False,
        cashback_applies=managing is not None and rate > 0,
        ordered_by_partner=by_partner,
    )


def _payer(*, client: Organization, full) -> Organization:
    """PS-8: the full partner when it pays, otherwise the client."""
    return full.partner if full is not None and full.payment_method == PARTNER_PAYS else client


def payer_of(*, client: Organization) -> Organization:
    """Who is invoiced for the client's orders and renewals (BL-4, PS-8), whatever the product."""
    return _payer(client=client, full=partner_selectors.full_partnership_of(client=client))


def may_order(*, access: Access, client: Organization) -> bool:
    """BL-3/PS-4: the client itself with the right, or its full partner with the order right."""
    if access is None or access.org.pk != client.pk or not access.can("orders.place"):
        return False
    if access.is_acting_for_client:
        partnership = access.partnership
        return getattr(partnership, "access_level", None) == "full" and partnership.status == "active"
    return True


def hosting_orgs_paid_by(*, payer: Organization) -> Q:
    """Orgs whose web hostings count for `payer`'s tier (BL-1), as a filter on `org_id`: its own,
    and the clients whose full partnership makes it pay (a subquery: it read one partnership per
    client, 10,000 queries for the benchmark's big partner)."""
    orgs = Q(org_id=payer.pk)
    if partner_selectors.is_approved_partner(org=payer):
        orgs |= Q(org_id__in=partner_selectors.partner_pays_client_ids(partner=payer))
    return orgs


def is_partner(*, org: Organization) -> bool:
    return partner_selectors.is_approved_partner(org=org)


def access_is_partner(*, access) -> bool:
    """`is_partner` for the acting org, once per request."""
    return partner_selectors.access_is_approved_partner(access=access)


def client_ids_ever_of(*, partner: Organization):
    """The partner's clients ever accepted, as a subquery of ids."""
    return partner_selectors.client_ids_ever_of(partner=partner)


def clients_of(*, partner: Organization):
    return partner_selectors.clients_of(partner=partner)


def full_partnership_of(*, client: Organization):
    return partner_selectors.full_partnership_of(client=client)


def approved_partner_orgs():
    from partners.models import PartnerProfile

    return Organization.objects.filter(partner_profile__status=PartnerProfile.Status.APPROVED).order_by("name")


def products_visible_to(*, access: Access):
    """The products the access reaches; partners applies a limited partnership's scope."""
    return partner_selectors.products_visible_to(access=access)
