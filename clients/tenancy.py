"""Tenancy: the acting org is resolved once per request, here.

`request.acting` is an `Access` (or None): who acts, in which org, with which
capabilities. Members get their role's capabilities; other layers (partners,
for a partner person acting for a client) register resolvers that return a
narrower `Access`. Everything below receives the `Access`, never re-derives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Value, When
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext_lazy as _

from portal.errors import NotAllowed
from portal.outbox import ORG_PARAM

from .models import Membership, Organization
from .policy import capabilities_for_role

SESSION_ORG_KEY = "acting_org_id"


@dataclass(frozen=True)
class Access:
    user: Any
    org: Organization
    capabilities: frozenset[str]
    membership: Membership | None = None
    # Set when a partner person acts for a client (PS-12): the partnership, and
    # the partner org the person acts from. Filled by the partners layer.
    partnership: Any = None
    actor_org: Organization | None = None
    scope: dict = field(default_factory=dict)
    # Per-request answers that several parts of one page ask for (the layout asks
    # "is this org an approved partner?" from four partials): see `remember`.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per Access, i.e. once per request for `request.acting`."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def capabilities_key(self) -> str:
        """The capabilities in a stable order (a cache key part: a frozenset's order is not)."""
        return self.remember("capabilities_key", lambda: ",".join(sorted(self.capabilities)))

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def is_acting_for_client(self) -> bool:
        return self.partnership is not None

    @property
    def from_org(self) -> Organization:
        return self.actor_org or self.org

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def require(self, capability: str) -> None:
        if capability not in self.capabilities:
            raise NotAllowed("forbidden", _("You do not have the right to do this in this organization."))


AccessResolver = Callable[[Any, Organization], "Access | None"]
_resolvers: list[AccessResolver] = []


def register_access_resolver(resolver: AccessResolver) -> None:
    """Higher layers add a way to reach an org (partners: acting for a client)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


# Relations of the membership's org that higher layers read on every page for the acting
# org (partners: its partner profile), loaded with the memberships in the same query.
_membership_related: list[str] = []


def register_membership_related(path: str) -> None:
    """Higher layers add a `select_related` path from the membership (`org__…`) to the
    query that loads the signed-in user's memberships once per request."""
    if path not in _membership_related:
        _membership_related.append(path)


# Values higher layers show on every page for the acting org (tenders: its inbox's unread
# count), computed per membership in the same query as correlated subqueries.
_membership_annotations: dict[str, Callable[[], Any]] = {}


def register_membership_annotation(name: str, expression: Callable[[], Any]) -> None:
    """Higher layers add `membership.<name>` to the query that loads the signed-in user's
    memberships once per request: `expression()` returns a query expression over the
    membership (a subquery on `OuterRef("org")`). It is computed for the membership of the
    org the session acts in only (None on the others, and on every one when the session
    acts for a client or in no org yet: the layer then asks the database itself). The value
    is as of that query, at the start of the request: a layer that changes it during the
    request must not reuse it."""
    _membership_annotations.setdefault(name, expression)


@dataclass(frozen=True)
class Refusal:
    """Why an org may not be used by this person right now (SEC-2), and where an HTML page sends
    them to lift it (a URL name)."""

    code: str
    message: Any
    url_name: str


AccessGuard = Callable[[Access], "Refusal | None"]
_guards: list[AccessGuard] = []


def register_access_guard(guard: AccessGuard) -> None:
    """Higher layers add a condition on using an org at all (partners: a partner org that
    requires MFA of its members, SEC-2). Enforced for every manager page (`ActingOrgMiddleware`)
    and every org-scoped API call (`clients.api_base`)."""
    if guard not in _guards:
        _guards.append(guard)


def access_refusal(access: Access | None) -> Refusal | None:
    """The first guard's refusal of `access`, or None; asked once per Access."""
    if access is None or not _guards:
        return None
    return access.remember("clients.refusal", lambda: next(filter(None, (guard(access) for guard in _guards)), None))


def _acting_org_annotations(acting_org_id) -> dict[str, Any]:
    if not isinstance(acting_org_id, int):
        return {}
    return {
        name: Case(When(org_id=acting_org_id, then=expression()), default=Value(None))
        for name, expression in _membership_annotations.items()
    }


def _membership_access(user, org: Organization) -> Access | None:
    membership = Membership.objects.filter(user=user, org=org).first()
    if membership is None:
        return None
    return Access(user=user, org=org, membership=membership, capabilities=capabilities_for_role(membership.role))


def access_for(*, user, org: Organization) -> Access | None:
    """The access `user` has in `org`, or None (then the org is invisible: 404)."""
    if user is None or not user.is_authenticated or org is None:
        return None
    access = _membership_access(user, org)
    if access is not None:
        return access
    return _resolver_access(user, org)


def _resolver_access(user, org: Organization) -> Access | None:
    """The access another layer gives a user who is not a member of `org`, or None."""
    for resolver in _resolvers:
        access = resolver(user, org)
        if access is not None:
            return access
    return None


def user_memberships(request) -> list[Membership]:
    """The signed-in user's memberships with their orgs, by org name: loaded once per
    request for both the acting org and the org switcher."""
    cached = getattr(request, "_user_memberships", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = []
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.filter(user=user).select_related("org", *_membership_related)
            if _membership_annotations:  # for the org the session acts in, if it is one of them
                session = getattr(request, "session", None)
                acting_org_id = session.get(SESSION_ORG_KEY) if session is not None else None
                memberships = memberships.annotate(**_acting_org_annotations(acting_org_id))
            cached = list(memberships.order_by("org__name", "org_id"))
        request._user_memberships = cached
    return cached


def _member_access(user, membership: Membership) -> Access:
    return Access(
        user=user, org=membership.org, membership=membership, capabilities=capabilities_for_role(membership.role)
    )


def _resolve(request) -> Access | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    memberships = user_memberships(request)
    org_id = request.session.get(SESSION_ORG_KEY)
    if org_id:
        own = next((m for m in memberships if m.org_id == org_id), None)
        if own is not None:
            return _member_access(user, own)
        # Not a member (the memberships above are all of them): another layer may give
        # access (a partner acting for a client).
        org = Organization.objects.filter(pk=org_id).first()
        access = _resolver_access(user, org) if org else None
        if access is not None:
            return access
    if not memberships:
        return None
    membership = min(memberships, key=lambda m: (m.created_at, m.pk))  # the first org joined
    request.session[SESSION_ORG_KEY] = membership.org_id
    return Access(
        user=user,
        org=membership.org,
        membership=membership,
        capabilities=capabilities_for_role(membership.role),
    )


def switch_org(request, *, org: Organization) -> Access | None:
    access = access_for(user=request.user, org=org)
    if access is not None:
        request.session[SESSION_ORG_KEY] = org.pk
        request.acting = access
    return access


# Manager pages a refused person may still open: to leave the org for another, to create one,
# and their own account and notifications (SEC-2: the org is refused, not the person).
REFUSAL_EXEMPT_VIEWS = frozenset(
    {"manager:switch_org", "manager:org_create", "manager:account", "manager:notifications"}
)


class ActingOrgMiddleware:
    """Resolve the acting org lazily, once per request; refuse manager pages in an org a
    registered guard refuses (SEC-2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = SimpleLazyObject(lambda: _resolve(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith("/manager/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method == "GET" and ORG_PARAM in request.GET:
            return _open_in_org(request)
        if not _guards:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in REFUSAL_EXEMPT_VIEWS:
            return None
        refusal = access_refusal(acting(request))
        if refusal is None:
            return None
        from django.contrib import messages
        from django.shortcuts import redirect

        messages.warning(request, refusal.message)
        return redirect(refusal.url_name)


def _open_in_org(request):
    """A link from an email names the org it is about (`?org=<slug>`, `portal.outbox.link_in_org`):
    act in that org when this person is one of its members, then show the same page without the
    parameter. Any other org changes nothing (the page then answers as it would have): acting for
    a client (PS-12) starts only from the partner's "access" button, which is audited (AU-1)."""
    from django.shortcuts import redirect

    query = request.GET.copy()
    slug = query.pop(ORG_PARAM)[-1]
    membership = next((m for m in user_memberships(request) if m.org.slug == slug), None)
    if membership is not None and getattr(acting(request), "org", None) != membership.org:
        request.session[SESSION_ORG_KEY] = membership.org_id
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def acting(request) -> Access | None:
    """The request's Access, or None (unwraps the lazy object)."""
    value = getattr(request, "acting", None)
    if isinstance(value, SimpleLazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value
