"""Reads. Every selector takes the requester's Access and returns what it may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from portal.models import Notification

from .models import AccessToken, AuditEvent, MemberInvitation, Membership, Organization
from .tenancy import Access


def orgs_for_user(*, user) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).order_by("name")


def members_of(*, access: Access) -> QuerySet[Membership]:
    if not access.can("members.view"):
        return Membership.objects.none()
    return Membership.objects.filter(org=access.org).select_related("user").order_by("role", "user__email")


def audit_events_for(*, access: Access) -> QuerySet[AuditEvent]:
    """AU-1: the org's own trail (including what partner people did in it)."""
    if not access.can("audit.view"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(org=access.org).select_related("actor", "actor_org").order_by("-created_at", "-id")


def notifications_for(*, user, org: Organization | None = None) -> QuerySet[Notification]:
    """The person's notifications; with `org`, only those about that org (a token scoped to it)."""
    qs = Notification.objects.filter(user=user)
    if org is not None:
        qs = qs.filter(org_slug=org.slug)
    return qs.order_by("-created_at", "-id")


def member_invitations_pending(*, access: Access) -> QuerySet[MemberInvitation]:
    if not access.can("members.view"):
        return MemberInvitation.objects.none()
    return (
        MemberInvitation.objects.filter(org=access.org, status=MemberInvitation.Status.PENDING)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def member_invitations_waiting_count(*, access: Access) -> int:
    """ORG-6: invitations sent and still usable (pending, not past their 7 days)."""
    return member_invitations_pending(access=access).filter(expires_at__gt=timezone.now()).count()


def member_invitations_for(*, access: Access) -> QuerySet[MemberInvitation]:
    if not access.can("members.view"):
        return MemberInvitation.objects.none()
    return MemberInvitation.objects.filter(org=access.org).select_related("invited_by").order_by("-created_at", "-id")


def invitation_by_token(*, token: str) -> MemberInvitation | None:
    if not token:
        return None
    return MemberInvitation.objects.select_related("org", "invited_by").filter(token=token).first()


def tokens_for_user(*, user) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).select_related("org").order_by("-created_at", "-id")


def verified_emails(*, user, access: Access | None = None) -> list[str]:
    """The person's own addresses, lower case and sorted: the sign-in one and every verified one.
    With the request's `access` (of the same person), read once per request: the dashboard asks
    for member invitations (here) and partnership invitations (partners) on one page."""

    def read() -> list[str]:
        from allauth.account.models import EmailAddress

        verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
        return sorted({user.email.lower()} | {e.lower() for e in verified})

    if access is not None and access.user.pk == user.pk:
        return access.remember("verified_emails", read)
    return read()


def invitations_for_user(*, user, access: Access | None = None) -> QuerySet[MemberInvitation]:
    """Usable invitations sent to one of the user's own addresses (shown on the dashboard)."""
    emails = verified_emails(user=user, access=access)
    return (
        MemberInvitation.objects.filter(
            email__in=emails, status=MemberInvitation.Status.PENDING, expires_at__gt=timezone.now()
        )
        .exclude(org__memberships__user=user)
        .select_related("org")
        .order_by("-created_at")
    )
