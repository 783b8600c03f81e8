"""Exploratory tester's findings on the partner pages: Spanish success messages, invitations past
their expiry (PS-1), the products a client's request asks (PS-3), a product granted elsewhere
before the partner accepts (PS-5), MFA asked only of someone let in (SEC-2/PS-13), the add-a-partner
search kept after an error, the clients list past its last page and its CSV amounts (PS-16)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import AuditEvent
from clients.tenancy import access_for
from partners import selectors, services
from partners.models import ClientPartnerSettings, Partnership, PartnershipProduct
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


def invite_partner(world, **kw):
    args = {"partner": world.partner, "access_level": "limited", "product_ids": [world.products[0].pk]}
    args.update(kw)
    return services.partnership_invite_partner(access=access_for(user=world.client_rep, org=world.client_org), **args)


def other_partner(name="Zeta Konkurrenz AG"):
    org = OrganizationFactory(name=name)
    PartnerProfileFactory(org=org)
    return org, member(org)


def overdue(p: Partnership) -> Partnership:
    Partnership.objects.filter(pk=p.pk).update(expires_at=timezone.now() - timedelta(minutes=5))
    p.refresh_from_db()
    return p


def limited_with(world, partner, product) -> Partnership:
    p = PartnershipFactory(partner=partner, client=world.client_org, access_level="limited", payment_method=None)
    PartnershipProductFactory(partnership=p, product=product)
    return p


# --- 1. success messages in the reader's language ---


def _decline(world):
    return world.partner_rep, "partners:decline", invite_partner(world)


def _withdraw(world):
    return world.client_rep, "partners:withdraw", invite_partner(world)


def _resend(world):
    return world.client_rep, "partners:resend", invite_partner(world)


def _acknowledge(world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, needs_review=True)
    return world.partner_rep, "partners:acknowledge", p


@pytest.mark.parametrize(
    "setup, spanish",
    [
        (_decline, "Se ha rechazado la invitación."),
        (_withdraw, "Se ha retirado la invitación."),
        (_resend, "Se ha vuelto a enviar la invitación."),
        (_acknowledge, "Marcado como revisado."),
    ],
)
def test_nt2_partnership_action_success_message_in_spanish(client, world, setup, spanish):
    user, url_name, p = setup(world)
    user.language = "es"
    user.save()
    client.force_login(user)

    response = client.post(reverse(url_name, args=[p.pk]), HTTP_ACCEPT_LANGUAGE="es", follow=True)

    assert response.status_code == 200
    assert spanish in response.content.decode()
    assert AuditEvent.objects.filter(target_id=str(p.pk), actor=user).exists()


# --- 2. PS-1: past its expiry, an invitation is expired before the hourly job runs ---


def test_ps1_overdue_client_request_not_offered_to_the_partner_on_the_pending_page(client, world):
    p = overdue(invite_partner(world))
    client.force_login(world.partner_rep)

    page = client.get(reverse("partners:pending")).content.decode()

    assert reverse("partners:accept", args=[p.pk]) not in page
    assert reverse("partners:decline", args=[p.pk]) not in page
    assert Partnership.objects.get(pk=p.pk).status == "pending"  # the job hasn't run


def test_ps1_overdue_partner_invitation_not_offered_to_the_invited_person(client, world):
    p = services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    overdue(p)
    client.force_login(world.client_rep)

    page = client.get(reverse("partners:pending")).content.decode()

    assert reverse("partners:accept", args=[p.pk]) not in page
    assert not selectors.pending_invitations_for_user(user=world.client_rep).exists()


def test_ps1_api_shows_overdue_invitation_as_expired_not_pending(client, world):
    p = overdue(invite_partner(world))
    client.force_login(world.partner_rep)
    base = f"/api/v1/orgs/{world.partner.slug}/partnerships/"

    pending = client.get(base, {"status": "pending"}).json()["results"]
    expired = client.get(base, {"status": "expired"}).json()["results"]

    assert pending == []
    assert [(r["id"], r["status"]) for r in expired] == [(p.pk, "expired")]
    assert Partnership.objects.get(pk=p.pk).status == "pending"


def test_ps1_overdue_invitation_cannot_be_declined(world):
    p = overdue(invite_partner(world))

    with pytest.raises(RuleViolation) as exc:
        services.partnership_decline(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)

    assert exc.value.code == "invitation_expired"
    assert Partnership.objects.get(pk=p.pk).status == "pending"
    assert not OutboxEmail.objects.filter(template="partners/declined").exists()


def test_ps1_overdue_invitation_is_not_revived_by_resending(world):
    p = overdue(invite_partner(world))
    emails = OutboxEmail.objects.count()

    with pytest.raises(RuleViolation) as exc:
        services.partnership_resend(access=access_for(user=world.client_rep, org=world.client_org), partnership=p)

    assert exc.value.code == "invitation_expired"
    assert Partnership.objects.get(pk=p.pk).expires_at < timezone.now()
    assert OutboxEmail.objects.count() == emails


def test_ps1_accept_page_of_overdue_invitation_says_it_expired(client, world):
    p = overdue(invite_partner(world))
    client.force_login(world.partner_rep)

    response = client.get(reverse("partners:accept", args=[p.pk]), follow=True)

    page = response.content.decode()
    assert "This invitation has expired" in page and "<dd>expired</dd>" in page
    assert reverse("partners:accept", args=[p.pk]) not in page
    assert Partnership.objects.get(pk=p.pk).status == "pending"


# --- 3. PS-3: the partner sees which products a client's limited request asks ---


def test_ps3_partnership_page_names_the_requested_products(client, world):
    p = invite_partner(world, product_ids=[world.products[0].pk, world.products[2].pk])
    client.force_login(world.partner_rep)

    page = client.get(reverse("partners:partnership_detail", args=[p.pk])).content.decode()

    assert "Products asked" in page and "site0.ch, site2.ch" in page
    assert "Products managed" not in page
    assert not PartnershipProduct.objects.filter(partnership=p).exists()


def test_ps3_accept_page_names_the_requested_products(client, world):
    p = invite_partner(world, product_ids=[world.products[1].pk])
    client.force_login(world.partner_rep)

    page = client.get(reverse("partners:accept", args=[p.pk])).content.decode()

    assert "site1.ch" in page and "site0.ch" not in page
    assert Partnership.objects.get(pk=p.pk).status == "pending"


def test_ps3_pending_list_names_requested_products_in_a_flat_number_of_queries(client, world):
    client.force_login(world.partner_rep)
    invite_partner(world, product_ids=[world.products[0].pk])
    client.get(reverse("partners:pending"))  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("partners:pending"))
    for i in range(3):
        other_client = OrganizationFactory(name=f"Client {i}")
        rep = member(other_client)
        product = ProductFactory(org=other_client, name=f"shop{i}.ch")
        services.partnership_invite_partner(
            access=access_for(user=rep, org=other_client),
            partner=world.partner,
            access_level="limited",
            product_ids=[product.pk],
        )

    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("partners:pending")).content.decode()

    assert "site0.ch" in page and all(f"shop{i}.ch" in page for i in range(3))
    assert len(four) == len(one)
    assert Partnership.objects.filter(partner=world.partner, status="pending").count() == 4


def test_ps3_invitation_email_to_the_partner_names_the_requested_products(world):
    invite_partner(world, product_ids=[world.products[0].pk, world.products[1].pk])

    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/invitation_to_partner")

    assert "site0.ch, site1.ch" in email.body_text and "site0.ch, site1.ch" in email.body_html


# --- 4. PS-5: a product the client granted elsewhere before the partner accepts ---


def test_ps5_client_cannot_grant_a_product_its_pending_invitation_asks_another_partner(world):
    invite_partner(world)  # asks world.partner to manage site0.ch
    rival, _rep = other_partner()
    existing = limited_with(world, rival, world.products[1])

    with pytest.raises(RuleViolation) as exc:
        services.partnership_set_products(
            access=access_for(user=world.client_rep, org=world.client_org),
            partnership=existing,
            product_ids=[world.products[1].pk, world.products[0].pk],
        )

    assert exc.value.code == "product_requested_from_other_partner"
    assert "site0.ch" in str(exc.value) and world.partner.name in str(exc.value)
    assert not PartnershipProduct.objects.filter(partnership=existing, product=world.products[0]).exists()
    assert not AuditEvent.objects.filter(action="partnership.products_changed").exists()


def test_ps5_client_cannot_ask_two_partners_for_the_same_product(world):
    invite_partner(world)
    rival, _rep = other_partner()

    with pytest.raises(RuleViolation) as exc:
        invite_partner(world, partner=rival)

    assert exc.value.code == "product_requested_from_other_partner"
    assert not Partnership.objects.filter(partner=rival).exists()


def test_ps5_partner_accepting_a_request_for_a_product_managed_elsewhere_is_not_told_who_manages_it(world):
    p = invite_partner(world)
    rival, _rep = other_partner()
    limited_with(world, rival, world.products[0])  # e.g. granted before the refusal above existed

    with pytest.raises(RuleViolation) as exc:
        services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)

    message = str(exc.value)
    assert exc.value.code == "request_outdated"
    assert rival.name not in message and rival.slug not in str(exc.value.details)
    assert world.client_org.name in message and "site0.ch" in message
    assert Partnership.objects.get(pk=p.pk).status == "pending"


def test_ps5_partner_accepting_an_outdated_request_emails_the_client_naming_the_product(world):
    p = invite_partner(world)
    rival, _rep = other_partner()
    limited_with(world, rival, world.products[0])

    with pytest.raises(RuleViolation):
        services.partnership_accept(access=access_for(user=world.partner_rep, org=world.partner), partnership=p)

    email = OutboxEmail.objects.get(template="partners/request_outdated")
    assert email.to == world.client_rep.email
    assert "site0.ch" in email.body_text and world.partner.name in email.subject
    assert not OutboxEmail.objects.filter(template="partners/request_outdated", to=world.partner_rep.email).exists()
    assert AuditEvent.objects.filter(org=world.client_org, action="partnership.accept_refused").exists()


def test_ps5_api_acceptance_of_an_outdated_request_is_a_409_without_the_other_partner(client, world):
    p = invite_partner(world)
    rival, _rep = other_partner()
    limited_with(world, rival, world.products[0])
    client.force_login(world.partner_rep)

    response = client.post(f"/api/v1/orgs/{world.partner.slug}/partnerships/{p.pk}/accept/", {}, "application/json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_outdated"
    assert rival.name not in response.content.decode() and rival.slug not in response.content.decode()
    assert OutboxEmail.objects.filter(template="partners/request_outdated").count() == 1


# --- 5. SEC-2 / PS-13: rights first, MFA only for someone who would be let in ---


def test_sec2_ps13_collaborator_without_rights_gets_404_not_the_mfa_page(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org)
    ClientPartnerSettings.objects.create(client=world.client_org, require_partner_mfa=True)
    client.force_login(world.partner_collab)

    response = client.post(reverse("partners:access_client", args=[p.pk]))

    assert response.status_code == 404
    assert "two-factor" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="partner.access").exists()


# --- 6. PS-3: the add-a-partner search survives an error ---


def test_ps3_add_a_partner_error_keeps_the_search_and_the_filtered_list(client, world):
    alpine = OrganizationFactory(name="Alpine Web GmbH")
    PartnerProfileFactory(org=alpine, slug="alpine-web")
    unsearched, _rep = other_partner()
    PartnershipFactory(partner=world.partner, client=world.client_org)  # PS-7: a full partner exists
    client.force_login(world.client_rep)
    url = reverse("partners:invite_partner") + "?q=Alpine"

    response = client.post(url, {"partner": "alpine-web", "access_level": "full", "payment_method": "client_pays"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="Alpine"' in page and "Alpine Web GmbH" in page
    assert unsearched.name not in page  # the list stays filtered, not every partner
    assert not Partnership.objects.filter(partner=alpine).exists()


# --- 7. PS-16: the clients list past its last page; CSV amounts ---


def test_ps16_clients_page_past_the_last_says_so_and_links_to_the_first(client, world):
    PartnershipFactory(partner=world.partner, client=world.client_org)
    client.force_login(world.partner_rep)

    page = client.get(reverse("partners:clients"), {"page": 999, "sort": "name"}).content.decode()

    assert "this page is past the last one" in page
    assert 'href="?sort=name"' in page
    assert "No client yet" not in page


def test_ps16_clients_csv_writes_every_amount_with_two_decimals(client, world, monkeypatch):
    PartnershipFactory(partner=world.partner, client=world.client_org)
    second = OrganizationFactory(name="Zweiter Kunde AG")
    PartnershipFactory(partner=world.partner, client=second)

    def provider(*, partner, client_ids=None):  # figures for one client only, 0 as billing may give it
        return {world.client_org.pk: {"cashback_earned": Decimal("0"), "total_paid": Decimal("12.5")}}

    monkeypatch.setattr(selectors, "_client_figures_providers", [provider])
    client.force_login(world.partner_rep)

    response = client.get(reverse("partners:clients"), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response.status_code == 200 and len(rows) == 2
    amounts = {(r["client"], r["revenue_earned"], r["discounts_received"], r["total_paid"]) for r in rows}
    assert amounts == {(world.client_org.name, "0.00", "0.00", "12.50"), (second.name, "0.00", "0.00", "0.00")}
