"""SEC-1: property-based fuzzing of the whole API (schemathesis over the drf-spectacular schema).

The schema is loaded from the WSGI app (`schemathesis.openapi.from_wsgi`) and every operation is
called in-process through it, authenticated by a personal access token of a partner (P's legal
rep, token scoped to P) and of a client (C1's legal rep, token scoped to C1), on the SEC-1
scenario (`tests/authz/scenario.py`). The org in the path is the token's org, and object ids in
the path are real objects of the scenario, so that bodies and query strings get exercised past
the 404. Fixed budget: `MAX_EXAMPLES` per operation, derandomized.

The clients endpoints (`/orgs/`, members, invitations, audit events, notifications) are fuzzed by
`clients/tests/test_api_fuzz.py` already; they are left out here, except for the unauthenticated
check, which covers every operation.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from portal.wsgi import application

MAX_EXAMPLES = 10
CLIENTS_PATHS = re.compile(
    r"^/api/v1/(orgs/$|orgs/\{org\}/($|members|invitations|audit-events)|invitations/|me/notifications)"
)
# Operations anyone may call (SPEC §9): catalog, directory, tender creation, schema and docs.
PUBLIC = {
    ("GET", "/api/v1/catalog/"),
    ("GET", "/api/v1/directory/"),
    ("GET", "/api/v1/directory/{slug}/"),
    ("POST", "/api/v1/tenders/"),
    ("GET", "/api/schema/"),
    ("GET", "/api/docs/"),
}
ACTORS = {"partner": ("p_rep", "P"), "client": ("c_rep", "C1")}


@pytest.fixture(scope="module")
def wsgi_in_test_transaction():
    """Requests go through the real WSGI handler, in this thread: keep Django from closing the
    test's connection at the end of each request (what django.test.Client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(scenario, wsgi_in_test_transaction):
    return schemathesis.openapi.from_wsgi("/api/schema/", application, headers={"Accept": "application/json"})


def _operations(schema, *, include_clients: bool):
    out = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/api/v1/") and (include_clients or not CLIENTS_PATHS.match(operation.path)):
            out.append(operation)
    return out


def _path_values(s, path: str, org_key: str) -> dict:
    """Real values for the path parameters: the token's org, and the scenario's objects."""
    o = s.objs
    by_segment = {
        "partnerships": o.p_c1.pk,
        "invoices": o.c1_invoice.pk,
        "support-access": o.c1_grant.pk,
        "tenders": o.c1_tender.pk,
        "tender-requests": o.c1_tender.pk,
        "quotes": o.c1_quote.pk,
        "reviews": o.review.pk,
        "collaborator-rights": s.users["p_collab_yes"].pk,
        "partner-applications": o.application.pk,
        "directory": o.p_profile.slug,
        "invitations": o.c1_invitation.token if "accept" in path else o.c1_invitation.pk,
        "members": o.c1_target_membership.pk,
        "tokens": o.c1_token.pk,
    }
    values = {}
    segments = path.strip("/").split("/")
    for i, segment in enumerate(segments):
        match = re.fullmatch(r"\{(\w+)\}", segment)
        if not match:
            continue
        name = match.group(1)
        if name == "org":
            values[name] = s.orgs[org_key].slug
        elif i > 0 and segments[i - 1] in by_segment:
            values[name] = by_segment[segments[i - 1]]
    return values


def _run(operation, *, headers: dict, path_values: dict, on_response):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a fixed budget
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.path_parameters = {**(case.path_parameters or {}), **path_values}
        response = case.call(headers=headers)
        on_response(case, response)

    run()


CHECKS = {
    "not_a_server_error": not_a_server_error,
    "response_schema_conformance": response_schema_conformance,
    "status_code_conformance": status_code_conformance,
}


def _fuzz(scenario, schema, actor: str) -> dict:
    """One pass over every operation; failures by check name → {"METHOD /path": {"status: title"}}."""
    user_key, org_key = ACTORS[actor]
    raw = scenario.tokens[user_key][1]
    headers = {"Authorization": f"Bearer {raw}", "Accept": "application/json"}
    failures: dict = {name: defaultdict(set) for name in CHECKS}

    for operation in _operations(schema, include_clients=False):

        def on_response(case, response, operation=operation):
            for name, check in CHECKS.items():
                try:
                    case.validate_response(response, checks=[check])
                except FailureGroup as group:
                    for failure in group.exceptions:
                        detail = " ".join(str(getattr(failure, "message", "")).split())[:160]
                        failures[name][f"{operation.method.upper()} {operation.path}"].add(
                            f"{response.status_code}: {failure.title}" + (f" ({detail})" if detail else "")
                        )

        _run(
            operation,
            headers=headers,
            path_values=_path_values(scenario, operation.path, org_key),
            on_response=on_response,
        )
    return {name: dict(found) for name, found in failures.items()}


def _assert_none(found: dict) -> None:
    """Fail with the full list (operation → statuses and failure titles), not pytest's truncated diff."""
    if found:
        lines = [f"{op}: {'; '.join(sorted(titles))}" for op, titles in sorted(found.items())]
        pytest.fail(f"{len(found)} operation(s):\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(scope="module")
def fuzz_results(scenario, schema, django_db_blocker) -> dict:
    """Each actor's pass runs once for the module (in the scenario's transaction, rolled back at its end)."""
    with django_db_blocker.unblock():
        return {actor: _fuzz(scenario, schema, actor) for actor in ACTORS}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_sec1_fuzz_no_server_error(actor, fuzz_results):
    _assert_none(fuzz_results[actor]["not_a_server_error"])


@pytest.mark.parametrize("actor", list(ACTORS))
def test_sec1_fuzz_responses_match_the_schema(actor, fuzz_results):
    """The body of every documented response matches its schema."""
    _assert_none(fuzz_results[actor]["response_schema_conformance"])


@pytest.mark.parametrize("actor", list(ACTORS))
def test_sec1_fuzz_status_codes_are_documented(actor, fuzz_results):
    """Every status the API answers is declared in the schema (401/403/404/409 included)."""
    _assert_none(fuzz_results[actor]["status_code_conformance"])


def test_sec1_operations_refuse_unauthenticated_calls(scenario, schema, db):
    """Each non-public operation, called once without credentials, answers 401 (or 403)."""
    from django.test import Client

    client = Client()
    accepted = []
    operations = _operations(schema, include_clients=True)
    assert len(operations) >= 50
    for operation in operations:
        method, path = operation.method.upper(), operation.path
        if (method, path) in PUBLIC:
            continue
        url = path
        for name, value in _path_values(scenario, path, "C1").items():
            url = url.replace("{" + name + "}", str(value))
        response = client.generic(method, url, "{}", content_type="application/json", HTTP_ACCEPT="application/json")
        if response.status_code not in (401, 403):
            accepted.append((method, path, response.status_code))
    assert accepted == []


def test_sec1_public_operations_answer_visitors(scenario, schema, db):
    from django.test import Client

    client = Client()
    for method, path in sorted(PUBLIC):
        url = path.replace("{slug}", scenario.objs.p_profile.slug)
        response = client.generic(method, url, "{}", content_type="application/json")
        assert response.status_code < 500 and response.status_code not in (401, 403, 404), (method, path)
