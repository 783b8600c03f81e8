"""PS-12 × SP-3: a partner person acting for a client never reaches the client's support."""

import pytest

from clients.tenancy import SESSION_ORG_KEY, access_for
from partners.tests.factories import PartnerProfileFactory, PartnershipFactory, member
from tickets.models import SupportAccessGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_rep(org):
    profile = PartnerProfileFactory()
    PartnershipFactory(partner=profile.org, client=org)
    return member(profile.org)


def test_sp3_partner_acting_for_client_cannot_grant_via_api(client, org, partner_rep):
    assert access_for(user=partner_rep, org=org) is not None  # the partnership reaches the client
    client.force_login(partner_rep)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/support-access/",
        {"services": ["mail"], "duration": "1h", "reason": "x"},
        content_type="application/json",
    )
    listing = client.get(f"/api/v1/orgs/{org.slug}/support-access/")
    assert response.status_code == 403 and listing.status_code == 403
    assert not SupportAccessGrant.objects.exists()


def test_sp3_partner_acting_for_client_has_no_support_page(client, org, partner_rep):
    client.force_login(partner_rep)
    session = client.session
    session[SESSION_ORG_KEY] = org.pk
    session.save()
    response = client.post("/manager/support/access/", {"services": ["mail"], "duration": "1h", "reason": "x"})
    page = client.get("/manager/support/")
    assert response.status_code == 404 and page.status_code == 404
    assert not SupportAccessGrant.objects.exists()
