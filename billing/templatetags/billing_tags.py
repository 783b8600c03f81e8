from __future__ import annotations

from django import template

from billing import partner_terms, selectors

register = template.Library()


@register.simple_tag
def billing_summary(access) -> dict:
    """Dashboard card figures for the acting org."""
    if access is None or access.is_acting_for_client:
        return {}
    return {
        "unpaid_count": selectors.unpaid_invoices(access=access).count(),
        "balances": selectors.balances_of(org=access.org),
        "is_partner": partner_terms.access_is_partner(access=access),
    }


@register.simple_tag
def is_partner_org(access) -> bool:
    return bool(
        access is not None and not access.is_acting_for_client and partner_terms.access_is_partner(access=access)
    )
