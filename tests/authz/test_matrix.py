"""SEC-1: the authorization matrix (route × actor → outcome), walked by parametrized tests.

The table lives in `tests/authz/matrix.py`; the scenario in `tests/authz/scenario.py`.
`test_sec1_every_route_has_a_row` fails when a URL pattern of the project (admin, allauth and
the API included) has no row, so a new route can't ship untested.
"""

from __future__ import annotations

import functools
import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from clients.models import AuditEvent
from portal.models import OutboxEmail

from .matrix import ACTORS, CONDITIONAL, EXCLUDED, Row, all_rows
from .scenario import C1_PRODUCT_SECRET, C1_SECRET

ROWS = all_rows()
ROWS_BY_NAME = {row.name: row for row in ROWS}
PARTNER_PEOPLE = ("p_rep", "p_admin", "p_collab_yes", "p_collab_no")
# Actors that must never see anything of C1 (PS-12, tenancy)
OUTSIDERS = ("visitor", "nobody", "q_rep")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
SIDE_EFFECT_FREE = {"login", "onboard", "noop", "deny", "401", "403", "404", "405", "unauth"}


def walk(patterns, prefix: str = "", namespace: str = ""):
    """(key, pattern) for every URL pattern; key = "ns:name", or the full pattern if unnamed."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            full = prefix + str(p.pattern)
            if p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), full
            else:
                yield full, full


@functools.cache
def project_routes() -> dict[str, str]:
    return dict(walk(get_resolver().url_patterns))


# --- completeness ------------------------------------------------------------------------


def test_sec1_every_route_has_a_row():
    missing = sorted(set(project_routes()) - set(ROWS_BY_NAME) - set(EXCLUDED))
    assert missing == [], f"routes without an authorization-matrix row: {missing}"


def test_sec1_no_row_for_a_route_that_no_longer_exists():
    stale = sorted(set(ROWS_BY_NAME) - set(project_routes()) - set(CONDITIONAL))
    assert stale == []


def test_sec1_rows_are_unique():
    assert len(ROWS) == len(ROWS_BY_NAME)


def _api_methods(view_cls) -> set[str]:
    return {
        m.upper() for m in view_cls.http_method_names if m not in ("options", "head", "trace") and hasattr(view_cls, m)
    }


@pytest.mark.parametrize("row", [r for r in ROWS if r.api and r.name in project_routes()], ids=lambda r: r.name)
def test_sec1_api_rows_cover_every_declared_method(row, scenario):
    match = resolve(_url(row, scenario, "c_rep"))
    assert set(row.methods) == _api_methods(match.func.cls)


# --- the matrix ----------------------------------------------------------------------------


def _target_org(actor: str, side: str) -> str:
    if actor == "limited":
        return "C2"
    if side == "client":
        return "C1"
    if side == "partner":
        return "P"
    return {"c": "C1", "p": "P", "q": "Q"}.get(actor[0], "C1")


def _url(row: Row, s, actor: str) -> str:
    if row.url:
        return row.url
    kwargs = row.kwargs(s.objs, actor == "limited")
    if row.api and "<slug:org>" in project_routes()[row.name]:
        kwargs["org"] = s.orgs[_target_org(actor, row.side)].slug
    url = reverse(row.name, kwargs=kwargs)
    return f"{url}?{row.query}" if row.query else url


def _session_mode(actor: str, row: Row) -> str:
    if actor == "limited" and not row.api:
        return "limited"
    if row.side == "client" and actor in PARTNER_PEOPLE and not row.api:
        return "client"
    return "plain"  # the API acts in the org of the path


@pytest.fixture(scope="module")
def sessions(scenario, django_db_blocker) -> dict:
    """Log every actor in once per module (session rows live in the scenario's transaction);
    PS-12: partner people act for the client through the app's own switch."""
    keys: dict = {}
    with django_db_blocker.unblock():
        for actor in ACTORS:
            if actor == "visitor":
                continue
            modes = (
                ["plain"]
                + (["client"] if actor in PARTNER_PEOPLE else [])
                + (["limited"] if actor == "limited" else [])
            )
            for mode in modes:
                client = Client()
                client.force_login(scenario.users["p_rep" if actor == "limited" else actor])
                if mode == "limited":
                    switched = client.post(reverse("partners:access_client", kwargs={"pk": scenario.objs.p_c2.pk}))
                    assert switched.status_code == 302, "P's legal rep must be able to act for C2"
                elif mode == "client":
                    switched = client.post(reverse("partners:access_client", kwargs={"pk": scenario.objs.p_c1.pk}))
                    assert switched.status_code == (404 if actor == "p_collab_no" else 302)
                keys[actor, mode] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def _client(sessions: dict, actor: str, row: Row) -> Client:
    client = Client()
    if actor != "visitor":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[actor, _session_mode(actor, row)]
    return client


def _body(row: Row, method: str, s):
    data = row.data.get(method)
    return data(s.objs) if callable(data) else data


def _request(client: Client, row: Row, method: str, url: str, body):
    if row.api:
        if body is None:
            return client.generic(method, url, HTTP_ACCEPT="application/json")
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, body or {})


def _side_effects() -> tuple[int, int]:
    return AuditEvent.objects.exclude(action="partner.access").count(), OutboxEmail.objects.count()


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PATHS)


def _matches(expected: str, response, *, method: str, api: bool, effects_before, effects_after) -> bool:
    code = response.status_code
    if code >= 500:
        return False
    if expected in SIDE_EFFECT_FREE and effects_after != effects_before:
        return False
    if expected == "any":
        return True
    if expected == "ok":
        if api:
            return code not in (401, 403, 404)
        if method == "GET":
            return code == 200
        return code in (200, 201, 204, 400, 409) or (code == 302 and not _is_login_redirect(response))
    if expected == "login":
        return _is_login_redirect(response)
    if expected == "onboard":
        return code == 302 and response["Location"] == reverse("manager:org_create")
    if expected == "redirect":
        return code == 302 and not _is_login_redirect(response)
    if expected == "noop":
        return code == 302 and not _is_login_redirect(response)
    if expected == "deny":
        if api:
            return code in (403, 404)
        return code in (403, 404) or (code == 302 and not _is_login_redirect(response))
    if expected == "unauth":
        return code in (401, 403)
    return code == int(expected)


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


CASES = [
    pytest.param(row.name, method, actor, id=f"{row.name}-{method}-{actor}")
    for row in ROWS
    if row.name in project_routes()  # a CONDITIONAL route that isn't mounted has nothing to test
    for method in row.methods
    for actor in ACTORS
    if row.methods[method][actor] != "-"
]


@pytest.mark.parametrize(("name", "method", "actor"), CASES)
def test_sec1_matrix(name, method, actor, scenario, sessions, db):
    row = ROWS_BY_NAME[name]
    expected = row.methods[method][actor]
    client = _client(sessions, actor, row)
    url = _url(row, scenario, actor)
    before = _side_effects()
    response = _request(client, row, method, url, _body(row, method, scenario))
    after = _side_effects()
    got = f"{response.status_code} {response.get('Location', '')}".strip()
    assert _matches(expected, response, method=method, api=row.api, effects_before=before, effects_after=after), (
        f"{method} {url} as {actor}: expected {expected}, got {got}"
        + (f" (side effects: audit/outbox {before} -> {after})" if before != after else "")
    )
    if actor in OUTSIDERS and not row.secret_link:
        body = _content(response)
        assert C1_SECRET.encode() not in body
        assert C1_PRODUCT_SECRET.encode() not in body


def _value(s, text: str) -> str:
    """`"@c1_invoice.number"` → that attribute of the scenario's object; other text as is."""
    if not text.startswith("@"):
        return text
    name, attr = text[1:].split(".")
    return str(getattr(getattr(s.objs, name), attr))


# --- scope of lists: what a page shows, not only whether it opens ----------------------------

# (route, side, actor, must show, must not show) — PS-4 (limited: the granted products only),
# PS-13 (collaborators: the clients of their rights only), PS-12 (partner people never see the
# client's invoices), tenancy (another partner sees nothing of P's clients).
SCOPE_ROWS = [
    ("partners:client_products", "client", "limited", "c2-granted.example.ch", "c2-not-granted.example.ch"),
    ("billing:products", "client", "limited", "c2-granted.example.ch", "c2-not-granted.example.ch"),
    ("partners:client_products", "client", "p_rep", C1_PRODUCT_SECRET, "c2-granted.example.ch"),
    ("partners:clients", "partner", "p_collab_no", "Limited Client Two AG", C1_SECRET),
    ("partners:clients", "partner", "p_collab_yes", C1_SECRET, "Limited Client Two AG"),
    ("partners:clients", "partner", "p_rep", C1_SECRET, "Quince"),
    ("api-partner-clients", "partner", "p_collab_no", "limited-client-two", "zyxwv-client-one"),
    ("api-partner-clients", "partner", "p_collab_yes", "zyxwv-client-one", "limited-client-two"),
    ("billing-api-products", "client", "limited", "c2-granted.example.ch", "c2-not-granted.example.ch"),
    ("billing:invoices", "partner", "q_rep", "@q_invoice.number", "@c1_invoice.number"),
    ("billing:invoices", "client", "c_rep", "@c1_invoice.number", "@c2_invoice.number"),
]


@pytest.mark.parametrize(
    ("name", "side", "actor", "shown", "hidden"), SCOPE_ROWS, ids=[f"{r[0]}-{r[2]}" for r in SCOPE_ROWS]
)
def test_sec1_lists_are_scoped(name, side, actor, shown, hidden, scenario, sessions, db):
    row = Row(name, side, {"GET": {}}, api=name in ROWS_BY_NAME and ROWS_BY_NAME[name].api)
    response = _client(sessions, actor, row).get(_url(row, scenario, actor), HTTP_ACCEPT="*/*")
    body = _content(response).decode()
    shown, hidden = (_value(scenario, v) for v in (shown, hidden))
    assert response.status_code == 200
    assert shown in body
    assert hidden not in body
