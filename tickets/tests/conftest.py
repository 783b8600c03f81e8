import pytest

from clients.models import Role
from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tickets.tests.factories import StaffFactory


@pytest.fixture
def org():
    return OrganizationFactory(name="Bäckerei Test GmbH", slug="baeckerei-test")


@pytest.fixture
def legal_rep(org):
    return MembershipFactory(org=org, role=Role.LEGAL_REPRESENTATIVE).user


@pytest.fixture
def admin_member(org):
    return MembershipFactory(org=org, role=Role.ADMINISTRATOR).user


@pytest.fixture
def collaborator(org):
    return MembershipFactory(org=org, role=Role.COLLABORATOR).user


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def outsider():
    return UserFactory()
