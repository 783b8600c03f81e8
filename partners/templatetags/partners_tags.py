from __future__ import annotations

from django import template

from partners import selectors
from partners.models import Partnership

register = template.Library()


@register.simple_tag
def partners_todo(access) -> dict:
    """Dashboard: what needs the person now (pending invitations to answer, rights to review)."""
    if access is None or access.is_acting_for_client:
        return {}
    from partners import services

    pending = selectors.partnerships_visible_to(access=access).filter(status=Partnership.Status.PENDING)
    to_answer = sum(1 for p in pending if services._may_answer(access, p))
    to_review = Partnership.objects.filter(
        partner=access.org, status=Partnership.Status.ACTIVE, needs_review=True
    ).count()
    return {
        "to_answer": to_answer,
        "to_review": to_review,
        "is_partner": selectors.access_is_approved_partner(access=access),
    }
