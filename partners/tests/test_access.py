"""PS-12, PS-13, SEC-2: acting for a client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import AuditEvent
from clients.tenancy import SESSION_ORG_KEY, access_for
from partners import services
from partners.models import ClientPartnerSettings, CollaboratorRights, PartnerProfile, Partnership
from partners.tests.factories import OrganizationFactory, PartnershipFactory, PartnershipProductFactory, member
from portal.errors import RuleViolation

pytestmark = pytest.mark.django_db


def full(world, **kw):
    return PartnershipFactory(partner=world.partner, client=world.client_org, access_level="full", **kw)


def limited(world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=p, product=world.products[0])
    return p


def give_mfa(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_ps12_legal_rep_of_full_partner_acts_with_ordering(world):
    p = full(world)
    access = access_for(user=world.partner_rep, org=world.client_org)
    assert access.is_acting_for_client and access.partnership == p and access.actor_org == world.partner
    assert access.can("orders.place") and access.can("products.manage")


def test_ps12_limited_partner_never_orders_and_sees_granted_products_only(world):
    limited(world)
    access = access_for(user=world.partner_admin, org=world.client_org)
    assert not access.can("orders.place")
    assert access.scope["product_ids"] == [world.products[0].pk]
    from partners.selectors import products_visible_to

    assert list(products_visible_to(access=access)) == [world.products[0]]


def test_ps12_client_members_partnerships_billing_never_reachable(world):
    full(world, payment_method="partner_pays")
    access = access_for(user=world.partner_rep, org=world.client_org)
    for cap in (
        "members.view",
        "partnerships.view",
        "partnerships.manage",
        "billing.view",
        "support.view",
        "org.edit",
        "audit.view",
    ):
        assert not access.can(cap)


def test_ps12_no_access_without_active_partnership(world):
    p = full(world)
    p.status = "ended"
    p.save()
    assert access_for(user=world.partner_rep, org=world.client_org) is None


def test_ps12_access_recorded_on_client_trail_once(world):
    full(world)
    access_for(user=world.partner_rep, org=world.client_org)
    access_for(user=world.partner_rep, org=world.client_org)
    events = AuditEvent.objects.filter(org=world.client_org, action="partner.access", actor=world.partner_rep)
    assert events.count() == 1 and events.get().actor_org == world.partner


def test_ps13_collaborator_without_rights_cannot_open(world):
    full(world)
    assert access_for(user=world.partner_collab, org=world.client_org) is None


def test_ps13_collaborator_rights_limit_clients_and_actions(world):
    full(world)
    other_client = OrganizationFactory()
    PartnershipFactory(partner=world.partner, client=other_client, access_level="full")
    rights = services.collaborator_rights_set(
        access=access_for(user=world.partner_rep, org=world.partner),
        user=world.partner_collab,
        all_clients=False,
        client_ids=[world.client_org.pk],
        rights=["view"],
    )
    assert list(rights.clients.all()) == [world.client_org]
    access = access_for(user=world.partner_collab, org=world.client_org)
    assert access is not None and access.can("products.view") and not access.can("orders.place")
    assert access_for(user=world.partner_collab, org=other_client) is None
    assert AuditEvent.objects.filter(org=world.partner, action="partner.collaborator_rights_set").exists()


def test_ps13_collaborator_order_right_on_full(world):
    full(world)
    services.collaborator_rights_set(
        access=access_for(user=world.partner_rep, org=world.partner),
        user=world.partner_collab,
        all_clients=True,
        rights=["view", "order"],
    )
    assert access_for(user=world.partner_collab, org=world.client_org).can("orders.place")


def test_ps13_collaborator_cannot_set_rights(world):
    with pytest.raises(RuleViolation) as exc:
        services.collaborator_rights_set(
            access=access_for(user=world.partner_collab, org=world.partner),
            user=world.partner_collab,
            all_clients=True,
            rights=["order"],
        )
    assert exc.value.status == 403
    assert not CollaboratorRights.objects.exists()


def test_ps13_rights_page_html(client, world):
    full(world)
    client.force_login(world.partner_admin)
    assert world.partner_collab.email in client.get(reverse("partners:collaborators")).content.decode()
    response = client.post(
        reverse("partners:collaborator_edit", args=[world.partner_collab.pk]),
        {"clients": [world.client_org.pk], "rights": ["view", "manage_products"]},
    )
    assert response.status_code == 302
    rights = CollaboratorRights.objects.get(user=world.partner_collab)
    assert rights.can_manage_products and not rights.can_order


def test_sec2_client_requires_partner_mfa(world):
    full(world)
    ClientPartnerSettings.objects.create(client=world.client_org, require_partner_mfa=True)
    assert access_for(user=world.partner_rep, org=world.client_org) is None
    give_mfa(world.partner_rep)
    assert access_for(user=world.partner_rep, org=world.client_org) is not None


def test_sec2_explanatory_page_when_mfa_missing(client, world):
    p = full(world)
    ClientPartnerSettings.objects.create(client=world.client_org, require_partner_mfa=True)
    client.force_login(world.partner_rep)
    response = client.post(reverse("partners:access_client", args=[p.pk]))
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()


def test_sec2_partner_requires_mfa_of_its_members(client, world):
    PartnerProfile.objects.filter(org=world.partner).update(require_mfa=True)
    client.force_login(world.partner_rep)
    response = client.get(reverse("partners:clients"))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_sec2_client_sets_requirement_html(client, world):
    client.force_login(world.client_rep)
    client.post(reverse("partners:security"), {"what": "client", "require_mfa": "on"})
    assert ClientPartnerSettings.objects.get(client=world.client_org).require_partner_mfa
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.require_partner_mfa").exists()


def test_ps12_access_button_banner_products_and_leave(client, world):
    p = limited(world)
    client.force_login(world.partner_rep)
    response = client.post(reverse("partners:access_client", args=[p.pk]))
    assert response.status_code == 302
    assert client.session[SESSION_ORG_KEY] == world.client_org.pk
    page = client.get(reverse("partners:client_products")).content.decode()
    assert "You are acting for" in page and world.products[0].name in page and world.products[1].name not in page
    # the client's own pages stay its own
    assert client.get(reverse("partners:partners")).status_code == 404
    assert client.get(f"/api/v1/orgs/{world.client_org.slug}/partnerships/").status_code == 404
    client.post(reverse("partners:leave_client"))
    assert client.session[SESSION_ORG_KEY] == world.partner.pk
    assert AuditEvent.objects.filter(org=world.client_org, action="partner.access").exists()


def test_ps12_acting_for_client_resolved_without_asking_for_a_membership_again(client, world):
    """Issue 9: the person's memberships are loaded once per request; that none is in the
    client's org is known from them, not asked of the database a second time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = limited(world)
    client.force_login(world.partner_rep)
    client.post(reverse("partners:access_client", args=[p.pk]))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("partners:client_products"))

    assert page.status_code == 200 and world.products[0].name in page.content.decode()
    client_membership_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "clients_membership"')
        and f'WHERE ("clients_membership"."org_id" = {world.client_org.pk}' in q["sql"]
    ]
    assert client_membership_reads == []


def test_ps12_other_partner_cannot_open_client(client, world):
    p = full(world)
    stranger = OrganizationFactory()
    client.force_login(member(stranger))
    assert client.post(reverse("partners:access_client", args=[p.pk])).status_code == 404


def test_ps12_client_member_sees_all_own_products(client, world):
    client.force_login(world.client_admin)
    page = client.get(reverse("partners:client_products")).content.decode()
    assert all(p.name in page for p in world.products)


def test_ps13_collaborator_with_rights_opens_client_from_clients_list(client, world):
    p = full(world)
    services.collaborator_rights_set(
        access=access_for(user=world.partner_rep, org=world.partner),
        user=world.partner_collab,
        all_clients=False,
        client_ids=[world.client_org.pk],
        rights=["view"],
    )
    client.force_login(world.partner_collab)
    page = client.get(reverse("partners:clients"))
    assert page.status_code == 200
    assert reverse("partners:access_client", args=[p.pk]) in page.content.decode()
    response = client.post(reverse("partners:access_client", args=[p.pk]))
    assert response.status_code == 302
    assert client.session[SESSION_ORG_KEY] == world.client_org.pk
    assert AuditEvent.objects.filter(org=world.client_org, action="partner.access", actor=world.partner_collab).exists()


def test_ps3_partner_accepts_client_invitation_from_the_page(client, world):
    p = PartnershipFactory(
        partner=world.partner,
        client=world.client_org,
        access_level="full",
        status="pending",
        initiated_by="client",
    )
    client.force_login(world.partner_rep)
    response = client.post(reverse("partners:accept", args=[p.pk]))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "active"


def test_ps12_client_details_and_settings_page_is_not_shown_to_a_partner_acting_for_it(client, world):
    p = full(world)
    world.client_org.vat_number = "CHE109322551"
    world.client_org.save(update_fields=["vat_number"])
    client.force_login(world.partner_rep)
    assert client.post(reverse("partners:access_client", args=[p.pk])).status_code == 302

    response = client.get(reverse("manager:org_detail"))

    assert response.status_code == 404
    assert "109.322.551" not in response.content.decode()
    assert client.session[SESSION_ORG_KEY] == world.client_org.pk  # still acting for the client


def test_ps12_client_org_resource_is_refused_to_a_partner_through_the_api(client, world):
    full(world)
    client.force_login(world.partner_rep)

    response = client.get(f"/api/v1/orgs/{world.client_org.slug}/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "vat_number" not in response.content.decode()


def test_ps12_dashboard_acting_for_a_client_names_the_client_s_organization(client, world):
    p = full(world)
    client.force_login(world.partner_rep)
    client.post(reverse("partners:access_client", args=[p.pk]))

    page = client.get(reverse("manager:dashboard")).content.decode()

    assert "The client&#x27;s organization" in page or "The client's organization" in page
    assert "Your organization</h2>" not in page


def test_ps11_ended_partnership_page_no_longer_shows_its_planned_end_date(client, world):
    import datetime

    from django.utils import timezone

    p = full(world)
    Partnership.objects.filter(pk=p.pk).update(
        status="ended", ends_on=datetime.date(2030, 12, 31), ended_at=timezone.now()
    )
    client.force_login(world.client_rep)

    page = client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()

    assert "Ended" in page
    assert "31 Dec 2030" not in page and "Dec. 31, 2030" not in page
