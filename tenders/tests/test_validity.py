"""TD-4: an expired quote can't be accepted. TD-1/TD-3: deadlines and validities at most 2 years ahead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal.models import OutboxEmail
from tenders.models import TenderQuote, TenderRequest

from .factories import DeliveryFactory, QuoteFactory, TenderRequestFactory, future
from .test_quotes import quote_data
from .test_requests import API, NEW, api_data, form_data

pytestmark = pytest.mark.django_db


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def test_td4_expired_quote_refused_through_the_private_link(world):
    tender = TenderRequestFactory()
    quote = QuoteFactory(request=tender, partner=world.partner, valid_until=yesterday())
    response = Client().post(f"/tenders/r/{tender.token}/quotes/{quote.pk}/accept/", follow=True)
    assert "This quote expired on" in response.content.decode()
    quote.refresh_from_db()
    tender.refresh_from_db()
    assert quote.status == TenderQuote.Status.SUBMITTED
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not OutboxEmail.objects.filter(template="tenders/outcome").exists()


def test_td4_api_expired_quote_refused_409(world, login):
    tender = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    quote = QuoteFactory(request=tender, partner=world.partner, valid_until=yesterday())
    url = f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{tender.pk}/quotes/{quote.pk}/accept/"
    response = login(world.client_rep).post(url)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "quote_expired"
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert not OutboxEmail.objects.filter(template="tenders/outcome").exists()


def test_td4_quote_valid_until_today_can_still_be_accepted(world):
    tender = TenderRequestFactory()
    quote = QuoteFactory(request=tender, partner=world.partner, valid_until=timezone.localdate())
    Client().post(f"/tenders/r/{tender.token}/quotes/{quote.pk}/accept/")
    quote.refresh_from_db()
    assert quote.status == TenderQuote.Status.ACCEPTED


def test_td4_expired_quote_listed_as_expired_without_accept_button(world):
    tender = TenderRequestFactory()
    expired = QuoteFactory(request=tender, partner=world.partner, valid_until=yesterday())
    valid = QuoteFactory(request=tender, partner=world.other_partner)
    page = Client().get(f"/tenders/r/{tender.token}/").content.decode()
    assert ">expired<" in page
    assert f"/quotes/{expired.pk}/accept/" not in page
    assert f"/quotes/{valid.pk}/accept/" in page


def test_td4_api_quote_says_expired(world, login):
    tender = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    QuoteFactory(request=tender, partner=world.partner, valid_until=yesterday())
    body = login(world.client_rep).get(f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{tender.pk}/").json()
    assert body["quotes"][0]["expired"] is True


# --- horizons ------------------------------------------------------------------------------------


def test_td1_deadline_more_than_2_years_ahead_refused(world):
    response = Client().post(NEW, form_data(deadline="9999-12-31"))
    assert response.status_code == 200
    assert "The deadline can be at most 2 years ahead" in response.content.decode()
    assert not TenderRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_td1_api_deadline_more_than_2_years_ahead_400(world):
    response = Client().post(API, api_data(deadline=future(731).isoformat()), content_type="application/json")
    assert response.status_code == 400
    assert "deadline" in response.json()["error"]["fields"]
    assert not TenderRequest.objects.exists()


def test_td1_deadline_exactly_2_years_ahead_accepted(world):
    response = Client().post(API, api_data(deadline=future(730).isoformat()), content_type="application/json")
    assert response.status_code == 201
    assert TenderRequest.objects.get().deadline == future(730)


def test_td3_quote_valid_more_than_2_years_refused(world, login):
    tender = TenderRequestFactory()
    DeliveryFactory(request=tender, partner=world.partner)
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data(valid_until="9999-12-31"))
    assert response.status_code == 200
    assert "A quote can be valid for at most 2 years" in response.content.decode()
    assert not TenderQuote.objects.exists()
    assert not OutboxEmail.objects.filter(template="tenders/quote_received").exists()


def test_td3_api_quote_valid_more_than_2_years_400(world, login):
    tender = TenderRequestFactory()
    DeliveryFactory(request=tender, partner=world.partner)
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/quotes/",
        {**quote_data(valid_until=future(731).isoformat()), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "valid_until" in response.json()["error"]["fields"]
    assert not TenderQuote.objects.exists()
