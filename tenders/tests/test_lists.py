"""TD-2/TD-5 lists: emailed inbox links go through the login page, invalid filters are ignored
(and said so) without dropping the valid ones, a page past the last links back to the first."""

from __future__ import annotations

import pytest
from django.test import Client

from clients.models import AuditEvent
from tenders.models import TenderDelivery

from .factories import DeliveryFactory, ListedProfileFactory, OrganizationFactory, TenderRequestFactory

pytestmark = pytest.mark.django_db

INBOX = "/manager/tenders/"


@pytest.mark.parametrize("path", ["/manager/tenders/{pk}/", "/manager/tenders/reviews/", "/manager/tenders/"])
def test_td2_emailed_inbox_link_sends_visitor_to_login_with_next(world, path):
    delivery = DeliveryFactory(request=TenderRequestFactory(), partner=world.partner)
    url = path.format(pk=delivery.request_id)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert TenderDelivery.objects.get().seen_at is None


def test_td2_inbox_still_404_for_logged_in_non_partner(world, login):
    delivery = DeliveryFactory(request=TenderRequestFactory(), partner=world.partner)
    assert login(world.client_rep).get(f"/manager/tenders/{delivery.request_id}/").status_code == 404
    assert TenderDelivery.objects.get().seen_at is None


def test_td2_inbox_invalid_filter_ignored_valid_one_applied(world, login):
    DeliveryFactory(request=TenderRequestFactory(categories=["email"], description="Mailboxes"), partner=world.partner)
    DeliveryFactory(
        request=TenderRequestFactory(categories=["web_hosting"], description="A shop"), partner=world.partner
    )
    page = login(world.rep).get(INBOX, {"country": "zz", "category": "email"}).content.decode()
    assert "Mailboxes" in page
    assert "A shop" not in page
    assert "“zz” is not one of the choices: this filter is ignored." in page


def test_td2_inbox_pagination_keeps_only_valid_filters(world, login, monkeypatch):
    from tenders import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 1)
    for i in range(2):
        DeliveryFactory(
            request=TenderRequestFactory(categories=["email"], description=f"Mail {i}"), partner=world.partner
        )
    page = login(world.rep).get(INBOX, {"country": "zz", "category": "email"}).content.decode()
    assert 'href="?category=email&amp;page=2"' in page  # the pagination's link, without country=zz


def test_td2_api_inbox_invalid_filter_400(world, login):
    DeliveryFactory(request=TenderRequestFactory(), partner=world.partner)
    response = login(world.rep).get(f"/api/v1/orgs/{world.partner.slug}/tenders/", {"country": "zz"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["country"]
    assert TenderDelivery.objects.get().seen_at is None


def test_td5_directory_invalid_filter_ignored_valid_one_applied(world):
    ListedProfileFactory(org=OrganizationFactory(country="DE"), public_name="Berlin Mail", services=["email"])
    page = Client().get("/directory/", {"language": "xx", "country": "DE"}).content.decode()
    assert "Berlin Mail" in page
    assert "Helvetia Web Agency" not in page
    assert "this filter is ignored" in page


def test_td2_inbox_page_past_the_last_links_to_the_first(world, login):
    DeliveryFactory(request=TenderRequestFactory(categories=["email"]), partner=world.partner)
    response = login(world.rep).get(INBOX, {"category": "email", "page": "999"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "this page is past the last one" in page
    assert 'href="?category=email">Back to the first page</a>' in page
    assert "No quote request matches yet" not in page
    assert not AuditEvent.objects.exists()
