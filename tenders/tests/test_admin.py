import pytest
from django.test import Client

from tenders.models import TenderRequest

from .factories import QuoteFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    user = UserFactory(is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(user)
    return c


def test_td_admin_pages_render_for_staff(world, staff_client):
    quote = QuoteFactory(partner=world.partner)
    ReviewFactory(partner=world.partner)
    for url in (
        "/admin/tenders/tenderrequest/",
        f"/admin/tenders/tenderrequest/{quote.request_id}/change/",
        "/admin/tenders/tendersubscription/",
        "/admin/tenders/tenderdelivery/",
        "/admin/tenders/partnerreview/",
    ):
        assert staff_client.get(url).status_code == 200, url
    assert TenderRequest.objects.count() == 2
