"""PP-1..PP-5, ORG-2: the register number and currency of an application, what approval stores,
and what the console, the apply page and the dashboard show while an application is pending,
after a rejection, to an individual, and the partner's commission rates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clients.models import AuditEvent, Organization, Role
from clients.tenancy import access_for
from partners import services
from partners.models import CommissionRate, PartnerApplication
from partners.tests.factories import ApplicationFactory, OrganizationFactory, member
from portal.errors import RuleViolation
from portal.models import OutboxEmail
from portal.templatetags.portal_format import format_money

pytestmark = pytest.mark.django_db

HELVETIA_UID = "CHE116281710"
VALID = {
    "register_number": "",
    "expected_yearly_volume": "2500",
    "website": "https://agency.example.ch",
    "accepts_minimum_volume": True,
    "accepts_client_support": True,
    "accepts_client_invoices": True,
    "accepts_tender_exclusivity": True,
    "accepts_reseller_terms": True,
}


def _form(**over):
    data = {k: ("on" if v is True else v) for k, v in VALID.items()}
    data.update(over)
    return data


@pytest.fixture
def company():
    org = OrganizationFactory(name="Applicant AG")
    return org, member(org, email="rep@applicant.ch")


@pytest.fixture
def staff():
    from clients.tests.factories import UserFactory

    return UserFactory(is_staff=True, email="staff@provider.ch")


def _submit(org, rep, **over):
    data = {"currency": org.currency, **VALID, **over}
    return services.application_submit(access=access_for(user=rep, org=org), **data)


# --- 1. PP-1/ORG-2: a register number another org has ---


def test_pp1_org2_number_on_file_also_on_another_org_refused_when_left_empty(company):
    org, rep = company
    OrganizationFactory(name="Helvetia Web Agency AG", register_number=HELVETIA_UID)
    Organization.objects.filter(pk=org.pk).update(register_number=HELVETIA_UID)
    org.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        _submit(org, rep, register_number="")
    assert exc.value.code == "register_number_of_other_org" and "register_number" in exc.value.fields
    assert not PartnerApplication.objects.filter(org=org).exists()
    assert not OutboxEmail.objects.filter(template="partners/application_staff").exists()


def test_pp1_org2_number_on_file_applied_with_by_another_org_refused(company):
    org, rep = company
    ApplicationFactory(org=OrganizationFactory(name="Helvetia Web Agency AG"), register_number=HELVETIA_UID)
    Organization.objects.filter(pk=org.pk).update(register_number=HELVETIA_UID)
    org.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        _submit(org, rep, register_number="CHE-116.281.710")
    assert exc.value.code == "register_number_of_other_org"
    assert not PartnerApplication.objects.filter(org=org).exists()


def test_pp1_org2_html_number_on_file_of_another_org_is_a_form_error(client, company):
    org, rep = company
    OrganizationFactory(name="Helvetia Web Agency AG", register_number=HELVETIA_UID)
    Organization.objects.filter(pk=org.pk).update(register_number=HELVETIA_UID)
    client.force_login(rep)
    response = client.post(reverse("partners:apply"), _form(register_number=""))
    assert response.status_code == 400
    assert "belongs to another organization" in response.content.decode()
    assert not PartnerApplication.objects.filter(org=org).exists()


def test_pp3_org2_staff_queue_warns_when_number_is_on_another_org(client, staff):
    OrganizationFactory(name="Helvetia Web Agency AG", register_number=HELVETIA_UID)
    ApplicationFactory(org=OrganizationFactory(name="Copycat GmbH", register_number=HELVETIA_UID))
    ApplicationFactory(org=OrganizationFactory(name="Honest AG"), register_number="CHE287654328")
    client.force_login(staff)
    page = client.get(reverse("partners:staff_queue")).content.decode()
    cards = {card.split("</h2>")[0]: card for card in page.split('<section class="card"><h2>')[1:]}
    copycat, honest = cards["Copycat GmbH"], cards["Honest AG"]
    assert "also the register number of" in copycat and "Helvetia Web Agency AG" in copycat
    assert "also the register number of" not in honest
    assert PartnerApplication.objects.filter(status="submitted").count() == 2  # the page decides nothing


# --- 2. PP-1: the volume is in the org's own currency ---


def test_pp1_swiss_org_volume_in_eur_refused_as_currency_mismatch(company):
    org, rep = company
    with pytest.raises(RuleViolation) as exc:
        _submit(org, rep, register_number="CHE-116.281.710", expected_yearly_volume="1800", currency="EUR")
    assert exc.value.code == "currency_mismatch" and exc.value.status == 400
    assert "CHF" in str(exc.value.message) and "currency" in exc.value.fields
    assert not PartnerApplication.objects.exists()


def test_pp1_api_currency_mismatch_is_400_with_error_shape(client, company):
    org, rep = company
    client.force_login(rep)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/partner-application/",
        {**VALID, "register_number": "CHE-116.281.710", "expected_yearly_volume": "1800", "currency": "EUR"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "currency_mismatch" and "CHF" in error["message"] and "currency" in error["fields"]
    assert not PartnerApplication.objects.exists()


def test_pp1_api_currency_omitted_is_the_orgs(client, company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(country="FR")
    client.force_login(rep)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/partner-application/",
        {**VALID, "register_number": "732 829 320 00074", "expected_yearly_volume": "1800"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "EUR"
    assert PartnerApplication.objects.get(org=org).currency == "EUR"


def test_pp1_apply_form_shows_the_orgs_currency_without_a_choice(client, company):
    org, rep = company
    client.force_login(rep)
    page = client.get(reverse("partners:apply")).content.decode()
    assert 'name="currency"' not in page
    assert "(CHF)" in page


# --- 3. PP-3: approval files the register number on the org ---


def test_pp3_approval_stores_the_register_number_on_an_org_without_one(company, staff):
    org, _rep = company
    app = ApplicationFactory(org=org, register_number="CHE287654328")
    services.application_approve(application=app, by=staff)
    org.refresh_from_db()
    assert org.register_number == "CHE287654328"
    event = AuditEvent.objects.get(org=org, action="org.updated")
    assert event.details["register_number"] == {"old": "", "new": "CHE287654328"}


def test_pp3_approval_never_overwrites_a_different_register_number(company, staff):
    org, _rep = company
    Organization.objects.filter(pk=org.pk).update(register_number="CHE109322551")
    app = ApplicationFactory(org=org, register_number="CHE287654328")
    services.application_approve(application=app, by=staff)
    org.refresh_from_db()
    assert org.register_number == "CHE109322551"
    assert not AuditEvent.objects.filter(org=org, action="org.updated").exists()


# --- 4. PP-1: the state of a pending or rejected application ---


def test_pp1_console_shows_application_under_review_since_its_date(client, company):
    org, rep = company
    app = ApplicationFactory(org=org)
    client.force_login(rep)
    page = client.get(reverse("partners:console")).content.decode()
    assert "under review since" in page
    assert app.created_at.strftime("%Y") in page
    assert "not a partner yet" not in page and reverse("partners:apply") not in page


def test_pp1_console_shows_rejection_reason_and_offers_to_apply_again(client, company, staff):
    org, rep = company
    services.application_reject(application=ApplicationFactory(org=org), by=staff, reason="Website not active")
    client.force_login(rep)
    page = client.get(reverse("partners:console")).content.decode()
    assert "was rejected" in page and "Website not active" in page
    assert reverse("partners:apply") in page and "Apply again" in page


def test_pp1_apply_page_offers_no_second_submission_while_pending(client, company):
    org, rep = company
    ApplicationFactory(org=org)
    client.force_login(rep)
    page = client.get(reverse("partners:apply")).content.decode()
    assert "under review since" in page
    assert 'name="website"' not in page and "Send the application" not in page
    assert PartnerApplication.objects.filter(org=org).count() == 1


def test_pp1_dashboard_card_says_application_under_review(client, company):
    org, rep = company
    ApplicationFactory(org=org)
    client.force_login(rep)
    page = client.get("/manager/").content.decode()
    assert "Application under review" in page and "Become a partner" not in page


# --- 5. PP-1: the minimum in the reader's money format ---


def test_pp1_volume_below_minimum_message_formatted_for_the_language(company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(country="FR")
    org.refresh_from_db()
    with translation.override("es"), pytest.raises(RuleViolation) as exc:
        _submit(org, rep, register_number="732 829 320 00074", expected_yearly_volume="100")
    message = str(exc.value.fields["expected_yearly_volume"][0])
    assert exc.value.code == "volume_below_minimum"
    assert format_money(Decimal("1800"), "EUR", language="es") in message and "1800 EUR" not in message
    assert not PartnerApplication.objects.exists()


# --- 6. PP-5: the partner's commission rates ---


def test_pp5_console_shows_the_rate_per_category_and_how_it_works(client, world):
    CommissionRate.objects.update_or_create(
        plan=world.partner.partner_profile.commission_plan, category="web_hosting", defaults={"rate": "0.25"}
    )
    client.force_login(world.partner_rep)
    page = client.get(reverse("partners:console")).content.decode()
    assert 'id="commission-rates"' in page
    rates = page.split('id="commission-rates"')[1].split("</section>")[0]
    assert "Web hosting" in rates and "25%" in rates
    assert "cashback" in rates and "discount at checkout" in rates


def test_pp5_console_hides_the_rates_from_a_collaborator(client, world):
    client.force_login(world.partner_collab)
    page = client.get(reverse("partners:console")).content.decode()
    assert 'id="commission-rates"' not in page
    assert world.partner_collab.memberships.get().role == Role.COLLABORATOR


# --- 7. PP-2: an individual is pointed to the affiliate program ---


def test_pp2_console_points_an_individual_to_the_affiliate_program(client):
    org = OrganizationFactory(kind=Organization.Kind.INDIVIDUAL, name="Jane Doe")
    rep = member(org)
    client.force_login(rep)
    page = client.get(reverse("partners:console")).content.decode()
    assert "affiliate program" in page
    assert reverse("partners:apply") not in page and "Apply to the partner program" not in page
    assert not PartnerApplication.objects.filter(org=org).exists()
