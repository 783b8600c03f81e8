"""TD-6: the requester reviews the awarded partner once; the partner answers once."""

from __future__ import annotations

import pytest
from django.test import Client

from clients.models import AuditEvent
from portal.models import OutboxEmail
from tenders.models import PartnerReview, TenderRequest

from .factories import QuoteFactory, ReviewFactory, TenderRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(world):
    t = TenderRequestFactory(status=TenderRequest.Status.AWARDED, company="Muster GmbH")
    QuoteFactory(request=t, partner=world.partner, status="accepted")
    return t


def test_td6_review_after_award_once(world, awarded):
    response = Client().post(f"/tenders/r/{awarded.token}/review/", {"rating": "4", "text": "Good job."})
    assert response.status_code == 302
    review = PartnerReview.objects.get()
    assert review.partner == world.partner
    assert review.rating == 4
    awarded.refresh_from_db()
    assert awarded.completed_at is not None
    assert OutboxEmail.objects.filter(template="tenders/review_received", to="rep@agency.ch").exists()
    assert AuditEvent.objects.filter(action="tender.reviewed", org=world.partner).exists()


def test_td6_second_review_refused(world, awarded):
    Client().post(f"/tenders/r/{awarded.token}/review/", {"rating": "4", "text": "Good job."})
    response = Client().post(
        f"/tenders/r/{awarded.token}/review/", {"rating": "1", "text": "Changed my mind"}, follow=True
    )
    assert b"already been reviewed" in response.content
    assert PartnerReview.objects.get().rating == 4


def test_td6_review_before_award_refused(world):
    t = TenderRequestFactory()
    response = Client().post(f"/tenders/r/{t.token}/review/", {"rating": "5"}, follow=True)
    assert b"Only an awarded request can be reviewed." in response.content
    assert not PartnerReview.objects.exists()


@pytest.mark.parametrize("rating", ["0", "6", "x", ""])
def test_td6_bad_rating_refused(world, awarded, rating):
    Client().post(f"/tenders/r/{awarded.token}/review/", {"rating": rating})
    assert not PartnerReview.objects.exists()


def test_td6_review_text_too_long_refused(world, awarded):
    Client().post(f"/tenders/r/{awarded.token}/review/", {"rating": "5", "text": "x" * 3001})
    assert not PartnerReview.objects.exists()


def test_td6_average_and_reviews_on_profile(world):
    ReviewFactory(partner=world.partner, rating=5, text="Excellent")
    ReviewFactory(partner=world.partner, rating=4, text="Solid")
    page = Client().get("/directory/helvetia-web/").content.decode()
    assert "4.5/5 (2 reviews)" in page
    assert "Excellent" in page and "Solid" in page


def test_td6_partner_answers_once(world, login):
    review = ReviewFactory(partner=world.partner)
    client = login(world.rep)
    response = client.post(f"/manager/tenders/reviews/{review.pk}/answer/", {"answer": "Thank you!"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.answer == "Thank you!"
    client.post(f"/manager/tenders/reviews/{review.pk}/answer/", {"answer": "Edited"})
    review.refresh_from_db()
    assert review.answer == "Thank you!"
    assert "Thank you!" in Client().get("/directory/helvetia-web/").content.decode()
    assert AuditEvent.objects.filter(action="tender.review_answered").count() == 1


def test_td6_other_partner_cannot_answer_404(world, login):
    review = ReviewFactory(partner=world.partner)
    response = login(world.other_rep).post(f"/manager/tenders/reviews/{review.pk}/answer/", {"answer": "Hijack"})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.answer == ""


def test_td6_client_reviews_page_404(world, login):
    assert login(world.client_rep).get("/manager/tenders/reviews/").status_code == 404


def test_td6_api_review_and_answer(world, login):
    t = TenderRequestFactory(status=TenderRequest.Status.AWARDED, requester_org=world.client_org)
    QuoteFactory(request=t, partner=world.partner, status="accepted")
    url = f"/api/v1/orgs/{world.client_org.slug}/tender-requests/{t.pk}/review/"
    response = login(world.client_rep).post(url, {"rating": 3, "text": "OK"}, content_type="application/json")
    assert response.status_code == 201
    again = login(world.client_rep).post(url, {"rating": 5}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reviewed"
    review_id = response.json()["id"]
    answer_url = f"/api/v1/orgs/{world.partner.slug}/reviews/{review_id}/answer/"
    ok = login(world.rep).post(answer_url, {"answer": "Thanks"}, content_type="application/json")
    assert ok.status_code == 200
    twice = login(world.rep).post(answer_url, {"answer": "Again"}, content_type="application/json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "already_answered"
