"""API for the rest of the manager: PS-16 clients, directory profile, PP-6, PS-13 rights, SEC-2 settings."""

from __future__ import annotations

import pytest

from clients.models import AuditEvent
from partners.models import ClientPartnerSettings, CollaboratorRights, PartnerProfile
from partners.tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_ps16_api_clients_list(client, world):
    PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    client.force_login(world.partner_rep)
    r = client.get(f"/api/v1/orgs/{world.partner.slug}/clients/")
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert row["client"] == world.client_org.slug and row["products_managed"] == 3 and row["users"] == 2


def test_ps16_api_clients_404_for_non_partner(client, world):
    client.force_login(world.client_rep)
    assert client.get(f"/api/v1/orgs/{world.client_org.slug}/clients/").status_code == 404


def test_directory_api_patch_profile(client, world):
    client.force_login(world.partner_rep)
    url = f"/api/v1/orgs/{world.partner.slug}/partner-profile/"
    r = client.patch(
        url, {"listed_in_directory": True, "languages": ["de"], "services": ["email"]}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["listed_in_directory"] is True
    assert PartnerProfile.objects.get(org=world.partner).services == ["email"]


def test_directory_api_collaborator_403(client, world):
    client.force_login(world.partner_collab)
    r = client.patch(
        f"/api/v1/orgs/{world.partner.slug}/partner-profile/",
        {"listed_in_directory": True},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not PartnerProfile.objects.get(org=world.partner).listed_in_directory


def test_pp6_api_perk_claim(client, world):
    client.force_login(world.partner_rep)
    r = client.post(f"/api/v1/orgs/{world.partner.slug}/partner-profile/perk/")
    assert r.status_code == 200 and r.json()["wordpress_perk_claimed_at"]


def test_ps13_api_set_rights(client, world):
    PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    client.force_login(world.partner_admin)
    r = client.put(
        f"/api/v1/orgs/{world.partner.slug}/collaborator-rights/{world.partner_collab.pk}/",
        {"clients": [world.client_org.slug], "rights": ["view", "order"]},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["clients"] == [world.client_org.slug]
    assert CollaboratorRights.objects.get(user=world.partner_collab).can_order
    listing = client.get(f"/api/v1/orgs/{world.partner.slug}/collaborator-rights/").json()["results"]
    assert listing[0]["rights"] == ["view", "order"]


def test_ps13_api_collaborator_cannot_set_rights(client, world):
    client.force_login(world.partner_collab)
    r = client.put(
        f"/api/v1/orgs/{world.partner.slug}/collaborator-rights/{world.partner_collab.pk}/",
        {"all_clients": True, "rights": ["order"]},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert not CollaboratorRights.objects.exists()


def test_sec2_api_client_requires_partner_mfa(client, world):
    client.force_login(world.client_rep)
    url = f"/api/v1/orgs/{world.client_org.slug}/partner-settings/"
    r = client.put(url, {"require_partner_mfa": True}, content_type="application/json")
    assert r.status_code == 200
    assert ClientPartnerSettings.objects.get(client=world.client_org).require_partner_mfa
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.require_partner_mfa").exists()
    client.force_login(world.client_admin)
    assert client.put(url, {"require_partner_mfa": False}, content_type="application/json").status_code == 403
