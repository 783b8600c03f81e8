"""Reads of the partner program. Keyword-only; billing and tickets ask these.

Stable interface (other apps depend on these names): `partner_profile_for`,
`is_approved_partner`, `access_partner_profile`, `access_is_approved_partner`,
`full_partnership_of`, `limited_manager_of`, `commission_rate`, `partnerships_visible_to`,
`clients_of`, `client_ids_ever_of`, `partnership_between`.
"""

from __future__ import annotations

import inspect
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.fields import DecimalField
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Membership, Organization, Product, ProductType, Role
from clients.selectors import verified_emails
from clients.tenancy import Access
from portal.ids import object_id

from .models import (
    AffiliateEnrollment,
    ClientPartnerSettings,
    CollaboratorRights,
    CommissionPlan,
    CommissionRate,
    DirectoryLanguage,
    PartnerApplication,
    PartnerProfile,
    Partnership,
    PartnershipProduct,
    search_normalized,
)


def partner_profile_for(*, org: Organization | None) -> PartnerProfile | None:
    """The approved partner profile of `org`, or None."""
    if org is None:
        return None
    return (
        PartnerProfile.objects.filter(org=org, status=PartnerProfile.Status.APPROVED)
        .select_related("commission_plan")
        .first()
    )


def is_approved_partner(*, org: Organization | None) -> bool:
    if org is None:
        return False
    return PartnerProfile.objects.filter(org=org, status=PartnerProfile.Status.APPROVED).exists()


def access_partner_profile(*, access) -> PartnerProfile | None:
    """`partner_profile_for` the acting org, read once per request: the partner pages,
    the nav partials and the dashboard cards all ask (issue 9)."""
    if access is None:
        return None
    return access.remember("partners.profile", lambda: _loaded_partner_profile(access.org))


def _loaded_partner_profile(org: Organization) -> PartnerProfile | None:
    """`partner_profile_for(org)`, from what the memberships query loaded with the org when
    it did (`register_membership_related` in apps.py), else from the database."""
    if not Organization.partner_profile.is_cached(org):
        return partner_profile_for(org=org)
    profile = getattr(org, "partner_profile", None)  # cached as missing: no profile
    return profile if profile is not None and profile.status == PartnerProfile.Status.APPROVED else None


def access_is_approved_partner(*, access) -> bool:
    """`is_approved_partner` for the acting org, from the profile read once per request."""
    return access_partner_profile(access=access) is not None


def is_affiliate(*, org: Organization | None) -> bool:
    """PP-1: the org is enrolled in the affiliate program (so it can't be a partner)."""
    return org is not None and AffiliateEnrollment.objects.filter(org=org).exists()


def full_partnership_of(*, client: Organization) -> Partnership | None:
    """The client's active full-access partnership (PS-7: at most one)."""
    return (
        Partnership.objects.filter(
            client=client, status=Partnership.Status.ACTIVE, access_level=Partnership.AccessLevel.FULL
        )
        .select_related("partner")
        .first()
    )


def limited_manager_of(*, product: Product) -> Organization | None:
    """The partner org of the active limited partnership that manages `product` (PS-5: at most one)."""
    grant = (
        PartnershipProduct.objects.filter(product=product, active=True, partnership__status=Partnership.Status.ACTIVE)
        .select_related("partnership__partner")
        .first()
    )
    return grant.partnership.partner if grant else None


def default_commission_plan() -> CommissionPlan | None:
    return CommissionPlan.objects.filter(is_default=True).first()


def commission_rate(*, partner: Organization, category: str) -> Decimal:
    """PP-5: the partner's rate for a category, as a fraction (0 when none)."""
    profile = partner_profile_for(org=partner)
    if profile is None:
        return Decimal("0")
    rate = (
        CommissionRate.objects.filter(plan_id=profile.commission_plan_id, category=category)
        .values_list("rate", flat=True)
        .first()
    )
    return rate if rate is not None else Decimal("0")


def partnership_between(*, partner: Organization, client: Organization) -> Partnership | None:
    """The pending or active partnership linking the two orgs, if any."""
    return (
        Partnership.objects.filter(
            partner=partner, client=client, status__in=[Partnership.Status.PENDING, Partnership.Status.ACTIVE]
        )
        .order_by("-created_at")
        .first()
    )


def clients_of(*, partner: Organization) -> QuerySet[Organization]:
    """The partner's active clients."""
    return Organization.objects.filter(
        partnerships_as_client__partner=partner, partnerships_as_client__status=Partnership.Status.ACTIVE
    ).distinct()


def partner_pays_client_ids(*, partner: Organization) -> QuerySet:
    """The clients whose active full partnership makes this partner pay (PS-8): one indexed query as a
    subquery of ids, not a partnership read per client (BL-1's web hosting tier counts their hostings)."""
    return Partnership.objects.filter(
        partner=partner,
        status=Partnership.Status.ACTIVE,
        access_level=Partnership.AccessLevel.FULL,
        payment_method=Partnership.PaymentMethod.PARTNER_PAYS,
    ).values_list("client_id", flat=True)


def active_clients_count(*, partner: Organization) -> int:
    """How many clients the partner has now: its active partnerships, one per client at most
    (`partnership_one_open_per_pair`), counted from an index, not as DISTINCT organizations
    (10 ms for 10,000 clients, issue 9)."""
    return Partnership.objects.filter(partner=partner, status=Partnership.Status.ACTIVE).count()


def partnerships_to_review(*, partner: Organization) -> QuerySet[Partnership]:
    """Active partnerships whose granted rights the partner has not acknowledged yet (PS-2),
    with their clients: found from the partial index `partnership_to_review` (issue 9)."""
    return Partnership.objects.filter(
        partner=partner, status=Partnership.Status.ACTIVE, needs_review=True
    ).select_related("client")


def client_ids_ever_of(*, partner: Organization) -> QuerySet:
    """Every client the partner has had a partnership with that was accepted at some point
    (active or ended): the only orgs whose products it can have paid for. A `values_list`
    queryset, to be used as a subquery (`pk__in=`) rather than read whole (issue 9)."""
    return Partnership.objects.filter(
        partner=partner,
        client__isnull=False,
        status__in=[Partnership.Status.ACTIVE, Partnership.Status.ENDED],
    ).values_list("client_id", flat=True)


def partnerships_visible_to(*, access: Access) -> QuerySet[Partnership]:
    """Both sides' partnerships of the acting org (PS-14: administrators see, legal reps manage).

    Partner people acting for a client never see the client's partnerships (PS-12).
    A legal rep also sees partner invitations sent to their email that wait for
    an org to be chosen (PS-2).
    """
    if access is None or access.is_acting_for_client or not access.can("partnerships.view"):
        return Partnership.objects.none()
    org = access.org
    q = Q(partner=org) | Q(client=org)
    if access.can("partnerships.manage"):
        q |= Q(
            client__isnull=True,
            status=Partnership.Status.PENDING,
            invited_email__in=verified_emails(user=access.user, access=access),
        )
    # No DISTINCT: every condition is on the partnership's own columns and the joins are
    # to-one, so no row repeats; DISTINCT over every column cost 16 ms for 10,000 clients (issue 9).
    return Partnership.objects.filter(q).select_related("partner", "client")


def open_pending_q() -> Q:
    """PS-1: invitations still open: pending and not past their expiry. The hourly job
    (`partnerships_expire`) marks the others expired; until it runs they are expired all the same."""
    return Q(status=Partnership.Status.PENDING, expires_at__gt=timezone.now())


def in_state(queryset: QuerySet[Partnership], state: str) -> QuerySet[Partnership]:
    """Partnerships in the state pages and the API show (`Partnership.shown_status`): an invitation
    past its expiry is expired, not pending, whether or not the hourly job has run."""
    if state == Partnership.Status.PENDING:
        return queryset.filter(open_pending_q())
    if state == Partnership.Status.EXPIRED:
        return queryset.filter(
            Q(status=Partnership.Status.EXPIRED) | Q(status=Partnership.Status.PENDING, expires_at__lte=timezone.now())
        )
    return queryset.filter(status=state)


def pending_visible_to(*, access: Access) -> QuerySet[Partnership]:
    """The open invitations, both directions, the acting org sees (PS-2, PS-3): the pending page,
    the dashboard. Expired ones are left out (PS-1)."""
    return in_state(partnerships_visible_to(access=access), Partnership.Status.PENDING)


def pending_invitations_for_user(*, user) -> QuerySet[Partnership]:
    """Open partner invitations addressed to this person's email (PS-2), not yet bound to an org."""
    return Partnership.objects.filter(
        open_pending_q(), client__isnull=True, invited_email__in=verified_emails(user=user)
    ).select_related("partner")


def legal_rep_orgs_of(*, user) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user, memberships__role=Role.LEGAL_REPRESENTATIVE)


def legal_rep_orgs_by_email(*, email: str) -> QuerySet[Organization]:
    """The orgs where the person who owns `email` (their sign-in address or a verified one) is a
    legal representative: the orgs on whose behalf they could accept a partner's invitation (PS-2)."""
    from allauth.account.models import EmailAddress

    email = (email or "").strip().lower()
    owners = Q(memberships__user__email__iexact=email) | Q(
        memberships__user__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    )
    return Organization.objects.filter(owners, memberships__role=Role.LEGAL_REPRESENTATIVE).distinct()


def legal_reps_of(*, org: Organization):
    from portal.models import User

    return User.objects.filter(
        memberships__org=org, memberships__role=Role.LEGAL_REPRESENTATIVE, is_active=True
    ).order_by("id")


# PS-16: billing owns the money figures; partners must not import billing. Billing
# registers a provider (in BillingConfig.ready) that returns, for a partner,
# {client_id: {"cashback_earned", "discounts_received", "total_paid", "currency"}}.
_client_figures_providers: list = []


def register_client_figures_provider(provider) -> None:
    if provider not in _client_figures_providers:
        _client_figures_providers.append(provider)


def _takes_client_ids(provider) -> bool:
    """Providers may accept `client_ids` (billing's does); older ones compute every client."""
    try:
        return "client_ids" in inspect.signature(provider).parameters
    except (TypeError, ValueError):
        return False


def client_figures(*, partner: Organization, client_ids: list[int] | None = None) -> dict[int, dict]:
    """The providers' figures per client; with `client_ids`, only for those clients (a page of the list)."""
    out: dict[int, dict] = {}
    for provider in _client_figures_providers:
        if client_ids is not None and _takes_client_ids(provider):
            rows = provider(partner=partner, client_ids=client_ids)
        else:
            rows = provider(partner=partner)
        for client_id, row in (rows or {}).items():
            out.setdefault(client_id, {}).update(row)
    return out


CENT = Decimal("0.01")


def _amount(value) -> Decimal:
    """A money figure with two decimals, whatever the provider gave (none, 0, 12.5): the list, the
    API and the CSV write 0.00, never 0 for one client and 0.00 for the next (PS-16)."""
    return Decimal(value or 0).quantize(CENT)


def attach_client_figures(*, partner: Organization, partnerships) -> None:
    """Set revenue_earned / discounts_received / total_paid / currency on each row from the providers.

    Figures are asked for the given rows' clients only, so a page of 25 costs the same
    whether the partner has 100 clients or 10,000 (issue 9, docs/benchmarks.md)."""
    partnerships = list(partnerships)
    client_ids = sorted({p.client_id for p in partnerships if p.client_id})
    figures = client_figures(partner=partner, client_ids=client_ids) if _client_figures_providers else {}
    for p in partnerships:
        row = figures.get(p.client_id, {})
        p.revenue_earned = _amount(row.get("cashback_earned"))
        p.discounts_received = _amount(row.get("discounts_received"))
        p.total_paid = _amount(row.get("total_paid"))
        p.figures_currency = row.get("currency", partner.currency)
        # A client invoiced in two currencies (its payment method changed) has its figures in
        # the other one too: shown under the first, never added to it.
        p.other_figures = [
            {
                "currency": currency,
                "revenue_earned": _amount(other.get("cashback_earned")),
                "discounts_received": _amount(other.get("discounts_received")),
                "total_paid": _amount(other.get("total_paid")),
            }
            for currency, other in sorted((row.get("other_currencies") or {}).items())
        ]


# PP-4: billing owns the invoices, so the rolling 12-month volume managed through the program is
# billing's figure too. Billing registers a provider (in BillingConfig.ready), called as
# `provider(partner=org)`, returning {"volume", "minimum", "currency", "percent", "reached"}
# (billing.selectors.rolling_volume); without one the console shows no bar.
_program_volume_providers: list = []


def register_program_volume_provider(provider) -> None:
    if provider not in _program_volume_providers:
        _program_volume_providers.append(provider)


def program_volume(*, partner: Organization) -> dict | None:
    """PP-4: the partner's rolling 12-month volume against the minimum, from the first
    registered provider that answers, or None when no app provides it."""
    for provider in _program_volume_providers:
        row = provider(partner=partner)
        if row:
            return row
    return None


def _count_of(qs: QuerySet, group: str) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a scalar subquery (0 when none)."""
    counted = qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# PS-16: the states a row of "clients under management" can be in (the list's State filter
# offers these): a client's pending request, an active or an ended partnership. Declined,
# withdrawn and expired invitations never became a client relationship.
MANAGED_CLIENT_STATUSES = (Partnership.Status.PENDING, Partnership.Status.ACTIVE, Partnership.Status.ENDED)


def managed_clients(*, access: Access, search: str = "", level: str = "", status: str = "", sort: str = "name"):
    """PS-16: the partner's clients (active and ended) with the list's columns.

    `revenue_earned`, `discounts_received` and `total_paid` are annotated as 0 here:
    billing owns those figures; `attach_client_figures` fills them in from the
    providers billing registers (`register_client_figures_provider`).
    """
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
    qs = (
        Partnership.objects.filter(
            Q(status__in=[Partnership.Status.ACTIVE, Partnership.Status.ENDED]) | open_pending_q(),
            partner=access.from_org,
            client__isnull=False,
        )
        .select_related("client")
        .annotate(
            # Correlated subqueries, not joins: PostgreSQL computes them for the page's rows
            # only (after ORDER BY … LIMIT), and the paginator's COUNT drops them.
            products_count=_count_of(
                PartnershipProduct.objects.filter(partnership=OuterRef("pk"), active=True), "partnership"
            ),
            client_products_count=_count_of(Product.objects.filter(org=OuterRef("client_id")), "org"),
            users_count=_count_of(Membership.objects.filter(org=OuterRef("client_id")), "org"),
            revenue_earned=zero,
            discounts_received=zero,
            total_paid=zero,
        )
    )
    if not access.can("clients.access"):
        rights = CollaboratorRights.objects.filter(partner=access.from_org, user=access.user).first()
        if rights is None:
            return Partnership.objects.none()
        if not rights.all_clients:
            qs = qs.filter(client__in=rights.clients.all())
    if search:
        qs = qs.filter(Q(client__name__icontains=search) | Q(client__slug__icontains=search))
    if level in Partnership.AccessLevel.values:
        qs = qs.filter(access_level=level)
    if status in MANAGED_CLIENT_STATUSES:
        qs = qs.filter(status=status)
    orders = {
        "name": ["client__name"],
        "-name": ["-client__name"],
        "level": ["access_level", "client__name"],
        "since": ["-accepted_at"],
        "products": ["-products_count", "client__name"],
        "status": ["status", "client__name"],
    }
    return qs.order_by(*orders.get(sort, orders["name"]), "id")


def partnership_product_count(partnership: Partnership) -> int:
    if partnership.is_full:
        return Product.objects.filter(org_id=partnership.client_id).count()
    return partnership.grants.filter(active=True).count()


ACTIVE_GRANTS = "active_grants"


def with_active_grants(queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Prefetch each partnership's active grants (one query for a page, not one per row)."""
    grants = PartnershipProduct.objects.filter(active=True).order_by("product_id")
    return queryset.prefetch_related(Prefetch("grants", queryset=grants, to_attr=ACTIVE_GRANTS))


def granted_product_ids(*, partnership: Partnership) -> list[int]:
    prefetched = getattr(partnership, ACTIVE_GRANTS, None)
    if prefetched is not None:
        return [grant.product_id for grant in prefetched]
    return list(partnership.grants.filter(active=True).values_list("product_id", flat=True).order_by("product_id"))


def attach_requested_products(*, partnerships) -> list[Partnership]:
    """PS-3: set `requested_product_names` on each partnership: the names of the products a limited
    request asks for, in one query for all the rows (the pending list stays flat). Only the client's
    own products are named: a partner's invitation by email (PS-2) has no client yet, so none."""
    partnerships = list(partnerships)
    ids = {i for p in partnerships if p.client_id for i in p.requested_product_ids or [] if isinstance(i, int)}
    found = {}
    if ids:
        found = {
            pk: (org_id, name)
            for pk, org_id, name in Product.objects.filter(pk__in=ids).values_list("pk", "org_id", "name")
        }
    for p in partnerships:
        names = [
            found[i][1]
            for i in p.requested_product_ids or []
            if p.client_id and i in found and found[i][0] == p.client_id
        ]
        p.requested_product_names = sorted(set(names), key=str.casefold)
    return partnerships


def products_visible_to(*, access: Access) -> QuerySet[Product]:
    """The acting org's products, narrowed by a limited partnership's scope (PS-4, PS-12)."""
    if access is None or not access.can("products.view"):
        return Product.objects.none()
    qs = Product.objects.filter(org=access.org).select_related("product_type")
    if access.is_acting_for_client and "product_ids" in access.scope:
        qs = qs.filter(pk__in=access.scope["product_ids"])
    return qs


def collaborators_of(*, access: Access) -> QuerySet[Membership]:
    if not access.can("collaborators.manage"):
        return Membership.objects.none()
    return (
        Membership.objects.filter(org=access.org, role=Role.COLLABORATOR).select_related("user").order_by("user__email")
    )


def collaborator_rights_for(*, partner: Organization, user) -> CollaboratorRights | None:
    return CollaboratorRights.objects.filter(partner=partner, user=user).prefetch_related("clients").first()


def client_requires_partner_mfa(*, client: Organization) -> bool:
    return ClientPartnerSettings.objects.filter(client=client, require_partner_mfa=True).exists()


def applications_for(*, org: Organization) -> QuerySet[PartnerApplication]:
    return PartnerApplication.objects.filter(org=org).order_by("-created_at", "-id")


def latest_application(*, org: Organization | None) -> PartnerApplication | None:
    """PP-1: the org's most recent application (what the console, the apply page and the
    dashboard say: under review since, rejected with the reason), in one query."""
    if org is None:
        return None
    return PartnerApplication.objects.filter(org=org).order_by("-created_at", "-id").first()


def register_number_used_elsewhere(*, number: str, org: Organization) -> bool:
    """PP-1/ORG-2: whether another org has `number` (compact) on file, or applied with it
    (an application under review or approved)."""
    if not number:
        return False
    return (
        Organization.objects.filter(register_number__iexact=number).exclude(pk=org.pk).exists()
        or PartnerApplication.objects.filter(
            register_number__iexact=number,
            status__in=[PartnerApplication.Status.SUBMITTED, PartnerApplication.Status.APPROVED],
        )
        .exclude(org=org)
        .exists()
    )


def register_number_conflicts(*, applications) -> dict[int, list[str]]:
    """PP-3/ORG-2, staff queue: for each application, the names of the other orgs whose number
    on file, or whose application under review or approved, has the same register number.
    Two queries for the whole page, whatever its size."""
    applications = list(applications)
    numbers = {a.register_number.upper() for a in applications if a.register_number}
    if not numbers:
        return {}
    holders: dict[str, set[tuple[int, str]]] = {}
    for pk, name, number in Organization.objects.filter(register_number__in=numbers).values_list(
        "pk", "name", "register_number"
    ):
        holders.setdefault(number.upper(), set()).add((pk, name))
    for pk, name, number in PartnerApplication.objects.filter(
        register_number__in=numbers,
        status__in=[PartnerApplication.Status.SUBMITTED, PartnerApplication.Status.APPROVED],
    ).values_list("org_id", "org__name", "register_number"):
        holders.setdefault(number.upper(), set()).add((pk, name))
    out: dict[int, list[str]] = {}
    for a in applications:
        others = sorted(name for pk, name in holders.get((a.register_number or "").upper(), ()) if pk != a.org_id)
        if others:
            out[a.pk] = others
    return out


def commission_rates_of(*, profile: PartnerProfile | None) -> list[dict]:
    """PP-5: the rate per product category of the partner's commission plan, in one query,
    as {"category", "label", "rate"} (a fraction: the page formats it) ordered as the catalog's categories."""
    if profile is None:
        return []
    labels = dict(ProductType.Category.choices)
    order = {code: i for i, code in enumerate(labels)}
    rows = CommissionRate.objects.filter(plan_id=profile.commission_plan_id).values_list("category", "rate")
    return [
        {"category": category, "label": labels.get(category, category), "rate": rate}
        for category, rate in sorted(rows, key=lambda row: order.get(row[0], len(order)))
    ]


def applications_queue(*, user, status: str = "submitted") -> QuerySet[PartnerApplication]:
    """PP-3: staff only; everyone else sees nothing."""
    if not getattr(user, "is_staff", False):
        return PartnerApplication.objects.none()
    qs = PartnerApplication.objects.select_related("org", "submitted_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def search_partners(*, query: str, exclude_org: Organization | None = None) -> QuerySet[PartnerProfile]:
    """PS-3: approved partners by name, slug or a legal rep's email."""
    qs = PartnerProfile.objects.filter(status=PartnerProfile.Status.APPROVED).select_related("org")
    if exclude_org is not None:
        qs = qs.exclude(org=exclude_org)
    query = (query or "").strip()
    if not query:
        return qs.none()
    return qs.filter(
        Q(org__name__icontains=query)
        | Q(public_name__icontains=query)
        | Q(slug__iexact=query)
        | Q(org__memberships__user__email__iexact=query)
    ).distinct()


# ---------------------------------------------------------------------------
# TD-5: directory search, languages, logos

DIRECTORY_QUERY_MAX = 100


def directory_search_q(*, query: str) -> Q:
    """TD-5: the directory's text search, on the profile's `search_text` (names, cities, skills,
    services' names in every site language), accent- and case-insensitive on SQLite and
    PostgreSQL alike. `_` and `%` are plain characters; control characters are dropped."""
    needle = search_normalized((query or "")[:DIRECTORY_QUERY_MAX])
    if not needle:
        return Q()
    return Q(search_text__contains=needle)


def directory_language_choices() -> list[tuple[str, str]]:
    """TD-5: the languages a profile lists and the directory filters by (labels lazy)."""
    return list(DirectoryLanguage.choices)


def directory_logo_profile(*, slug: str) -> PartnerProfile | None:
    """TD-5: the profile whose logo the public may fetch: approved, listed, with a logo."""
    return (
        PartnerProfile.objects.filter(slug=slug, status=PartnerProfile.Status.APPROVED, listed_in_directory=True)
        .exclude(logo="")
        .first()
    )


def valid_object_id(value) -> bool:
    """An id from a URL that can exist (`portal.ids.object_id`)."""
    return object_id(value) is not None
