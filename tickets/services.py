"""Writes of the support feature (SP-1…SP-3). Shared by HTML views, the API, admin and tasks."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.audit import audit_record
from clients.models import Membership, Organization, Role
from clients.tenancy import Access
from portal.errors import InvalidInput, RuleViolation
from portal.outbox import email_enqueue

from .models import (
    SUPPORT_CODE_ALPHABET,
    SUPPORT_CODE_LENGTH,
    SupportAccessGrant,
    SupportCode,
    SupportPlan,
    SupportService,
)

DURATIONS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
REASON_MAX_LENGTH = 500


def _random_code() -> str:
    return "".join(secrets.choice(SUPPORT_CODE_ALPHABET) for _ in range(SUPPORT_CODE_LENGTH))


def normalize_code(value: str) -> str:
    """What a caller reads out (`abcd-2345`, `ABCD 2345`) → the stored form."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _code_taken_by_other_kind(obj, code: str) -> bool:
    """Staff look both kinds of code up in one field (SP-2): a new support code is never an
    existing VIP code, nor the reverse (the tables' unique constraints cover each kind)."""
    if isinstance(obj, SupportCode):
        return SupportPlan.objects.filter(vip_code=code).exists()
    return SupportCode.objects.filter(code=code).exists()


def _save_with_unique_code(obj, field: str, *, update_fields: list[str] | None = None) -> None:
    """Give `obj.<field>` a fresh random code, retrying on the (rare) collision."""
    last_error: IntegrityError | None = None
    for _attempt in range(10):
        setattr(obj, field, _random_code())
        if _code_taken_by_other_kind(obj, getattr(obj, field)):
            continue
        try:
            with transaction.atomic():
                if update_fields:
                    obj.save(update_fields=update_fields)
                else:
                    obj.save()
            return
        except IntegrityError as exc:
            last_error = exc
            if obj.__class__.objects.filter(**{field: getattr(obj, field)}).exists():
                continue  # the random code is taken: draw again
            raise
    raise last_error or RuntimeError("could not generate a unique code")


# --- SP-1 support code ---------------------------------------------------------


def support_code_for(*, user) -> SupportCode:
    """The user's support code, created on first need."""
    existing = SupportCode.objects.filter(user=user).first()
    if existing is not None:
        return existing
    code = SupportCode(user=user)
    try:
        _save_with_unique_code(code, "code")
    except IntegrityError:  # created concurrently by another request
        return SupportCode.objects.get(user=user)
    return code


def support_code_regenerate(*, user) -> SupportCode:
    """Replace the user's code; the old one matches nothing from now on (SP-1)."""
    code = support_code_for(user=user)
    old_display = code.display
    code.regenerated_at = timezone.now()
    _save_with_unique_code(code, "code", update_fields=["code", "regenerated_at"])
    audit_record(
        action="support.code_regenerated",
        org=None,
        actor=user,
        target=code,
        details={"user_id": user.pk, "previous_code_suffix": old_display[-4:]},
    )
    return code


# --- SP-2 support plan / VIP code ------------------------------------------------


def support_plan_set(*, org: Organization, level: str, by=None) -> SupportPlan:
    """Staff set an org's Premium Support plan; Pro/Business get a VIP code."""
    if level not in SupportPlan.Level.values:
        raise InvalidInput("invalid_plan", _("Unknown support plan."), fields={"level": [_("Unknown plan.")]})
    plan, _created = SupportPlan.objects.get_or_create(org=org)
    previous = plan.level
    plan.level = level
    if level == SupportPlan.Level.NONE:
        plan.vip_code = None
        plan.save()
    elif plan.vip_code:
        plan.save()
    else:
        _save_with_unique_code(plan, "vip_code")
    if previous != level:
        audit_record(
            action="support.plan_changed",
            org=org,
            actor=by,
            target=plan,
            details={"from": previous, "to": level},
        )
    return plan


# --- SP-3 temporary support access ---------------------------------------------


def _legal_reps(org: Organization):
    return [m.user for m in Membership.objects.filter(org=org, role=Role.LEGAL_REPRESENTATIVE).select_related("user")]


def support_access_grant(*, access: Access, services: list[str], duration: str, reason: str) -> SupportAccessGrant:
    """A legal rep or administrator grants support staff temporary access (SP-3)."""
    access.require("support_access.grant")
    if access.is_acting_for_client:
        raise RuleViolation("forbidden", _("Only the organization's own members can grant support access."), status=403)
    services = list(dict.fromkeys(services or []))
    if not services or any(s not in SupportService.values for s in services):
        raise InvalidInput(
            "invalid_services",
            _("Choose the services to open: mail and/or drive."),
            fields={"services": [_("Choose mail, drive or both.")]},
        )
    if duration not in DURATIONS:
        raise InvalidInput(
            "invalid_duration",
            _("The duration must be 1 hour, 24 hours or 7 days."),
            fields={"duration": [_("Choose 1h, 24h or 7d.")]},
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", _("Give a reason."), fields={"reason": [_("This field is required.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            "reason_too_long",
            _("The reason is limited to 500 characters."),
            fields={"reason": [_("At most 500 characters.")]},
        )
    now = timezone.now()
    with transaction.atomic():
        grant = SupportAccessGrant.objects.create(
            org=access.org,
            mail=SupportService.MAIL in services,
            drive=SupportService.DRIVE in services,
            reason=reason,
            duration=duration,
            granted_by=access.user,
            created_at=now,
            expires_at=now + DURATIONS[duration],
        )
        audit_record(
            action="support_access.granted",
            org=access.org,
            actor=access.user,
            actor_org=access.from_org,
            target=grant,
            details={
                "services": grant.services,
                "duration": duration,
                "reason": reason,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
        for rep in _legal_reps(access.org):
            email_enqueue(
                key=f"support-access-granted:{grant.pk}:{rep.pk}",
                to=rep,
                template="tickets/support_access_granted",
                context={"grant": grant, "org": access.org, "granted_by": access.user},
                link="/manager/support/",
                org=access.org,
            )
    return grant


def support_access_revoke(*, access: Access, grant: SupportAccessGrant) -> SupportAccessGrant:
    """Revoke at once: the next staff request is refused (SP-3)."""
    access.require("support_access.grant")
    if grant.org_id != access.org.pk:
        raise RuleViolation("not_found", _("Not found."), status=404)
    with transaction.atomic():
        grant = SupportAccessGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_valid:
            raise RuleViolation("not_active", _("This access has already ended."), status=409)
        grant.revoked_at = timezone.now()
        grant.revoked_by = access.user
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action="support_access.revoked",
            org=access.org,
            actor=access.user,
            actor_org=access.from_org,
            target=grant,
            details={"services": grant.services},
        )
    return grant


def support_access_use(*, staff_user, org: Organization, service: str) -> SupportAccessGrant:
    """A staff member opens an org's service: allowed only under a valid grant covering it.

    Refusal → `support_access.denied` audit event and a 403 RuleViolation (kept in
    the trail: the audit row is written outside the refused request's atomic block).
    Use → `support_access.used` and, at most once per grant per hour, an email to the legal reps.
    """
    if not getattr(staff_user, "is_staff", False):
        raise RuleViolation("not_found", _("Not found."), status=404)
    now = timezone.now()
    grant = (
        SupportAccessGrant.objects.filter(org=org, revoked_at__isnull=True, expires_at__gt=now, **{service: True})
        .select_related("granted_by")
        .order_by("-expires_at")
        .first()
        if service in SupportService.values
        else None
    )
    if grant is None:
        audit_record(
            action="support_access.denied",
            org=org,
            actor=staff_user,
            details={"service": service},
        )
        raise RuleViolation(
            "support_access_required",
            _("This organization has not granted support access to this service, or it has ended."),
            status=403,
        )
    audit_record(
        action="support_access.used",
        org=org,
        actor=staff_user,
        target=grant,
        details={"service": service, "grant_id": grant.pk},
    )
    hour = now.strftime("%Y%m%d%H")
    for rep in _legal_reps(org):
        email_enqueue(
            key=f"support-access-used:{grant.pk}:{hour}:{rep.pk}",
            to=rep,
            template="tickets/support_access_used",
            context={"grant": grant, "org": org, "service": SupportService(service).label, "staff": staff_user},
            link="/manager/audit/",
            org=org,
        )
    return grant


def support_access_record_expired(*, now=None) -> int:
    """Periodic: one `support_access.expired` audit event per grant that ran out (not revoked)."""
    now = now or timezone.now()
    count = 0
    due = SupportAccessGrant.objects.filter(
        revoked_at__isnull=True, expires_at__lte=now, expiry_recorded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            grant = (
                SupportAccessGrant.objects.select_for_update().filter(pk=pk, expiry_recorded_at__isnull=True).first()
            )
            if grant is None:
                continue
            grant.expiry_recorded_at = now
            grant.save(update_fields=["expiry_recorded_at"])
            audit_record(
                action="support_access.expired",
                org=grant.org,
                target=grant,
                details={"services": grant.services, "expired_at": grant.expires_at.isoformat()},
            )
            count += 1
    return count


#: Product types of the catalog that subscribe an org to Premium Support (SP-2).
SUPPORT_PLAN_BY_PRODUCT_TYPE = {"support-pro": "pro", "support-business": "business"}


def support_plan_from_order(*, product, **kwargs) -> SupportPlan | None:
    """An org that orders Premium Support in the shop is subscribed to that plan."""
    level = SUPPORT_PLAN_BY_PRODUCT_TYPE.get(product.product_type.slug)
    if level is None:
        return None
    return support_plan_set(org=product.org, level=level)
