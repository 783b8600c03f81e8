"""Reads of the support feature (SP-1…SP-4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from clients.audit import audit_record
from clients.models import AuditEvent, Membership, Organization, Product, ProductType
from clients.tenancy import Access
from portal.models import User

from .models import HelpArticle, SupportAccessGrant, SupportCode, SupportPlan
from .search import search_normalize
from .services import normalize_code

SERVICE_CATEGORIES = {"mail": ProductType.Category.EMAIL, "drive": ProductType.Category.STORAGE}


def support_plan_of(*, org: Organization) -> SupportPlan | None:
    """The org's plan if it is Pro or Business (only those have a VIP code, SP-2)."""
    plan = SupportPlan.objects.filter(org=org).first()
    return plan if plan is not None and plan.is_premium else None


@dataclass(frozen=True)
class SupportFacts:
    """What the support widget and the dashboard card show (SP-1, SP-2)."""

    code_display: str
    vip_code_display: str = ""  # "" without a Pro/Business plan
    level: str = ""

    @property
    def level_label(self) -> str:
        return SupportPlan.Level(self.level).label if self.level else ""


def _code_key(user_id) -> str:
    return f"tickets:support-code:{user_id}"


def _plan_key(org_id) -> str:
    return f"tickets:support-plan:{org_id}"


def support_facts_forget(*, user_id=None, org_id=None) -> None:
    """Drop the cached facts of a user's code or an org's plan: now and after the commit
    (a request reading between the two would otherwise cache the old row again)."""
    keys = ([_code_key(user_id)] if user_id else []) + ([_plan_key(org_id)] if org_id else [])
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def support_facts_for(*, user, org: Organization | None) -> SupportFacts:
    """The user's support code and `org`'s VIP code, on every manager page (issue 9).

    Read from the cache when settings.SUPPORT_FACTS_CACHE_SECONDS > 0 (a shared cache:
    Redis), else from the database; the cache is cleared when a code or a plan is saved
    or deleted (`tickets.apps`)."""
    from .services import support_code_for

    timeout = settings.SUPPORT_FACTS_CACHE_SECONDS
    code_key, plan_key = _code_key(user.pk), _plan_key(org.pk) if org is not None else None
    found = cache.get_many([k for k in (code_key, plan_key) if k]) if timeout > 0 else {}
    fresh = {}
    code = found.get(code_key)
    if code is None:
        code = fresh[code_key] = support_code_for(user=user).display
    plan = found.get(plan_key) if plan_key else ("", "")
    if plan is None:
        premium = support_plan_of(org=org)
        plan = fresh[plan_key] = (premium.vip_code_display, premium.level) if premium else ("", "")
    if fresh and timeout > 0:
        cache.set_many(fresh, timeout)
    return SupportFacts(code_display=code, vip_code_display=plan[0], level=plan[1])


def vip_codes_for_user(*, user) -> list[SupportPlan]:
    """VIP codes of the orgs the user is a member of (SP-2)."""
    return list(
        SupportPlan.objects.filter(
            org__memberships__user=user, level__in=[SupportPlan.Level.PRO, SupportPlan.Level.BUSINESS]
        )
        .select_related("org")
        .order_by("org__name")
    )


def support_access_grants_for(*, access: Access) -> QuerySet[SupportAccessGrant]:
    if access.is_acting_for_client or not access.can("support.view"):
        return SupportAccessGrant.objects.none()
    return SupportAccessGrant.objects.filter(org=access.org).select_related("granted_by", "revoked_by")


@dataclass
class LookupOrg:
    org: Organization
    role: str
    role_display: str
    plan: SupportPlan | None


@dataclass
class LookupResult:
    code: str
    user: User | None = None
    orgs: list[LookupOrg] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.user is not None


def support_code_lookup(*, staff_user, code: str) -> LookupResult:
    """SP-1/SP-2: staff identify a caller by code. Every lookup is audited.

    A read with a side effect on purpose: the audit trail must show who looked up whom.
    """
    normalized = normalize_code(code)
    match = SupportCode.objects.filter(code=normalized).select_related("user").first() if normalized else None
    result = LookupResult(code=normalized)
    if match is not None:
        result.user = match.user
        plans = {p.org_id: p for p in SupportPlan.objects.filter(org__memberships__user=match.user)}
        for m in Membership.objects.filter(user=match.user).select_related("org").order_by("org__name"):
            plan = plans.get(m.org_id)
            result.orgs.append(
                LookupOrg(
                    org=m.org,
                    role=m.role,
                    role_display=m.get_role_display(),
                    plan=plan if plan is not None and plan.is_premium else None,
                )
            )
    audit_record(
        action="support.code_lookup",
        org=None,
        actor=staff_user,
        details={"code": normalized[:32], "matched_user_id": match.user_id if match else None},
    )
    return result


def support_products_for(*, org: Organization, service: str) -> QuerySet[Product]:
    """The org's products behind a support service (mail → email, drive → storage)."""
    return (
        Product.objects.filter(org=org, product_type__category=SERVICE_CATEGORIES[service])
        .select_related("product_type")
        .order_by("name")
    )


def support_access_valid_all() -> QuerySet[SupportAccessGrant]:
    """For staff: the grants valid now, across orgs (metadata only; opening a service is audited)."""
    return (
        SupportAccessGrant.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("org")
        .order_by("expires_at")
    )


def support_access_activity_for(*, access: Access) -> QuerySet[AuditEvent]:
    """SP-3: the org's support-access trail (grants, revocations, expiries, uses, refusals)."""
    if access.is_acting_for_client or not access.can("audit.view"):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(org=access.org, action__startswith="support_access.")
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


# --- SP-4 help center -------------------------------------------------------------


def help_language() -> str:
    lang = (translation.get_language() or "en")[:2]
    return lang if lang in HelpArticle.Language.values else "en"


def help_articles(*, language: str, query: str = "", category: str = "") -> QuerySet[HelpArticle]:
    qs = HelpArticle.objects.filter(published=True, language=language)
    if category:
        qs = qs.filter(category=category)
    for word in search_normalize(query).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("position", "title")


def help_article(*, slug: str, language: str) -> HelpArticle | None:
    """The article in the wanted language, else in any language it exists in."""
    qs = HelpArticle.objects.filter(published=True, slug=slug)
    return qs.filter(language=language).first() or qs.order_by("language").first()
