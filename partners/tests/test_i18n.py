"""NT-2 / §9: partner pages and emails in Spanish."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.tenancy import access_for
from partners import services
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_partner_console_in_spanish(client, world):
    world.partner_rep.language = "es"
    world.partner_rep.save()
    client.force_login(world.partner_rep)
    response = client.get(reverse("partners:console"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Clientes gestionados" in response.content.decode()


def test_ps2_invitation_email_in_recipients_language(world):
    world.client_rep.language = "es"
    world.client_rep.save()
    services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    email = OutboxEmail.objects.get(to=world.client_rep.email)
    assert email.language == "es"
    assert "te invita a trabajar juntos" in email.subject
