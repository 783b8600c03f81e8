from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from clients.models import Organization, Role
from clients.tenancy import access_for

from .factories import ListedProfileFactory, OrganizationFactory, SubscriptionFactory, member


@dataclass
class World:
    partner: Organization
    profile: object
    rep: object
    admin: object
    collab: object
    other_partner: Organization
    other_rep: object
    client_org: Organization
    client_rep: object
    client_collab: object


@pytest.fixture
def world(db) -> World:
    partner = OrganizationFactory(name="Helvetia Web Agency AG", country="CH")
    profile = ListedProfileFactory(org=partner, slug="helvetia-web", public_name="Helvetia Web Agency")
    SubscriptionFactory(org=partner, categories=["web_hosting"], countries=["CH"])
    other = OrganizationFactory(name="Alpen IT GmbH", country="CH")
    ListedProfileFactory(org=other, slug="alpen-it", public_name="Alpen IT", services=["cloud_server"])
    SubscriptionFactory(org=other, categories=["cloud_server"])
    client_org = OrganizationFactory(name="Bäckerei Müller GmbH")
    return World(
        partner=partner,
        profile=profile,
        rep=member(partner, email="rep@agency.ch"),
        admin=member(partner, Role.ADMINISTRATOR, email="admin@agency.ch"),
        collab=member(partner, Role.COLLABORATOR, email="collab@agency.ch"),
        other_partner=other,
        other_rep=member(other, email="rep@alpen.ch"),
        client_org=client_org,
        client_rep=member(client_org, email="owner@baeckerei.ch"),
        client_collab=member(client_org, Role.COLLABORATOR, email="collab@baeckerei.ch"),
    )


@pytest.fixture
def login():
    def _login(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return _login


@pytest.fixture
def acc():
    def _acc(user, org):
        return access_for(user=user, org=org)

    return _acc


@pytest.fixture(autouse=True, scope="session")
def _compiled_tenders_catalog():
    """The tenders app's Spanish catalog (.mo files are git-ignored): compile it when missing or stale."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    yield
