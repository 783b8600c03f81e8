"""PS-1..PS-11, PS-14, PS-15: partnership lifecycle, scope and payment method."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent, Role
from clients.tenancy import access_for
from partners import selectors, services
from partners.models import Partnership, PartnershipProduct
from partners.tests.factories import (
    OrganizationFactory,
    PartnerProfileFactory,
    PartnershipFactory,
    PartnershipProductFactory,
    ProductFactory,
    member,
)
from portal.errors import RuleViolation
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db


def invite_client(world, **kw):
    args = {"client_email": world.client_rep.email, "access_level": "full", "payment_method": "client_pays"}
    args.update(kw)
    return services.partnership_invite_client(access=access_for(user=world.partner_rep, org=world.partner), **args)


def invite_partner(world, **kw):
    args = {"partner": world.partner, "access_level": "limited", "product_ids": [world.products[0].pk]}
    args.update(kw)
    return services.partnership_invite_partner(access=access_for(user=world.client_rep, org=world.client_org), **args)


def other_partner(name="Other Partner AG"):
    org = OrganizationFactory(name=name)
    PartnerProfileFactory(org=org)
    rep = member(org)
    return org, rep


# --- PS-2: partner adds a client ---


def test_ps2_partner_legal_rep_invites_client_by_email(world):
    p = invite_client(world)
    assert p.status == "pending" and p.client is None and p.invited_email == world.client_rep.email
    assert p.expires_at > timezone.now() + timedelta(days=13)
    assert OutboxEmail.objects.filter(to=world.client_rep.email, template="partners/invitation_to_client").exists()
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.invited").exists()


@pytest.mark.parametrize("who", ["partner_admin", "partner_collab"])
def test_ps2_only_partner_legal_reps_may_invite(world, who):
    user = getattr(world, who)
    with pytest.raises(RuleViolation) as exc:
        services.partnership_invite_client(
            access=access_for(user=user, org=world.partner), client_email="x@y.ch", access_level="limited"
        )
    assert exc.value.status == 403
    assert not Partnership.objects.exists()


def test_ps2_non_partner_refused(world):
    with pytest.raises(RuleViolation) as exc:
        services.partnership_invite_client(
            access=access_for(user=world.client_rep, org=world.client_org),
            client_email="x@y.ch",
            access_level="limited",
        )
    assert exc.value.code == "not_a_partner"


def test_ps2_invitation_pending_in_every_org_where_email_is_legal_rep(world):
    second = OrganizationFactory(name="Second GmbH")
    from clients.models import Membership

    Membership.objects.create(org=second, user=world.client_rep, role=Role.LEGAL_REPRESENTATIVE)
    p = invite_client(world)
    for org in (world.client_org, second):
        assert p in selectors.partnerships_visible_to(access=access_for(user=world.client_rep, org=org))
    # an administrator of the client doesn't see invitations addressed to someone else
    assert p not in selectors.partnerships_visible_to(access=access_for(user=world.client_admin, org=world.client_org))


def test_ps2_invitation_waits_for_sign_up(world):
    p = invite_client(world, client_email="new.person@example.org")
    from clients.services import org_create
    from clients.tests.factories import UserFactory

    newcomer = UserFactory(email="new.person@example.org")
    org = org_create(user=newcomer, name="Newcomer SA", kind="company", country="CH")
    accepted = services.partnership_accept(access=access_for(user=newcomer, org=org), partnership=p)
    assert accepted.status == "active" and accepted.client == org


def test_ps2_client_accepts_as_asked_partner_reps_emailed_to_review(world):
    p = invite_client(world)
    p = services.partnership_accept(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    assert p.status == "active" and p.client == world.client_org and p.needs_review
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/accepted").exists()
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.accepted").exists()
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.accepted").exists()


def test_ps2_client_grants_other_rights_counter_offer(world):
    p = invite_client(world)
    p = services.partnership_accept(
        access=access_for(user=world.client_rep, org=world.client_org),
        partnership=p,
        access_level="limited",
        product_ids=[world.products[1].pk],
    )
    assert p.access_level == "limited" and p.payment_method is None and p.needs_review
    assert list(selectors.granted_product_ids(partnership=p)) == [world.products[1].pk]
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/accepted_review").exists()
    details = AuditEvent.objects.get(org=world.partner, action="partnership.accepted").details
    assert details["different_from_request"] is True


def test_ps2_acknowledge_clears_to_review(world):
    p = invite_client(world)
    p = services.partnership_accept(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    p = services.partnership_acknowledge(access=access_for(user=world.partner_admin, org=world.partner), partnership=p)
    assert not p.needs_review and p.acknowledged_by == world.partner_admin


def test_ps2_client_administrator_may_not_accept(world):
    p = invite_client(world, client_email=world.client_admin.email)
    with pytest.raises(RuleViolation) as exc:
        services.partnership_accept(access=access_for(user=world.client_admin, org=world.client_org), partnership=p)
    assert exc.value.status == 403
    p.refresh_from_db()
    assert p.status == "pending"


def test_ps2_partner_cannot_accept_its_own_invitation(world):
    p = invite_client(world)
    with pytest.raises(RuleViolation):
        services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)


# --- PS-3: client adds a partner ---


def test_ps3_client_invites_partner_emailed(world):
    p = invite_partner(world)
    assert p.status == "pending" and p.initiated_by == "client" and p.client == world.client_org
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/invitation_to_partner").exists()


def test_ps3_client_administrator_may_not_invite(world):
    with pytest.raises(RuleViolation) as exc:
        services.partnership_invite_partner(
            access=access_for(user=world.client_admin, org=world.client_org),
            partner=world.partner,
            access_level="full",
            payment_method="client_pays",
        )
    assert exc.value.status == 403


def test_ps3_search_partners_by_name_or_email(world):
    assert [pp.org for pp in selectors.search_partners(query="helvetia")] == [world.partner]
    assert [pp.org for pp in selectors.search_partners(query=world.partner_rep.email)] == [world.partner]
    assert not selectors.search_partners(query="nobody").exists()


def test_ps3_non_partner_cannot_be_invited(world):
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, partner=OrganizationFactory())
    assert exc.value.code == "not_a_partner"


def test_ps3_partner_accepts(world):
    p = invite_partner(world)
    p = services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)
    assert p.status == "active" and not p.needs_review
    assert selectors.limited_manager_of(product=world.products[0]) == world.partner
    assert OutboxEmail.objects.filter(to=world.client_rep.email, template="partners/accepted").exists()


def test_ps3_partner_declines(world):
    p = invite_partner(world)
    p = services.partnership_decline(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)
    assert p.status == "declined"
    assert OutboxEmail.objects.filter(to=world.client_rep.email, template="partners/declined").exists()


def test_ps3_sender_withdraws_and_resends(world):
    p = invite_partner(world)
    services.partnership_resend(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    assert (
        OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/invitation_to_partner").count() == 2
    )
    p = services.partnership_withdraw(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    assert p.status == "withdrawn"
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/withdrawn").exists()


def test_ps3_receiver_cannot_withdraw(world):
    p = invite_partner(world)
    with pytest.raises(RuleViolation):
        services.partnership_withdraw(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)


# --- PS-1: expiry ---


def test_ps1_pending_expires_after_14_days(world):
    p = invite_client(world)
    assert services.partnerships_expire(now=timezone.now() + timedelta(days=13)) == 0
    assert services.partnerships_expire(now=timezone.now() + timedelta(days=15)) == 1
    p.refresh_from_db()
    assert p.status == "expired"
    assert OutboxEmail.objects.filter(template="partners/expired", to=world.partner_rep.email).exists()
    assert OutboxEmail.objects.filter(template="partners/expired", to=world.client_rep.email).exists()


def test_ps1_expired_invitation_cannot_be_accepted(world):
    p = invite_client(world)
    Partnership.objects.filter(pk=p.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(RuleViolation) as exc:
        services.partnership_accept(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    assert exc.value.code == "invitation_expired"


# --- PS-4/PS-5: limited access ---


def test_ps5_product_managed_by_other_partner_refused_naming_both(world):
    other, other_rep = other_partner()
    first = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=first, product=world.products[0])
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world)
    assert exc.value.code == "product_managed_by_other_partner"
    assert world.products[0].name in str(exc.value.message) and other.name in str(exc.value.message)


def test_ps5_two_limited_partners_on_distinct_products_allowed(world):
    other, _ = other_partner()
    first = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=first, product=world.products[0])
    p = invite_partner(world, product_ids=[world.products[1].pk])
    p = services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)
    assert p.status == "active"


def test_ps5_database_refuses_second_active_grant():
    from django.db import IntegrityError, transaction

    product = ProductFactory()
    a = PartnershipFactory(client=product.org, access_level="limited", payment_method=None)
    b = PartnershipFactory(client=product.org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=a, product=product)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipProductFactory(partnership=b, product=product)


def test_ps5_conflict_at_acceptance_refused(world):
    p = invite_partner(world)
    other, _ = other_partner()
    first = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=first, product=world.products[0])
    with pytest.raises(RuleViolation) as exc:
        services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)
    # the partner is told the client must change its request, never who manages the product
    assert exc.value.code == "request_outdated"
    p.refresh_from_db()
    assert p.status == "pending"


def test_ps5_limited_requires_products(world):
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, product_ids=[])
    assert exc.value.code == "products_required"


def test_ps5_cannot_grant_another_orgs_product(world):
    foreign = ProductFactory()
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, product_ids=[foreign.pk])
    assert exc.value.code == "invalid_product"


def test_ps5_an_id_beyond_any_possible_product_is_refused_as_bad_input(world):
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, product_ids=[10**30])
    assert exc.value.code == "invalid_product" and exc.value.status == 400
    assert not Partnership.objects.exists()


def test_ps5_api_refuses_an_out_of_range_product_id_with_a_field_error(client, world):
    client.force_login(world.client_rep)

    response = client.post(
        f"/api/v1/orgs/{world.client_org.slug}/partnerships/",
        {"partner": world.partner.slug, "access_level": "limited", "product_ids": [10**30]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "product_ids.0": ["Ensure this value is less than or equal to 9223372036854775807."]
    }
    assert not Partnership.objects.exists()


def test_ps5_a_product_named_twice_is_granted_once(world):
    p = invite_partner(world, product_ids=[world.products[0].pk, world.products[0].pk])
    assert p.requested_product_ids == [world.products[0].pk]


# --- PS-6/PS-7: full access ---


def test_ps7_second_full_partner_refused(world):
    other, _ = other_partner()
    PartnershipFactory(partner=other, client=world.client_org, access_level="full")
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, access_level="full", payment_method="client_pays", product_ids=[])
    assert exc.value.code == "full_partner_exists"


def test_ps7_second_full_refused_at_acceptance(world):
    p = invite_client(world)
    other, _ = other_partner()
    PartnershipFactory(partner=other, client=world.client_org, access_level="full")
    with pytest.raises(RuleViolation) as exc:
        services.partnership_accept(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    assert exc.value.code == "full_partner_exists" and exc.value.status == 409


def test_ps7_database_refuses_two_active_full():
    from django.db import IntegrityError, transaction

    client_org = OrganizationFactory()
    PartnershipFactory(client=client_org, access_level="full")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(client=client_org, access_level="full")


def test_ps7_full_and_limited_coexist(world):
    other, _ = other_partner()
    PartnershipFactory(partner=other, client=world.client_org, access_level="full")
    p = invite_partner(world)
    assert services.partnership_accept(
        access=access_for(user=world.partner_rep, org=world.partner), partnership=p
    ).is_active


def test_ps6_full_requires_payment_method(world):
    with pytest.raises(RuleViolation) as exc:
        invite_client(world, payment_method=None)
    assert exc.value.code == "invalid_payment_method"


# --- PS-9 / PS-10 ---


def active_full(world, method="client_pays"):
    return PartnershipFactory(
        partner=world.partner, client=world.client_org, access_level="full", payment_method=method
    )


def active_limited(world, products=None):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, access_level="limited", payment_method=None)
    for product in products or [world.products[0]]:
        PartnershipProductFactory(partnership=p, product=product)
    return p


def test_ps9_client_changes_payment_method_partner_emailed(world):
    p = active_full(world)
    p = services.partnership_change_payment_method(
        access=access_for(user=world.client_rep, org=world.client_org), partnership=p, payment_method="partner_pays"
    )
    assert p.payment_method == "partner_pays"
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/payment_method_changed").exists()
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.payment_method_changed").exists()
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.payment_method_changed").exists()


def test_ps9_partner_cannot_change_payment_method(world):
    p = active_full(world)
    with pytest.raises(RuleViolation):
        services.partnership_change_payment_method(
            access=access_for(user=world.partner_rep, org=world.partner), partnership=p, payment_method="partner_pays"
        )
    p.refresh_from_db()
    assert p.payment_method == "client_pays"


def test_ps9_confirmation_page_says_what_changes(client, world):
    p = active_full(world)
    client.force_login(world.client_rep)
    response = client.get(reverse("partners:payment_method", args=[p.pk]), {"payment_method": "partner_pays"})
    assert response.status_code == 200
    assert "visible only in the partner" in response.content.decode()
    client.post(reverse("partners:payment_method", args=[p.pk]), {"payment_method": "partner_pays"})
    p.refresh_from_db()
    assert p.payment_method == "partner_pays"


def test_ps10_client_adds_and_removes_products_partner_emailed(world):
    p = active_limited(world)
    services.partnership_set_products(
        access=access_for(user=world.client_rep, org=world.client_org),
        partnership=p,
        product_ids=[world.products[1].pk, world.products[2].pk],
    )
    assert selectors.granted_product_ids(partnership=p) == sorted([world.products[1].pk, world.products[2].pk])
    assert PartnershipProduct.objects.filter(partnership=p, product=world.products[0], active=False).exists()
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/products_changed")
    assert world.products[0].name in email.body_text
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.products_changed").exists()


def test_ps10_adding_product_of_other_partner_refused(world):
    p = active_limited(world)
    other, _ = other_partner()
    q = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=q, product=world.products[2])
    with pytest.raises(RuleViolation) as exc:
        services.partnership_set_products(
            access=access_for(user=world.client_rep, org=world.client_org),
            partnership=p,
            product_ids=[world.products[0].pk, world.products[2].pk],
        )
    assert exc.value.code == "product_managed_by_other_partner"
    assert other.name in str(exc.value.message)


def test_ps10_client_administrator_cannot_change_products(world):
    p = active_limited(world)
    with pytest.raises(RuleViolation) as exc:
        services.partnership_set_products(
            access=access_for(user=world.client_admin, org=world.client_org),
            partnership=p,
            product_ids=[world.products[1].pk],
        )
    assert exc.value.status == 403


# --- PS-11 ---


def test_ps11_client_ends_with_password_partner_emailed_products_stay(world):
    p = active_limited(world)
    p = services.partnership_end(
        access=access_for(user=world.client_rep, org=world.client_org), partnership=p, password="Tr0ub4dor&3-horse"
    )
    assert p.status == "ended" and p.ended_by_side == "client"
    assert world.products[0].org_id == world.client_org.pk
    assert PartnershipProduct.objects.filter(partnership=p, active=False).count() == 1
    assert selectors.limited_manager_of(product=world.products[0]) is None
    assert OutboxEmail.objects.filter(to=world.partner_rep.email, template="partners/ended").exists()
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.ended").exists()


def test_ps11_partner_ends_too(world):
    p = active_full(world)
    p = services.partnership_end(
        access=access_for(user=world.partner_rep, org=world.partner), partnership=p, password="Tr0ub4dor&3-horse"
    )
    assert p.status == "ended"
    assert OutboxEmail.objects.filter(to=world.client_rep.email, template="partners/ended").exists()


def test_ps11_wrong_password_refused(world):
    p = active_full(world)
    with pytest.raises(RuleViolation) as exc:
        services.partnership_end(
            access=access_for(user=world.client_rep, org=world.client_org), partnership=p, password="nope"
        )
    assert exc.value.code == "wrong_password"
    p.refresh_from_db()
    assert p.status == "active"


def test_ps11_administrator_cannot_end(world):
    p = active_full(world)
    with pytest.raises(RuleViolation) as exc:
        services.partnership_end(
            access=access_for(user=world.client_admin, org=world.client_org),
            partnership=p,
            password="Tr0ub4dor&3-horse",
        )
    assert exc.value.status == 403


def test_ps11_html_two_confirmations(client, world):
    p = active_full(world)
    client.force_login(world.client_rep)
    first = client.post(reverse("partners:end", args=[p.pk]), {"step": "1"})
    assert first.status_code == 200 and 'name="password"' in first.content.decode()
    p.refresh_from_db()
    assert p.status == "active"
    client.post(reverse("partners:end", args=[p.pk]), {"step": "2", "password": "Tr0ub4dor&3-horse"})
    p.refresh_from_db()
    assert p.status == "ended"


def test_ps1_ended_partnership_stays_in_history(client, world):
    p = active_full(world)
    services.partnership_end(
        access=access_for(user=world.client_rep, org=world.client_org), partnership=p, password="Tr0ub4dor&3-horse"
    )
    client.force_login(world.client_rep)
    assert world.partner.name in client.get(reverse("partners:partners")).content.decode()


# --- PS-14 ---


def test_ps14_client_administrator_sees_partners_but_no_manage_buttons(client, world):
    p = active_full(world)
    client.force_login(world.client_admin)
    page = client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()
    assert world.partner.name in page
    assert reverse("partners:end", args=[p.pk]) not in page


def test_ps14_collaborator_does_not_see_partnerships(client, world):
    collab = member(world.client_org, Role.COLLABORATOR)
    p = active_full(world)
    client.force_login(collab)
    assert client.get(reverse("partners:partnership_detail", args=[p.pk])).status_code == 404


def test_ps14_other_org_gets_404(client, world):
    p = active_full(world)
    stranger_org = OrganizationFactory()
    client.force_login(member(stranger_org))
    assert client.get(reverse("partners:partnership_detail", args=[p.pk])).status_code == 404


# --- PS-15 ---


def test_ps15_end_date_reminders_30_7_1_idempotent(world):
    p = active_full(world)
    today = timezone.localdate()
    services.partnership_set_end_date(
        access=access_for(user=world.client_rep, org=world.client_org), partnership=p, ends_on=today + timedelta(days=7)
    )
    assert services.partnerships_send_end_reminders(today=today) == 2
    services.partnerships_send_end_reminders(today=today)
    assert OutboxEmail.objects.filter(template="partners/end_reminder").count() == 2
    assert services.partnerships_send_end_reminders(today=today + timedelta(days=6)) == 2
    assert services.partnerships_send_end_reminders(today=today + timedelta(days=2)) == 0


def test_ps15_extension_by_client_and_auto_end(world):
    p = active_full(world)
    today = timezone.localdate()
    access = access_for(user=world.client_rep, org=world.client_org)
    services.partnership_set_end_date(access=access, partnership=p, ends_on=today + timedelta(days=1))
    services.partnership_set_end_date(access=access, partnership=p, ends_on=today + timedelta(days=40))
    assert services.partnerships_end_due(today=today + timedelta(days=1)) == 0
    assert services.partnerships_end_due(today=today + timedelta(days=40)) == 1
    p.refresh_from_db()
    assert p.status == "ended"
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.ended").exists()


def test_ps15_partner_cannot_set_end_date(world):
    p = active_full(world)
    with pytest.raises(RuleViolation):
        services.partnership_set_end_date(
            access=access_for(user=world.partner_rep, org=world.partner),
            partnership=p,
            ends_on=timezone.localdate() + timedelta(days=5),
        )


# --- PS-16 ---


def test_ps16_clients_list_search_filter_csv(client, world):
    active_full(world)
    other_client = OrganizationFactory(name="Atelier Dupont SARL")
    PartnershipFactory(partner=world.partner, client=other_client, access_level="limited", payment_method=None)
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:clients")).content.decode()
    assert "Bäckerei" in page and "Atelier Dupont" in page
    filtered = client.get(reverse("partners:clients"), {"level": "limited"}).content.decode()
    assert "Atelier Dupont" in filtered and "Bäckerei" not in filtered
    searched = client.get(reverse("partners:clients"), {"q": "bäck"}).content.decode()
    assert "Bäckerei" in searched and "Atelier" not in searched
    csv = client.get(reverse("partners:clients"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    body = b"".join(csv.streaming_content).decode()
    assert "revenue_earned" in body and "Atelier Dupont SARL" in body


def test_ps16_clients_list_query_count_flat(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.partner_rep)
    PartnershipFactory(partner=world.partner, client=OrganizationFactory(name="C-first"), access_level="full")
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("partners:clients")).status_code == 200
    for i in range(20):
        PartnershipFactory(partner=world.partner, client=OrganizationFactory(name=f"C{i}"), access_level="full")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("partners:clients")).status_code == 200
    assert len(many) <= len(one)  # the first request also warms the session


# --- HTML main paths ---


def test_ps2_html_invite_accept_with_other_rights_acknowledge(client, world):
    client.force_login(world.partner_rep)
    client.post(
        reverse("partners:invite_client"),
        {"client_email": world.client_rep.email, "access_level": "full", "payment_method": "client_pays"},
    )
    p = Partnership.objects.get()
    client.force_login(world.client_rep)
    assert world.partner.name in client.get(reverse("partners:pending")).content.decode()
    response = client.post(
        reverse("partners:accept", args=[p.pk]), {"access_level": "limited", "products": [world.products[0].pk]}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "active" and p.access_level == "limited" and p.needs_review
    client.force_login(world.partner_rep)
    assert "to review" in client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()
    client.post(reverse("partners:acknowledge", args=[p.pk]))
    p.refresh_from_db()
    assert not p.needs_review


def test_ps3_html_client_invites_partner_and_ps5_error_shown(client, world):
    other, _ = other_partner()
    q = PartnershipFactory(partner=other, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=q, product=world.products[0])
    client.force_login(world.client_rep)
    assert "Helvetia" in client.get(reverse("partners:invite_partner"), {"q": "helvetia"}).content.decode()
    response = client.post(
        reverse("partners:invite_partner"),
        {"partner": world.partner.partner_profile.slug, "access_level": "limited", "products": [world.products[0].pk]},
    )
    assert response.status_code == 400
    assert other.name in response.content.decode()
    response = client.post(
        reverse("partners:invite_partner"),
        {"partner": world.partner.partner_profile.slug, "access_level": "limited", "products": [world.products[1].pk]},
    )
    assert response.status_code == 302
    assert Partnership.objects.filter(partner=world.partner, status="pending").exists()


def test_ps10_html_set_products(client, world):
    p = active_limited(world)
    client.force_login(world.client_rep)
    client.post(reverse("partners:set_products", args=[p.pk]), {"products": [world.products[1].pk]})
    assert selectors.granted_product_ids(partnership=p) == [world.products[1].pk]


def test_ps16_figures_come_from_registered_provider(client, world, monkeypatch):
    from decimal import Decimal

    active_full(world)

    def provider(*, partner):
        return {
            world.client_org.pk: {
                "cashback_earned": Decimal("12.50"),
                "discounts_received": Decimal("3.00"),
                "total_paid": Decimal("99.90"),
                "currency": "CHF",
            }
        }

    monkeypatch.setattr(selectors, "_client_figures_providers", [provider])
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:clients")).content.decode()
    assert "CHF\u00a012.50" in page and "CHF\u00a099.90" in page  # issue 8: |money
    csv = b"".join(client.get(reverse("partners:clients"), {"format": "csv"}).streaming_content).decode()
    assert "12.50" in csv and "3.00" in csv


def test_ps16_clients_csv_every_row_under_its_header_across_batches(client, world, monkeypatch):
    """Each value under its column (the export had no `currency` header, so `since` sat over the
    currency), every client once, in the list's order, with figures in every batch (issue 9)."""
    import csv as csv_module
    import io
    from decimal import Decimal

    from partners import views

    monkeypatch.setattr(views, "CSV_BATCH", 2)
    names = ["Alpha GmbH", "Beta GmbH", "Gamma GmbH"]
    for name in names:
        PartnershipFactory(partner=world.partner, client=OrganizationFactory(name=name), accepted_at=timezone.now())

    def provider(*, partner, client_ids):
        return {pk: {"cashback_earned": Decimal("1.25"), "currency": "EUR"} for pk in client_ids}

    monkeypatch.setattr(selectors, "_client_figures_providers", [provider])
    client.force_login(world.partner_rep)

    response = client.get(reverse("partners:clients"), {"format": "csv"})
    reader = csv_module.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    rows = list(reader)

    assert reader.fieldnames[-3:] == ["total_paid", "currency", "since"]
    assert all(None not in row and len(row) == len(reader.fieldnames) for row in rows)
    assert [row["client"] for row in rows] == names
    assert {row["currency"] for row in rows} == {"EUR"} and {row["revenue_earned"] for row in rows} == {"1.25"}
    assert all(row["since"] == timezone.now().date().isoformat() for row in rows)


def test_ps3_partner_picked_from_directory_preselected(client, world):
    client.force_login(world.client_rep)
    slug = world.partner.partner_profile.slug
    page = client.get(reverse("partners:invite_partner"), {"partner": slug}).content.decode()
    assert f'value="{slug}"' in page and "checked" in page


def test_sec3_partner_invitations_are_rate_limited(world, acc, settings):
    from partners.models import Partnership
    from partners.services import partnership_invite_client
    from portal.errors import RuleViolation

    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "partner_invite": (2, 3600)}
    access = acc(world.partner_rep, world.partner)
    for n in range(2):
        partnership_invite_client(
            access=access, client_email=f"c{n}@example.com", access_level="full", payment_method="client_pays"
        )
    with pytest.raises(RuleViolation) as refused:
        partnership_invite_client(
            access=access, client_email="c3@example.com", access_level="full", payment_method="client_pays"
        )
    assert refused.value.code == "rate_limited" and refused.value.status == 429
    assert not Partnership.objects.filter(invited_email="c3@example.com").exists()


# --- PS-2/PS-7: no invitation that could only fail when accepted ---


def test_ps2_invite_refused_when_client_already_active_client(world):
    active_full(world)
    with pytest.raises(RuleViolation) as exc:
        invite_client(world)
    assert exc.value.code == "partnership_exists" and exc.value.status == 409
    assert world.client_org.name in str(exc.value.message)
    assert Partnership.objects.filter(invited_email=world.client_rep.email, status="pending").count() == 0
    assert not OutboxEmail.objects.filter(template="partners/invitation_to_client").exists()


def test_ps2_invite_refused_when_client_already_asked_this_partner(world):
    invite_partner(world)
    with pytest.raises(RuleViolation) as exc:
        invite_client(world)
    assert exc.value.code == "partnership_exists"
    assert "Pending invitations" in str(exc.value.message)
    assert Partnership.objects.count() == 1
    assert not OutboxEmail.objects.filter(template="partners/invitation_to_client").exists()


def test_ps2_invite_refused_by_a_verified_secondary_address_of_the_client_rep(world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=world.client_rep, email="second@baeckerei.ch", verified=True)
    active_full(world)
    with pytest.raises(RuleViolation) as exc:
        invite_client(world, client_email="Second@Baeckerei.ch")
    assert exc.value.code == "partnership_exists"
    assert not Partnership.objects.filter(status="pending").exists()


def test_ps2_invite_allowed_when_the_person_represents_another_org_still_free(world):
    from clients.models import Membership

    active_full(world)
    second = OrganizationFactory(name="Second GmbH")
    Membership.objects.create(org=second, user=world.client_rep, role=Role.LEGAL_REPRESENTATIVE)
    p = invite_client(world)
    assert p.status == "pending"
    accepted = services.partnership_accept(access=access_for(user=world.client_rep, org=second), partnership=p)
    assert accepted.status == "active" and accepted.client == second


def test_ps2_invite_allowed_after_the_partnership_ended(world):
    p = active_full(world)
    Partnership.objects.filter(pk=p.pk).update(status="ended")
    assert invite_client(world).status == "pending"


def test_ps2_html_invite_existing_client_shows_error_and_sends_nothing(client, world):
    active_full(world)
    client.force_login(world.partner_rep)
    response = client.post(
        reverse("partners:invite_client"),
        {"client_email": world.client_rep.email, "access_level": "full", "payment_method": "client_pays"},
    )
    assert response.status_code == 400
    assert "is already your client" in response.content.decode()
    assert "The invitation was sent." not in response.content.decode()
    assert not Partnership.objects.filter(status="pending").exists()
    assert not OutboxEmail.objects.filter(template="partners/invitation_to_client").exists()


def test_ps2_api_invite_existing_client_409(client, world):
    invite_partner(world)
    client.force_login(world.partner_rep)
    response = client.post(
        f"/api/v1/orgs/{world.partner.slug}/partnerships/",
        {"client_email": world.client_rep.email, "access_level": "limited"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "partnership_exists"
    assert Partnership.objects.count() == 1
    assert AuditEvent.objects.filter(org=world.partner, action="partnership.invited").count() == 1  # the client's


def test_ps3_client_invite_refused_when_the_partner_already_invited_this_person(world):
    invite_client(world)
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world)
    assert exc.value.code == "partnership_exists" and exc.value.status == 409
    assert Partnership.objects.count() == 1
    assert not OutboxEmail.objects.filter(template="partners/invitation_to_partner").exists()


def test_ps3_client_invite_for_existing_full_partner_says_partnership_exists(world):
    active_full(world)
    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, access_level="full", payment_method="client_pays", product_ids=[])
    assert exc.value.code == "partnership_exists"


# --- PS-16: the State filter offers every state a row can be in ---


def test_ps16_state_filter_offers_pending_active_and_ended(client, world):
    client.force_login(world.partner_rep)
    response = client.get(reverse("partners:clients"))
    assert [value for value, _label in response.context["statuses"]] == ["pending", "active", "ended"]
    assert '<option value="pending"' in response.content.decode()


def test_ps16_state_filter_pending_lists_only_pending_requests(client, world):
    invite_partner(world)  # the client's request, pending: a row of the list
    ended_client = OrganizationFactory(name="Atelier Dupont SARL")
    PartnershipFactory(partner=world.partner, client=ended_client, status="ended")
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:clients"), {"status": "pending"}).content.decode()
    assert world.client_org.name in page and "Atelier Dupont" not in page
    page = client.get(reverse("partners:clients"), {"status": "ended"}).content.decode()
    assert "Atelier Dupont" in page and world.client_org.name not in page


def test_ps16_declined_invitations_are_never_rows(world):
    p = invite_partner(world)
    services.partnership_decline(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)
    access = access_for(user=world.partner_rep, org=world.partner)
    assert not selectors.managed_clients(access=access).exists()
    assert not selectors.managed_clients(access=access, status="declined").exists()


# --- PP-4: the console's volume bar, from the provider billing registers ---


def test_pp4_console_shows_volume_bar_from_registered_provider(client, world, monkeypatch):
    from decimal import Decimal

    calls = []

    def provider(*, partner):
        calls.append(partner)
        return {
            "volume": Decimal("1500.00"),
            "minimum": Decimal("2000"),
            "currency": "CHF",
            "percent": 75,
            "reached": False,
        }

    monkeypatch.setattr(selectors, "_program_volume_providers", [provider])
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:console")).content.decode()
    assert 'id="volume-progress"' in page and 'value="75"' in page
    assert "Below the program minimum" in page
    assert calls == [world.partner]


def test_pp4_console_without_provider_has_no_volume_bar(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "_program_volume_providers", [])
    client.force_login(world.partner_rep)
    response = client.get(reverse("partners:console"))
    assert response.status_code == 200 and "volume-progress" not in response.content.decode()


def test_pp4_console_volume_hidden_from_collaborators(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "_program_volume_providers", [lambda *, partner: {"volume": 1, "percent": 1}])
    client.force_login(world.partner_collab)
    response = client.get(reverse("partners:console"))
    assert response.status_code == 200 and "volume-progress" not in response.content.decode()


# --- PS-15, PS-1: small page fixes ---


def test_ps15_html_clearing_the_end_date_says_it_was_removed(client, world):
    from datetime import date

    p = active_full(world)
    Partnership.objects.filter(pk=p.pk).update(ends_on=date.today() + timedelta(days=60))
    client.force_login(world.client_rep)
    response = client.post(reverse("partners:end_date", args=[p.pk]), {"ends_on": ""}, follow=True)
    page = response.content.decode()
    assert "The end date was removed." in page and "The end date was saved." not in page
    p.refresh_from_db()
    assert p.ends_on is None
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.end_date_set").exists()


def test_ps15_html_setting_the_end_date_says_it_was_saved(client, world):
    p = active_full(world)
    client.force_login(world.client_rep)
    when = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = client.post(reverse("partners:end_date", args=[p.pk]), {"ends_on": when}, follow=True)
    assert "The end date was saved." in response.content.decode()


def test_ps1_ended_partnership_page_links_back_to_the_clients_list(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, status="ended")
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()
    assert f'href="{reverse("partners:clients")}"' in page and "Back to your clients" in page


def test_ps1_ended_partnership_page_links_back_to_the_clients_partners(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, status="ended")
    client.force_login(world.client_rep)
    page = client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()
    assert f'href="{reverse("partners:partners")}"' in page and "Back to your partners" in page


# --- NT-2: sentences of the partnership emails are separated (EN and ES) ---


def _end_by_client(world):
    p = active_full(world)
    services.partnership_end(
        access=access_for(user=world.client_rep, org=world.client_org), partnership=p, password="Tr0ub4dor&3-horse"
    )
    return OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/ended")


def test_ps11_ended_email_sentences_separated(world):
    email = _end_by_client(world)
    assert f"{world.client_org.name}. The client keeps" in email.body_text
    assert f"{world.client_org.name}. The client keeps" in email.body_html


def test_ps11_ended_email_sentences_separated_in_spanish(world):
    world.partner_rep.language = "es"
    world.partner_rep.save(update_fields=["language"])
    email = _end_by_client(world)
    assert email.language == "es"
    assert f"{world.client_org.name}. El cliente conserva" in email.body_text
    assert f"{world.client_org.name}. El cliente conserva" in email.body_html


def _change_products(world):
    p = active_limited(world)
    services.partnership_set_products(
        access=access_for(user=world.client_rep, org=world.client_org),
        partnership=p,
        product_ids=[world.products[1].pk],
    )
    return OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/products_changed")


def test_ps10_products_changed_email_sentences_separated(world):
    email = _change_products(world)
    assert f"{world.partner.name}. Added: site1.ch. Removed: site0.ch." in email.body_text
    assert f"{world.partner.name}. Added: site1.ch. Removed: site0.ch." in email.body_html


def test_ps10_products_changed_email_sentences_separated_in_spanish(world):
    world.partner_rep.language = "es"
    world.partner_rep.save(update_fields=["language"])
    email = _change_products(world)
    assert f"{world.partner.name}. Añadidos: site1.ch. Retirados: site0.ch." in email.body_text


def test_ps2_accepted_emails_sentences_and_products_separated(world):
    p = invite_client(world)
    services.partnership_accept(
        access=access_for(user=world.client_rep, org=world.client_org),
        partnership=p,
        access_level="limited",
        product_ids=[world.products[0].pk, world.products[1].pk],
    )
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/accepted_review")
    assert "products: site0.ch, site1.ch." in email.body_text


def test_ps2_accepted_as_asked_email_sentences_separated(world):
    p = invite_client(world)
    services.partnership_accept(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/accepted")
    assert "client pays. Please review" in email.body_text


@pytest.mark.parametrize("email", ["a" * 300 + "@example.ch", "no-at-sign.example.ch", "two@@example.ch", "x@"])
def test_ps2_invitation_to_an_impossible_address_is_refused_and_sends_nothing(world, email):
    with pytest.raises(RuleViolation) as exc:
        invite_client(world, client_email=email)

    assert exc.value.code == "invalid_email" and exc.value.status == 400
    assert exc.value.fields == {"client_email": ["Enter a valid email address."]}
    assert not Partnership.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_ps2_person_without_an_org_is_told_of_a_partners_invitation_on_onboarding(client, world):
    from clients.tests.factories import UserFactory

    newcomer = UserFactory(email="new.client@example.ch")
    invite_client(world, client_email="New.Client@example.ch")
    client.force_login(newcomer)

    response = client.get(reverse("manager:dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Partners waiting for you" in page
    assert "Helvetia Web Agency AG offers to manage your products." in page
    assert "Create your organization first" in page


def test_ps2_onboarding_says_nothing_of_partners_when_none_invited_the_person(client, world):
    from clients.tests.factories import UserFactory

    client.force_login(UserFactory(email="someone@example.ch"))
    invite_client(world, client_email="another@example.ch")

    page = client.get(reverse("manager:dashboard")).content.decode()

    assert "Partners waiting for you" not in page


def test_ps2_accepting_with_no_product_to_grant_says_so_before_the_refusal(client, world):
    from clients.models import Product

    client.force_login(world.partner_rep)
    client.post(
        reverse("partners:invite_client"),
        {"client_email": world.client_rep.email, "access_level": "limited"},
    )
    p = Partnership.objects.get()
    Product.objects.filter(org=world.client_org).delete()
    client.force_login(world.client_rep)

    page = client.get(reverse("partners:accept", args=[p.pk])).content.decode()

    assert "Your organization has no product yet." in page
    assert "accept with full access, or order a product first" in page


def test_ps2_accept_page_says_nothing_of_missing_products_when_there_are_some(client, world):
    client.force_login(world.partner_rep)
    client.post(reverse("partners:invite_client"), {"client_email": world.client_rep.email, "access_level": "limited"})
    p = Partnership.objects.get()
    client.force_login(world.client_rep)

    page = client.get(reverse("partners:accept", args=[p.pk])).content.decode()

    assert world.products[0].name in page
    assert "Your organization has no product yet." not in page
