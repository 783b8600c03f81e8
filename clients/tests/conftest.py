from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from clients.models import Role
from clients.tenancy import access_for
from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Acme AG", slug="acme", country="CH")


@pytest.fixture
def legal_rep(org):
    return MembershipFactory(org=org, role=Role.LEGAL_REPRESENTATIVE, user=UserFactory(email="rep@example.com")).user


@pytest.fixture
def admin_user(org):
    return MembershipFactory(org=org, role=Role.ADMINISTRATOR, user=UserFactory(email="admin@example.com")).user


@pytest.fixture
def collaborator(org):
    return MembershipFactory(org=org, role=Role.COLLABORATOR, user=UserFactory(email="collab@example.com")).user


@pytest.fixture
def access_of(org):
    def make(user, of=None):
        return access_for(user=user, org=of or org)

    return make
