from __future__ import annotations

from dataclasses import dataclass

import pytest

from clients.models import Organization, Role
from clients.tenancy import access_for
from partners.tests.factories import OrganizationFactory, PartnerProfileFactory, ProductFactory, member


@dataclass
class World:
    partner: Organization
    partner_rep: object
    partner_admin: object
    partner_collab: object
    client_org: Organization
    client_rep: object
    client_admin: object
    products: list


@pytest.fixture
def world(db) -> World:
    partner = OrganizationFactory(name="Helvetia Web Agency AG")
    PartnerProfileFactory(org=partner)
    client_org = OrganizationFactory(name="Bäckerei Müller GmbH")
    return World(
        partner=partner,
        partner_rep=member(partner, email="rep@agency.ch"),
        partner_admin=member(partner, Role.ADMINISTRATOR, email="admin@agency.ch"),
        partner_collab=member(partner, Role.COLLABORATOR, email="collab@agency.ch"),
        client_org=client_org,
        client_rep=member(client_org, email="owner@baeckerei.ch"),
        client_admin=member(client_org, Role.ADMINISTRATOR, email="admin@baeckerei.ch"),
        products=[ProductFactory(org=client_org, name=f"site{i}.ch") for i in range(3)],
    )


@pytest.fixture
def acc():
    def _acc(user, org):
        return access_for(user=user, org=org)

    return _acc


@pytest.fixture(autouse=True, scope="session")
def _compiled_partners_catalog():
    """The partners app's Spanish catalog (.mo files are git-ignored): compile it when missing or stale."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    yield
