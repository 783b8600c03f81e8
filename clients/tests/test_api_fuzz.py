"""Property-based run of the clients API (schemathesis over /api/schema/):
whatever the input, an answer is never a 500 and every 4xx is the JSON error shape."""

from __future__ import annotations

import json
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.core import NotSet

from clients.models import Role
from clients.services import member_invite, token_create
from clients.tenancy import access_for
from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENTS_PATHS = re.compile(
    r"^/api/v1/(orgs/$|orgs/\{org\}/($|members|invitations|audit-events)|invitations/|me/notifications)"
)


def _call(client: APIClient, operation, case) -> object:
    path = operation.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", "acme" if name == "org" else str(value))
    method = getattr(client, case.method.lower())
    if case.method == "GET":
        return method(path, case.query or {})
    if case.body is None or isinstance(case.body, NotSet):
        return method(path)
    return method(path, data=json.dumps(case.body), content_type="application/json")


def _runner(client: APIClient, operation, problems: list):
    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=10, suppress_health_check=list(HealthCheck), deadline=None, database=None)
    def run(case):
        response = _call(client, operation, case)
        if response.status_code >= 500 or response.status_code >= 400 and "error" not in response.json():
            problems.append((case.method, operation.path, case.body, response.status_code))

    return run


@pytest.mark.parametrize("auth", ["token", "session"])
def test_api_clients_endpoints_never_500_and_errors_are_json(auth):
    org = OrganizationFactory(slug="acme")
    user = UserFactory()
    MembershipFactory(org=org, user=user, role=Role.LEGAL_REPRESENTATIVE)
    MembershipFactory(org=org, role=Role.COLLABORATOR)
    access = access_for(user=user, org=org)
    member_invite(access=access, email="invited@example.com", role=Role.COLLABORATOR)
    _token, raw = token_create(access=access, name="fuzz", days=5)
    client = APIClient()
    if auth == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    else:
        client.force_login(user)
    spec = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schema = schemathesis.openapi.from_dict(spec)
    problems: list = []
    operations = [r.ok() for r in schema.get_all_operations() if CLIENTS_PATHS.match(r.ok().path)]
    assert len(operations) >= 10

    for operation in operations:
        _runner(client, operation, problems)()
    assert problems == []
