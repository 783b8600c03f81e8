"""SEC-2: a partner org that requires MFA refuses its members without it on every page and API call
of the org, not only on the partner pages; the requirement can't be switched on by someone without MFA."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clients.models import AuditEvent, MemberInvitation
from clients.services import token_create
from clients.tenancy import SESSION_ORG_KEY, access_for
from clients.tests.factories import MembershipFactory
from partners.models import PartnerProfile
from partners.tests.factories import OrganizationFactory
from tenders.models import TenderRequest
from tenders.tests.test_requests import api_data

from .test_access import give_mfa

pytestmark = pytest.mark.django_db

ORG_PAGES = [
    "/manager/",
    "/manager/org/",
    "/manager/members/",
    "/manager/tokens/",
    "/manager/audit/",
    "/manager/billing/invoices/",
    "/manager/billing/cashback/",
    "/manager/billing/revenue/",
    "/manager/tenders/",
    "/manager/support/",
    "/manager/partners/",
    "/manager/partners/clients/",
]


def _requires_mfa(world) -> None:
    PartnerProfile.objects.filter(org=world.partner).update(require_mfa=True)


def _browser(user, org) -> Client:
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[SESSION_ORG_KEY] = org.pk
    session.save()
    return browser


@pytest.mark.parametrize("path", ORG_PAGES)
def test_sec2_partner_requiring_mfa_sends_a_member_without_it_to_set_it_up_from_every_org_page(world, path):
    _requires_mfa(world)
    browser = _browser(world.partner_admin, world.partner)

    response = browser.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = browser.get(response["Location"], follow=True).content.decode()
    assert "Your organization requires two-factor authentication" in page


@pytest.mark.parametrize("path", ["/manager/billing/invoices/", "/manager/tenders/", "/manager/members/"])
def test_sec2_member_with_mfa_opens_the_org_pages(world, path):
    _requires_mfa(world)
    give_mfa(world.partner_admin)

    assert _browser(world.partner_admin, world.partner).get(path).status_code == 200


def test_sec2_refused_member_may_still_open_their_account_and_switch_to_another_org(world):
    _requires_mfa(world)
    other = OrganizationFactory(name="Own Shop GmbH")
    MembershipFactory(org=other, user=world.partner_admin)
    browser = _browser(world.partner_admin, world.partner)

    assert browser.get("/manager/account/").status_code == 200
    assert browser.get("/manager/notifications/").status_code == 200
    switched = browser.post(reverse("manager:switch_org"), {"org": other.slug})

    assert switched.status_code == 302
    assert browser.session[SESSION_ORG_KEY] == other.pk
    assert browser.get("/manager/billing/invoices/").status_code == 200  # the other org requires nothing


def test_sec2_the_requirement_does_not_touch_the_client_orgs_pages(world):
    """A member of the client org is no member of the partner: the partner's requirement is not theirs."""
    _requires_mfa(world)

    assert _browser(world.client_rep, world.client_org).get("/manager/billing/invoices/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/members/", "/invoices/", "/cashback/", "/partnerships/", "/clients/"])
def test_sec2_partner_requiring_mfa_refuses_a_token_of_a_member_without_it(world, path):
    _token, raw = token_create(access=access_for(user=world.partner_admin, org=world.partner), name="ci", days=5)
    _requires_mfa(world)

    response = Client().get(f"/api/v1/orgs/{world.partner.slug}{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "mfa_required"
    assert "two-factor authentication" in error["message"]


def test_sec2_refused_member_invites_nobody_through_the_api(world):
    _requires_mfa(world)
    browser = _browser(world.partner_rep, world.partner)

    response = browser.post(
        f"/api/v1/orgs/{world.partner.slug}/members/",
        {"email": "new.hire@agency.ch", "role": "collaborator"},
        content_type="application/json",
    )

    assert response.status_code == 403 and response.json()["error"]["code"] == "mfa_required"
    assert not MemberInvitation.objects.filter(email="new.hire@agency.ch").exists()


def test_sec2_member_with_mfa_uses_the_api(world):
    _requires_mfa(world)
    give_mfa(world.partner_admin)

    response = _browser(world.partner_admin, world.partner).get(f"/api/v1/orgs/{world.partner.slug}/invoices/")

    assert response.status_code == 200


def test_sec2_refused_member_requests_a_quote_as_a_visitor_not_as_the_org(world):
    """The org is not used: the request waits for the email confirmation a visitor's does."""
    _requires_mfa(world)
    browser = _browser(world.partner_rep, world.partner)

    response = browser.post(
        "/api/v1/tenders/", api_data(email=world.partner_rep.email), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    tender = TenderRequest.objects.get()
    assert tender.requester_org_id is None
    assert tender.status == TenderRequest.Status.AWAITING_CONFIRMATION


def test_sec2_requiring_mfa_without_having_it_is_refused_and_changes_nothing(world):
    browser = _browser(world.partner_rep, world.partner)

    response = browser.patch(
        f"/api/v1/orgs/{world.partner.slug}/partner-profile/", {"require_mfa": True}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mfa_setup_first"
    assert not PartnerProfile.objects.get(org=world.partner).require_mfa
    assert not AuditEvent.objects.filter(action="partner.require_mfa").exists()


def test_sec2_requiring_mfa_without_having_it_says_why_on_the_security_page(world):
    browser = _browser(world.partner_rep, world.partner)

    response = browser.post(reverse("partners:security"), {"what": "partner", "require_mfa": "on"}, follow=True)

    assert "Set up two-factor authentication for yourself before you require it" in response.content.decode()
    assert not PartnerProfile.objects.get(org=world.partner).require_mfa


def test_sec2_member_with_mfa_requires_it_of_the_org(world):
    give_mfa(world.partner_rep)
    browser = _browser(world.partner_rep, world.partner)

    response = browser.patch(
        f"/api/v1/orgs/{world.partner.slug}/partner-profile/", {"require_mfa": True}, content_type="application/json"
    )

    assert response.status_code == 200
    assert PartnerProfile.objects.get(org=world.partner).require_mfa
    assert AuditEvent.objects.filter(org=world.partner, action="partner.require_mfa").exists()
