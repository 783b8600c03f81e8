import io

import pytest

from partners.models import PartnerApplication, Partnership

pytestmark = pytest.mark.django_db


def test_demo_seed_idempotent():
    from partners import demo

    try:
        from clients import demo as clients_demo

        clients_demo.seed(io.StringIO())
    except ImportError:
        pass
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    full = Partnership.objects.filter(status="active", access_level="full")
    assert sorted(full.values_list("client__name", "payment_method")) == [
        ("Bäckerei Müller GmbH", "client_pays"),
        ("Gasthaus Sonne AG", "partner_pays"),
    ]
    limited = Partnership.objects.get(status="active", access_level="limited")
    assert limited.grants.filter(active=True).count() == 2
    assert Partnership.objects.filter(status="pending").count() == 2
    assert PartnerApplication.objects.filter(status="submitted").count() == 1
