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
from .search import search_terms, search_words, term_matches
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


def vip_codes_for_user(*, user, org: Organization | None = None) -> list[SupportPlan]:
    """VIP codes of the orgs the user is a member of (SP-2); only `org`'s when given
    (a personal access token is scoped to one org, SPEC §9)."""
    qs = SupportPlan.objects.filter(
        org__memberships__user=user, level__in=[SupportPlan.Level.PRO, SupportPlan.Level.BUSINESS]
    )
    if org is not None:
        qs = qs.filter(org=org)
    return list(qs.select_related("org").order_by("org__name"))


def support_access_grants_for(*, access: Access) -> QuerySet[SupportAccessGrant]:
    if access.is_acting_for_client or not access.can("support.view"):
        return SupportAccessGrant.objects.none()
    return SupportAccessGrant.objects.filter(org=access.org).select_related("granted_by", "revoked_by")


@dataclass
class LookupOrg:
    org: Organization
    role: str | None  # None when a VIP code identified the org, not a person
    role_display: str
    plan: SupportPlan | None


@dataclass
class LookupResult:
    code: str
    kind: str | None = None  # "support_code" (a person) or "vip_code" (an org's Premium Support plan)
    user: User | None = None
    orgs: list[LookupOrg] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return self.kind is not None


def support_code_lookup(*, staff_user, code: str) -> LookupResult:
    """SP-1/SP-2: staff identify a caller by a code they read out: their personal support
    code (→ the person, their orgs and plans) or an org's VIP code (→ the org and its plan).
    Every lookup is audited, with the code's last 4 characters only (as when it is regenerated).

    A read with a side effect on purpose: the audit trail must show who looked up whom.
    """
    normalized = normalize_code(code)
    result = LookupResult(code=normalized)
    match = SupportCode.objects.filter(code=normalized).select_related("user").first() if normalized else None
    vip = None
    if match is not None:
        result.kind, result.user = "support_code", match.user
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
    elif normalized:
        # Only Pro and Business plans have a VIP code (a database constraint).
        vip = SupportPlan.objects.filter(vip_code=normalized).select_related("org").first()
        if vip is not None:
            result.kind = "vip_code"
            result.orgs.append(LookupOrg(org=vip.org, role=None, role_display="", plan=vip))
    audit_record(
        action="support.code_lookup",
        org=None,
        actor=staff_user,
        details={
            "code_suffix": normalized[-4:],
            "kind": result.kind,
            "matched_user_id": match.user_id if match else None,
            "matched_org_id": vip.org_id if vip else None,
        },
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


def help_articles(*, language: str, category: str = "") -> QuerySet[HelpArticle]:
    """The published articles of a language (and category), in the help center's order."""
    qs = HelpArticle.objects.filter(published=True, language=language)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("position", "title")


def help_search(*, language: str, query: str, category: str = "") -> list[HelpArticle]:
    """SP-4: the articles matching a natural query, best first.

    Forgiving: stop words are ignored, case and accents too, words match by stem
    (`whistleblowing` finds "whistleblower"), and the category's label counts (`partners`
    finds "Programa de partners"). An article matching any term is kept; more terms matched
    rank first, then terms matched in the title. Done in Python over the language's articles
    (a few dozen): the same result on SQLite and PostgreSQL, no full-text index to maintain.
    """
    articles = help_articles(language=language, category=category).defer("body")
    terms = search_terms(query)
    if not terms:  # only stop words: nothing to narrow on
        return list(articles)
    with translation.override(language):
        category_words = {value: set(search_words(str(label))) for value, label in HelpArticle.Category.choices}
    ranked = []
    for article in articles:
        title_words = set(search_words(article.title))
        words = set(search_words(article.search_text)) | title_words | category_words.get(article.category, set())
        matched = [t for t in terms if term_matches(t, words)]
        if matched:
            in_title = sum(1 for t in matched if term_matches(t, title_words))
            ranked.append(((-len(matched), -in_title, article.position, article.title), article))
    ranked.sort(key=lambda pair: pair[0])
    return [article for _key, article in ranked]


def help_article(*, slug: str, language: str) -> HelpArticle | None:
    """The article in the wanted language, else in any language it exists in."""
    qs = HelpArticle.objects.filter(published=True, slug=slug)
    return qs.filter(language=language).first() or qs.order_by("language").first()
