"""ORG-6: members, roles, invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clients.models import AuditEvent, MemberInvitation, Membership, Role
from clients.services import (
    invitation_accept,
    member_invite,
    member_leave,
    member_remove,
    member_set_role,
)
from clients.tasks import expire_invitations
from clients.tests.factories import MembershipFactory, UserFactory
from portal.errors import NotAllowed, RuleViolation
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _membership(org, user) -> Membership:
    return Membership.objects.get(org=org, user=user)


# --- invitations -------------------------------------------------------------


def test_org6_invite_creates_pending_invitation_and_emails_absolute_link(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="New@Example.com", role=Role.COLLABORATOR)
    assert invitation.status == "pending"
    assert invitation.email == "new@example.com"
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    email = OutboxEmail.objects.get(to="new@example.com")
    assert f"{settings.SITE_URL}/manager/invitations/{invitation.token}/" in email.body_text
    assert AuditEvent.objects.filter(action="member.invited", org=org).exists()


@pytest.mark.parametrize(
    "email",
    ["a" * 300 + "@example.ch", "no-at-sign.example.ch", "two@@example.ch", "x@", "@example.ch", "   "],
)
def test_org6_invitation_to_an_impossible_address_is_refused_and_sends_nothing(org, legal_rep, access_of, email):
    with pytest.raises(RuleViolation) as exc:
        member_invite(access=access_of(legal_rep), email=email, role=Role.COLLABORATOR)

    assert exc.value.code == "invalid_email" and exc.value.status == 400
    assert not MemberInvitation.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_org6_collaborator_cannot_invite(org, collaborator, access_of):
    with pytest.raises(NotAllowed):
        member_invite(access=access_of(collaborator), email="new@example.com", role=Role.COLLABORATOR)
    assert not MemberInvitation.objects.exists()


def test_org6_administrator_cannot_invite_legal_rep(org, admin_user, access_of):
    with pytest.raises(NotAllowed):
        member_invite(access=access_of(admin_user), email="new@example.com", role=Role.LEGAL_REPRESENTATIVE)
    assert not MemberInvitation.objects.exists()


def test_org6_legal_rep_can_invite_legal_rep(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.LEGAL_REPRESENTATIVE)
    assert invitation.role == Role.LEGAL_REPRESENTATIVE


def test_org6_second_pending_invitation_to_same_email_refused(org, legal_rep, access_of):
    member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    with pytest.raises(RuleViolation) as exc:
        member_invite(access=access_of(legal_rep), email="NEW@example.com", role=Role.COLLABORATOR)
    assert exc.value.code == "invitation_pending"
    assert MemberInvitation.objects.count() == 1


def test_org6_invite_existing_member_refused(org, legal_rep, collaborator, access_of):
    with pytest.raises(RuleViolation) as exc:
        member_invite(access=access_of(legal_rep), email=collaborator.email, role=Role.ADMINISTRATOR)
    assert exc.value.code == "already_member"
    assert not MemberInvitation.objects.exists()


@override_settings(PORTAL_RATE_LIMITS={"member_invite": (2, 3600)})
def test_org6_invitations_rate_limited_per_org(org, legal_rep, access_of):
    cache.clear()
    member_invite(access=access_of(legal_rep), email="a@example.com", role=Role.COLLABORATOR)
    member_invite(access=access_of(legal_rep), email="b@example.com", role=Role.COLLABORATOR)
    with pytest.raises(RuleViolation) as exc:
        member_invite(access=access_of(legal_rep), email="c@example.com", role=Role.COLLABORATOR)
    assert exc.value.code == "rate_limited"
    assert exc.value.status == 429
    assert MemberInvitation.objects.count() == 2


@override_settings(PORTAL_RATE_LIMITS={"member_invite": (1, 3600)})
def test_org6_api_rate_limit_is_429(api_client, org, legal_rep):
    cache.clear()
    api_client.force_login(legal_rep)
    url = f"/api/v1/orgs/{org.slug}/members/"
    assert api_client.post(url, {"email": "a@example.com", "role": "collaborator"}, format="json").status_code == 201
    response = api_client.post(url, {"email": "b@example.com", "role": "collaborator"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert MemberInvitation.objects.count() == 1


def test_org6_accept_creates_membership_once(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.ADMINISTRATOR)
    newcomer = UserFactory(email="new@example.com")
    membership = invitation_accept(user=newcomer, token=invitation.token)
    assert membership.role == Role.ADMINISTRATOR
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == newcomer
    assert AuditEvent.objects.filter(action="member.joined", org=org, actor=newcomer).exists()


def test_org6_invitation_single_use(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    newcomer = UserFactory(email="new@example.com")
    invitation_accept(user=newcomer, token=invitation.token)
    Membership.objects.filter(user=newcomer).delete()
    with pytest.raises(RuleViolation) as exc:
        invitation_accept(user=newcomer, token=invitation.token)
    assert exc.value.code == "invitation_used"
    assert not Membership.objects.filter(user=newcomer).exists()


def test_org6_invitation_expires_after_7_days(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    newcomer = UserFactory(email="new@example.com")
    with freeze_time(timezone.now() + timedelta(days=7, minutes=1)), pytest.raises(RuleViolation) as exc:
        invitation_accept(user=newcomer, token=invitation.token)
    assert exc.value.code == "invitation_expired"
    assert not Membership.objects.filter(user=newcomer).exists()


def test_org6_invitation_still_valid_within_7_days(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    newcomer = UserFactory(email="new@example.com")
    with freeze_time(timezone.now() + timedelta(days=6, hours=23)):
        invitation_accept(user=newcomer, token=invitation.token)
    assert Membership.objects.filter(user=newcomer, org=org).exists()


def test_org6_expire_task_marks_old_invitations(org, legal_rep, access_of):
    old = member_invite(access=access_of(legal_rep), email="old@example.com", role=Role.COLLABORATOR)
    fresh = member_invite(access=access_of(legal_rep), email="fresh@example.com", role=Role.COLLABORATOR)
    MemberInvitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_invitations.delay().get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "expired"
    assert fresh.status == "pending"


def test_org6_revoked_invitation_refused(org, legal_rep, access_of, client):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    client.force_login(legal_rep)
    assert client.post(reverse("manager:invitation_revoke", args=[invitation.pk])).status_code == 302
    newcomer = UserFactory(email="new@example.com")
    with pytest.raises(RuleViolation) as exc:
        invitation_accept(user=newcomer, token=invitation.token)
    assert exc.value.code == "invitation_revoked"
    assert not Membership.objects.filter(user=newcomer).exists()


def test_org6_accept_refused_for_other_email(org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    stranger = UserFactory(email="stranger@example.com")
    with pytest.raises(RuleViolation) as exc:
        invitation_accept(user=stranger, token=invitation.token)
    assert exc.value.code == "invitation_email_mismatch"
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_org6_accept_when_already_member_refused(org, legal_rep, collaborator, access_of):
    invitation = MemberInvitation.objects.create(org=org, email=collaborator.email, role=Role.ADMINISTRATOR)
    with pytest.raises(RuleViolation) as exc:
        invitation_accept(user=collaborator, token=invitation.token)
    assert exc.value.code == "already_member"
    assert _membership(org, collaborator).role == Role.COLLABORATOR
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_org6_html_accept_page_logged_out_offers_login_with_next(client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    url = reverse("manager:invitation_accept", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 200
    assert f"/accounts/login/?next={url}" in response.content.decode()


def test_org6_html_accept_joins_and_switches_org(client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    newcomer = UserFactory(email="new@example.com")
    client.force_login(newcomer)
    response = client.post(reverse("manager:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert _membership(org, newcomer).role == Role.COLLABORATOR
    assert client.session["acting_org_id"] == org.pk


def test_org6_html_accept_page_signed_in_as_someone_else_says_so_without_an_accept_button(
    client, org, legal_rep, access_of
):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    client.force_login(UserFactory(email="other@example.com"))

    response = client.get(reverse("manager:invitation_accept", args=[invitation.token]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are signed in as other@example.com, but this invitation was sent to new@example.com." in page
    assert "Accept the invitation" not in page
    assert not org.memberships.filter(user__email="other@example.com").exists()


def test_org6_html_accept_expired_shows_message(client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory(email="new@example.com"))
    response = client.post(reverse("manager:invitation_accept", args=[invitation.token]))
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="new@example.com").exists()


def test_org6_api_invite_and_accept(api_client, org, legal_rep):
    api_client.force_login(legal_rep)
    response = api_client.post(
        f"/api/v1/orgs/{org.slug}/members/", {"email": "new@example.com", "role": "administrator"}, format="json"
    )
    assert response.status_code == 201
    invitation = MemberInvitation.objects.get(pk=response.json()["id"])
    listed = api_client.get(f"/api/v1/orgs/{org.slug}/invitations/").json()["results"]
    assert [i["id"] for i in listed] == [invitation.pk]
    newcomer = UserFactory(email="new@example.com")
    api_client.force_login(newcomer)
    response = api_client.post(f"/api/v1/invitations/{invitation.token}/accept/")
    assert response.status_code == 201
    assert response.json()["org"] == org.slug
    assert _membership(org, newcomer).role == Role.ADMINISTRATOR
    again = api_client.post(f"/api/v1/invitations/{invitation.token}/accept/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invitation_used"


def test_org6_api_unknown_invitation_token_is_404(api_client):
    api_client.force_login(UserFactory())
    response = api_client.post("/api/v1/invitations/nope/accept/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "invitation_not_found"


def test_org6_api_revoke_invitation(api_client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    api_client.force_login(legal_rep)
    response = api_client.delete(f"/api/v1/orgs/{org.slug}/invitations/{invitation.pk}/")
    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_org6_html_resend_extends_and_emails_again(client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    MemberInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    client.force_login(legal_rep)
    assert client.post(reverse("manager:invitation_resend", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert OutboxEmail.objects.filter(to="new@example.com").count() == 2


def test_org6_html_invite_form(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(reverse("manager:members"), {"email": "new@example.com", "role": "collaborator"})
    assert response.status_code == 302
    assert MemberInvitation.objects.filter(org=org, email="new@example.com", status="pending").exists()
    page = client.get(reverse("manager:members")).content.decode()
    assert "new@example.com" in page


# --- roles and removal ------------------------------------------------------------


def test_org6_role_change_emails_member_summary(org, legal_rep, collaborator, access_of):
    membership = _membership(org, collaborator)
    member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.ADMINISTRATOR)
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR
    email = OutboxEmail.objects.get(to=collaborator.email)
    assert "Collaborator → Administrator" in email.body_text
    event = AuditEvent.objects.get(action="member.role_changed", org=org)
    assert event.details == {"email": collaborator.email, "old": "collaborator", "new": "administrator"}


def test_org6_administrator_cannot_appoint_legal_rep(org, admin_user, collaborator, access_of):
    membership = _membership(org, collaborator)
    with pytest.raises(NotAllowed):
        member_set_role(access=access_of(admin_user), membership_id=membership.pk, role=Role.LEGAL_REPRESENTATIVE)
    membership.refresh_from_db()
    assert membership.role == Role.COLLABORATOR
    assert not OutboxEmail.objects.exists()


def test_org6_legal_rep_appoints_legal_rep(org, legal_rep, collaborator, access_of):
    membership = _membership(org, collaborator)
    member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.LEGAL_REPRESENTATIVE)
    membership.refresh_from_db()
    assert membership.role == Role.LEGAL_REPRESENTATIVE


def test_org6_last_legal_rep_cannot_be_demoted(org, legal_rep, access_of):
    membership = _membership(org, legal_rep)
    with pytest.raises(RuleViolation) as exc:
        member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.ADMINISTRATOR)
    assert exc.value.code == "last_legal_representative"
    membership.refresh_from_db()
    assert membership.role == Role.LEGAL_REPRESENTATIVE


def test_org6_legal_rep_demoted_when_another_remains(org, legal_rep, access_of):
    other = MembershipFactory(org=org, role=Role.LEGAL_REPRESENTATIVE).user
    membership = _membership(org, other)
    member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.ADMINISTRATOR)
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR


def test_org6_last_legal_rep_cannot_leave(org, legal_rep, access_of):
    with pytest.raises(RuleViolation) as exc:
        member_leave(access=access_of(legal_rep))
    assert exc.value.code == "last_legal_representative"
    assert Membership.objects.filter(org=org, user=legal_rep).exists()


def test_org6_member_can_leave(org, legal_rep, collaborator, access_of):
    member_leave(access=access_of(collaborator))
    assert not Membership.objects.filter(org=org, user=collaborator).exists()
    assert AuditEvent.objects.filter(action="member.left", actor=collaborator).exists()


def test_org6_remove_member_emails_them(org, legal_rep, collaborator, access_of):
    member_remove(access=access_of(legal_rep), membership_id=_membership(org, collaborator).pk)
    assert not Membership.objects.filter(org=org, user=collaborator).exists()
    assert OutboxEmail.objects.filter(to=collaborator.email, template="clients/member_removed").exists()
    assert AuditEvent.objects.filter(action="member.removed", org=org).exists()


def test_org6_collaborator_cannot_remove(org, legal_rep, collaborator, access_of):
    with pytest.raises(NotAllowed):
        member_remove(access=access_of(collaborator), membership_id=_membership(org, legal_rep).pk)
    assert Membership.objects.filter(org=org, user=legal_rep).exists()


def test_org6_html_last_legal_rep_cannot_be_removed(client, org, legal_rep):
    client.force_login(legal_rep)
    membership = _membership(org, legal_rep)
    response = client.post(reverse("manager:member_remove", args=[membership.pk]), follow=True)
    assert "last legal representative" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_org6_html_role_change(client, org, legal_rep, collaborator):
    client.force_login(legal_rep)
    membership = _membership(org, collaborator)
    response = client.post(reverse("manager:member_set_role", args=[membership.pk]), {"role": "administrator"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR
    assert OutboxEmail.objects.filter(to=collaborator.email).count() == 1


def test_org6_api_last_legal_rep_demotion_is_409(api_client, org, legal_rep):
    api_client.force_login(legal_rep)
    membership = _membership(org, legal_rep)
    response = api_client.patch(
        f"/api/v1/orgs/{org.slug}/members/{membership.pk}/", {"role": "collaborator"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_legal_representative"
    membership.refresh_from_db()
    assert membership.role == Role.LEGAL_REPRESENTATIVE


def test_org6_api_admin_appointing_legal_rep_is_403(api_client, org, legal_rep, admin_user, collaborator):
    api_client.force_login(admin_user)
    membership = _membership(org, collaborator)
    response = api_client.patch(
        f"/api/v1/orgs/{org.slug}/members/{membership.pk}/", {"role": "legal_representative"}, format="json"
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.COLLABORATOR


def test_org6_api_remove_member(api_client, org, legal_rep, collaborator):
    api_client.force_login(legal_rep)
    membership = _membership(org, collaborator)
    response = api_client.delete(f"/api/v1/orgs/{org.slug}/members/{membership.pk}/")
    assert response.status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_org6_api_member_of_other_org_is_404(api_client, org, legal_rep):
    stranger = MembershipFactory(role=Role.COLLABORATOR)
    api_client.force_login(legal_rep)
    response = api_client.delete(f"/api/v1/orgs/{org.slug}/members/{stranger.pk}/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()
