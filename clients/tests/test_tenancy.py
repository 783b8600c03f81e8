"""ORG-7: the org switcher, scoping of pages and API calls, access tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessToken, AuditEvent, Role
from clients.services import token_create, token_revoke
from clients.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from portal.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_org(legal_rep):
    """A second org where the same user is an administrator."""
    other = OrganizationFactory(name="Beta SA", slug="beta", country="FR")
    MembershipFactory(org=other, user=legal_rep, role=Role.ADMINISTRATOR)
    return other


@pytest.fixture
def foreign_org(db):
    """An org the user does not belong to."""
    foreign = OrganizationFactory(name="Gamma GmbH", slug="gamma", country="DE")
    MembershipFactory(org=foreign, role=Role.LEGAL_REPRESENTATIVE)
    return foreign


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# --- switcher -----------------------------------------------------------------


def test_org7_switcher_lists_my_orgs(client, org, legal_rep, other_org, foreign_org):
    client.force_login(legal_rep)
    page = client.get(reverse("manager:dashboard")).content.decode()
    assert 'value="acme"' in page
    assert 'value="beta"' in page
    assert 'value="gamma"' not in page


def test_org7_switch_changes_acting_org(client, org, legal_rep, other_org):
    client.force_login(legal_rep)
    response = client.post(reverse("manager:switch_org"), {"org": other_org.slug})
    assert response.status_code == 302
    assert client.session["acting_org_id"] == other_org.pk
    page = client.get(reverse("manager:org_detail")).content.decode()
    assert "Beta SA" in page
    assert "EUR" in page


def test_org7_switch_to_foreign_org_is_404(client, org, legal_rep, foreign_org):
    client.force_login(legal_rep)
    client.get(reverse("manager:dashboard"))
    response = client.post(reverse("manager:switch_org"), {"org": foreign_org.slug})
    assert response.status_code == 404
    assert client.session["acting_org_id"] == org.pk


def test_org7_pages_scoped_to_acting_org(client, org, legal_rep, other_org):
    MembershipFactory(org=other_org, user=UserFactory(email="beta-only@example.com"), role=Role.COLLABORATOR)
    client.force_login(legal_rep)
    assert "beta-only@example.com" not in client.get(reverse("manager:members")).content.decode()
    client.post(reverse("manager:switch_org"), {"org": other_org.slug})
    assert "beta-only@example.com" in client.get(reverse("manager:members")).content.decode()


def test_org7_api_on_foreign_org_is_404(api_client, legal_rep, foreign_org):
    api_client.force_login(legal_rep)
    for path in ("", "members/", "invitations/", "audit-events/"):
        response = api_client.get(f"/api/v1/orgs/{foreign_org.slug}/{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_org7_api_lists_only_my_orgs(api_client, org, legal_rep, other_org, foreign_org):
    api_client.force_login(legal_rep)
    body = api_client.get("/api/v1/orgs/").json()
    assert sorted(o["slug"] for o in body["results"]) == ["acme", "beta"]
    roles = {o["slug"]: o["role"] for o in body["results"]}
    assert roles == {"acme": "legal_representative", "beta": "administrator"}


def test_org7_api_unauthenticated_is_401(api_client, org):
    response = api_client.get(f"/api/v1/orgs/{org.slug}/")
    assert response.status_code == 401
    assert "error" in response.json()


def test_au1_api_audit_events_need_audit_view(api_client, org, legal_rep, collaborator, access_of):
    token_create(access=access_of(legal_rep), name="x", days=1)
    api_client.force_login(collaborator)
    assert api_client.get(f"/api/v1/orgs/{org.slug}/audit-events/").status_code == 403
    api_client.force_login(legal_rep)
    body = api_client.get(f"/api/v1/orgs/{org.slug}/audit-events/").json()
    assert [e["action"] for e in body["results"]] == ["token.created"]


def test_nt2_api_my_notifications(api_client, org, legal_rep, collaborator, access_of):
    from clients.models import Membership
    from clients.services import member_set_role

    member_set_role(
        access=access_of(legal_rep),
        membership_id=Membership.objects.get(user=collaborator).pk,
        role=Role.ADMINISTRATOR,
    )
    api_client.force_login(collaborator)
    body = api_client.get("/api/v1/me/notifications/").json()
    assert body["count"] == 1
    assert "Acme AG" in body["results"][0]["subject"]


# --- access tokens ----------------------------------------------------------------


def test_tokens_create_shows_clear_value_once_and_stores_hash(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(reverse("manager:tokens"), {"name": "CI script", "days": 30})
    assert response.status_code == 201
    raw = response.context["raw_token"]
    assert raw.startswith("pp_") and raw in response.content.decode()
    token = AccessToken.objects.get(user=legal_rep)
    assert token.org == org
    assert raw not in (token.digest, token.prefix)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert raw not in client.get(reverse("manager:tokens")).content.decode()


@pytest.mark.parametrize("days", [0, 366])
def test_tokens_validity_outside_1_to_365_days_refused(org, legal_rep, access_of, days):
    with pytest.raises(InvalidInput):
        token_create(access=access_of(legal_rep), name="x", days=days)
    assert not AccessToken.objects.exists()


def test_tokens_api_with_token_lists_only_token_org(api_client, org, legal_rep, other_org, access_of):
    _token, raw = token_create(access=access_of(legal_rep), name="x", days=5)
    body = api_client.get("/api/v1/orgs/", **_bearer(raw)).json()
    assert [o["slug"] for o in body["results"]] == ["acme"]


def test_tokens_token_on_own_org_works_and_records_last_use(api_client, org, legal_rep, access_of):
    token, raw = token_create(access=access_of(legal_rep), name="x", days=5)
    response = api_client.get(f"/api/v1/orgs/{org.slug}/", **_bearer(raw))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_org7_token_on_another_of_my_orgs_is_403_token_scope(api_client, org, legal_rep, other_org, access_of):
    _token, raw = token_create(access=access_of(legal_rep), name="x", days=5)
    response = api_client.get(f"/api/v1/orgs/{other_org.slug}/", **_bearer(raw))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_scope"


def test_org7_token_cannot_create_org(api_client, org, legal_rep, access_of):
    _token, raw = token_create(access=access_of(legal_rep), name="x", days=5)
    response = api_client.post(
        "/api/v1/orgs/", {"name": "New", "kind": "company", "country": "CH"}, format="json", **_bearer(raw)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_scope"


def test_org7_revoked_token_is_401(api_client, client, org, legal_rep, access_of):
    token, raw = token_create(access=access_of(legal_rep), name="x", days=5)
    client.force_login(legal_rep)
    assert client.post(reverse("manager:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token.revoked").exists()
    response = api_client.get(f"/api/v1/orgs/{org.slug}/", **_bearer(raw))
    assert response.status_code == 401
    assert "error" in response.json()


def test_org7_expired_token_is_401(api_client, org, legal_rep, access_of):
    token, raw = token_create(access=access_of(legal_rep), name="x", days=1)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api_client.get(f"/api/v1/orgs/{org.slug}/", **_bearer(raw))
    assert response.status_code == 401


def test_tokens_cannot_revoke_someone_elses(client, org, legal_rep, collaborator, access_of):
    token, _raw = token_create(access=access_of(legal_rep), name="x", days=5)
    client.force_login(collaborator)
    assert client.post(reverse("manager:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_removed_member_tokens_revoked(org, legal_rep, collaborator, access_of):
    from clients.models import Membership
    from clients.services import member_remove

    token, _raw = token_create(access=access_of(collaborator), name="x", days=5)
    member_remove(access=access_of(legal_rep), membership_id=Membership.objects.get(user=collaborator).pk)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_service_revoke_is_idempotent(org, legal_rep, access_of):
    token, _raw = token_create(access=access_of(legal_rep), name="x", days=5)
    token_revoke(user=legal_rep, token_id=token.pk)
    token_revoke(user=legal_rep, token_id=token.pk)
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


# --- email links open in the org they are about (NT-2) ------------------------------


def test_nt2_email_link_names_its_org_and_files_the_notification_under_it(org, legal_rep):
    from portal.models import Notification
    from portal.outbox import email_enqueue

    email_enqueue(
        key="t1",
        to=legal_rep,
        template="clients/role_changed",
        context={"org": org, "role": "x"},
        link="/manager/members/",
        org=org,
    )

    notification = Notification.objects.get(user=legal_rep)
    assert notification.link == "/manager/members/?org=acme"
    assert notification.org_slug == "acme"


def test_nt2_link_with_org_switches_a_member_to_it_and_drops_the_parameter(client, org, legal_rep, other_org):
    client.force_login(legal_rep)
    client.post(reverse("manager:switch_org"), {"org": org.slug})

    response = client.get("/manager/org/?org=beta&x=1")

    assert response.status_code == 302 and response["Location"] == "/manager/org/?x=1"
    assert client.session["acting_org_id"] == other_org.pk
    assert "Beta SA" in client.get(response["Location"]).content.decode()


def test_nt2_link_with_an_org_of_which_one_is_not_a_member_switches_nothing(client, org, legal_rep, foreign_org):
    client.force_login(legal_rep)
    client.post(reverse("manager:switch_org"), {"org": org.slug})

    response = client.get("/manager/org/?org=gamma")

    assert response.status_code == 302 and response["Location"] == "/manager/org/"
    assert client.session["acting_org_id"] == org.pk


def test_nt2_link_with_org_for_a_visitor_goes_to_the_login_and_keeps_it(client, org):
    response = client.get("/manager/org/?org=acme")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") and "org%3Dacme" in response["Location"]


def test_org7_token_lists_only_its_org_s_notifications(api_client, org, legal_rep, other_org, access_of):
    from portal.outbox import email_enqueue

    for key, about in (("a", org), ("b", other_org), ("c", None)):
        email_enqueue(key=key, to=legal_rep, template="clients/role_changed", context={"org": org}, org=about)
    _token, raw = token_create(access=access_of(legal_rep), name="x", days=5)

    with_token = api_client.get("/api/v1/me/notifications/", **_bearer(raw)).json()
    api_client.force_login(legal_rep)
    with_session = api_client.get("/api/v1/me/notifications/").json()

    assert [n["org"] for n in with_token["results"]] == ["acme"]
    assert sorted(n["org"] for n in with_session["results"]) == ["", "acme", "beta"]


# --- the manager's remaining functions in the API (SPEC §9) -------------------------


def test_tokens_api_creates_a_token_once_shown_and_lists_it(api_client, org, legal_rep):
    api_client.force_login(legal_rep)

    created = api_client.post(f"/api/v1/orgs/{org.slug}/tokens/", {"name": "CI", "days": 30}, format="json")
    listed = api_client.get(f"/api/v1/orgs/{org.slug}/tokens/").json()

    token = AccessToken.objects.get(user=legal_rep)
    assert created.status_code == 201 and token.prefix in created.json()["token"]
    assert token.digest != created.json()["token"]  # stored hashed
    assert [(t["name"], t["active"]) for t in listed["results"]] == [("CI", True)]
    assert "token" not in listed["results"][0]
    assert AuditEvent.objects.filter(action="token.created", org=org).count() == 1


def test_tokens_api_a_token_cannot_create_another(api_client, org, legal_rep, access_of):
    _token, raw = token_create(access=access_of(legal_rep), name="x", days=5)

    response = api_client.post(
        f"/api/v1/orgs/{org.slug}/tokens/", {"name": "y", "days": 5}, format="json", **_bearer(raw)
    )

    assert response.status_code == 403 and response.json()["error"]["code"] == "session_required"
    assert AccessToken.objects.filter(user=legal_rep).count() == 1


def test_tokens_api_revoke_own_token_takes_effect_at_once(api_client, org, legal_rep, access_of):
    token, raw = token_create(access=access_of(legal_rep), name="x", days=5)

    response = api_client.delete(f"/api/v1/orgs/{org.slug}/tokens/{token.pk}/", **_bearer(raw))
    after = api_client.get(f"/api/v1/orgs/{org.slug}/", **_bearer(raw))

    assert response.status_code == 204 and after.status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_api_another_member_s_token_is_404(api_client, org, legal_rep, collaborator, access_of):
    token, _raw = token_create(access=access_of(legal_rep), name="x", days=5)
    api_client.force_login(collaborator)

    response = api_client.delete(f"/api/v1/orgs/{org.slug}/tokens/{token.pk}/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_org6_api_member_leaves_and_loses_access(api_client, org, legal_rep, collaborator):
    api_client.force_login(collaborator)

    response = api_client.post(f"/api/v1/orgs/{org.slug}/members/leave/")

    assert response.status_code == 204
    assert not org.memberships.filter(user=collaborator).exists()
    assert api_client.get(f"/api/v1/orgs/{org.slug}/").status_code == 404
    assert AuditEvent.objects.filter(action="member.left", org=org).count() == 1


def test_org6_api_last_legal_rep_cannot_leave(api_client, org, legal_rep):
    api_client.force_login(legal_rep)

    response = api_client.post(f"/api/v1/orgs/{org.slug}/members/leave/")

    assert response.status_code == 409
    assert org.memberships.filter(user=legal_rep).exists()


def test_nt2_api_marks_notifications_read_all_or_some(api_client, org, legal_rep):
    from portal.models import Notification
    from portal.outbox import email_enqueue

    for key in ("a", "b", "c"):
        email_enqueue(key=key, to=legal_rep, template="clients/role_changed", context={"org": org}, org=org)
    first = Notification.objects.filter(user=legal_rep).order_by("pk").first()
    api_client.force_login(legal_rep)

    some = api_client.post("/api/v1/me/notifications/read/", {"ids": [first.pk]}, format="json").json()
    rest = api_client.post("/api/v1/me/notifications/read/", {}, format="json").json()

    assert (some["marked"], rest["marked"]) == (1, 2)
    assert not Notification.objects.filter(user=legal_rep, read_at__isnull=True).exists()
