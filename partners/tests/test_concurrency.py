"""PS-7 under concurrency: two partners accepting full access for one client at once
never produce two active full partnerships (the partial unique constraint decides)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from clients.tenancy import access_for
from partners import services
from partners.models import Partnership
from partners.tests.factories import OrganizationFactory, PartnerProfileFactory, member
from portal.errors import RuleViolation

REPETITIONS = 20


def _require_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("PostgreSQL is required (REQUIRE_SERVICES=1) but the test database is " + connection.vendor)
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ps7_concurrent_full_acceptances_give_one_active_full_partner():
    _require_postgres()
    for i in range(REPETITIONS):
        client_org = OrganizationFactory(name=f"Race client {i}")
        client_rep = member(client_org)
        pending = []
        for j in range(2):
            partner = OrganizationFactory(name=f"Race partner {i}-{j}")
            PartnerProfileFactory(org=partner)
            rep = member(partner)
            p = services.partnership_invite_partner(
                access=access_for(user=client_rep, org=client_org),
                partner=partner,
                access_level="full",
                payment_method="client_pays",
            )
            pending.append((p, rep, partner))
        barrier = threading.Barrier(len(pending))
        outcomes: list[str] = []
        lock = threading.Lock()

        def accept(p, rep, partner, barrier=barrier, lock=lock, outcomes=outcomes):
            try:
                access = access_for(user=rep, org=partner)
                barrier.wait(timeout=10)
                services.partnership_accept(access=access, partnership=p)
                result = "ok"
            except RuleViolation as exc:
                result = exc.code
            except Exception as exc:  # anything else is a failure of the test
                result = f"error:{exc!r}"
            finally:
                connection.close()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=accept, args=args) for args in pending]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["full_partner_exists", "ok"], outcomes
        assert Partnership.objects.filter(client=client_org, status="active", access_level="full").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ps5_concurrent_grants_of_one_product_to_two_limited_partners_give_one():
    """PS-5 under concurrency: the client grants the same product to two limited
    partners at once; the unique constraint on active grants lets exactly one win."""
    from partners.models import PartnershipProduct
    from partners.tests.factories import PartnershipFactory, PartnershipProductFactory, ProductFactory

    _require_postgres()
    for i in range(REPETITIONS):
        client_org = OrganizationFactory(name=f"Grant race client {i}")
        client_rep = member(client_org)
        shared = ProductFactory(org=client_org, name=f"shared{i}.ch")
        pending = []
        for j in range(2):
            partner = OrganizationFactory(name=f"Grant race partner {i}-{j}")
            PartnerProfileFactory(org=partner)
            p = PartnershipFactory(partner=partner, client=client_org, access_level="limited", payment_method=None)
            own = ProductFactory(org=client_org, name=f"own{i}-{j}.ch")
            PartnershipProductFactory(partnership=p, product=own)
            pending.append((p, own))
        barrier = threading.Barrier(len(pending))
        outcomes: list[str] = []
        lock = threading.Lock()

        def grant(
            p, own, barrier=barrier, lock=lock, outcomes=outcomes, shared=shared, client_org=client_org, rep=client_rep
        ):
            try:
                access = access_for(user=rep, org=client_org)
                barrier.wait(timeout=10)
                services.partnership_set_products(access=access, partnership=p, product_ids=[own.pk, shared.pk])
                result = "ok"
            except RuleViolation as exc:
                result = exc.code
            except Exception as exc:  # anything else is a failure of the test
                result = f"error:{exc!r}"
            finally:
                connection.close()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=grant, args=args) for args in pending]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == ["ok", "product_managed_by_other_partner"], outcomes
        assert PartnershipProduct.objects.filter(product=shared, active=True).count() == 1
