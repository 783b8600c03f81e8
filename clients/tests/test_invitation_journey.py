"""ORG-6: an invited person without an account signs up, confirms the email and comes back to accept."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from clients.models import Membership, Role
from clients.services import member_invite
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def test_org6_invitee_signs_up_then_returns_to_invitation(client, org, legal_rep, access_of):
    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    accept_url = reverse("manager:invitation_accept", args=[invitation.token])
    response = client.post(
        f"{reverse('account_signup')}?next={accept_url}",
        {
            "email": "new@example.com",
            "email2": "new@example.com",
            "password1": "a-Long-pass-2026!",
            "password2": "a-Long-pass-2026!",
            "next": accept_url,
        },
    )
    assert response.status_code == 302
    confirmation = OutboxEmail.objects.exclude(template="clients/member_invitation").get(to="new@example.com")
    key_url = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", confirmation.body_text).group(0)
    path = key_url.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert response["Location"] == accept_url
    response = client.post(accept_url)
    assert response.status_code == 302
    assert Membership.objects.filter(org=org, user__email="new@example.com", role=Role.COLLABORATOR).exists()


def test_org6_onboarding_lists_invitations_for_my_email(client, org, legal_rep, access_of):
    from clients.tests.factories import UserFactory

    invitation = member_invite(access=access_of(legal_rep), email="new@example.com", role=Role.COLLABORATOR)
    client.force_login(UserFactory(email="new@example.com"))
    page = client.get(reverse("manager:dashboard")).content.decode()
    assert reverse("manager:invitation_accept", args=[invitation.token]) in page
    assert "Acme AG" in page
