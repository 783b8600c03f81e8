"""SEC-1: the authorization matrix as data — route × actor → expected outcome.

Actors (abbreviation → who):

    V   visitor (not logged in)
    N   a user without any org
    CR  client C1's legal representative       CA  C1's administrator      CC  C1's collaborator
    PR  partner P's legal representative        PA  P's administrator
    PY  P's collaborator with rights on C1       PN  P's collaborator with rights on C2 only
    L   P's legal rep acting for its *limited* client C2 (objects: C2's, the product not granted)
    Q   the legal rep of Q, another approved partner unrelated to C1
    S   staff (is_staff, and superuser for the Django admin)

`side` says in which org a row is exercised:

- ``client``: a page or API resource of the client C1. Partner people act for C1
  through the app's own switch (POST ``partners:access_client``); PN can't, and stays
  in P. In the API, the org in the path is C1 (C2 for L).
- ``partner``: a resource of the partner P (API path: P; pages: everyone in their own org).
- ``own``: everyone in their own org (API path: C1 for C people, P for P people, Q for Q).
- ``none``: no org at all (public pages, "me" endpoints, staff pages).
L always acts for C2 (pages) / uses C2's slug (API).

Expected outcomes:

    ok        allowed: a GET page answers 200; a POST page 200/400/409 or a redirect
              (not to the login page); an API call anything but 401/403/404 and < 500
    login     302 to the login page (allauth's or the admin's)
    onboard   302 to "create your organization" (a logged-in user acting in no org)
    redirect  a 302 that isn't to the login page
    noop      302 back with a flash message and no side effect (no audit event, no email)
    deny      refused, either way: 403, 404 or a noop
    401 403 404 405   exactly that status
    unauth    401 or 403 (API, not logged in)
    any       anything but a server error (third-party flow pages that need a key/code state)
    -         not exercised (only for the admin's generic model routes, see `admin_rows`)

Every expectation other than ``ok``/``any``/``redirect`` also asserts that the request had no side
effect (no new audit event other than the PS-12 access record, no new outbox email).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ACTORS = (
    "visitor",
    "nobody",
    "c_rep",
    "c_admin",
    "c_collab",
    "p_rep",
    "p_admin",
    "p_collab_yes",
    "p_collab_no",
    "limited",
    "q_rep",
    "staff",
)
ABBR = {
    "V": "visitor",
    "N": "nobody",
    "CR": "c_rep",
    "CA": "c_admin",
    "CC": "c_collab",
    "PR": "p_rep",
    "PA": "p_admin",
    "PY": "p_collab_yes",
    "PN": "p_collab_no",
    "L": "limited",
    "Q": "q_rep",
    "S": "staff",
}
OUTCOMES = {"ok", "login", "onboard", "redirect", "noop", "deny", "401", "403", "404", "405", "unauth", "any", "-"}


def E(spec: str) -> dict[str, str]:
    """`"V=login N,S=onboard CR,CA=ok *=404"` → {actor: outcome} for every actor."""
    out: dict[str, str] = {}
    default = None
    for token in spec.split():
        keys, value = token.split("=")
        assert value in OUTCOMES, value
        for key in keys.split(","):
            if key == "*":
                default = value
            else:
                out[ABBR[key]] = value
    table = {actor: out.get(actor, default) for actor in ACTORS}
    missing = [a for a, v in table.items() if v is None]
    assert not missing, f"{spec!r}: no outcome for {missing}"
    return table


# Kwargs builders: (scenario objects, limited?) → URL kwargs. C1's object, or C2's for L.
Kw = Callable[[object, bool], dict]


def pick(c1: str, c2: str | None = None, key: str = "pk", attr: str = "pk") -> Kw:
    def build(o, limited: bool) -> dict:
        return {key: getattr(getattr(o, c2 if (limited and c2) else c1), attr)}

    return build


def kw(**values) -> Kw:
    return lambda o, limited: dict(values)


@dataclass
class Row:
    name: str  # URL name ("ns:name"), or the full pattern for unnamed routes
    side: str
    methods: dict[str, dict[str, str]]
    kwargs: Kw = field(default=lambda o, limited: {})
    data: dict = field(default_factory=dict)  # method → body (dict) or callable(o) → body
    query: str = ""
    api: bool = False
    url: str = ""  # a literal URL, for the few unnamed routes
    secret_link: bool = False  # the URL holds the secret (a token link): its page may name the org


def page(name, side, expect, *, method="GET", kwargs=None, data=None, query="") -> Row:
    return Row(
        name,
        side,
        {method: E(expect)},
        kwargs or (lambda o, limited: {}),
        {method: data} if data is not None else {},
        query,
    )


def api(name, side, methods: dict[str, str], *, kwargs=None, data=None) -> Row:
    return Row(
        name, side, {m: E(e) for m, e in methods.items()}, kwargs or (lambda o, limited: {}), data or {}, api=True
    )


# --- common expectation sets --------------------------------------------------------

EVERYONE = "*=ok"
LOGGED_IN = "V=login *=ok"
STAFF_PAGE = "V=login S=ok *=404"
STAFF_POST = "V=login S=ok *=404"
# a page of the acting org reached by everyone who acts in some org (PN/Q in their own)
ANY_ORG = "V=login N,S=onboard *=ok"
# PS-12: the client's own business — its legal reps/admins only; partner people never
CLIENT_ADMIN_ONLY = "V=login N,S=onboard CR,CA=ok CC=404 PR,PA,PY=404 PN=404 L=404 Q=ok"
# Partner-only pages (approved partner, own org, not while acting for a client)
PARTNER_ADMIN_PAGE = "V=login N,S=onboard CR,CA,CC=404 PR,PA=ok PY,PN=404 L=404 Q=ok"
# Objects of C1 that only its legal reps/admins reach; everyone else: 404
C1_ADMIN_OBJECT = "V=login N,S=onboard CR,CA=ok CC=404 PR,PA,PY=404 PN,L,Q=404"
# TD-2: the tender inbox is for approved partners' legal reps and admins; everyone else 404
INBOX = "V=login CR,CA,CC=404 PR,PA=ok Q=ok *=404"
INBOX_OBJECT = "V=login CR,CA,CC=404 PR,PA=ok *=404"

# API
API_ANY_USER = "V=401 *=ok"
API_STAFF = "V=401 S=ok *=404"
# a resource of C1 every C1 member reads, and the partner people acting for C1
API_C1_READ_ALL = "V=401 CR,CA,CC=ok PR,PA,PY=ok L=ok PN,Q,N,S=404"
# the client's own business: partner people acting for C1 are refused (403: the org is reachable)
API_C1_MEMBERS = "V=401 CR,CA,CC=ok PR,PA,PY=403 L=403 PN,Q,N,S=404"
API_C1_ADMIN = "V=401 CR,CA=ok CC=403 PR,PA,PY=403 L=403 PN,Q,N,S=404"
API_C1_REP = "V=401 CR=ok CA,CC=403 PR,PA,PY=403 L=403 PN,Q,N,S=404"
# own-org resources that partner people acting for a client never reach (404)
API_C1_OWN_ADMIN = "V=401 CR,CA=ok CC=403 PR,PA,PY,PN,L,Q,N,S=404"
API_C1_OWN_REP = "V=401 CR=ok CA,CC=403 PR,PA,PY,PN,L,Q,N,S=404"
# partner resources (path: P)
API_P_ADMIN = "V=401 PR,PA=ok PY,PN=403 CR,CA,CC,L,Q,N,S=404"
API_P_INBOX = "V=401 PR,PA=ok *=404"
# writes with a capability: P's collaborators and L (who reach an org) may get 403 before the 404
API_P_INBOX_WRITE = "V=401 PR,PA=ok PY,PN,L=deny *=404"
API_PUBLIC = "*=ok"


def o_(attr: str, key: str = "pk", c2: str | None = None) -> Kw:
    return pick(attr, c2, key=key)


PARTNERSHIP_P_C1 = o_("p_c1")
PENDING_R_C1 = o_("r_c1_pending")
PENDING_P_C3 = o_("p_c3_pending")

ROWS: list[Row] = [
    # --- portal --------------------------------------------------------------------
    page("home", "none", "V=ok *=redirect"),
    page("healthz", "none", EVERYONE),
    page("readyz", "none", "*=any"),
    page("set_language", "none", "*=redirect", method="POST", data={"language": "es", "next": "/"}),
    page("api-schema", "none", EVERYONE),
    page("api-docs", "none", EVERYONE),
    # any other path under /api/: the JSON 404 for everyone (no redirect, no HTML)
    page("api-unknown-path", "none", "*=404"),
    # hands over to allauth's login; a logged-in non-staff user is refused
    page("admin-login", "none", "V=login S=redirect *=403"),
    # --- allauth ---------------------------------------------------------------------
    page("account_login", "none", "V=ok *=redirect"),
    page("account_logout", "none", "V=redirect *=ok"),
    page("account_inactive", "none", EVERYONE),
    page("account_signup", "none", "V=ok *=redirect"),
    page("account_reauthenticate", "none", LOGGED_IN),
    page("account_request_reauthentication_code", "none", "*=any"),
    page("account_confirm_reauthentication_code", "none", "*=any"),
    page("account_email", "none", LOGGED_IN),
    page("account_email_verification_sent", "none", EVERYONE),
    page("account_change_password", "none", LOGGED_IN),
    page("account_set_password", "none", "V=login *=redirect"),
    page("account_reset_password", "none", EVERYONE),
    page("account_confirm_login_code", "none", "*=any"),
    page("account_confirm_email", "none", "*=any", kwargs=kw(key="bogus-key")),
    page("account_reset_password_from_key_done", "none", EVERYONE),
    page("account_reset_password_from_key", "none", "*=any", kwargs=kw(uidb36="1", key="bogus-key")),
    page("account_reset_password_done", "none", EVERYONE),
    page("mfa_index", "none", LOGGED_IN),
    page("mfa_authenticate", "none", "*=any"),
    page("mfa_reauthenticate", "none", "V=login *=any"),
    # allauth asks for a recent re-authentication first
    page("mfa_activate_totp", "none", "V=login *=redirect"),
    page("mfa_deactivate_totp", "none", "V=login *=any"),
    page("mfa_view_recovery_codes", "none", "V=login *=any"),
    page("mfa_generate_recovery_codes", "none", "V=login *=any"),
    page("mfa_download_recovery_codes", "none", "V=login *=any"),
    page("usersessions_list", "none", LOGGED_IN),
    # --- clients: manager ------------------------------------------------------------------
    page("manager:dashboard", "own", LOGGED_IN),
    page(
        "manager:switch_org",
        "own",
        "V=login CR,CA,CC=redirect PR,PA,PY=redirect L=redirect PN,Q,N,S=404",
        method="POST",
        data=lambda o: {"org": "zyxwv-client-one"},
    ),
    page("manager:notifications", "none", LOGGED_IN),
    page("manager:account", "none", LOGGED_IN),
    page("manager:audit", "client", CLIENT_ADMIN_ONLY),
    page("manager:org_detail", "client", "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 L=404 PN,Q=ok"),
    page("manager:org_create", "none", LOGGED_IN),
    page("manager:org_edit", "client", CLIENT_ADMIN_ONLY),
    # PS-12: the client's members stay its own (PN and Q see their own org's members)
    page("manager:members", "client", "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN=ok L=404 Q=ok"),
    page(
        "manager:member_leave",
        "client",
        "V=login N,S=404 CR,CA,CC=redirect PR,PA,PY=404 PN=redirect L=404 Q=redirect",
        method="POST",
    ),
    page(
        "manager:member_set_role",
        "client",
        "V=login N,S=404 CR,CA=ok CC=deny PR,PA,PY=deny PN,L=deny Q=404",
        method="POST",
        kwargs=o_("c1_target_membership", "membership_id", c2="c2_rep_membership"),
        data={"role": "administrator"},
    ),
    page(
        "manager:member_remove",
        "client",
        "V=login N,S=404 CR,CA=ok CC=deny PR,PA,PY=deny PN,L=deny Q=404",
        method="POST",
        kwargs=o_("c1_target_membership", "membership_id", c2="c2_rep_membership"),
    ),
    page(
        "manager:invitation_revoke",
        "client",
        "V=login N,S=404 CR,CA=ok CC=deny PR,PA,PY=deny PN,L=deny Q=404",
        method="POST",
        kwargs=o_("c1_invitation", "invitation_id", c2="c2_invitation"),
    ),
    page(
        "manager:invitation_resend",
        "client",
        "V=login N,S=404 CR,CA=ok CC=deny PR,PA,PY=deny PN,L=deny Q=404",
        method="POST",
        kwargs=o_("c1_invitation", "invitation_id", c2="c2_invitation"),
    ),
    # the invitation link: its token is the secret; anyone may open it (then log in / accept)
    Row(
        "manager:invitation_accept",
        "none",
        {"GET": E(EVERYONE)},
        pick("c1_invitation", key="token", attr="token"),
        secret_link=True,
    ),
    page("manager:tokens", "client", "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN=ok L=404 Q=ok"),
    page(
        "manager:token_revoke",
        "client",
        "V=login N,S=deny CR=ok CA,CC=deny PR,PA,PY=deny PN,L,Q=404",
        method="POST",
        kwargs=o_("c1_token", "token_id"),
    ),
    # --- partners --------------------------------------------------------------------------
    page("partners:console", "partner", "V=login N,S=onboard L=404 *=ok"),
    page("partners:apply", "own", "V=login N,S=onboard CR=ok CA,CC=404 PR=ok PA,PY,PN=404 L=404 Q=ok"),
    page(
        "partners:perk_claim",
        "partner",
        "V=login N,S=404 CR,CA,CC=404 PR,PA=ok PY,PN=deny L=404 Q=ok",
        method="POST",
    ),
    page("partners:staff_queue", "none", STAFF_PAGE),
    page("partners:staff_approve", "none", STAFF_POST, method="POST", kwargs=o_("application")),
    page("partners:staff_reject", "none", STAFF_POST, method="POST", kwargs=o_("application"), data={"reason": "x"}),
    # PS-16: the partner's clients; collaborators see the ones their rights allow
    page("partners:clients", "partner", "V=login N,S=onboard CR,CA,CC=404 PR,PA,PY,PN=ok L=404 Q=ok"),
    page("partners:invite_client", "partner", "V=login N,S=onboard CR,CA,CC=404 PR=ok PA,PY,PN=404 L=404 Q=ok"),
    page("partners:pending", "own", "V=login N,S=onboard CR,CA=ok CC=404 PR,PA=ok PY,PN=404 L=404 Q=ok"),
    page("partners:partners", "own", "V=login N,S=onboard CR,CA=ok CC=404 PR,PA=ok PY,PN=404 L=404 Q=ok"),
    page("partners:invite_partner", "own", "V=login N,S=onboard CR=ok CA,CC=404 PR=ok PA,PY,PN=404 L=404 Q=ok"),
    page(
        "partners:partnership_detail",
        "own",
        "V=login N,S=onboard CR,CA=ok CC=404 PR,PA=ok PY,PN=404 L,Q=404",
        kwargs=PARTNERSHIP_P_C1,
    ),
    # PS-2/PS-14: the client's legal reps answer an invitation; administrators only see it
    page(
        "partners:accept",
        "own",
        "V=login N,S=onboard CR=ok CA=404 CC=404 PR,PA,PY,PN,L,Q=404",
        kwargs=PENDING_R_C1,
    ),
    page(
        "partners:decline",
        "own",
        "V=login N,S=onboard CR=ok CA=deny CC=404 PR,PA,PY,PN,L,Q=404",
        method="POST",
        kwargs=PENDING_R_C1,
    ),
    page(
        "partners:withdraw",
        "own",
        "V=login N,S=onboard CR,CA,CC=404 PR=ok PA=deny PY,PN,L,Q=404",
        method="POST",
        kwargs=PENDING_P_C3,
    ),
    page(
        "partners:resend",
        "own",
        "V=login N,S=onboard CR,CA,CC=404 PR=ok PA=deny PY,PN,L,Q=404",
        method="POST",
        kwargs=PENDING_P_C3,
    ),
    # PS-2: a partner user acknowledges the granted rights; the client can't
    page(
        "partners:acknowledge",
        "own",
        "V=login N,S=onboard CR,CA=deny CC=404 PR,PA=ok PY,PN,L,Q=404",
        method="POST",
        kwargs=PARTNERSHIP_P_C1,
    ),
    # PS-9: the client's legal reps change the payment method
    page(
        "partners:payment_method",
        "own",
        "V=login N,S=onboard CR=ok CA,CC=404 PR,PA,PY,PN,L,Q=404",
        kwargs=PARTNERSHIP_P_C1,
        query="payment_method=partner_pays",
    ),
    page(
        "partners:set_products",
        "own",
        "V=login N,S=onboard CR=ok CA,CC=404 PR,PA,PY,PN,L,Q=404",
        method="POST",
        kwargs=PARTNERSHIP_P_C1,
    ),
    # PS-15: the client gives an end date
    page(
        "partners:end_date",
        "own",
        "V=login N,S=onboard CR=ok CA,CC=404 PR=deny PA,PY,PN,L,Q=404",
        method="POST",
        kwargs=PARTNERSHIP_P_C1,
        data={"ends_on": "2099-01-01"},
    ),
    # PS-11: either side's legal reps end it
    page(
        "partners:end",
        "own",
        "V=login N,S=onboard CR=ok CA,CC=404 PR=ok PA,PY,PN,L,Q=404",
        kwargs=PARTNERSHIP_P_C1,
    ),
    # PS-12: legal reps/admins open any active client; collaborators those their rights allow
    page(
        "partners:access_client",
        "own",
        "V=login N,S=404 CR,CA,CC=404 PR,PA,PY=redirect PN=404 L=404 Q=404",
        method="POST",
        kwargs=PARTNERSHIP_P_C1,
    ),
    page("partners:leave_client", "own", "V=login *=redirect", method="POST"),
    page("partners:client_products", "client", ANY_ORG),
    page("partners:collaborators", "partner", PARTNER_ADMIN_PAGE),
    page(
        "partners:collaborator_edit",
        "partner",
        "V=login N,S=onboard CR,CA,CC=404 PR,PA=ok PY,PN=404 L=404 Q=404",
        kwargs=lambda o, limited: {"user_id": o.p_collab_yes_id},
    ),
    page("partners:profile", "partner", PARTNER_ADMIN_PAGE),
    page("partners:security", "own", "V=login N,S=onboard CR=ok CA,CC=404 PR=ok PA,PY,PN=404 L=404 Q=ok"),
    # --- billing ---------------------------------------------------------------------------
    # BL-3/PS-4: the client's admins and its full partner's people with the right order; limited never
    page("billing:shop", "client", "V=login N,S=onboard CR,CA=ok CC=404 PR,PA,PY=ok PN=404 L=404 Q=ok"),
    page("billing:products", "client", ANY_ORG),
    page(
        "billing:product_renew",
        "client",
        "V=login N,S=onboard CR,CA=ok CC=deny PR,PA,PY=ok PN,L,Q=404",
        method="POST",
        kwargs=o_("c1_product", c2="c2_not_granted"),
    ),
    # PS-8/PS-12: invoices are never shown to partner people acting for the client
    page("billing:invoices", "client", CLIENT_ADMIN_ONLY),
    page("billing:invoice_detail", "client", C1_ADMIN_OBJECT, kwargs=o_("c1_invoice", c2="c2_invoice")),
    page("billing:invoice_download", "client", C1_ADMIN_OBJECT, kwargs=o_("c1_invoice", c2="c2_invoice")),
    page(
        "billing:invoice_pay",
        "client",
        C1_ADMIN_OBJECT,
        method="POST",
        kwargs=o_("c1_invoice", c2="c2_invoice"),
        data={"method": "card", "card_number": "4242424242424242"},
    ),
    page("billing:to_pay", "client", CLIENT_ADMIN_ONLY),
    page("billing:cashback", "partner", PARTNER_ADMIN_PAGE),
    page("billing:revenue", "partner", PARTNER_ADMIN_PAGE),
    page("billing:revenue_csv", "partner", PARTNER_ADMIN_PAGE),
    page(
        "billing:rebill_csv",
        "partner",
        "V=login N,S=onboard CR,CA,CC=404 PR,PA=ok PY,PN=404 L=404 Q=noop",
        query="client=zyxwv-client-one",
    ),
    page("billing:below_minimum", "none", STAFF_PAGE),
    # --- tickets -----------------------------------------------------------------------------
    # PS-12: the client's support stays its own
    page("tickets:support", "client", "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN=ok L=404 Q=ok"),
    page(
        "tickets:support_code_regenerate",
        "client",
        "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN=ok L=404 Q=ok",
        method="POST",
    ),
    page(
        "tickets:support_access_grant",
        "client",
        "V=login N,S=onboard CR,CA=ok CC=404 PR,PA,PY=404 PN=404 L=404 Q=ok",
        method="POST",
        data={"services": ["mail"], "duration": "1h", "reason": "matrix"},
    ),
    page(
        "tickets:support_access_revoke",
        "client",
        C1_ADMIN_OBJECT,
        method="POST",
        kwargs=o_("c1_grant", c2="c2_grant"),
    ),
    page("tickets:support_lookup", "none", STAFF_PAGE),
    page(
        "tickets:support_staff_service",
        "none",
        STAFF_PAGE,
        kwargs=kw(org="zyxwv-client-one", service="mail"),
    ),
    page("tickets:help", "none", EVERYONE),
    page("tickets:help_article", "none", EVERYONE, kwargs=pick("article", key="slug", attr="slug")),
    # --- tenders: public ---------------------------------------------------------------------
    page("tenders:directory", "none", EVERYONE),
    page("tenders:directory_profile", "none", EVERYONE, kwargs=pick("p_profile", key="slug", attr="slug")),
    # TD-5: a listed partner's logo, public; the scenario's profile has none, so 404 for everyone
    page("partners-directory-logo", "none", "*=404", kwargs=pick("p_profile", key="slug", attr="slug")),
    page("tenders:request_new", "none", EVERYONE),
    page("tenders:request_sent", "none", EVERYONE),
    page("tenders:confirm", "none", EVERYONE, kwargs=pick("visitor_tender", key="token", attr="confirm_token")),
    # TD-4: the private link is the requester's secret; whoever holds it acts
    page("tenders:private", "none", EVERYONE, kwargs=pick("public_tender", key="token", attr="token")),
    page(
        "tenders:private_accept",
        "none",
        "*=redirect",
        method="POST",
        kwargs=lambda o, limited: {"token": o.public_tender.token, "quote_id": o.public_quote.pk},
    ),
    page(
        "tenders:private_close",
        "none",
        "*=redirect",
        method="POST",
        kwargs=pick("public_tender", key="token", attr="token"),
    ),
    page(
        "tenders:private_review",
        "none",
        "*=redirect",
        method="POST",
        kwargs=pick("public_tender", key="token", attr="token"),
    ),
    page("tenders:sitemap", "none", EVERYONE),
    # --- tenders: partner inbox (TD-2): approved partners' reps/admins; everyone else 404 ---------
    page("tenders:inbox", "partner", INBOX),
    page("tenders:subscription", "partner", INBOX),
    page("tenders:reviews", "partner", INBOX),
    page(
        "tenders:review_answer",
        "partner",
        INBOX_OBJECT,
        method="POST",
        kwargs=o_("review", "review_id"),
        data={"answer": "Thanks!"},
    ),
    page("tenders:inbox_detail", "partner", INBOX_OBJECT, kwargs=o_("c1_tender")),
    page("tenders:quote", "partner", INBOX_OBJECT, method="POST", kwargs=o_("c1_tender")),
    page("tenders:decline", "partner", INBOX_OBJECT, method="POST", kwargs=o_("c1_tender")),
    # --- tenders: the requester's side (TD-4) ---------------------------------------------------
    page("tenders:my_requests", "client", "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN=ok L=404 Q=ok"),
    page(
        "tenders:my_request",
        "client",
        "V=login N,S=onboard CR,CA,CC=ok PR,PA,PY=404 PN,L,Q=404",
        kwargs=o_("c1_tender"),
    ),
    page(
        "tenders:my_request_accept",
        "client",
        "V=login N,S=onboard CR,CA=ok CC=deny PR,PA,PY=404 PN,L,Q=404",
        method="POST",
        kwargs=lambda o, limited: {"pk": o.c1_tender.pk, "quote_id": o.c1_quote.pk},
    ),
    page(
        "tenders:my_request_close",
        "client",
        "V=login N,S=onboard CR,CA=ok CC=deny PR,PA,PY=404 PN,L,Q=404",
        method="POST",
        kwargs=o_("c1_tender"),
    ),
    page(
        "tenders:my_request_review",
        "client",
        "V=login N,S=onboard CR,CA=ok CC=deny PR,PA,PY=404 PN,L,Q=404",
        method="POST",
        kwargs=o_("c1_tender"),
    ),
    # --- Django admin (non-generic routes; model routes are generated below) ----------------------
    page("admin:index", "none", "V=login S=ok *=login"),
    page("admin:logout", "none", "S=ok *=redirect", method="POST"),
    page("admin:password_change", "none", "V=login S=ok *=login"),
    page("admin:password_change_done", "none", "V=login S=ok *=login"),
    page("admin:autocomplete", "none", "V=login S=any *=login"),
    page("admin:jsi18n", "none", "V=login S=ok *=login"),
    page("admin:view_on_site", "none", "V=login S=404 *=login", kwargs=kw(content_type_id="0", object_id="0")),
    page("admin:app_list", "none", "V=login S=ok *=login", kwargs=kw(app_label="partners")),
    Row("admin/(?P<url>.*)$", "none", {"GET": E("V=login S=404 *=login")}, url="/admin/no-such-page/"),
    # --- API: clients ----------------------------------------------------------------------------
    api("api-orgs", "none", {"GET": API_ANY_USER, "POST": API_ANY_USER}, data={"POST": {}}),
    api(
        "api-org-detail",
        "client",
        # PS-12: the client's details and settings are never shown to partner people.
        {
            "GET": "V=401 CR,CA,CC=ok PR,PA,PY=403 L=403 PN,Q,N,S=404",
            "PATCH": "V=401 CR,CA=ok CC=403 PR,PA,PY=403 L=403 PN,Q,N,S=404",
        },
        data={"PATCH": {"city": "Bern"}},
    ),
    api(
        "api-members",
        "client",
        {"GET": API_C1_MEMBERS, "POST": API_C1_ADMIN},
        data={"POST": {"email": "someone-new@example.com", "role": "collaborator"}},
    ),
    api(
        "api-member-detail",
        "client",
        {"GET": API_C1_MEMBERS, "PATCH": API_C1_ADMIN, "DELETE": API_C1_ADMIN},
        kwargs=o_("c1_target_membership", "id", c2="c2_rep_membership"),
        data={"PATCH": {"role": "administrator"}},
    ),
    api("api-invitations", "client", {"GET": API_C1_MEMBERS}),
    api(
        "api-invitation-detail",
        "client",
        {"DELETE": API_C1_ADMIN},
        kwargs=o_("c1_invitation", "id", c2="c2_invitation"),
    ),
    api(
        "api-invitation-resend",
        "client",
        {"POST": API_C1_ADMIN},
        kwargs=o_("c1_invitation", "id", c2="c2_invitation"),
    ),
    api("api-audit-events", "client", {"GET": API_C1_ADMIN}),
    # the token is the secret, but it is for the invited address only
    api(
        "api-invitation-accept",
        "none",
        {"POST": "V=401 *=deny"},
        kwargs=pick("c1_invitation", key="token", attr="token"),
    ),
    api("api-me-notifications", "none", {"GET": API_ANY_USER}),
    api("api-me-notifications-read", "none", {"POST": API_ANY_USER}, data={"POST": {}}),
    # ORG-6: leaving is for members; partner people acting for C1 have no membership there
    api("api-member-leave", "client", {"POST": "V=401 CR,CA,CC=ok *=404"}),
    # personal access tokens: every member for themselves; partner people acting for C1 are refused
    api(
        "api-tokens",
        "client",
        {"GET": API_C1_MEMBERS, "POST": API_C1_MEMBERS},
        data={"POST": {"name": "script", "days": 30}},
    ),
    api(
        "api-token-detail",
        "client",
        {"DELETE": "V=401 CR=ok CA,CC=404 PR,PA,PY=403 L=403 PN,Q,N,S=404"},
        kwargs=o_("c1_token", "id"),
    ),
    # --- API: partners ----------------------------------------------------------------------------
    api(
        "api-partner-application",
        "own",
        {
            "GET": "V=401 CR=ok CA,CC=403 PR=ok PA,PY,PN=403 L=404 Q=ok N,S=404",
            "POST": "V=401 CR=ok CA,CC=403 PR=ok PA,PY,PN=403 L=404 Q=ok N,S=404",
        },
        data={"POST": {}},
    ),
    api("api-staff-applications", "none", {"GET": API_STAFF}),
    api("api-staff-approve", "none", {"POST": API_STAFF}, kwargs=o_("application")),
    api("api-staff-reject", "none", {"POST": API_STAFF}, kwargs=o_("application"), data={"POST": {"reason": "x"}}),
    api(
        "api-partnerships",
        "own",
        {
            "GET": "V=401 CR,CA=ok CC=403 PR,PA=ok PY,PN=403 L=404 Q=ok N,S=404",
            "POST": "V=401 CR=ok CA,CC=403 PR=ok PA,PY,PN=403 L=404 Q=ok N,S=404",
        },
        data={"POST": {"partner": "quince-partner", "access_level": "full", "payment_method": "client_pays"}},
    ),
    api(
        "api-partnership",
        "own",
        {
            "GET": "V=401 CR,CA=ok CC=deny PR,PA=ok PY,PN=deny L,Q,N,S=404",
            "PATCH": "V=401 CR=ok CA=403 CC=deny PR=deny PA=403 PY,PN=deny L,Q,N,S=404",
        },
        kwargs=PARTNERSHIP_P_C1,
        data={"PATCH": {"payment_method": "partner_pays"}},
    ),
    api(
        "api-partnership-accept",
        "own",
        {"POST": "V=401 CR=ok CA=403 CC=deny PR,PA,PY,PN,L,Q,N,S=404"},
        kwargs=PENDING_R_C1,
        data={"POST": {}},
    ),
    api(
        "api-partnership-decline",
        "own",
        {"POST": "V=401 CR=ok CA=403 CC=deny PR,PA,PY,PN,L,Q,N,S=404"},
        kwargs=PENDING_R_C1,
    ),
    api(
        "api-partnership-cancel",
        "own",
        {"POST": "V=401 CR=ok CA=403 CC=deny PR=ok PA=403 PY,PN=deny L,Q,N,S=404"},
        kwargs=PARTNERSHIP_P_C1,
        data={"POST": {"password": "wrong password"}},
    ),
    api(
        "api-partnership-acknowledge",
        "own",
        {"POST": "V=401 CR,CA=403 CC=deny PR,PA=ok PY,PN=deny L,Q,N,S=404"},
        kwargs=PARTNERSHIP_P_C1,
    ),
    api(
        "api-partnership-withdraw",
        "own",
        {"POST": "V=401 CR,CA,CC=404 PR=ok PA=403 PY,PN=deny L,Q,N,S=404"},
        kwargs=PENDING_P_C3,
    ),
    api(
        "api-partnership-resend",
        "own",
        {"POST": "V=401 CR,CA,CC=404 PR=ok PA=403 PY,PN=deny L,Q,N,S=404"},
        kwargs=PENDING_P_C3,
    ),
    # PS-13/PS-16: collaborators see the clients their rights allow
    api("api-partner-clients", "partner", {"GET": "V=401 PR,PA,PY,PN=ok CR,CA,CC,L,Q,N,S=404"}),
    api(
        "api-partner-profile",
        "partner",
        {"GET": "V=401 PR,PA,PY,PN=ok CR,CA,CC,L,Q,N,S=404", "PATCH": API_P_ADMIN},
        data={"PATCH": {"description": "Hosting and more."}},
    ),
    api("api-partner-perk", "partner", {"POST": API_P_ADMIN}),
    api("api-collab-rights", "partner", {"GET": API_P_ADMIN}),
    api(
        "api-collab-rights-detail",
        "partner",
        {"PUT": API_P_ADMIN},
        kwargs=lambda o, limited: {"user_id": o.p_collab_yes_id},
        data={"PUT": {"all_clients": False, "clients": ["zyxwv-client-one"], "rights": ["view"]}},
    ),
    api(
        "api-partner-settings",
        "client",
        {"GET": "V=401 CR,CA=ok CC=403 PR,PA,PY,PN,L,Q,N,S=404", "PUT": API_C1_OWN_REP},
        data={"PUT": {"require_partner_mfa": False}},
    ),
    # --- API: billing -----------------------------------------------------------------------------
    api("billing-api-catalog", "none", {"GET": API_PUBLIC}),
    api("billing-api-products", "client", {"GET": API_C1_READ_ALL}),
    api(
        "billing-api-orders",
        "client",
        {"POST": "V=401 CR,CA=ok CC=403 PR,PA,PY=ok L=403 PN,Q,N,S=404"},
        data={"POST": {"items": [{"product_type": "web-hosting-pro", "period": "1y", "name": "matrix.example.ch"}]}},
    ),
    api("billing-api-invoices", "client", {"GET": API_C1_ADMIN}),
    api("billing-api-invoice", "client", {"GET": API_C1_ADMIN}, kwargs=o_("c1_invoice", c2="c2_invoice")),
    api(
        "billing-api-invoice-pay",
        "client",
        {"POST": API_C1_ADMIN},
        kwargs=o_("c1_invoice", c2="c2_invoice"),
        data={"POST": {"method": "card", "card_number": "4242424242424242"}},
    ),
    api("billing-api-cashback", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    api("billing-api-invoice-download", "client", {"GET": API_C1_ADMIN}, kwargs=o_("c1_invoice", c2="c2_invoice")),
    api(
        "billing-api-payouts",
        "partner",
        {
            "GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404",
            "POST": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404",
        },
        data={"POST": {"amount": "1", "method": "paypal", "paypal_email": "matrix@example.ch"}},
    ),
    api("billing-api-revenue", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    api("billing-api-revenue-clients", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    api("billing-api-revenue-csv", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    api("billing-api-rebill-csv", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    api("billing-api-program-volume", "partner", {"GET": "V=401 PR,PA=ok PY,PN=403 L=403 CR,CA,CC,Q,N,S=404"}),
    # --- API: tickets -----------------------------------------------------------------------------
    api("api-support-code", "none", {"GET": API_ANY_USER}),
    api("api-support-code-regenerate", "none", {"POST": API_ANY_USER}),
    api(
        "api-support-access",
        "client",
        {"GET": API_C1_MEMBERS, "POST": API_C1_ADMIN},
        data={"POST": {"services": ["mail"], "duration": "1h", "reason": "matrix"}},
    ),
    api("api-support-access-revoke", "client", {"POST": API_C1_ADMIN}, kwargs=o_("c1_grant", c2="c2_grant")),
    api("api-staff-support-lookup", "none", {"POST": API_STAFF}, data={"POST": {"code": "0000-0000"}}),
    # --- API: tenders -----------------------------------------------------------------------------
    api("api-tenders-create", "none", {"POST": API_PUBLIC}, data={"POST": {}}),
    api("api-directory", "none", {"GET": API_PUBLIC}),
    api("api-directory-detail", "none", {"GET": API_PUBLIC}, kwargs=pick("p_profile", key="slug", attr="slug")),
    api("api-org-tenders", "partner", {"GET": API_P_INBOX}),
    api("api-org-tenders-sub", "partner", {"GET": API_P_INBOX, "PUT": API_P_INBOX_WRITE}, data={"PUT": {}}),
    api("api-org-tender", "partner", {"GET": API_P_INBOX}, kwargs=o_("c1_tender", "id")),
    api(
        "api-org-tender-quote", "partner", {"POST": API_P_INBOX_WRITE}, kwargs=o_("c1_tender", "id"), data={"POST": {}}
    ),
    api(
        "api-org-tender-decline",
        "partner",
        {"POST": API_P_INBOX_WRITE},
        kwargs=o_("c1_tender", "id"),
        data={"POST": {}},
    ),
    api("api-org-reviews", "partner", {"GET": API_P_INBOX}),
    api("api-org-review-answer", "partner", {"POST": API_P_INBOX_WRITE}, kwargs=o_("review", "id"), data={"POST": {}}),
    api(
        "api-org-tender-requests",
        "client",
        {"GET": "V=401 CR,CA,CC=ok PR,PA,PY,PN,L,Q,N,S=404"},
    ),
    api(
        "api-org-tender-request",
        "client",
        {"GET": "V=401 CR,CA,CC=ok PR,PA,PY,PN,L,Q,N,S=404"},
        kwargs=o_("c1_tender", "id"),
    ),
    api(
        "api-org-tender-request-accept",
        "client",
        {"POST": "V=401 CR,CA=ok CC=403 PR,PA,PY,L=deny PN,Q,N,S=404"},
        kwargs=lambda o, limited: {"id": o.c1_tender.pk, "quote_id": o.c1_quote.pk},
    ),
    api(
        "api-org-tender-request-close",
        "client",
        {"POST": "V=401 CR,CA=ok CC=403 PR,PA,PY,L=deny PN,Q,N,S=404"},
        kwargs=o_("c1_tender", "id"),
    ),
    api(
        "api-org-tender-request-review",
        "client",
        {"POST": "V=401 CR,CA=ok CC=403 PR,PA,PY,L=deny PN,Q,N,S=404"},
        kwargs=o_("c1_tender", "id"),
        data={"POST": {}},
    ),
]

# Rows of routes mounted only under a setting: not stale when the setting is off.
CONDITIONAL = {
    "bench-floor": "settings.BENCH_FLOOR_ENABLED (the benchmark's floor, issue 9)",
}
ROWS.append(page("bench-floor", "none", LOGGED_IN))

# Routes deliberately without a row. Keep it small; say why for each.
EXCLUDED = {
    # Shadowed: portal's `admin-login` (same path, listed first) answers /admin/login/.
    "admin:login": "shadowed by admin-login",
}


# The admin's generic model routes all go through `AdminSite.admin_view`: one gate for all of
# them. They're exercised by a visitor, a client legal rep, a partner collaborator and staff
# (the other actors are logged-in non-staff users like these two) to keep the run short.
ADMIN_GENERIC = "V=login CR,PN=login S={staff} *=-"


def admin_rows() -> list[Row]:
    """Generic rows for every ModelAdmin's routes: staff only (non-staff → admin login)."""
    from django.contrib import admin

    rows = []
    for model in admin.site._registry:
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"

        def first_pk(o, limited, model=model):
            obj = model._default_manager.order_by("pk").first()
            return {"object_id": str(obj.pk) if obj else "0"}

        rows.append(page(f"{label}_changelist", "none", ADMIN_GENERIC.format(staff="ok")))
        rows.append(page(f"{label}_add", "none", ADMIN_GENERIC.format(staff="any")))
        for action in ("change", "history", "delete"):
            rows.append(page(f"{label}_{action}", "none", ADMIN_GENERIC.format(staff="any"), kwargs=first_pk))
        # The unnamed `<object_id>/` route: redirects staff to the change page.
        prefix = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        rows.append(
            Row(
                prefix + "<path:object_id>/",
                "none",
                {"GET": E(ADMIN_GENERIC.format(staff="redirect"))},
                url="/" + prefix + "0/",
            )
        )
    return rows


def all_rows() -> list[Row]:
    return ROWS + admin_rows()
