"""TD-2/TD-4/TD-6: a partner never receives, quotes, wins or reviews a request of its own org.

A request comes from its requester's org, from every org of the person who sent it and from every
org of whoever owns its email address (`selectors.tender_request_insiders`).
"""

from __future__ import annotations

import pytest
from django.test import Client

from clients.models import Membership, Role
from portal.models import OutboxEmail
from tenders import services
from tenders.models import PartnerReview, TenderDelivery, TenderQuote, TenderRequest

from .factories import DeliveryFactory, QuoteFactory, TenderRequestFactory
from .test_quotes import quote_data
from .test_requests import API, NEW, api_data, form_data

pytestmark = pytest.mark.django_db


def test_td2_member_cannot_address_a_request_to_own_org(world, login):
    response = login(world.rep).post(f"{NEW}?partner=helvetia-web", form_data(email="rep@agency.ch"))
    assert response.status_code == 200
    assert "You can&#x27;t request a quote from your own organization." in response.content.decode()
    assert not TenderRequest.objects.exists()
    assert not TenderDelivery.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_td2_api_member_cannot_address_a_request_to_own_org_409(world, login):
    response = login(world.rep).post(
        API, {**api_data(email="rep@agency.ch"), "partner": "helvetia-web"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "own_organization"
    assert not TenderRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_td2_request_of_a_partner_member_acting_elsewhere_not_delivered_to_the_partner(world, login):
    # The partner's legal rep also belongs to a client org and requests a quote from there.
    Membership.objects.create(org=world.client_org, user=world.rep, role=Role.LEGAL_REPRESENTATIVE)
    client = login(world.rep)
    client.post("/manager/switch/", {"org": world.client_org.slug})
    response = client.post(NEW, form_data(email="rep@agency.ch"))
    tender = TenderRequest.objects.get()
    assert response.status_code == 302
    assert tender.requester_org == world.client_org
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not TenderDelivery.objects.filter(request=tender, partner=world.partner).exists()
    assert not OutboxEmail.objects.filter(template="tenders/new_request", to="rep@agency.ch").exists()


def test_td2_visitor_request_with_a_partner_members_address_not_delivered_to_the_partner(world):
    Client().post(f"{NEW}?partner=helvetia-web", form_data(email="Rep@Agency.ch"))
    tender = TenderRequest.objects.get()
    Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not TenderDelivery.objects.filter(request=tender).exists()
    assert not OutboxEmail.objects.filter(template="tenders/new_request").exists()


def test_td2_visitor_request_with_a_partner_members_address_not_delivered_by_subscription(world):
    Client().post(NEW, form_data(email="admin@agency.ch"))  # matches the partner's opt-ins (CH, web_hosting)
    tender = TenderRequest.objects.get()
    Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    assert not TenderDelivery.objects.filter(request=tender, partner=world.partner).exists()
    assert not OutboxEmail.objects.filter(template="tenders/new_request", to__endswith="@agency.ch").exists()


def test_td2_new_opt_in_does_not_pick_up_own_open_request(world, acc):
    tender = TenderRequestFactory(email="collab@agency.ch", categories=["email"])
    services.tender_subscription_save(
        access=acc(world.rep, world.partner), active=True, categories=["email"], countries=[], languages=[]
    )
    assert not TenderDelivery.objects.filter(request=tender, partner=world.partner).exists()


def test_td3_partner_cannot_quote_on_own_request(world, login):
    tender = TenderRequestFactory(requester_org=world.partner, requester_user=world.rep)
    DeliveryFactory(request=tender, partner=world.partner)  # delivered before the rule existed
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data(), follow=True)
    assert "This request comes from your own organization" in response.content.decode()
    assert not TenderQuote.objects.exists()
    assert not OutboxEmail.objects.filter(template="tenders/quote_received").exists()


def test_td4_partner_cannot_accept_own_quote_through_the_private_link(world):
    tender = TenderRequestFactory(email="rep@agency.ch")
    quote = QuoteFactory(request=tender, partner=world.partner)
    response = Client().post(f"/tenders/r/{tender.token}/quotes/{quote.pk}/accept/", follow=True)
    assert "This quote comes from your own organization" in response.content.decode()
    quote.refresh_from_db()
    tender.refresh_from_db()
    assert quote.status == TenderQuote.Status.SUBMITTED
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not OutboxEmail.objects.filter(template="tenders/outcome").exists()


def test_td4_api_member_of_the_quoting_partner_cannot_accept_its_quote_409(world, login):
    # The client's legal rep is also an administrator of the partner that quoted.
    Membership.objects.create(org=world.partner, user=world.client_rep, role=Role.ADMINISTRATOR)
    tender = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_collab)
    quote = QuoteFactory(request=tender, partner=world.partner)
    url = f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{tender.pk}/quotes/{quote.pk}/accept/"
    response = login(world.client_rep).post(url)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "own_quote"
    quote.refresh_from_db()
    assert quote.status == TenderQuote.Status.SUBMITTED


def test_td6_partner_cannot_review_itself(world, login):
    tender = TenderRequestFactory(
        requester_org=world.partner, requester_user=world.rep, status=TenderRequest.Status.AWARDED
    )
    QuoteFactory(request=tender, partner=world.partner, status=TenderQuote.Status.ACCEPTED)
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tender-requests/{tender.pk}/review/",
        {"rating": 5},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "own_partner"
    assert not PartnerReview.objects.exists()
    assert not OutboxEmail.objects.filter(template="tenders/review_received").exists()


def test_td6_visitor_with_a_partner_members_address_cannot_review_the_partner(world):
    tender = TenderRequestFactory(email="rep@agency.ch", status=TenderRequest.Status.AWARDED)
    QuoteFactory(request=tender, partner=world.partner, status=TenderQuote.Status.ACCEPTED)
    response = Client().post(f"/tenders/r/{tender.token}/review/", {"rating": "5"}, follow=True)
    assert "You can&#x27;t review your own organization." in response.content.decode()
    assert not PartnerReview.objects.exists()
