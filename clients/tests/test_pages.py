"""Every clients page renders for the roles that may see it; list pages have a flat query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import AuditEvent, MemberInvitation, Role
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


def _audit_events(org, n: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(org=org, action="org.updated", created_at=now - timedelta(minutes=i), details={"i": i})
        for i in range(n)
    )


def test_au1_audit_trail_pages_of_50_without_a_count(client, org, legal_rep):
    _audit_events(org, 52)
    client.force_login(legal_rep)

    with CaptureQueriesContext(connection) as ctx:
        first = client.get(reverse("manager:audit"))
    second = client.get(reverse("manager:audit"), {"page": 2})

    assert len(first.context["page"]) == 50 and first.context["page"].has_next()
    assert len(second.context["page"]) == 2 and not second.context["page"].has_next()
    assert 'href="?page=2"' in first.content.decode()
    assert not any("COUNT(" in q["sql"].upper() and "audit" in q["sql"] for q in ctx.captured_queries)


def test_au1_audit_trail_page_past_the_last_says_so(client, org, legal_rep):
    _audit_events(org, 1)
    client.force_login(legal_rep)

    page = client.get(reverse("manager:audit"), {"page": 5}).content.decode()

    assert "No more events on this page." in page and "Nothing recorded yet" not in page


def _notifications(user, n: int) -> None:
    from portal.models import Notification

    Notification.objects.bulk_create(Notification(user=user, subject=f"Note {i:03d}", body="-") for i in range(n))


def test_nt2_notifications_pages_of_25_without_a_count_marking_only_the_page_read(client, legal_rep):
    from portal.models import Notification

    _notifications(legal_rep, 27)
    client.force_login(legal_rep)

    with CaptureQueriesContext(connection) as ctx:
        first = client.get(reverse("manager:notifications"))

    assert len(first.context["page"]) == 25 and first.context["page"].has_next()
    assert 'href="?page=2"' in first.content.decode()
    assert not any("COUNT(" in q["sql"].upper() and "notification" in q["sql"] for q in ctx.captured_queries)
    assert Notification.objects.filter(user=legal_rep, read_at__isnull=True).count() == 2
    second = client.get(reverse("manager:notifications"), {"page": 2})
    assert len(second.context["page"]) == 2 and not second.context["page"].has_next()
    assert not Notification.objects.filter(user=legal_rep, read_at__isnull=True).exists()


def test_nt2_notifications_page_past_the_last_says_so(client, legal_rep):
    _notifications(legal_rep, 1)
    client.force_login(legal_rep)

    page = client.get(reverse("manager:notifications"), {"page": 4}).content.decode()

    assert "No more notifications on this page." in page and "No notifications yet" not in page


def test_au1_audit_target_is_named_in_the_reader_s_language(client, org, legal_rep, collaborator):
    from clients.audit import audit_record

    membership = collaborator.memberships.get(org=org)
    audit_record(action="member.role_changed", org=org, actor=legal_rep, target=membership)
    legal_rep.language = "es"
    legal_rep.save(update_fields=["language"])
    client.force_login(legal_rep)

    response = client.get(reverse("manager:audit"), HTTP_ACCEPT_LANGUAGE="es")

    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.target_repr == f"{collaborator} @ {org}"  # no role code in the stored names
    assert f"Membresía: {collaborator} @ {org}" in response.content.decode()


def test_au1_audit_target_of_an_unknown_kind_shows_the_recorded_names():
    event = AuditEvent(action="x", target_type="gone.model", target_repr="Something")

    assert event.target_label == "Something"


def test_au1_audit_trail_shows_the_details_in_the_reader_s_language(client, org, legal_rep, collaborator):
    from clients.audit import audit_record

    audit_record(
        action="member.role_changed",
        org=org,
        actor=legal_rep,
        details={"email": collaborator.email, "old": "collaborator", "new": "administrator", "invitation": 7},
    )
    audit_record(action="token.created", org=org, actor=legal_rep, details={"expires_at": "2027-01-31T10:00:00+00:00"})
    client.force_login(legal_rep)

    english = client.get(reverse("manager:audit")).content.decode()
    legal_rep.language = "es"
    legal_rep.save(update_fields=["language"])
    spanish = client.get(reverse("manager:audit")).content.decode()

    assert f"Email: {collaborator.email}<br>Before: collaborator<br>After: administrator</td>" in english
    assert "Expires: 31 Jan 2027, 11:00" in english  # Zurich time
    assert "Antes: colaborador<br>Después: administrador" in spanish
    assert "invitation" not in english  # internal references are not shown


def test_au1_audit_details_name_what_they_refer_to_in_one_query_each(client, org, legal_rep):
    from clients.audit import audit_record
    from clients.tests.factories import OrganizationFactory, ProductFactory

    product = ProductFactory(org=org, name="shop.example")
    other = OrganizationFactory(name="Gamma GmbH")
    audit_record(
        action="partnership.products_changed", org=org, actor=legal_rep, details={"added": [product.pk], "removed": []}
    )
    audit_record(
        action="partner.collaborator_rights_set",
        org=org,
        actor=legal_rep,
        details={"clients": [other.pk], "rights": ["view", "order"]},
    )
    audit_record(
        action="payout.requested",
        org=org,
        actor=legal_rep,
        details={"amount": "1234.50", "currency": "CHF", "method": "bank"},
    )
    client.force_login(legal_rep)

    page = client.get(reverse("manager:audit")).content.decode()

    assert "Added: shop.example" in page
    assert "Clients: Gamma GmbH<br>Rights: view, order" in page
    assert "Amount: CHF\xa01,234.50" in page and "Method: bank transfer" in page


def test_au1_audit_page_query_count_does_not_grow_with_referenced_objects(client, org, legal_rep):
    from django.test.utils import CaptureQueriesContext

    from clients.audit import audit_record
    from clients.tests.factories import ProductFactory

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("manager:audit"))
        return len(ctx)

    client.force_login(legal_rep)
    audit_record(
        action="partnership.products_changed", org=org, actor=legal_rep, details={"added": [ProductFactory(org=org).pk]}
    )
    queries()  # the first page of a session reads more (session, fragments)
    one = queries()
    for _ in range(5):
        audit_record(
            action="partnership.products_changed",
            org=org,
            actor=legal_rep,
            details={"added": [ProductFactory(org=org).pk]},
        )

    assert queries() == one
