import pytest
from django.db import IntegrityError, transaction

from clients.models import AuditEvent
from tickets.models import SupportPlan
from tickets.services import support_code_for, support_plan_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", ["pro", "business"])
def test_sp2_premium_plan_gets_vip_code_shown_on_support_page(client, org, legal_rep, level):
    plan = support_plan_set(org=org, level=level)
    client.force_login(legal_rep)
    response = client.get("/manager/support/")
    body = response.content.decode()
    assert response.status_code == 200
    assert plan.vip_code and len(plan.vip_code) == 8
    assert plan.vip_code_display in body
    assert "AuthInfo" in body  # says it is not the domain transfer code
    assert AuditEvent.objects.filter(org=org, action="support.plan_changed").count() == 1


def test_sp2_no_plan_no_vip_code(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.get("/manager/support/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<dt>VIP code</dt>" not in body
    assert not SupportPlan.objects.filter(org=org).exists()
    assert "Subscribe in the shop" in body
    assert client.get("/api/v1/me/support-code/").json()["vip_codes"] == []


def test_sp2_plan_none_clears_vip_code(org):
    support_plan_set(org=org, level="pro")
    plan = support_plan_set(org=org, level="none")
    assert plan.vip_code is None


def test_sp2_db_refuses_vip_code_without_premium_plan(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPlan.objects.create(org=org, level="none", vip_code="ABCD2345")


def test_sp2_db_refuses_premium_plan_without_vip_code(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPlan.objects.create(org=org, level="pro", vip_code=None)


def test_sp2_vip_codes_unique(org):
    from clients.tests.factories import OrganizationFactory

    plan = support_plan_set(org=org, level="pro")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportPlan.objects.create(org=OrganizationFactory(), level="business", vip_code=plan.vip_code)


def test_sp2_api_lists_vip_codes_of_my_orgs(client, org, legal_rep):
    plan = support_plan_set(org=org, level="business")
    client.force_login(legal_rep)
    data = client.get("/api/v1/me/support-code/").json()
    assert data["vip_codes"] == [
        {"org": org.slug, "org_name": org.name, "plan": "business", "vip_code": plan.vip_code_display}
    ]


def test_sp2_staff_lookup_shows_plan_and_vip_code(client, org, legal_rep, staff):
    plan = support_plan_set(org=org, level="pro")
    code = support_code_for(user=legal_rep)
    client.force_login(staff)
    body = client.post("/manager/support/lookup/", {"code": code.code}).content.decode()
    assert "Pro" in body
    assert plan.vip_code_display in body


def test_sp2_admin_sets_plan_through_service(client, org, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.post("/admin/tickets/supportplan/add/", {"org": org.pk, "level": "pro"})
    plan = SupportPlan.objects.get(org=org)
    assert response.status_code == 302
    assert plan.level == "pro" and plan.vip_code
