"""PS-12/PS-13/SEC-2: how a partner person reaches a client's org.

Registered with `clients.tenancy.register_access_resolver` in `PartnersConfig.ready()`,
so `clients` knows nothing of partnerships.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.audit import audit_record
from clients.models import Membership, Organization
from clients.policy import PARTNER_RIGHT_CAPABILITIES, capabilities_for_role
from clients.tenancy import Access, Refusal

from .models import ClientPartnerSettings, CollaboratorRights, PartnerProfile, Partnership

ALL_RIGHTS = ("view", "manage_products", "order", "billing")
# PS-12: the client's invoices are never shown to partner people (with partner_pays
# they are issued to the partner and seen in the partner's own org).
NEVER_WHILE_ACTING = frozenset({"billing.view", "billing.pay"})
ACCESS_AUDIT_SECONDS = 30 * 60


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def rights_for(*, membership: Membership, client: Organization) -> list[str]:
    """The PS-13 rights a partner member has for `client` ([] = may not open it)."""
    if "clients.access" in capabilities_for_role(membership.role):
        return list(ALL_RIGHTS)
    rights = CollaboratorRights.objects.filter(partner_id=membership.org_id, user_id=membership.user_id).first()
    if rights is None:
        return []
    if not rights.all_clients and not rights.clients.filter(pk=client.pk).exists():
        return []
    return rights.rights


def capabilities_for(*, partnership: Partnership, rights: list[str]) -> frozenset[str]:
    caps: set[str] = set()
    for right in rights:
        caps |= PARTNER_RIGHT_CAPABILITIES.get(right, frozenset())
    if caps:
        caps |= PARTNER_RIGHT_CAPABILITIES["view"]
    caps -= NEVER_WHILE_ACTING
    if not partnership.is_full:
        caps.discard("orders.place")  # PS-4: a limited partner never orders or renews
    return frozenset(caps)


def mfa_blocked(*, user, partnership: Partnership) -> bool:
    """SEC-2: the client (or the partner org) requires MFA and the user has none."""
    required = ClientPartnerSettings.objects.filter(client_id=partnership.client_id, require_partner_mfa=True).exists()
    required = required or PartnerProfile.objects.filter(org_id=partnership.partner_id, require_mfa=True).exists()
    return required and not user_has_mfa(user)


def partner_mfa_guard(access: Access) -> Refusal | None:
    """SEC-2: a partner org that requires MFA refuses its own members without it, on every page and
    API call of the org (acting for a client is refused by `partner_access` with `mfa_blocked`)."""
    if access.is_acting_for_client or access.membership is None:
        return None
    from .selectors import access_partner_profile

    profile = access_partner_profile(access=access)
    if profile is None or not profile.require_mfa or user_has_mfa(access.user):
        return None
    return Refusal(
        code="mfa_required",
        message=_("Your organization requires two-factor authentication. Set it up to continue."),
        url_name="mfa_activate_totp",
    )


def candidate_partnerships(*, user, client: Organization):
    return (
        Partnership.objects.filter(
            client=client,
            status=Partnership.Status.ACTIVE,
            partner__memberships__user=user,
            partner__partner_profile__status=PartnerProfile.Status.APPROVED,
        )
        .select_related("partner", "client")
        .order_by("-access_level", "id")  # "limited" sorts after "full" descending
    )


def partner_access(user, org: Organization) -> Access | None:
    """The resolver: an Access into client `org` for a partner person, or None."""
    for partnership in candidate_partnerships(user=user, client=org):
        membership = Membership.objects.filter(org_id=partnership.partner_id, user=user).first()
        if membership is None:
            continue
        rights = rights_for(membership=membership, client=org)
        if not rights or mfa_blocked(user=user, partnership=partnership):
            continue
        scope: dict = {"rights": rights}
        if not partnership.is_full:
            scope["product_ids"] = list(
                partnership.grants.filter(active=True).values_list("product_id", flat=True).order_by("product_id")
            )
        _record_access(user=user, partnership=partnership)
        return Access(
            user=user,
            org=org,
            membership=None,
            partnership=partnership,
            actor_org=partnership.partner,
            capabilities=capabilities_for(partnership=partnership, rights=rights),
            scope=scope,
        )
    return None


def _record_access(*, user, partnership: Partnership) -> None:
    """AU-1: each partner access to a client account, at most once per 30 minutes per person and client."""
    key = f"partner-access:{user.pk}:{partnership.client_id}"
    if cache.add(key, timezone.now().isoformat(), ACCESS_AUDIT_SECONDS):
        audit_record(
            action="partner.access",
            org=partnership.client,
            actor=user,
            actor_org=partnership.partner,
            target=partnership,
            details={"access_level": partnership.access_level},
        )
