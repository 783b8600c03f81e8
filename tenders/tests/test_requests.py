"""TD-1: public quote requests — validation, confirmation, abuse guards (HTML and API)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clients.models import AuditEvent
from portal.models import OutboxEmail
from tenders.models import TenderDelivery, TenderRequest

from .factories import future

pytestmark = pytest.mark.django_db

NEW = "/tenders/new/"
API = "/api/v1/tenders/"


def form_data(**overrides) -> dict:
    data = {
        "contact_name": "Anna Muster",
        "email": "anna@example.org",
        "company": "Muster GmbH",
        "country": "CH",
        "region": "Zürich",
        "language": "de",
        "description": "A new website with email for 10 people.",
        "categories": ["web_hosting"],
        "budget_min": "1000",
        "budget_max": "5000",
        "currency": "CHF",
        "deadline": future().isoformat(),
        "website": "",
    }
    data.update(overrides)
    return data


def api_data(**overrides) -> dict:
    data = form_data(**overrides)
    data.pop("website")
    return data


# --- HTML ------------------------------------------------------------------------


def test_td1_form_page_is_public(world):
    response = Client().get(NEW)
    assert response.status_code == 200
    assert b'name="categories"' in response.content


def test_td1_visitor_request_awaits_confirmation_and_gets_email(world):
    response = Client().post(NEW, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:request_sent")
    tender = TenderRequest.objects.get()
    assert tender.status == TenderRequest.Status.AWAITING_CONFIRMATION
    email = OutboxEmail.objects.get(template="tenders/confirm_request")
    assert email.to == "anna@example.org"
    assert tender.confirm_token in email.body_text
    assert tender.token in email.body_text  # the private link
    assert not TenderDelivery.objects.exists()
    assert not OutboxEmail.objects.filter(template="tenders/new_request").exists()


def test_td1_unconfirmed_request_not_in_partner_inbox(world, login):
    Client().post(NEW, form_data())
    response = login(world.rep).get("/manager/tenders/")
    assert response.status_code == 200
    assert b"A new website" not in response.content


def test_td1_confirmation_publishes_and_delivers(world):
    Client().post(NEW, form_data())
    tender = TenderRequest.objects.get()
    page = Client().get(f"/tenders/confirm/{tender.confirm_token}/")
    assert page.status_code == 200
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.AWAITING_CONFIRMATION  # GET alone doesn't confirm
    response = Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/tenders/r/{tender.token}/"
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert tender.published_at is not None
    assert list(TenderDelivery.objects.values_list("partner", flat=True)) == [world.partner.pk]
    assert AuditEvent.objects.filter(action="tender.published", target_id=str(tender.pk)).exists()


def test_td1_confirming_twice_sends_no_second_email(world):
    Client().post(NEW, form_data())
    tender = TenderRequest.objects.get()
    Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    count = OutboxEmail.objects.filter(template="tenders/new_request").count()
    response = Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    assert response.status_code == 302
    assert count == 2  # the partner's legal rep and administrator, not the collaborator
    assert OutboxEmail.objects.filter(template="tenders/new_request").count() == count


def test_td1_bad_confirmation_token_404(world):
    assert Client().get("/tenders/confirm/not-a-token/").status_code == 404
    assert Client().post("/tenders/confirm/not-a-token/").status_code == 404


def test_td1_private_link_unusable_before_confirmation(world):
    Client().post(NEW, form_data())
    tender = TenderRequest.objects.get()
    assert Client().get(f"/tenders/r/{tender.token}/").status_code == 404


def test_td1_member_request_published_without_confirmation(world, login):
    response = login(world.client_rep).post(NEW, form_data(email="owner@baeckerei.ch"))
    tender = TenderRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/manager/tenders/mine/{tender.pk}/"
    assert tender.status == TenderRequest.Status.PUBLISHED
    assert tender.requester_org == world.client_org
    assert tender.requester_user == world.client_rep
    assert not OutboxEmail.objects.filter(template="tenders/confirm_request").exists()
    assert TenderDelivery.objects.filter(partner=world.partner, request=tender).exists()
    listing = login(world.client_rep).get("/manager/tenders/mine/")
    assert b"A new website" in listing.content


def test_td1_member_form_is_prefilled(world, login):
    response = login(world.client_rep).get(NEW)
    assert response.status_code == 200
    assert b"owner@baeckerei.ch" in response.content


@pytest.mark.parametrize("field", ["contact_name", "email", "country", "language", "description", "currency"])
def test_td1_missing_field_refused_nothing_stored(world, field):
    response = Client().post(NEW, form_data(**{field: ""}))
    assert response.status_code == 200
    assert b'class="errorlist"' in response.content
    assert not TenderRequest.objects.exists()


def test_td1_no_category_refused(world):
    data = form_data()
    data.pop("categories")
    response = Client().post(NEW, data)
    assert response.status_code == 200
    assert not TenderRequest.objects.exists()


def test_td1_too_long_description_refused(world):
    response = Client().post(NEW, form_data(description="x" * 5001))
    assert response.status_code == 200
    assert b"5000" in response.content or b"5,000" in response.content
    assert not TenderRequest.objects.exists()


def test_td1_too_long_name_refused(world):
    response = Client().post(NEW, form_data(contact_name="x" * 121))
    assert response.status_code == 200
    assert not TenderRequest.objects.exists()


def test_td1_past_deadline_refused(world):
    response = Client().post(NEW, form_data(deadline="2020-01-01"))
    assert response.status_code == 200
    assert b"The deadline must be in the future." in response.content
    assert not TenderRequest.objects.exists()


def test_td1_bad_email_refused(world):
    response = Client().post(NEW, form_data(email="not-an-email"))
    assert response.status_code == 200
    assert not TenderRequest.objects.exists()


def test_td1_budget_min_above_max_refused(world):
    response = Client().post(NEW, form_data(budget_min="9000", budget_max="100"))
    assert response.status_code == 200
    assert b"The maximum budget must be at least the minimum." in response.content
    assert not TenderRequest.objects.exists()


def test_td1_unknown_category_refused(world):
    response = Client().post(NEW, form_data(categories=["spaceships"]))
    assert response.status_code == 200
    assert not TenderRequest.objects.exists()


def test_td1_honeypot_refused_quietly_nothing_stored(world):
    response = Client().post(NEW, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert b"Your request could not be submitted. Please try again later." in response.content
    assert not TenderRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_td1_rate_limit_per_ip_refused_nothing_stored(world, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "tender_request_ip": (2, 3600)}
    client = Client()
    for i in range(2):
        assert client.post(NEW, form_data(email=f"p{i}@example.org")).status_code == 302
    response = client.post(NEW, form_data(email="p9@example.org"))
    assert response.status_code == 200
    assert b"Too many quote requests" in response.content
    assert TenderRequest.objects.count() == 2


def test_td1_rate_limit_per_email_refused(world, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "tender_request_email": (1, 3600)}
    assert Client(REMOTE_ADDR="10.0.0.1").post(NEW, form_data()).status_code == 302
    response = Client(REMOTE_ADDR="10.0.0.2").post(NEW, form_data(email="ANNA@example.org"))
    assert response.status_code == 200
    assert b"Too many quote requests" in response.content
    assert TenderRequest.objects.count() == 1


def test_td1_addressed_request_goes_to_that_partner_only(world):
    world.partner.tender_subscription.delete()  # addressed requests ignore opt-ins
    response = Client().post(NEW + "?partner=alpen-it", form_data(categories=["web_hosting"]))
    assert response.status_code == 302
    tender = TenderRequest.objects.get()
    assert tender.addressed_to == world.other_partner
    Client().post(f"/tenders/confirm/{tender.confirm_token}/")
    assert list(TenderDelivery.objects.values_list("partner", flat=True)) == [world.other_partner.pk]
    recipients = set(OutboxEmail.objects.filter(template="tenders/new_request").values_list("to", flat=True))
    assert recipients == {"rep@alpen.ch"}


def test_td1_addressed_form_names_partner(world):
    response = Client().get(NEW + "?partner=helvetia-web")
    assert response.status_code == 200
    assert b"Helvetia Web Agency" in response.content


def test_td1_unknown_partner_slug_404(world):
    assert Client().get(NEW + "?partner=nobody").status_code == 404
    assert Client().post(NEW + "?partner=nobody", form_data()).status_code == 404
    assert not TenderRequest.objects.exists()


# --- API ---------------------------------------------------------------------------


def test_td1_api_create_201_awaiting_confirmation(world):
    response = Client().post(API, api_data(), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_confirmation"
    assert "token" not in response.json()
    tender = TenderRequest.objects.get()
    assert tender.categories == ["web_hosting"]
    assert OutboxEmail.objects.filter(template="tenders/confirm_request", to="anna@example.org").exists()


def test_td1_api_member_token_less_session_publishes(world, login):
    response = login(world.client_rep).post(API, api_data(email="owner@baeckerei.ch"), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "published"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "nope"}, "email"),
        ({"description": "x" * 5001}, "description"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"deadline": "tomorrow"}, "deadline"),
        ({"categories": "nope"}, "categories"),
        ({"categories": {"a": 1}}, "categories"),
        ({"country": "XX"}, "country"),
        ({"budget_min": "abc"}, "budget_min"),
        ({"currency": "USD"}, "currency"),
        ({"language": "it"}, "language"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_name": ["a", "b"]}, "contact_name"),
        ({"description": {"x": 1}}, "description"),
        ({"budget_max": "NaN"}, "budget_max"),
    ],
)
def test_td1_api_bad_input_400(world, overrides, field):
    response = Client().post(API, api_data(**overrides), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert field in body["error"]["fields"]
    assert not TenderRequest.objects.exists()


def test_td1_api_non_object_body_400(world):
    response = Client().post(API, "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert not TenderRequest.objects.exists()


def test_td1_api_honeypot_400_generic(world):
    response = Client().post(API, {**api_data(), "website": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_refused"
    assert not TenderRequest.objects.exists()


def test_td1_api_rate_limit_429(world, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "tender_request_ip": (1, 3600)}
    assert Client().post(API, api_data(), content_type="application/json").status_code == 201
    response = Client().post(API, api_data(email="b@example.org"), content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert TenderRequest.objects.count() == 1


def test_td1_api_addressed_unknown_partner_400(world):
    response = Client().post(API, {**api_data(), "partner": "nobody"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_partner"
    assert not TenderRequest.objects.exists()


def test_td1_unconfirmed_requests_purged_after_7_days(world):
    from datetime import timedelta

    from django.utils import timezone

    from tenders.tasks import purge_unconfirmed_requests

    Client().post(NEW, form_data())
    Client().post(NEW, form_data(email="b@example.org"))
    old, recent = TenderRequest.objects.order_by("pk")
    TenderRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert purge_unconfirmed_requests() == 1
    assert list(TenderRequest.objects.values_list("pk", flat=True)) == [recent.pk]
