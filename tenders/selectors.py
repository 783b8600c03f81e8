"""Reads of the tender platform and the public directory (TD-2, TD-4, TD-5, TD-6).

Partner profiles are read through `partners` (models and selectors); nothing in
`partners` knows about tenders.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from clients.models import Organization, ProductType, Role
from clients.tenancy import Access
from partners.models import PartnerProfile
from partners.selectors import (
    access_is_approved_partner,
    access_partner_profile,
    directory_search_q,
    partnership_between,
)
from portal.ids import object_id

from .models import PartnerReview, TenderDelivery, TenderQuote, TenderRequest

DIRECTORY_PAGE_SIZE = 20
NEW_COUNT_CAP = 100  # unread requests counted up to this many ("99+")
NEW_COUNT_MEMO = "tenders.new_count"  # Access.remember key: the count, once per request
NEW_COUNT_CHANGED = "tenders.new_count_changed"  # set when a request marked one seen
NEW_COUNT_ANNOTATION = "tenders_new_count"  # the memberships query's column (apps.py)
INBOX_STATUSES = ("new", "published", "answered", "awarded", "closed")


# --- who may do what ---------------------------------------------------------


def tender_request_insiders(*, request: TenderRequest, user=None) -> set[int]:
    """TD-2/TD-6: the orgs a request comes from: the requester's org, every org of the person who
    sent it (and of `user`, who acts on it now), and every org of whoever owns its email address.
    None of them receives it, quotes on it, or is awarded or reviewed through it: a partner never
    deals with itself."""
    from allauth.account.models import EmailAddress

    email = (request.email or "").strip()
    people = Q(memberships__user__email__iexact=email) | Q(
        memberships__user__in=EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    )
    for person_id in {request.requester_user_id, getattr(user, "pk", None)} - {None}:
        people |= Q(memberships__user_id=person_id)
    insiders = set(Organization.objects.filter(people).values_list("pk", flat=True))
    if request.requester_org_id:
        insiders.add(request.requester_org_id)
    return insiders


def tender_requests_not_from(qs: QuerySet[TenderRequest], *, org: Organization) -> QuerySet[TenderRequest]:
    """`qs` without the requests `org` is an insider of (`tender_request_insiders`), in one query."""
    from allauth.account.models import EmailAddress

    from clients.models import Membership
    from portal.models import User

    addresses = User.objects.filter(memberships__org=org).annotate(address=Lower("email")).values("address")
    verified = (
        EmailAddress.objects.filter(user__memberships__org=org, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    return (
        qs.exclude(requester_org=org)
        .exclude(requester_user__in=Membership.objects.filter(org=org).values("user_id"))
        .annotate(request_address=Lower("email"))
        .exclude(request_address__in=addresses)
        .exclude(request_address__in=verified)
    )


def tender_inbox_allowed(*, access: Access | None) -> bool:
    """TD-2: only approved partners (legal reps and administrators) have an inbox."""
    if access is None or access.is_acting_for_client or not access.can("tenders.view"):
        return False
    return access_is_approved_partner(access=access)


def partner_recipients(*, org: Organization):
    """The people emailed for a partner org: its legal reps and administrators."""
    from portal.models import User

    return User.objects.filter(
        memberships__org=org,
        memberships__role__in=[Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR],
        is_active=True,
    ).order_by("id")


# --- partner inbox (TD-2) ----------------------------------------------------


def tender_inbox(
    *, access: Access | None, category: str = "", country: str = "", language: str = "", status: str = ""
) -> QuerySet[TenderDelivery]:
    if not tender_inbox_allowed(access=access):
        return TenderDelivery.objects.none()
    org = access.org
    qs = (
        TenderDelivery.objects.filter(partner=org)
        .exclude(request__status=TenderRequest.Status.AWAITING_CONFIRMATION)
        .select_related("request")
    )
    if category in ProductType.Category.values:
        # JSON text match on the quoted code: works on SQLite and PostgreSQL.
        qs = qs.filter(request__categories__icontains=f'"{category}"')
    if country:
        qs = qs.filter(request__country=country.upper()[:2])
    if language:
        qs = qs.filter(request__language=language[:2])
    if status == "new":
        qs = qs.filter(seen_at__isnull=True)
    elif status == "answered":
        qs = qs.filter(request__quotes__partner=org)
    elif status in TenderRequest.Status.values:
        qs = qs.filter(request__status=status)
    # No DISTINCT: every join above is to-one, or to the partner's single quote
    # (tender_quote_one_answer_per_partner), so rows never repeat; DISTINCT made
    # PostgreSQL sort every delivery, twice with the paginator's count (issue 9).
    # Newest received first (a delivery is made when the request is published, or when a
    # partner's new subscription picks up an open one): the partner's index gives the page.
    return qs.order_by("-created_at", "-id")


def tender_inbox_new_count(*, access: Access | None) -> int:
    """Unread published requests, counted up to NEW_COUNT_CAP (shown as "99+"): the count
    then costs the same for 100 or 10,000 unread. The nav badge, the dashboard and the
    inbox all ask, once per request. For a member's own org it comes with the memberships
    query (`new_count_expression`, registered in apps.py): no query of its own."""
    if not tender_inbox_allowed(access=access):
        return 0
    return access.remember(NEW_COUNT_MEMO, lambda: _new_count(access))


class _CountUpTo(Subquery):
    """COUNT(*) of a sliced correlated queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _new_deliveries(partner) -> QuerySet:
    """Up to NEW_COUNT_CAP unread published deliveries of `partner`, newest first. The order
    is the inbox index's (partner, −created_at, −id): without it PostgreSQL planned the
    correlated form (the memberships query's) as a merge join over every delivery by
    request, 2–9 ms for an org with few or none (measured on the benchmark's data)."""
    return TenderDelivery.objects.filter(
        partner=partner, seen_at__isnull=True, request__status=TenderRequest.Status.PUBLISHED
    ).order_by("-created_at", "-id")[:NEW_COUNT_CAP]


def new_count_expression() -> _CountUpTo:
    """The unread count of a membership's org, for the memberships query (`membership.tenders_new_count`)."""
    return _CountUpTo(_new_deliveries(OuterRef("org")).values("pk"))


def _new_count(access: Access) -> int:
    membership = access.membership
    preloaded = getattr(membership, NEW_COUNT_ANNOTATION, None) if membership is not None else None
    if preloaded is not None and membership.org_id == access.org.pk and not access.memo.get(NEW_COUNT_CHANGED):
        return preloaded
    return _new_deliveries(access.org).values("pk").count()


def tender_inbox_new_count_changed(*, access: Access | None) -> None:
    """This request changed the unread count (a request marked seen): count again when asked."""
    if access is not None:
        access.memo.pop(NEW_COUNT_MEMO, None)
        access.memo[NEW_COUNT_CHANGED] = True


def tender_delivery_for(*, access: Access | None, request_id) -> TenderDelivery | None:
    """One received request, or None (then 404: not received, or not a partner)."""
    request_id = object_id(request_id)
    if request_id is None or not tender_inbox_allowed(access=access):
        return None
    return (
        TenderDelivery.objects.filter(partner=access.org, request_id=request_id)
        .exclude(request__status=TenderRequest.Status.AWAITING_CONFIRMATION)
        .select_related("request")
        .first()
    )


def tender_answer_of(*, org: Organization, request: TenderRequest) -> TenderQuote | None:
    return TenderQuote.objects.filter(request=request, partner=org).first()


# --- requester side (TD-4) ---------------------------------------------------


def tender_requests_of(*, access: Access | None) -> QuerySet[TenderRequest]:
    """The quote requests the acting org submitted."""
    if access is None or access.is_acting_for_client or not access.can("tenders.request"):
        return TenderRequest.objects.none()
    return (
        TenderRequest.objects.filter(requester_org=access.org)
        .annotate(quotes_count=Count("quotes", filter=~Q(quotes__status=TenderQuote.Status.DECLINED)))
        .order_by("-created_at", "-id")
    )


def tender_request_of(*, access: Access | None, request_id) -> TenderRequest | None:
    request_id = object_id(request_id)
    if request_id is None:
        return None
    return tender_requests_of(access=access).filter(pk=request_id).first()


def tender_request_by_token(*, token: str) -> TenderRequest | None:
    """The private link (visitors): unguessable, never listed."""
    if not token or len(token) > 64:
        return None
    return (
        TenderRequest.objects.filter(token=token, requester_org__isnull=True)
        .exclude(status=TenderRequest.Status.AWAITING_CONFIRMATION)
        .first()
    )


def tender_request_by_confirm_token(*, token: str) -> TenderRequest | None:
    if not token or len(token) > 64:
        return None
    return TenderRequest.objects.filter(confirm_token=token).first()


def quotes_for_requester(*, request: TenderRequest) -> QuerySet[TenderQuote]:
    """What the requester sees: the quotes (declines without the partner's reason)."""
    return (
        TenderQuote.objects.filter(request=request)
        .exclude(status=TenderQuote.Status.DECLINED)
        .select_related("partner", "partner__partner_profile")
        .order_by("created_at", "id")
    )


# --- public directory (TD-5, TD-6) -------------------------------------------


def _reviews_by_partner():
    return PartnerReview.objects.filter(partner=OuterRef("org")).order_by().values("partner")


def _directory_listed(
    *, query: str = "", country: str = "", language: str = "", service: str = ""
) -> QuerySet[PartnerProfile]:
    """Approved partners listed in the directory, searched, filtered and in directory order."""
    qs = PartnerProfile.objects.filter(status=PartnerProfile.Status.APPROVED, listed_in_directory=True)
    query = (query or "").strip()[:100]
    if query:  # names, cities, skills and services' names, accents and case ignored (partners' search column)
        qs = qs.filter(directory_search_q(query=query))
    if country:
        qs = qs.filter(org__country=country.upper()[:2])
    if language:
        qs = qs.filter(languages__icontains=f'"{language[:2]}"')
    if service in ProductType.Category.values:
        qs = qs.filter(services__icontains=f'"{service}"')
    # By the name the directory shows (the public name, or the org's when it has none), whatever its
    # case: ordering by public name first put every partner without one at the top.
    shown_name = Coalesce(NullIf("public_name", Value("")), "org__name")
    return qs.order_by(Lower(shown_name), "id")


def _with_ratings(qs: QuerySet[PartnerProfile]) -> QuerySet[PartnerProfile]:
    """Each profile's average rating and number of reviews (TD-6), as correlated subqueries,
    not a GROUP BY over every listed partner."""
    return qs.select_related("org").annotate(
        rating_avg=Subquery(_reviews_by_partner().annotate(v=Avg("rating")).values("v")),
        rating_count=Coalesce(Subquery(_reviews_by_partner().annotate(v=Count("id")).values("v")), 0),
    )


def directory_profiles(
    *, query: str = "", country: str = "", language: str = "", service: str = ""
) -> QuerySet[PartnerProfile]:
    """Approved partners listed in the directory, searchable and filterable, with their ratings."""
    return _with_ratings(_directory_listed(query=query, country=country, language=language, service=service))


def directory_keys(**filters) -> QuerySet:
    """The listed partners' keys, searched, filtered and in directory order (no ratings)."""
    return _directory_listed(**filters).values_list("pk", flat=True)


def directory_rows(ids) -> list[PartnerProfile]:
    """The profiles of `ids` with their ratings, in the order of `ids`."""
    ids = list(ids)
    rows = {p.pk: p for p in _with_ratings(PartnerProfile.objects.filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


def directory_page(*, page=None, **filters) -> Page:
    """One page of the directory (TD-5). The page's keys are sorted without the ratings, then
    only its rows get them: PostgreSQL computed both subqueries for every listed partner
    before sorting (2,000 partners: 7.8 → 3.4 ms, issue 9). The API pages the same way."""
    keys = Paginator(directory_keys(**filters), DIRECTORY_PAGE_SIZE).get_page(page)
    keys.object_list = directory_rows(keys.object_list)
    return keys


def directory_profile(*, slug: str) -> PartnerProfile | None:
    return directory_profiles().filter(slug=slug).first()


def directory_may_invite(*, access: Access | None, profile: PartnerProfile) -> bool:
    """TD-5/PS-3: whether the person may ask this directory partner to manage their org's
    products: a legal rep (`partnerships.manage`) of their own org (not acting for a client),
    not the partner itself, and without a pending or active partnership with it already
    (the invitation would be refused). One query at most, whatever the org's partnerships."""
    if access is None or access.is_acting_for_client or not access.can("partnerships.manage"):
        return False
    if access.org.pk == profile.org_id:
        return False
    return partnership_between(partner=profile.org, client=access.org) is None


def directory_slug_of(*, access: Access | None) -> str | None:
    """The slug of the acting org's public directory profile, when it is listed (the inbox
    links to it): from the profile the request has already read."""
    profile = access_partner_profile(access=access)
    return profile.slug if profile is not None and profile.listed_in_directory else None


def reviews_of(*, org: Organization) -> QuerySet[PartnerReview]:
    return PartnerReview.objects.filter(partner=org).order_by("-created_at", "-id")


def reviews_to_answer(*, access: Access | None) -> QuerySet[PartnerReview]:
    if not tender_inbox_allowed(access=access):
        return PartnerReview.objects.none()
    return reviews_of(org=access.org)


def service_labels(codes) -> list[str]:
    labels = dict(ProductType.Category.choices)
    return [str(labels.get(c, c)) for c in codes or []]
