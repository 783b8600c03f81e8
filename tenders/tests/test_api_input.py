"""TD API input: JSON types are checked (400 with `fields`, nothing changed), ids out of range are
404s (SEC-1), never a 500."""

from __future__ import annotations

import pytest

from clients.models import AuditEvent
from portal.models import OutboxEmail
from tenders.models import PartnerReview, TenderQuote, TenderRequest, TenderSubscription

from .test_requests import API, api_data

pytestmark = pytest.mark.django_db

HUGE = "999999999999999999999999999999"


def sub_url(world) -> str:
    return f"/api/v1/orgs/{world.partner.slug}/tenders/subscription/"


@pytest.mark.parametrize("active", ["yes", "True", 2, None, "false", 0])
def test_td2_api_subscription_active_must_be_a_json_boolean(world, login, active):
    response = login(world.rep).put(
        sub_url(world), {"active": active, "categories": ["email"]}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert "active" in body["error"]["fields"]
    sub = TenderSubscription.objects.get(org=world.partner)
    assert sub.active is True
    assert sub.categories == ["web_hosting"]
    assert not AuditEvent.objects.filter(action="tender.subscription_changed").exists()


def test_td2_api_subscription_false_turns_receiving_off(world, login):
    response = login(world.rep).put(sub_url(world), {"active": False}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert TenderSubscription.objects.get(org=world.partner).active is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"categories": "email"}, "categories"), ({"regions": 3}, "regions"), ({"countries": [{"x": 1}]}, "countries.0")],
)
def test_td2_api_subscription_bad_types_400(world, login, overrides, field):
    response = login(world.rep).put(sub_url(world), {"active": True, **overrides}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert TenderSubscription.objects.get(org=world.partner).categories == ["web_hosting"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_name": 42}, "contact_name"),
        ({"deadline": 20270101}, "deadline"),
        ({"categories": "web_hosting"}, "categories"),
        ({"website": 0}, "website"),
        ({"email": 7}, "email"),
        ({"partner": ["helvetia-web"]}, "partner"),
        ({"budget_min": True}, "budget_min"),
    ],
)
def test_td1_api_wrong_json_types_400(world, client, overrides, field):
    response = client.post(API, {**api_data(), **overrides}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert field in body["error"]["fields"]
    assert not TenderRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_td1_api_filled_honeypot_still_refused_generically(world, client):
    response = client.post(API, {**api_data(contact_name=1), "website": "spam"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request_refused"
    assert not TenderRequest.objects.exists()


# --- ids past the largest one (SEC-1) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "tenders/{id}/"),
        ("post", "tenders/{id}/quotes/"),
        ("post", "tenders/{id}/decline/"),
        ("post", "reviews/{id}/answer/"),
    ],
)
def test_td2_api_partner_huge_id_404(world, login, method, path):
    url = f"/api/v1/orgs/{world.partner.slug}/" + path.format(id=HUGE)
    response = getattr(login(world.rep), method)(url, {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not TenderQuote.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "tender-requests/{id}/"),
        ("post", "tender-requests/{id}/close/"),
        ("post", "tender-requests/{id}/review/"),
        ("post", "tender-requests/{id}/quotes/{id}/accept/"),
    ],
)
def test_td4_api_requester_huge_id_404(world, login, method, path):
    url = f"/api/v1/orgs/{world.client_org.slug}/" + path.format(id=HUGE)
    response = getattr(login(world.client_rep), method)(url, {}, content_type="application/json")
    assert response.status_code == 404
    assert not PartnerReview.objects.exists()


def test_td4_api_requester_huge_quote_id_404(world, login):
    tender = TenderRequest.objects.create(
        **{k: v for k, v in api_data().items() if k not in ("deadline",)},
        deadline="2099-01-01",
        requester_org=world.client_org,
        status=TenderRequest.Status.PUBLISHED,
        published_at="2026-01-01T00:00:00Z",
    )
    url = f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{tender.pk}/quotes/{HUGE}/accept/"
    response = login(world.client_rep).post(url)
    assert response.status_code == 404
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.PUBLISHED


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("rep", "get", "/manager/tenders/{id}/"),
        ("rep", "post", "/manager/tenders/{id}/quote/"),
        ("rep", "post", "/manager/tenders/{id}/decline/"),
        ("rep", "post", "/manager/tenders/reviews/{id}/answer/"),
        ("client_rep", "get", "/manager/tenders/mine/{id}/"),
        ("client_rep", "post", "/manager/tenders/mine/{id}/close/"),
        ("client_rep", "post", "/manager/tenders/mine/{id}/quotes/{id}/accept/"),
    ],
)
def test_td2_pages_huge_id_404(world, login, who, method, path):
    response = getattr(login(getattr(world, who)), method)(path.format(id=HUGE), {"answer": "x", "reason": "x"})
    assert response.status_code == 404
    assert not TenderQuote.objects.exists()


def test_td4_private_link_huge_quote_id_404(world, client):
    tender = TenderRequest.objects.create(
        **{k: v for k, v in api_data().items() if k not in ("deadline",)},
        deadline="2099-01-01",
        status=TenderRequest.Status.PUBLISHED,
        published_at="2026-01-01T00:00:00Z",
    )
    response = client.post(f"/tenders/r/{tender.token}/quotes/{HUGE}/accept/")
    assert response.status_code == 404
    tender.refresh_from_db()
    assert tender.status == TenderRequest.Status.PUBLISHED
