import io

import pytest

from clients import demo
from clients.models import MemberInvitation, Membership, Organization, Product, ProductType
from portal.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_accounts_can_log_in(client):
    accounts = demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Organization.objects.count() == 4
    assert ProductType.objects.count() == 10
    assert Product.objects.filter(org__slug="atelier-dupont").count() >= 2
    assert MemberInvitation.objects.filter(status="pending").count() == 1
    assert User.objects.get(email="admin@demo.example").is_superuser
    agency = Organization.objects.get(name="Helvetia Web Agency AG")
    assert agency.vat_number_display == "CHE-116.281.710 MWST"
    assert set(Membership.objects.filter(org=agency).values_list("role", flat=True)) == {
        "legal_representative",
        "administrator",
        "collaborator",
    }
    email, password, _what = accounts[1]
    assert client.login(email=email, password=password)
