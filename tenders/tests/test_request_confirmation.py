"""TD-1: partners receive only confirmed addresses; the requester is told honestly who received the
request; emails to a bare address don't speak of an account."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from portal.models import OutboxEmail
from tenders.models import TenderDelivery, TenderRequest

from .factories import DeliveryFactory, TenderRequestFactory
from .test_quotes import quote_data
from .test_requests import API, NEW, api_data, form_data

pytestmark = pytest.mark.django_db

ACCOUNT_FOOTER = "because of your account on the Partner Portal"
REQUEST_FOOTER = "because this address was given in a quote request on the Partner Portal"


# --- a member's contact address ------------------------------------------------------------------


def test_td1_member_request_with_unverified_address_awaits_confirmation(world, login):
    response = login(world.client_rep).post(NEW, form_data(email="someone@elsewhere.org"))
    tender = TenderRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/manager/tenders/mine/{tender.pk}/"
    assert tender.status == TenderRequest.Status.AWAITING_CONFIRMATION
    assert tender.requester_org == world.client_org
    email = OutboxEmail.objects.get(template="tenders/confirm_request")
    assert email.to == "someone@elsewhere.org"
    assert tender.confirm_token in email.body_text
    assert not TenderDelivery.objects.exists()
    assert not OutboxEmail.objects.filter(template="tenders/new_request").exists()


def test_td1_member_request_page_says_it_awaits_confirmation(world, login):
    client = login(world.client_rep)
    client.post(NEW, form_data(email="someone@elsewhere.org"))
    tender = TenderRequest.objects.get()
    page = client.get(f"/manager/tenders/mine/{tender.pk}/").content.decode()
    assert "Not sent to partners yet: open the link we emailed to someone@elsewhere.org" in page


def test_td1_member_request_confirmed_is_published_and_opens_in_the_manager(world, login):
    login(world.client_rep).post(NEW, form_data(email="someone@elsewhere.org"))
    tender = TenderRequest.objects.get()
    response = Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    tender.refresh_from_db()
    assert response["Location"] == f"/manager/tenders/mine/{tender.pk}/"
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert TenderDelivery.objects.filter(request=tender, partner=world.partner).exists()
    assert OutboxEmail.objects.filter(template="tenders/new_request", to="rep@agency.ch").exists()


def test_td1_member_request_with_verified_secondary_address_published_at_once(world, login):
    EmailAddress.objects.create(user=world.client_rep, email="office@baeckerei.ch", verified=True)
    login(world.client_rep).post(NEW, form_data(email="Office@Baeckerei.ch"))
    tender = TenderRequest.objects.get()
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not OutboxEmail.objects.filter(template="tenders/confirm_request").exists()
    assert TenderDelivery.objects.filter(request=tender, partner=world.partner).exists()


def test_td1_api_member_request_with_unverified_address_awaits_confirmation(world, login):
    EmailAddress.objects.create(user=world.client_rep, email="office@baeckerei.ch", verified=False)
    response = login(world.client_rep).post(API, api_data(email="office@baeckerei.ch"), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_confirmation"
    assert OutboxEmail.objects.filter(template="tenders/confirm_request", to="office@baeckerei.ch").exists()
    assert not TenderDelivery.objects.exists()


# --- who received it -----------------------------------------------------------------------------


def test_td2_requester_told_when_no_partner_received_the_request(world, login):
    client = login(world.client_rep)
    client.post(NEW, form_data(email="owner@baeckerei.ch", categories=["storage"]))
    tender = TenderRequest.objects.get()
    assert not TenderDelivery.objects.exists()
    page = client.get(f"/manager/tenders/mine/{tender.pk}/").content.decode()
    assert "No partner has received your request yet" in page
    assert "have received your request" not in page


def test_td2_requester_told_how_many_partners_received_the_request(world, login):
    client = login(world.client_rep)
    client.post(NEW, form_data(email="owner@baeckerei.ch"))
    tender = TenderRequest.objects.get()
    assert TenderDelivery.objects.filter(request=tender).count() == 1
    page = client.get(f"/manager/tenders/mine/{tender.pk}/").content.decode()
    assert "1 partner who works in the services you chose has received your request" in page


def test_td2_visitor_confirmation_does_not_claim_partners_received_it(world):
    Client().post(NEW, form_data(categories=["storage"]))
    tender = TenderRequest.objects.get()
    response = Client().post(f"/tenders/confirm/{tender.confirm_token}/", follow=True)
    page = response.content.decode()
    assert "your email is confirmed and your request is published" in page
    assert "was sent to partners" not in page
    assert "No partner has received your request yet" in page
    assert not TenderDelivery.objects.exists()


# --- email footers ---------------------------------------------------------------------------------


def test_td1_visitor_confirmation_email_does_not_mention_an_account(world):
    Client().post(NEW, form_data())
    email = OutboxEmail.objects.get(template="tenders/confirm_request")
    assert ACCOUNT_FOOTER not in email.body_html
    assert REQUEST_FOOTER in email.body_html


def test_td4_visitor_quote_email_does_not_mention_an_account(world, login):
    tender = TenderRequestFactory(email="anna@example.org")
    DeliveryFactory(request=tender, partner=world.partner)
    login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data())
    email = OutboxEmail.objects.get(template="tenders/quote_received")
    assert ACCOUNT_FOOTER not in email.body_html
    assert REQUEST_FOOTER in email.body_html


def test_td4_member_quote_email_keeps_the_account_footer(world, login):
    tender = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    DeliveryFactory(request=tender, partner=world.partner)
    login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data())
    email = OutboxEmail.objects.get(template="tenders/quote_received")
    assert ACCOUNT_FOOTER in email.body_html
