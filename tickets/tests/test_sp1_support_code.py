import pytest
from django.urls import reverse

from clients.models import AuditEvent, Role
from clients.tenancy import access_for
from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tickets.models import SUPPORT_CODE_ALPHABET, SupportCode
from tickets.services import support_code_for, support_code_regenerate

pytestmark = pytest.mark.django_db

LOOKUP = "/manager/support/lookup/"


def test_sp1_code_created_lazily_readable_and_shown_on_support_page(client, legal_rep):
    assert not SupportCode.objects.filter(user=legal_rep).exists()
    client.force_login(legal_rep)
    response = client.get("/manager/support/")
    code = SupportCode.objects.get(user=legal_rep)
    assert response.status_code == 200
    assert code.display in response.content.decode()
    assert len(code.code) == 8 and set(code.code) <= set(SUPPORT_CODE_ALPHABET)
    assert code.display == f"{code.code[:4]}-{code.code[4:]}"


def test_sp1_code_is_stable_and_unique_per_user():
    users = UserFactory.create_batch(20)
    codes = [support_code_for(user=u).code for u in users]
    assert len(set(codes)) == 20
    assert support_code_for(user=users[0]).code == codes[0]


def test_sp1_code_unique_db_constraint():
    from django.db import IntegrityError, transaction

    a, b = UserFactory(), UserFactory()
    code = support_code_for(user=a)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportCode.objects.create(user=b, code=code.code)


def test_sp1_widget_shows_code_and_links(legal_rep, org):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/manager/")
    request.user = legal_rep
    request.session = {}
    request.acting = access_for(user=legal_rep, org=org)
    html = Template('{% include "partials/support_widget.html" %}').render(
        Context({"request": request, "user": legal_rep})
    )
    assert support_code_for(user=legal_rep).display in html
    assert "/help/" in html and "/manager/support/" in html


def test_sp1_regenerate_html_changes_code_and_audits(client, legal_rep):
    old = support_code_for(user=legal_rep).code
    client.force_login(legal_rep)
    response = client.post(reverse("tickets:support_code_regenerate"))
    new = SupportCode.objects.get(user=legal_rep).code
    assert response.status_code == 302
    assert new != old
    assert AuditEvent.objects.filter(action="support.code_regenerated", actor=legal_rep).count() == 1


def test_sp1_regenerated_code_no_longer_matches_in_lookup(client, legal_rep, staff):
    old = support_code_for(user=legal_rep).display
    support_code_regenerate(user=legal_rep)
    client.force_login(staff)
    response = client.post(LOOKUP, {"code": old})
    body = response.content.decode()
    assert response.status_code == 200
    assert "No match" in body
    assert legal_rep.email not in body
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert event.details["matched_user_id"] is None


def test_sp1_api_get_and_regenerate(client, legal_rep):
    client.force_login(legal_rep)
    first = client.get("/api/v1/me/support-code/").json()
    regenerated = client.post("/api/v1/me/support-code/regenerate/", content_type="application/json")
    assert regenerated.status_code == 200
    assert regenerated.json()["code"] != first["code"]
    assert SupportCode.objects.get(user=legal_rep).display == regenerated.json()["code"]
    assert first["vip_codes"] == []


def test_sp1_api_requires_login(client):
    response = client.get("/api/v1/me/support-code/")
    assert response.status_code in (401, 403)
    assert SupportCode.objects.count() == 0


def test_sp1_lookup_by_staff_shows_user_orgs_roles_and_is_audited(client, legal_rep, org, staff):
    other = OrganizationFactory(name="Second Org SA")
    MembershipFactory(org=other, user=legal_rep, role=Role.COLLABORATOR)
    code = support_code_for(user=legal_rep)
    client.force_login(staff)
    response = client.post(LOOKUP, {"code": code.display.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    assert legal_rep.email in body
    assert org.name in body and "Second Org SA" in body
    assert "Legal representative" in body and "Collaborator" in body
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert event.actor == staff
    assert event.details == {
        "code_suffix": code.code[-4:],
        "kind": "support_code",
        "matched_user_id": legal_rep.pk,
        "matched_org_id": None,
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_sp1_lookup_by_non_staff_is_404(client, legal_rep, method):
    code = support_code_for(user=legal_rep)
    client.force_login(legal_rep)
    response = getattr(client, method)(LOOKUP, {"code": code.code})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="support.code_lookup").exists()


def test_sp1_dashboard_card_shows_code(client, legal_rep):
    client.force_login(legal_rep)
    response = client.get("/manager/")
    assert response.status_code == 200
    assert support_code_for(user=legal_rep).display in response.content.decode()


def test_sp1_api_staff_lookup_matches_and_is_audited(client, legal_rep, org, staff):
    code = support_code_for(user=legal_rep)
    client.force_login(staff)
    response = client.post(
        "/api/v1/staff/support-code-lookup/", {"code": code.display}, content_type="application/json"
    )
    data = response.json()
    assert response.status_code == 200
    assert data["match"] is True and data["user"]["id"] == legal_rep.pk
    assert data["orgs"] == [
        {"slug": org.slug, "name": org.name, "role": "legal_representative", "plan": "none", "vip_code": None}
    ]
    assert AuditEvent.objects.get(action="support.code_lookup").details["matched_user_id"] == legal_rep.pk


def test_sp1_api_staff_lookup_of_regenerated_code_is_no_match(client, legal_rep, staff):
    old = support_code_for(user=legal_rep).code
    support_code_regenerate(user=legal_rep)
    client.force_login(staff)
    response = client.post("/api/v1/staff/support-code-lookup/", {"code": old}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"match": False, "kind": None, "user": None, "orgs": []}
    assert AuditEvent.objects.get(action="support.code_lookup").details == {
        "code_suffix": old[-4:],
        "kind": None,
        "matched_user_id": None,
        "matched_org_id": None,
    }


def test_sp1_api_staff_lookup_non_staff_is_404(client, legal_rep):
    code = support_code_for(user=legal_rep)
    client.force_login(legal_rep)
    response = client.post("/api/v1/staff/support-code-lookup/", {"code": code.code}, content_type="application/json")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="support.code_lookup").exists()


def test_sp1_support_page_in_spanish(client, legal_rep):
    legal_rep.language = "es"
    legal_rep.save()
    client.force_login(legal_rep)
    response = client.get("/manager/support/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tu código de soporte" in body and "AuthInfo" in body


def test_sp1_staff_lookup_audit_stores_only_last_4_characters_of_code(client, legal_rep, staff):
    code = support_code_for(user=legal_rep)
    client.force_login(staff)
    response = client.post(LOOKUP, {"code": code.display})
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert response.status_code == 200 and legal_rep.email in response.content.decode()
    assert event.details["code_suffix"] == code.code[-4:]
    assert code.code not in str(event.details) and code.code[:4] not in str(event.details)


def test_sp1_api_staff_lookup_audit_stores_only_last_4_characters_of_code(client, legal_rep, staff):
    code = support_code_for(user=legal_rep)
    client.force_login(staff)
    response = client.post("/api/v1/staff/support-code-lookup/", {"code": code.code}, content_type="application/json")
    event = AuditEvent.objects.get(action="support.code_lookup")
    assert response.status_code == 200 and response.json()["kind"] == "support_code"
    assert event.details["code_suffix"] == code.code[-4:]
    assert code.code not in str(event.details) and code.code[:4] not in str(event.details)
