from __future__ import annotations

import io

import pytest

from partners.models import PartnerProfile
from tenders import demo
from tenders.models import PartnerReview, TenderQuote, TenderRequest

from .factories import ListedProfileFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_demo_skips_without_partner():
    out = io.StringIO()
    assert demo.seed(out) == []
    assert "no approved partner" in out.getvalue()
    assert not TenderRequest.objects.exists()


def test_demo_is_idempotent_and_complete():
    org = OrganizationFactory(name="Helvetia Web Agency AG")
    ListedProfileFactory(org=org, listed_in_directory=False)
    OrganizationFactory(name="Bäckerei Müller GmbH")
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert PartnerProfile.objects.get(org=org).listed_in_directory is True
    assert TenderRequest.objects.filter(status=TenderRequest.Status.PUBLISHED).count() == 2
    assert TenderRequest.objects.filter(status=TenderRequest.Status.AWARDED).count() == 1
    assert TenderQuote.objects.count() == 2
    assert PartnerReview.objects.count() == 1


def test_td5_demo_directory_has_a_dozen_partners_in_several_countries_and_languages(client):
    org = OrganizationFactory(name="Helvetia Web Agency AG")
    ListedProfileFactory(org=org)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    listed = PartnerProfile.objects.filter(listed_in_directory=True, status=PartnerProfile.Status.APPROVED)
    assert listed.count() >= 12
    assert len(set(listed.values_list("org__country", flat=True))) >= 5
    assert len({lang for p in listed for lang in p.languages}) >= 5
    response = client.get("/directory/?page=1")
    assert response.status_code == 200 and "Lémanweb" in response.content.decode()
