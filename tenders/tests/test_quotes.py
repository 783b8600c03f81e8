"""TD-3/TD-4: quotes, declines, the requester's choice and the outcome emails."""

from __future__ import annotations

import pytest
from django.test import Client

from clients.models import AuditEvent
from portal.models import OutboxEmail
from tenders import services
from tenders.models import TenderQuote, TenderRequest

from .factories import DeliveryFactory, QuoteFactory, TenderRequestFactory, future

pytestmark = pytest.mark.django_db


def quote_data(**overrides) -> dict:
    data = {
        "message": "We build it in 4 weeks.",
        "amount": "3200.50",
        "currency": "CHF",
        "valid_until": future(20).isoformat(),
        "accepts_tender_exclusivity": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def tender(world):
    """A visitor's published request received by both partners."""
    t = TenderRequestFactory(email="anna@example.org")
    DeliveryFactory(request=t, partner=world.partner)
    DeliveryFactory(request=t, partner=world.other_partner)
    return t


# --- TD-3: quoting -----------------------------------------------------------------------


def test_td3_partner_quotes_and_requester_is_emailed(world, login, tender):
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data())
    assert response.status_code == 302
    quote = TenderQuote.objects.get()
    assert quote.partner == world.partner
    assert str(quote.amount) == "3200.50"
    assert quote.accepts_tender_exclusivity is True
    email = OutboxEmail.objects.get(template="tenders/quote_received")
    assert email.to == "anna@example.org"
    assert email.key == f"tender-quote:{quote.pk}"
    assert f"/tenders/r/{tender.token}/" in email.body_text
    assert AuditEvent.objects.filter(action="tender.quoted", org=world.partner).exists()


def test_td3_member_requester_emailed_with_manager_link(world, login):
    t = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    DeliveryFactory(request=t, partner=world.partner)
    login(world.rep).post(f"/manager/tenders/{t.pk}/quote/", quote_data())
    email = OutboxEmail.objects.get(template="tenders/quote_received")
    assert email.to == "owner@baeckerei.ch"
    assert f"/manager/tenders/mine/{t.pk}/" in email.body_text


def test_td3_quote_without_exclusivity_refused(world, login, tender):
    data = quote_data()
    data.pop("accepts_tender_exclusivity")
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", data)
    assert response.status_code == 200
    assert b"This commitment is required to quote." in response.content
    assert not TenderQuote.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "0"},
        {"amount": "-5"},
        {"amount": "abc"},
        {"valid_until": "2020-01-01"},
        {"message": ""},
        {"message": "x" * 5001},
        {"currency": "USD"},
    ],
)
def test_td3_bad_quote_input_refused(world, login, tender, overrides):
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data(**overrides))
    assert response.status_code == 200
    assert b'class="errorlist"' in response.content
    assert not TenderQuote.objects.exists()


def test_td3_second_quote_refused(world, login, tender):
    client = login(world.rep)
    client.post(f"/manager/tenders/{tender.pk}/quote/", quote_data())
    response = client.post(f"/manager/tenders/{tender.pk}/quote/", quote_data(amount="100"), follow=True)
    assert response.status_code == 200
    assert b"already answered" in response.content
    assert TenderQuote.objects.count() == 1


def test_td3_quote_on_closed_request_refused_409(world, login, tender):
    tender.status = TenderRequest.Status.CLOSED
    tender.save()
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tender_closed"
    assert not TenderQuote.objects.exists()


def test_td3_quote_on_awarded_request_refused_html(world, login, tender):
    tender.status = TenderRequest.Status.AWARDED
    tender.save()
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data(), follow=True)
    assert response.status_code == 200
    assert b"no longer takes quotes" in response.content
    assert not TenderQuote.objects.exists()


def test_td3_api_quote_201(world, login, tender):
    response = login(world.admin).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["amount"] == "3200.50"
    assert TenderQuote.objects.filter(partner=world.partner).exists()


def test_td3_api_quote_without_commitment_400(world, login, tender):
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": False},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "exclusivity_required"
    assert "accepts_tender_exclusivity" in response.json()["error"]["fields"]


def test_td3_api_quote_on_request_not_received_404(world, login):
    t = TenderRequestFactory()
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{t.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not TenderQuote.objects.exists()


def test_td3_api_second_quote_409(world, login, tender):
    url = f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/quotes/"
    body = {**quote_data(), "accepts_tender_exclusivity": True}
    login(world.rep).post(url, body, content_type="application/json")
    response = login(world.rep).post(url, body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_answered"


def test_td3_client_cannot_quote_404(world, login, tender):
    response = login(world.client_rep).post(
        f"/api/v1/orgs/{world.client_org.slug}/tenders/{tender.pk}/quotes/",
        {**quote_data(), "accepts_tender_exclusivity": True},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert login(world.client_rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data()).status_code == 404
    assert not TenderQuote.objects.exists()


# --- TD-4: declining -------------------------------------------------------------------------


def test_td4_partner_declines_with_reason(world, login, tender):
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/decline/", {"reason": "Fully booked."})
    assert response.status_code == 302
    quote = TenderQuote.objects.get()
    assert quote.status == TenderQuote.Status.DECLINED
    assert quote.decline_reason == "Fully booked."
    assert AuditEvent.objects.filter(action="tender.declined").exists()


def test_td4_decline_without_reason_refused(world, login, tender):
    response = login(world.rep).post(f"/manager/tenders/{tender.pk}/decline/", {"reason": ""})
    assert response.status_code == 200
    assert not TenderQuote.objects.exists()


def test_td4_api_decline(world, login, tender):
    response = login(world.rep).post(
        f"/api/v1/orgs/{world.partner.slug}/tenders/{tender.pk}/decline/",
        {"reason": "Not our field."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "declined"


def test_td4_declines_are_not_shown_to_requester(world, login, tender):
    login(world.rep).post(f"/manager/tenders/{tender.pk}/decline/", {"reason": "Secret reason"})
    page = Client().get(f"/tenders/r/{tender.token}/")
    assert b"Secret reason" not in page.content


# --- TD-4: requester reads, accepts, closes ---------------------------------------------------


def test_td4_private_link_shows_quotes(world, tender):
    QuoteFactory(request=tender, partner=world.partner, message="Our offer", amount="1234.00")
    response = Client().get(f"/tenders/r/{tender.token}/")
    assert response.status_code == 200
    assert b"Our offer" in response.content
    assert "CHF\u00a01,234.00" in response.content.decode()  # issue 8: |money


def test_td4_bad_private_token_404(world, tender):
    assert Client().get("/tenders/r/guess/").status_code == 404
    assert Client().post("/tenders/r/guess/close/").status_code == 404


def test_td4_accept_awards_and_emails_every_quoting_partner(world, tender):
    q1 = QuoteFactory(request=tender, partner=world.partner)
    q2 = QuoteFactory(request=tender, partner=world.other_partner)
    response = Client().post(f"/tenders/r/{tender.token}/quotes/{q1.pk}/accept/")
    assert response.status_code == 302
    tender.refresh_from_db()
    q1.refresh_from_db()
    q2.refresh_from_db()
    assert tender.status == TenderRequest.Status.AWARDED
    assert q1.status == TenderQuote.Status.ACCEPTED
    assert q2.status == TenderQuote.Status.NOT_SELECTED
    outcome = OutboxEmail.objects.filter(template="tenders/outcome")
    assert set(outcome.values_list("to", flat=True)) == {"rep@agency.ch", "admin@agency.ch", "rep@alpen.ch"}
    won = outcome.get(to="rep@agency.ch")
    assert "accepted your quote" in won.body_text
    assert "another partner" in outcome.get(to="rep@alpen.ch").body_text
    assert AuditEvent.objects.filter(action="tender.awarded").exists()


def test_td4_accept_twice_refused(world, tender):
    q1 = QuoteFactory(request=tender, partner=world.partner)
    q2 = QuoteFactory(request=tender, partner=world.other_partner)
    Client().post(f"/tenders/r/{tender.token}/quotes/{q1.pk}/accept/")
    response = Client().post(f"/tenders/r/{tender.token}/quotes/{q2.pk}/accept/", follow=True)
    assert b"already been accepted" in response.content
    q2.refresh_from_db()
    assert q2.status == TenderQuote.Status.NOT_SELECTED
    assert TenderQuote.objects.filter(status=TenderQuote.Status.ACCEPTED).count() == 1


def test_td4_accept_twice_service_raises(world, tender):
    q1 = QuoteFactory(request=tender, partner=world.partner)
    services.tender_quote_accept(request=tender, quote_id=q1.pk)
    with pytest.raises(services.RuleViolation) as exc:
        services.tender_quote_accept(request=tender, quote_id=q1.pk)
    assert exc.value.code == "already_awarded"


def test_td4_accepting_a_quote_of_another_request_404(world, tender):
    other = QuoteFactory(partner=world.partner)
    response = Client().post(f"/tenders/r/{tender.token}/quotes/{other.pk}/accept/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == TenderQuote.Status.SUBMITTED


def test_td4_close_emails_outcome_and_refuses_new_quotes(world, login, tender):
    QuoteFactory(request=tender, partner=world.other_partner)
    response = Client().post(f"/tenders/r/{tender.token}/close/")
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.CLOSED
    email = OutboxEmail.objects.get(template="tenders/outcome")
    assert email.to == "rep@alpen.ch"
    assert "closed the request" in email.body_text
    late = login(world.rep).post(f"/manager/tenders/{tender.pk}/quote/", quote_data(), follow=True)
    assert b"no longer takes quotes" in late.content


def test_td4_member_accepts_in_manager(world, login):
    t = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    q = QuoteFactory(request=t, partner=world.partner)
    page = login(world.client_rep).get(f"/manager/tenders/mine/{t.pk}/")
    assert page.status_code == 200
    assert b"We can do it." in page.content
    response = login(world.client_rep).post(f"/manager/tenders/mine/{t.pk}/quotes/{q.pk}/accept/")
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.status == TenderRequest.Status.AWARDED


def test_td4_collaborator_cannot_accept(world, login):
    t = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    q = QuoteFactory(request=t, partner=world.partner)
    login(world.client_collab).post(f"/manager/tenders/mine/{t.pk}/quotes/{q.pk}/accept/")
    t.refresh_from_db()
    assert t.status == TenderRequest.Status.PUBLISHED


def test_td4_other_org_request_404_in_manager(world, login):
    t = TenderRequestFactory(requester_org=world.client_org)
    assert login(world.other_rep).get(f"/manager/tenders/mine/{t.pk}/").status_code == 404


def test_td4_api_requester_accept_and_accept_twice_409(world, login):
    t = TenderRequestFactory(requester_org=world.client_org, requester_user=world.client_rep)
    q = QuoteFactory(request=t, partner=world.partner)
    url = f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{t.pk}/quotes/{q.pk}/accept/"
    first = login(world.client_rep).post(url)
    assert first.status_code == 200
    assert first.json()["status"] == "awarded"
    second = login(world.client_rep).post(url)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_awarded"


def test_td4_api_requester_list_is_org_scoped(world, login):
    TenderRequestFactory(requester_org=world.client_org, description="Ours")
    TenderRequestFactory(description="Someone else's")
    response = login(world.client_rep).get(f"/api/v1/orgs/{world.client_org.slug}/tender-requests/")
    assert response.status_code == 200
    assert [r["description"] for r in response.json()["results"]] == ["Ours"]


def test_td4_api_close(world, login):
    t = TenderRequestFactory(requester_org=world.client_org)
    response = login(world.client_rep).post(f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{t.pk}/close/")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_td4_requester_email_revealed_to_awarded_partner_only(world, login, tender):
    q1 = QuoteFactory(request=tender, partner=world.partner)
    QuoteFactory(request=tender, partner=world.other_partner)
    before = login(world.rep).get(f"/manager/tenders/{tender.pk}/").content.decode()
    assert "anna@example.org" not in before
    Client().post(f"/tenders/r/{tender.token}/quotes/{q1.pk}/accept/")
    assert "anna@example.org" in login(world.rep).get(f"/manager/tenders/{tender.pk}/").content.decode()
    assert "anna@example.org" not in login(world.other_rep).get(f"/manager/tenders/{tender.pk}/").content.decode()
    won = OutboxEmail.objects.get(template="tenders/outcome", to="rep@agency.ch")
    assert "anna@example.org" in won.body_text
    lost = OutboxEmail.objects.get(template="tenders/outcome", to="rep@alpen.ch")
    assert "anna@example.org" not in lost.body_text


def test_td4_private_page_is_not_indexed(world, tender):
    page = Client().get(f"/tenders/r/{tender.token}/").content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in page
