from __future__ import annotations

from django import template

from partners import selectors
from partners.models import Partnership

register = template.Library()


@register.simple_tag
def partners_todo(access) -> dict:
    """Dashboard (issue 8, "what needs me now"): partnership invitations the person may answer,
    invitations waiting for another person of the org (an administrator sees them, a legal rep
    answers, PS-14), the org's own invitations waiting for the other side, and, for a partner,
    the clients' granted rights to review (PS-2). A fixed number of queries, whatever the counts."""
    if access is None or access.is_acting_for_client:
        return {}
    from partners import services

    pending = list(
        selectors.pending_visible_to(access=access).only(
            "id", "partner_id", "client_id", "initiated_by", "invited_email"
        )
    )
    to_answer = waiting_colleague = sent = 0
    org_id = access.org.pk
    for p in pending:
        ours = (p.initiated_by == Partnership.Side.PARTNER and p.partner_id == org_id) or (
            p.initiated_by == Partnership.Side.CLIENT and p.client_id == org_id
        )
        if ours:
            sent += 1
        elif p.client_id is None:
            # Listed only when sent to one of the person's addresses (no per-row email query).
            if access.can("partnerships.manage") and p.partner_id != org_id:
                to_answer += 1
        elif services._may_answer(access, p):
            to_answer += 1
        else:
            waiting_colleague += 1
    is_partner = selectors.access_is_approved_partner(access=access)
    to_review = selectors.partnerships_to_review(partner=access.org).count() if is_partner else 0
    # PP-1: a company's application under review is said as such, not "Become a partner".
    application = None if is_partner or not access.org.is_company else selectors.latest_application(org=access.org)
    return {
        "application_pending": application is not None and application.status == application.Status.SUBMITTED,
        "to_answer": to_answer,
        "waiting_colleague": waiting_colleague,
        "sent": sent,
        "to_review": to_review,
        "is_partner": is_partner,
    }


@register.simple_tag
def partner_invitations_for(user) -> list:
    """Onboarding (a person with no org yet): partners' invitations sent to one of their addresses (PS-2),
    answered once they have created the org they accept for."""
    if user is None or not user.is_authenticated:
        return []
    return list(selectors.pending_invitations_for_user(user=user).order_by("-created_at")[:10])


@register.simple_tag
def partners_staff_todo(user) -> dict:
    """Staff dashboard: partner applications waiting for a decision (PP-3)."""
    return {"applications": selectors.applications_queue(user=user).count() if user.is_staff else 0}
