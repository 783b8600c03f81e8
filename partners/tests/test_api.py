"""SPEC §9: the partnerships API (status codes, error shape, state)."""

from __future__ import annotations

import pytest

from clients.models import AuditEvent
from partners.models import Partnership
from partners.tests.factories import OrganizationFactory, PartnerProfileFactory, PartnershipFactory, member
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def url(org, *parts):
    tail = "/".join(str(p) for p in parts)
    return f"/api/v1/orgs/{org.slug}/partnerships/" + (tail + "/" if tail else "")


def test_ps2_api_partner_invites_client_accepts_with_other_rights(client, world):
    client.force_login(world.partner_rep)
    r = client.post(
        url(world.partner),
        {"client_email": world.client_rep.email, "access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    client.force_login(world.client_rep)
    listing = client.get(url(world.client_org)).json()["results"]
    assert [x["id"] for x in listing] == [pk]
    r = client.post(
        url(world.client_org, pk, "accept"), {"payment_method": "partner_pays"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "active" and r.json()["payment_method"] == "partner_pays"
    assert r.json()["needs_review"] is True
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/accepted_review").exists()
    client.force_login(world.partner_rep)
    r = client.post(url(world.partner, pk, "acknowledge"))
    assert r.status_code == 200 and r.json()["needs_review"] is False


def test_ps3_api_client_invites_partner_by_slug(client, world):
    client.force_login(world.client_rep)
    r = client.post(
        url(world.client_org),
        {
            "partner": world.partner.partner_profile.slug,
            "access_level": "limited",
            "product_ids": [world.products[0].pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    client.force_login(world.partner_rep)
    r = client.post(url(world.partner, pk, "decline"))
    assert r.status_code == 200 and r.json()["status"] == "declined"


def test_ps3_api_withdraw_and_resend(client, world):
    client.force_login(world.client_rep)
    pk = client.post(
        url(world.client_org),
        {"partner": world.partner.partner_profile.slug, "access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    ).json()["id"]
    assert client.post(url(world.client_org, pk, "resend")).status_code == 200
    assert client.post(url(world.client_org, pk, "withdraw")).json()["status"] == "withdrawn"


def test_ps7_api_second_full_partner_409(client, world):
    other = OrganizationFactory()
    PartnerProfileFactory(org=other)
    PartnershipFactory(partner=other, client=world.client_org, access_level="full")
    client.force_login(world.client_rep)
    r = client.post(
        url(world.client_org),
        {"partner": world.partner.partner_profile.slug, "access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "full_partner_exists"


def test_ps5_api_conflict_409_names_product_and_partner(client, world):
    other = OrganizationFactory(name="Rival AG")
    PartnerProfileFactory(org=other)
    q = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    q.grants.create(product=world.products[0])
    client.force_login(world.client_rep)
    r = client.post(
        url(world.client_org),
        {
            "partner": world.partner.partner_profile.slug,
            "access_level": "limited",
            "product_ids": [world.products[0].pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "product_managed_by_other_partner"
    assert "Rival AG" in r.json()["error"]["message"] and world.products[0].name in r.json()["error"]["message"]


def test_ps2_api_missing_capability_403(client, world):
    client.force_login(world.partner_admin)
    r = client.post(
        url(world.partner), {"client_email": "x@y.ch", "access_level": "limited"}, content_type="application/json"
    )
    assert r.status_code == 403
    assert not Partnership.objects.exists()


def test_sec1_api_partnership_of_other_org_404(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org)
    stranger = OrganizationFactory()
    client.force_login(member(stranger))
    assert client.get(url(stranger, p.pk)).status_code == 404
    assert client.get(url(world.client_org, p.pk)).status_code == 404


def test_ps9_api_patch_payment_method(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    client.force_login(world.client_rep)
    r = client.patch(url(world.client_org, p.pk), {"payment_method": "partner_pays"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["payment_method"] == "partner_pays"
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.payment_method_changed").exists()


def test_ps10_api_patch_products(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="limited", payment_method=None)
    p.grants.create(product=world.products[0])
    client.force_login(world.client_rep)
    r = client.patch(
        url(world.client_org, p.pk), {"product_ids": [world.products[2].pk]}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["product_ids"] == [world.products[2].pk]


def test_ps9_api_partner_cannot_patch(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    client.force_login(world.partner_rep)
    r = client.patch(url(world.partner, p.pk), {"payment_method": "partner_pays"}, content_type="application/json")
    assert r.status_code == 403


def test_ps11_api_cancel_requires_password(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    client.force_login(world.partner_rep)
    r = client.post(url(world.partner, p.pk, "cancel"), {}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "reauthentication_required"
    r = client.post(url(world.partner, p.pk, "cancel"), {"password": "wrong"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "wrong_password"
    r = client.post(
        url(world.partner, p.pk, "cancel"), {"password": "Tr0ub4dor&3-horse"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "ended"
    assert OutboxEmail.objects.filter(to=world.client_rep.email, template="partners/ended").exists()
