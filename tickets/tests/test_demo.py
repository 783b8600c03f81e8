import io

import pytest

from clients.models import AuditEvent, Role
from clients.tests.factories import MembershipFactory, OrganizationFactory
from tickets import demo
from tickets.models import SupportAccessGrant, SupportPlan

pytestmark = pytest.mark.django_db


def test_demo_skips_gracefully_without_client_orgs():
    out = io.StringIO()
    assert demo.seed(out) == []
    assert "not found" in out.getvalue()
    assert not SupportPlan.objects.exists() and not SupportAccessGrant.objects.exists()


def test_demo_seeds_pro_plan_and_one_active_grant_idempotently():
    pro = OrganizationFactory(name=demo.PRO_ORG)
    bakery = OrganizationFactory(name=demo.GRANT_ORG)
    MembershipFactory(org=bakery, role=Role.LEGAL_REPRESENTATIVE)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert SupportPlan.objects.get(org=pro).level == "pro"
    grant = SupportAccessGrant.objects.get(org=bakery)
    assert grant.is_valid
    assert AuditEvent.objects.filter(org=bakery, action="support_access.granted").count() == 1
