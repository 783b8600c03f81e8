"""Every clients page renders for the roles that may see it; list pages have a flat query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import MemberInvitation, Role
from clients.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PAGES = ["dashboard", "org_detail", "org_edit", "org_create", "members", "tokens", "audit", "account", "notifications"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_for_legal_rep(client, org, legal_rep, name):
    client.force_login(legal_rep)
    response = client.get(reverse(f"manager:{name}"))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize(("name", "status"), [("org_edit", 404), ("audit", 404), ("members", 200), ("tokens", 200)])
def test_pages_for_collaborator(client, org, collaborator, name, status):
    client.force_login(collaborator)
    assert client.get(reverse(f"manager:{name}")).status_code == status


def test_org6_collaborator_sees_no_invite_form(client, org, collaborator):
    client.force_login(collaborator)
    page = client.get(reverse("manager:members")).content.decode()
    assert 'name="email"' not in page
    assert (
        client.post(reverse("manager:members"), {"email": "x@example.com", "role": "collaborator"}).status_code == 404
    )
    assert not MemberInvitation.objects.exists()


def test_org6_administrator_invite_form_offers_no_legal_rep(client, org, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("manager:members"))
    assert [c[0] for c in response.context["invite_form"].fields["role"].choices] == ["administrator", "collaborator"]


def test_pages_anonymous_redirected_to_login(client):
    for name in ("org_detail", "members", "tokens", "org_create"):
        response = client.get(reverse(f"manager:{name}"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_pages_members_query_count_is_flat(client, org, legal_rep):
    """The members page makes as many queries for 30 members and invitations as for one."""
    client.force_login(legal_rep)
    client.get(reverse("manager:members"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("manager:members")).status_code == 200
    for n in range(30):
        MembershipFactory(org=org, role=Role.COLLABORATOR)
        MemberInvitation.objects.create(
            org=org, email=f"p{n}@example.com", role=Role.COLLABORATOR, invited_by=legal_rep
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("manager:members")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
