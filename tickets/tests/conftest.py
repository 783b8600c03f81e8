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


@pytest.fixture(autouse=True, scope="session")
def _compiled_tickets_catalog():
    """The tickets app's Spanish catalog (.mo files are git-ignored; `make messages`
    only compiles when a top-level locale/ exists): compile it when missing or stale."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    yield
