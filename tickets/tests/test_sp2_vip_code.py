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


# --- staff lookup of a VIP code (the Support page says "give the VIP code with your support code") ---

LOOKUP = "/manager/support/lookup/"
API_LOOKUP = "/api/v1/staff/support-code-lookup/"


def test_sp2_staff_lookup_of_vip_code_shows_org_and_plan_and_is_audited(client, org, legal_rep, staff):
    plan = support_plan_set(org=org, level="business")
    client.force_login(staff)
    response = client.post(LOOKUP, {"code": plan.vip_code_display.lower()})
    body = response.content.decode()
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert response.status_code == 200
    assert "No match" not in body
    assert org.name in body and "Business" in body and plan.vip_code_display in body
    assert legal_rep.email not in body  # a VIP code names the org, not a person
    assert event.actor == staff and event.org is None
    assert event.details == {
        "code_suffix": plan.vip_code[-4:],
        "kind": "vip_code",
        "matched_user_id": None,
        "matched_org_id": org.pk,
    }


def test_sp2_api_staff_lookup_of_vip_code_shows_org_and_plan_and_is_audited(client, org, staff):
    plan = support_plan_set(org=org, level="pro")
    client.force_login(staff)
    response = client.post(API_LOOKUP, {"code": plan.vip_code_display}, content_type="application/json")
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert response.status_code == 200
    assert response.json() == {
        "match": True,
        "kind": "vip_code",
        "user": None,
        "orgs": [{"slug": org.slug, "name": org.name, "role": None, "plan": "pro", "vip_code": plan.vip_code_display}],
    }
    assert event.details["kind"] == "vip_code" and event.details["matched_org_id"] == org.pk
    assert plan.vip_code not in str(event.details)


def test_sp2_staff_lookup_of_vip_code_of_a_cancelled_plan_is_no_match(client, org, staff):
    old = support_plan_set(org=org, level="pro").vip_code
    support_plan_set(org=org, level="none")
    client.force_login(staff)
    response = client.post(API_LOOKUP, {"code": old}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"match": False, "kind": None, "user": None, "orgs": []}
    assert AuditEvent.objects.get(action="support.code_lookup").details["matched_org_id"] is None


def test_sp2_new_support_code_never_equals_an_existing_vip_code(org, monkeypatch):
    from clients.tests.factories import UserFactory
    from tickets import services

    plan = support_plan_set(org=org, level="pro")
    draws = iter([plan.vip_code, "ZZZZ2222"])
    monkeypatch.setattr(services, "_random_code", lambda: next(draws))
    code = support_code_for(user=UserFactory())
    assert code.code == "ZZZZ2222"
    assert SupportPlan.objects.get(org=org).vip_code == plan.vip_code


# --- token scope (SPEC §9: a personal access token is scoped to one org) ---


def test_sp2_api_vip_codes_with_token_lists_only_the_token_org(client, org, legal_rep):
    from clients.services import token_create
    from clients.tenancy import access_for
    from clients.tests.factories import MembershipFactory, OrganizationFactory

    other = OrganizationFactory(name="Another Org SA")
    MembershipFactory(org=other, user=legal_rep)
    plan = support_plan_set(org=org, level="pro")
    support_plan_set(org=other, level="business")
    _token, raw = token_create(access=access_for(user=legal_rep, org=org), name="script", days=7)
    response = client.get("/api/v1/me/support-code/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["vip_codes"] == [
        {"org": org.slug, "org_name": org.name, "plan": "pro", "vip_code": plan.vip_code_display}
    ]
    assert SupportPlan.objects.filter(vip_code__isnull=False).count() == 2


def test_sp2_api_vip_codes_with_session_lists_every_org_of_the_user(client, org, legal_rep):
    from clients.tests.factories import MembershipFactory, OrganizationFactory

    other = OrganizationFactory(name="Another Org SA")
    MembershipFactory(org=other, user=legal_rep)
    support_plan_set(org=org, level="pro")
    support_plan_set(org=other, level="business")
    client.force_login(legal_rep)
    response = client.get("/api/v1/me/support-code/")
    assert response.status_code == 200
    assert {v["org"] for v in response.json()["vip_codes"]} == {org.slug, other.slug}
