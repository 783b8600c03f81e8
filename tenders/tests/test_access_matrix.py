"""SEC-1 / TD-2: one table of (page, who) → expected status, walked by one test."""

from __future__ import annotations

import pytest
from django.test import Client

from .factories import DeliveryFactory, ReviewFactory, TenderRequestFactory

pytestmark = pytest.mark.django_db

WHO = ("visitor", "client_rep", "client_collab", "rep", "collab", "other_rep")

# url template → expected status per WHO (302 = sent to the login page, 401 = API without credentials)
MATRIX = {
    "/directory/": (200, 200, 200, 200, 200, 200),
    "/directory/helvetia-web/": (200, 200, 200, 200, 200, 200),
    "/tenders/new/": (200, 200, 200, 200, 200, 200),
    "/sitemap.xml": (200, 200, 200, 200, 200, 200),
    "/tenders/r/{token}/": (200, 200, 200, 200, 200, 200),
    "/manager/tenders/": (302, 404, 404, 200, 404, 200),
    "/manager/tenders/{delivered}/": (302, 404, 404, 200, 404, 404),
    "/manager/tenders/preferences/": (302, 404, 404, 200, 404, 200),
    "/manager/tenders/reviews/": (302, 404, 404, 200, 404, 200),
    "/manager/tenders/mine/": (302, 200, 200, 200, 200, 200),
    "/manager/tenders/mine/{mine}/": (302, 200, 200, 404, 404, 404),
    "/api/v1/directory/": (200, 200, 200, 200, 200, 200),
    "/api/v1/orgs/{partner}/tenders/": (401, 404, 404, 200, 404, 404),
    "/api/v1/orgs/{partner}/tenders/{delivered}/": (401, 404, 404, 200, 404, 404),
    "/api/v1/orgs/{client}/tender-requests/": (401, 200, 200, 404, 404, 404),
    "/api/v1/orgs/{client}/tender-requests/{mine}/": (401, 200, 200, 404, 404, 404),
}


def test_sec1_tenders_access_matrix(world):
    delivered = TenderRequestFactory()
    DeliveryFactory(request=delivered, partner=world.partner)
    mine = TenderRequestFactory(requester_org=world.client_org)
    ReviewFactory(partner=world.partner)
    users = {
        "visitor": None,
        "client_rep": world.client_rep,
        "client_collab": world.client_collab,
        "rep": world.rep,
        "collab": world.collab,
        "other_rep": world.other_rep,
    }
    values = {
        "token": delivered.token,
        "delivered": delivered.pk,
        "mine": mine.pk,
        "partner": world.partner.slug,
        "client": world.client_org.slug,
    }
    failures = []
    for template, expected in MATRIX.items():
        url = template.format(**values)
        for who, status in zip(WHO, expected, strict=True):
            client = Client()
            if users[who] is not None:
                client.force_login(users[who])
            got = client.get(url).status_code
            if got != status:
                failures.append(f"{url} as {who}: expected {status}, got {got}")
    assert failures == []
