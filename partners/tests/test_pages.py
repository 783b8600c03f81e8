"""Every partners page renders for the people who may see it, and is 404 for others;
directory opt-in (TD-5 data, capability directory.edit)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import AuditEvent
from partners.models import PartnerProfile
from partners.tests.factories import ApplicationFactory, PartnershipFactory, PartnershipProductFactory

pytestmark = pytest.mark.django_db

PARTNER_PAGES = [
    "console",
    "clients",
    "invite_client",
    "pending",
    "collaborators",
    "profile",
    "security",
    "client_products",
]
CLIENT_PAGES = ["console", "apply", "pending", "partners", "invite_partner", "security", "client_products"]


@pytest.mark.parametrize("name", PARTNER_PAGES)
def test_partner_rep_pages_render(client, world, name):
    client.force_login(world.partner_rep)
    response = client.get(reverse(f"partners:{name}"))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize("name", CLIENT_PAGES)
def test_client_rep_pages_render(client, world, name):
    client.force_login(world.client_rep)
    assert client.get(reverse(f"partners:{name}")).status_code == 200


@pytest.mark.parametrize("name", ["clients", "invite_client", "collaborators", "profile"])
def test_partner_pages_404_for_non_partner(client, world, name):
    client.force_login(world.client_rep)
    assert client.get(reverse(f"partners:{name}")).status_code == 404


@pytest.mark.parametrize("name", ["invite_client", "collaborators", "profile"])
def test_partner_collaborator_cannot_open_management_pages(client, world, name):
    client.force_login(world.partner_collab)
    assert client.get(reverse(f"partners:{name}")).status_code == 404


def test_partnership_detail_pages_render_both_sides(client, world):
    full = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    for user in (world.partner_rep, world.client_rep):
        client.force_login(user)
        assert client.get(reverse("partners:partnership_detail", args=[full.pk])).status_code == 200
        assert client.get(reverse("partners:end", args=[full.pk])).status_code == 200


def test_limited_detail_and_accept_page_render(client, world):
    from clients.tenancy import access_for
    from partners import services

    limited = PartnershipFactory(
        partner=world.partner, client=world.client_org, access_level="limited", payment_method=None
    )
    PartnershipProductFactory(partnership=limited, product=world.products[0])
    client.force_login(world.client_rep)
    page = client.get(reverse("partners:partnership_detail", args=[limited.pk])).content.decode()
    assert world.products[0].name in page
    services.partnership_end(
        access=access_for(user=world.client_rep, org=world.client_org),
        partnership=limited,
        password="Tr0ub4dor&3-horse",
    )
    p = services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="limited",
    )
    assert client.get(reverse("partners:accept", args=[p.pk])).status_code == 200


def test_staff_queue_renders_for_staff(client):
    from clients.tests.factories import UserFactory

    ApplicationFactory()
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("partners:staff_queue")).status_code == 200


def test_dashboard_shows_partner_card(client, world):
    client.force_login(world.partner_rep)
    assert reverse("partners:console") in client.get(reverse("manager:dashboard")).content.decode()


# --- directory opt-in ---


def test_directory_opt_in_saved_and_audited(client, world):
    client.force_login(world.partner_rep)
    response = client.post(
        reverse("partners:profile"),
        {
            "listed_in_directory": "on",
            "public_name": "Helvetia Web",
            "description": "We build websites.",
            "city": "Zürich",
            "website": "https://helvetia.example",
            "languages": ["de", "fr"],
            "services": ["web_hosting"],
            "budget_min": "1000",
            "budget_max": "9000",
        },
    )
    assert response.status_code == 302
    profile = PartnerProfile.objects.get(org=world.partner)
    assert profile.listed_in_directory and profile.languages == ["de", "fr"] and profile.services == ["web_hosting"]
    assert AuditEvent.objects.filter(org=world.partner, action="partner.profile_updated").exists()


def test_directory_logo_type_and_size_validated(client, world):
    client.force_login(world.partner_rep)
    bad = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml")
    response = client.post(reverse("partners:profile"), {"public_name": "X", "logo": bad})
    assert response.status_code == 400
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    response = client.post(reverse("partners:profile"), {"public_name": "X", "logo": big})
    assert response.status_code == 400
    assert not PartnerProfile.objects.get(org=world.partner).logo


def test_directory_budget_min_above_max_refused(client, world):
    client.force_login(world.partner_rep)
    response = client.post(reverse("partners:profile"), {"public_name": "X", "budget_min": "10", "budget_max": "5"})
    assert response.status_code == 400
    assert PartnerProfile.objects.get(org=world.partner).budget_min is None


def test_directory_administrator_may_edit_collaborator_may_not(client, world):
    client.force_login(world.partner_admin)
    assert client.post(reverse("partners:profile"), {"public_name": "Admin edit"}).status_code == 302
    client.force_login(world.partner_collab)
    assert client.post(reverse("partners:profile"), {"public_name": "Collab edit"}).status_code == 404
    assert PartnerProfile.objects.get(org=world.partner).public_name == "Admin edit"


def test_ps2_dashboard_counts_invitation_to_answer(client, world):
    from clients.tenancy import access_for
    from partners import services

    services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    client.force_login(world.client_rep)
    assert "1 partnership invitation waits for your answer" in client.get(reverse("manager:dashboard")).content.decode()


def test_au1_audit_names_a_partnership_without_its_state_codes(client, world):
    from clients.audit import audit_record

    partnership = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full")
    audit_record(action="partnership.accepted", org=world.client_org, actor=world.client_rep, target=partnership)
    client.force_login(world.client_rep)

    response = client.get(reverse("manager:audit"))

    assert AuditEvent.objects.get(action="partnership.accepted").target_repr == f"{world.partner} → {world.client_org}"
    assert f"Partnership: {world.partner} → {world.client_org}" in response.content.decode()
