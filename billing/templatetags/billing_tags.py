from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, translation

from billing import partner_terms, selectors

register = template.Library()

NBSP = "\u00a0"
# Languages that put a (non-breaking) space before the percent sign (CLDR): "8,1 %"; others "8.1%".
PERCENT_SPACED = {"es", "fr", "de"}


def format_percent(fraction) -> str:
    """A rate stored as a fraction, in the reader's language: 0.081 → "8.1%" / "8,1 %",
    0.15 → "15%" / "15 %" (at most two decimals, no trailing zeros). `None` or "" gives "";
    a value that is not a number is returned unchanged rather than raising in a page."""
    if fraction is None or fraction == "":
        return ""
    try:
        value = (Decimal(str(fraction)) * 100).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return str(fraction)
    # `normalize` drops the trailing zeros ("15.00" → "15"); `:f` keeps it out of exponent form.
    number = formats.number_format(Decimal(f"{value.normalize():f}"), use_l10n=True)
    language = (translation.get_language() or "en").split("-")[0].lower()
    return f"{number}{NBSP}%" if language in PERCENT_SPACED else f"{number}%"


@register.filter
def percent(fraction) -> str:
    """`{{ invoice.vat_rate|percent }}` → "8.1%" / "8,1 %" (BL-6, BL-8)."""
    return format_percent(fraction)


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
