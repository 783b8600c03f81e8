"""SPEC §9: English and Spanish complete — the tenders pages and emails in Spanish."""

from __future__ import annotations

import pytest
from django.test import Client

from portal.models import OutboxEmail

from .factories import TenderRequestFactory, future

pytestmark = pytest.mark.django_db


def test_td5_directory_in_spanish(world):
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get("/directory/").content.decode()
    assert "Directorio de partners" in page
    assert "Partner verificado" in page


def test_td1_request_form_in_spanish(world):
    page = Client(HTTP_ACCEPT_LANGUAGE="es").get("/tenders/new/").content.decode()
    assert "Solicitar un presupuesto" in page
    assert "Descripción del proyecto" in page


def test_td1_spanish_visitor_gets_spanish_confirmation_email(world):
    Client().post(
        "/tenders/new/",
        {
            "contact_name": "Lucía",
            "email": "lucia@example.es",
            "country": "ES",
            "language": "es",
            "description": "Tienda online",
            "categories": ["web_hosting"],
            "currency": "EUR",
            "deadline": future().isoformat(),
        },
    )
    email = OutboxEmail.objects.get(template="tenders/confirm_request")
    assert email.language == "es"
    assert email.subject == "Confirma tu solicitud de presupuesto"


def test_td2_partner_email_in_partner_language(world):
    world.rep.language = "es"
    world.rep.save()
    from tenders import services

    tender = TenderRequestFactory(status="awaiting_confirmation", published_at=None)
    services.tender_request_confirm(token=tender.confirm_token)
    email = OutboxEmail.objects.get(template="tenders/new_request", to="rep@agency.ch")
    assert email.subject.startswith("Nueva solicitud de presupuesto")
