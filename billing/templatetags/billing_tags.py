from __future__ import annotations

from django import template

from billing import partner_terms, selectors

register = template.Library()


@register.simple_tag
def billing_summary(access) -> dict:
    """Dashboard card figures for the acting org (issue 8: what needs me now)."""
    if access is None or access.is_acting_for_client:
        return {}
    is_partner = partner_terms.access_is_partner(access=access)  # asked once per request
    return {
        # Counted up to the cap ("99+"): a partner paying for its clients may have thousands.
        "unpaid_count": selectors.unpaid_invoices(access=access).values("pk")[: selectors.UNPAID_COUNT_CAP].count(),
        "unpaid_cap": selectors.UNPAID_COUNT_CAP,
        "balances": selectors.balances_of(org=access.org),
        "is_partner": is_partner,
        "cashback_month": (
            selectors.cashback_this_month(org=access.org) if is_partner and access.can("cashback.view") else None
        ),
    }


@register.simple_tag
def billing_staff_todo(user) -> dict:
    """Staff dashboard: payout requests to settle."""
    return {"payouts": selectors.payouts_to_settle_count(user=user)}


@register.simple_tag
def is_partner_org(access) -> bool:
    return bool(
        access is not None and not access.is_acting_for_client and partner_terms.access_is_partner(access=access)
    )
