import pytest
from django.urls import reverse

from clients.services import org_create
from clients.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_org1_creator_is_legal_representative_and_currency_follows_country(client):
    user = UserFactory()
    org = org_create(user=user, name="Acme GmbH", kind="company", country="DE", register_number="Aachen HRA 11223")
    assert org.memberships.get().role == "legal_representative"
    assert org.currency == "EUR"
    client.force_login(user)
    response = client.get(reverse("manager:dashboard"))
    assert response.status_code == 200
    assert "Acme GmbH" in response.content.decode()


def test_healthz_and_readyz(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
