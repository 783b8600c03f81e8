"""PP-1..PP-3, PP-6: partner applications and perks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import AuditEvent, Organization, Role
from clients.tenancy import access_for
from partners import selectors, services
from partners.models import CommissionPlan, CommissionRate, PartnerApplication, PartnerProfile
from partners.tests.factories import ApplicationFactory, OrganizationFactory, member
from portal.errors import RuleViolation
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db

VALID = {
    "register_number": "CHE-116.281.710",
    "expected_yearly_volume": "2500",
    "currency": "CHF",
    "website": "https://agency.example.ch",
    "accepts_minimum_volume": True,
    "accepts_client_support": True,
    "accepts_client_invoices": True,
    "accepts_tender_exclusivity": True,
    "accepts_reseller_terms": True,
}


@pytest.fixture
def company():
    org = OrganizationFactory(name="Applicant AG")
    rep = member(org, email="rep@applicant.ch")
    return org, rep


@pytest.fixture
def staff():
    from clients.tests.factories import UserFactory

    return UserFactory(is_staff=True, email="staff@provider.ch")


def test_pp5_default_plan_created_by_migration_with_rates():
    plan = CommissionPlan.objects.get(is_default=True)
    assert plan.rates.get(category="web_hosting").rate == Decimal("0.25")


def test_pp5_rate_above_35_percent_refused_by_database():
    from django.db import IntegrityError, transaction

    plan = CommissionPlan.objects.create(name="Greedy")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionRate.objects.create(plan=plan, category="domain", rate=Decimal("0.36"))


def test_pp1_company_application_submitted_emails_and_audit(company):
    org, rep = company
    app = services.application_submit(access=access_for(user=rep, org=org), **VALID)
    assert app.status == "submitted"
    assert OutboxEmail.objects.filter(to=rep.email, template="partners/application_submitted").exists()
    assert OutboxEmail.objects.filter(to="partners-team@partner-portal.example").exists()
    assert AuditEvent.objects.filter(org=org, action="partner.application_submitted").exists()


@pytest.mark.parametrize("missing", list(services.ACCEPTANCES))
def test_pp1_each_condition_required(company, missing):
    org, rep = company
    data = {**VALID, missing: False}
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **data)
    assert exc.value.code == "condition_not_accepted"
    assert missing in exc.value.fields
    assert not PartnerApplication.objects.exists()


@pytest.mark.parametrize(
    ("volume", "currency", "ok"),
    [("1999", "CHF", False), ("2000", "CHF", True), ("1799.99", "EUR", False), ("1800", "EUR", True)],
)
def test_pp1_minimum_volume(company, volume, currency, ok):
    org, rep = company
    data = {**VALID, "expected_yearly_volume": volume, "currency": currency}
    if currency == "EUR":  # PP-1: the volume is in the org's own currency, EUR outside CH/LI
        Organization.objects.filter(pk=org.pk).update(country="FR")
        org.refresh_from_db()
        data["register_number"] = "732 829 320 00074"
    if ok:
        assert services.application_submit(access=access_for(user=rep, org=org), **data).pk
    else:
        with pytest.raises(RuleViolation) as exc:
            services.application_submit(access=access_for(user=rep, org=org), **data)
        assert exc.value.code == "volume_below_minimum"


def test_pp1_website_required(company):
    org, rep = company
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **{**VALID, "website": ""})
    assert "website" in exc.value.fields


def test_pp1_one_open_application_at_a_time(company):
    org, rep = company
    services.application_submit(access=access_for(user=rep, org=org), **VALID)
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **VALID)
    assert exc.value.code == "application_pending"


def test_pp1_existing_partner_refused(world):
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=world.partner_rep, org=world.partner), **VALID)
    assert exc.value.code == "already_partner"


def test_pp1_administrator_may_not_apply(company):
    org, _rep = company
    admin = member(org, Role.ADMINISTRATOR)
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=admin, org=org), **VALID)
    assert exc.value.status == 403


def test_pp2_individual_pointed_to_affiliate_program():
    org = OrganizationFactory(kind=Organization.Kind.INDIVIDUAL, name="Jane Doe")
    rep = member(org)
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **VALID)
    assert exc.value.code == "individual_cannot_apply"
    assert "affiliate" in str(exc.value.message)


def test_pp3_approve_creates_profile_with_default_plan_and_emails(company, staff):
    org, rep = company
    app = ApplicationFactory(org=org)
    profile = services.application_approve(application=app, by=staff)
    assert profile.commission_plan.is_default
    assert selectors.is_approved_partner(org=org)
    app.refresh_from_db()
    assert app.status == "approved" and app.decided_by == staff
    assert OutboxEmail.objects.filter(to=rep.email, template="partners/application_approved").exists()
    assert AuditEvent.objects.filter(org=org, action="partner.application_approved").exists()


def test_pp3_reject_requires_reason(company, staff):
    org, _rep = company
    app = ApplicationFactory(org=org)
    with pytest.raises(RuleViolation) as exc:
        services.application_reject(application=app, by=staff, reason=" ")
    assert exc.value.code == "reason_required"


def test_pp3_reject_emails_reason(company, staff):
    org, rep = company
    app = ApplicationFactory(org=org)
    services.application_reject(application=app, by=staff, reason="Website not active")
    email = OutboxEmail.objects.get(to=rep.email, template="partners/application_rejected")
    assert "Website not active" in email.body_text
    assert not PartnerProfile.objects.filter(org=org).exists()


def test_pp3_non_staff_cannot_approve(company):
    org, rep = company
    app = ApplicationFactory(org=org)
    with pytest.raises(RuleViolation):
        services.application_approve(application=app, by=rep)
    assert not PartnerProfile.objects.filter(org=org).exists()


# --- HTML ---


def test_pp1_apply_page_html(client, company):
    org, rep = company
    client.force_login(rep)
    assert client.get(reverse("partners:apply")).status_code == 200
    data = {k: ("on" if v is True else v) for k, v in VALID.items()}
    response = client.post(reverse("partners:apply"), data)
    assert response.status_code == 302
    assert PartnerApplication.objects.filter(org=org, status="submitted").exists()


def test_pp1_apply_page_shows_volume_error(client, company):
    org, rep = company
    client.force_login(rep)
    data = {k: ("on" if v is True else v) for k, v in VALID.items()}
    data["expected_yearly_volume"] = "100"
    response = client.post(reverse("partners:apply"), data)
    assert response.status_code == 400
    assert "2,000 CHF" in response.content.decode()
    assert not PartnerApplication.objects.exists()


def test_pp3_staff_queue_hidden_from_non_staff(client, company):
    _org, rep = company
    client.force_login(rep)
    assert client.get(reverse("partners:staff_queue")).status_code == 404


def test_pp3_staff_queue_approve_and_reject_html(client, staff):
    a1 = ApplicationFactory(org=OrganizationFactory(name="One AG"))
    a2 = ApplicationFactory(org=OrganizationFactory(name="Two AG"))
    member(a1.org)
    client.force_login(staff)
    page = client.get(reverse("partners:staff_queue"))
    assert "One AG" in page.content.decode() and "Two AG" in page.content.decode()
    client.post(reverse("partners:staff_approve", args=[a1.pk]))
    client.post(reverse("partners:staff_reject", args=[a2.pk]), {"reason": "Volume unrealistic"})
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert a1.status == "approved" and a2.status == "rejected" and a2.reason == "Volume unrealistic"


# --- API ---


def test_pp1_api_apply_and_list(client, company):
    org, rep = company
    client.force_login(rep)
    url = f"/api/v1/orgs/{org.slug}/partner-application/"
    response = client.post(url, VALID, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert client.get(url).json()["results"][0]["id"] == response.json()["id"]


def test_pp1_api_volume_below_minimum_is_400(client, company):
    org, rep = company
    client.force_login(rep)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/partner-application/",
        {**VALID, "expected_yearly_volume": "10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "volume_below_minimum"


def test_pp2_api_individual_refused(client):
    org = OrganizationFactory(kind=Organization.Kind.INDIVIDUAL)
    rep = member(org)
    client.force_login(rep)
    response = client.post(f"/api/v1/orgs/{org.slug}/partner-application/", VALID, content_type="application/json")
    assert response.json()["error"]["code"] == "individual_cannot_apply"


def test_pp3_api_staff_review(client, staff, company):
    org, _rep = company
    app = ApplicationFactory(org=org)
    client.force_login(staff)
    listing = client.get("/api/v1/staff/partner-applications/")
    assert listing.status_code == 200 and listing.json()["results"][0]["id"] == app.pk
    bad = client.post(f"/api/v1/staff/partner-applications/{app.pk}/reject/", {}, content_type="application/json")
    assert bad.status_code == 400
    ok = client.post(f"/api/v1/staff/partner-applications/{app.pk}/approve/")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"


def test_pp3_api_staff_routes_404_for_non_staff(client, company):
    org, rep = company
    app = ApplicationFactory(org=org)
    client.force_login(rep)
    assert client.get("/api/v1/staff/partner-applications/").status_code == 404
    assert client.post(f"/api/v1/staff/partner-applications/{app.pk}/approve/").status_code == 404


# --- PP-6 ---


def test_pp6_perk_claim_recorded_and_shown(client, world):
    client.force_login(world.partner_rep)
    response = client.post(reverse("partners:perk_claim"))
    assert response.status_code == 302
    profile = PartnerProfile.objects.get(org=world.partner)
    assert profile.wordpress_perk_claimed_at is not None
    assert AuditEvent.objects.filter(org=world.partner, action="partner.perk_claimed").exists()
    assert "claimed on" in client.get(reverse("partners:console")).content.decode()


def test_pp6_non_partner_cannot_claim(client, company):
    _org, rep = company
    client.force_login(rep)
    assert client.post(reverse("partners:perk_claim")).status_code == 404


# --- PP-1 / ORG-2: the register number ---


def _form_data(**over):
    data = {k: ("on" if v is True else v) for k, v in VALID.items()}
    data.update(over)
    return data


def test_pp1_org2_invalid_siret_refused_naming_the_format(company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(country="FR")
    org.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(
            access=access_for(user=rep, org=org), **{**VALID, "currency": "EUR", "register_number": "12345 not a siret"}
        )
    assert exc.value.code == "invalid_register_number" and exc.value.status == 400
    assert "SIRET" in exc.value.fields["register_number"][0]
    assert not PartnerApplication.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_pp1_org2_uid_with_wrong_check_digit_refused(company):
    org, rep = company
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(
            access=access_for(user=rep, org=org), **{**VALID, "register_number": "CHE-116.281.711"}
        )
    assert exc.value.code == "invalid_register_number"
    assert not PartnerApplication.objects.exists()


def test_pp1_org2_register_number_stored_compact(company):
    org, rep = company
    app = services.application_submit(access=access_for(user=rep, org=org), **VALID)
    assert app.register_number == "CHE116281710"
    assert app.register_number_display == "CHE-116.281.710"


def test_pp1_org2_siret_of_fr_org_accepted_and_compacted(company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(country="FR")
    org.refresh_from_db()
    app = services.application_submit(
        access=access_for(user=rep, org=org), **{**VALID, "currency": "EUR", "register_number": "732 829 320 00074"}
    )
    assert app.register_number == "73282932000074"


def test_pp1_register_number_defaults_to_the_orgs_own(company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(register_number="CHE287654328")
    org.refresh_from_db()
    app = services.application_submit(access=access_for(user=rep, org=org), **{**VALID, "register_number": ""})
    assert app.register_number == "CHE287654328"


def test_pp1_register_number_other_than_the_orgs_own_refused(company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(register_number="CHE287654328")
    org.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **VALID)  # CHE-116.281.710
    assert exc.value.code == "register_number_mismatch"
    assert "CHE-287.654.328" in str(exc.value.message)
    assert not PartnerApplication.objects.exists()


def test_pp1_register_number_of_another_org_refused(company):
    org, rep = company
    OrganizationFactory(name="Bäckerei Müller GmbH", register_number="CHE109322551")
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(
            access=access_for(user=rep, org=org), **{**VALID, "register_number": "CHE-109.322.551"}
        )
    assert exc.value.code == "register_number_of_other_org"
    assert not PartnerApplication.objects.exists()


def test_pp1_html_invalid_register_number_is_a_form_error(client, company):
    org, rep = company
    client.force_login(rep)
    response = client.post(reverse("partners:apply"), _form_data(register_number="12345 not a uid"))
    assert response.status_code == 400
    assert "CHE-123.456.789" in response.content.decode()  # the expected format is named
    assert not PartnerApplication.objects.exists()


def test_pp1_html_apply_form_prefilled_with_the_orgs_number_formatted(client, company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(register_number="CHE287654328")
    client.force_login(rep)
    assert 'value="CHE-287.654.328"' in client.get(reverse("partners:apply")).content.decode()


def test_pp1_api_invalid_register_number_400_error_shape(client, company):
    org, rep = company
    Organization.objects.filter(pk=org.pk).update(country="FR")
    client.force_login(rep)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/partner-application/",
        {**VALID, "currency": "EUR", "register_number": "12345 not a siret"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_register_number" and "register_number" in error["fields"]
    assert not PartnerApplication.objects.exists()


def test_org2_staff_queue_shows_register_numbers_formatted(client, staff):
    ApplicationFactory(org=OrganizationFactory(name="One AG"), register_number="CHE116281710")
    client.force_login(staff)
    page = client.get(reverse("partners:staff_queue")).content.decode()
    assert "CHE-116.281.710" in page and "CHE116281710" not in page


def test_pp1_demo_alpine_application_has_its_own_valid_uid():
    import io

    from stdnum.ch import uid

    from clients import demo as clients_demo
    from partners import demo

    clients_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    app = PartnerApplication.objects.get(org__name="Alpine IT Solutions GmbH")
    assert uid.is_valid(app.register_number) and app.register_number == app.org.register_number
    assert not Organization.objects.filter(register_number=app.register_number).exclude(pk=app.org_id).exists()


# --- PP-1: an affiliate can't also be a partner ---


def test_pp1_affiliate_enrolled_org_application_refused(company, staff):
    org, rep = company
    services.affiliate_enroll(org=org, by=staff)
    with pytest.raises(RuleViolation) as exc:
        services.application_submit(access=access_for(user=rep, org=org), **VALID)
    assert exc.value.code == "affiliate_enrolled" and exc.value.status == 409
    assert not PartnerApplication.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_pp1_api_affiliate_enrolled_org_application_409(client, company, staff):
    org, rep = company
    services.affiliate_enroll(org=org, by=staff)
    client.force_login(rep)
    response = client.post(f"/api/v1/orgs/{org.slug}/partner-application/", VALID, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "affiliate_enrolled"
    assert not PartnerApplication.objects.exists()


def test_pp1_html_apply_page_tells_an_affiliate_it_cannot_apply(client, company, staff):
    org, rep = company
    services.affiliate_enroll(org=org, by=staff)
    client.force_login(rep)
    page = client.get(reverse("partners:apply")).content.decode()
    assert "enrolled in the affiliate program" in page and "Send the application" not in page


def test_pp1_approval_refused_when_org_enrolled_after_applying(company, staff):
    org, rep = company
    app = services.application_submit(access=access_for(user=rep, org=org), **VALID)
    services.affiliate_enroll(org=org, by=staff)
    with pytest.raises(RuleViolation) as exc:
        services.application_approve(application=app, by=staff)
    assert exc.value.code == "affiliate_enrolled"
    app.refresh_from_db()
    assert app.status == "submitted" and not PartnerProfile.objects.filter(org=org).exists()


def test_pp1_partner_cannot_be_enrolled_as_affiliate(world, staff):
    from partners.models import AffiliateEnrollment

    with pytest.raises(RuleViolation) as exc:
        services.affiliate_enroll(org=world.partner, by=staff)
    assert exc.value.code == "partner_cannot_be_affiliate"
    assert not AffiliateEnrollment.objects.exists()


def test_pp1_affiliate_enrollment_audited_and_staff_only(company, staff):
    org, rep = company
    with pytest.raises(RuleViolation):
        services.affiliate_enroll(org=org, by=rep)
    services.affiliate_enroll(org=org, by=staff)
    assert selectors.is_affiliate(org=org)
    assert AuditEvent.objects.filter(org=org, action="partner.affiliate_enrolled", actor=staff).exists()


def test_pp1_admin_refuses_enrolling_a_partner(client, world):
    from clients.tests.factories import UserFactory
    from partners.models import AffiliateEnrollment

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:partners_affiliateenrollment_add"), {"org": world.partner.pk})
    assert response.status_code == 200  # the form again, with the error
    assert "a partner can" in response.content.decode()
    assert not AffiliateEnrollment.objects.exists()


def test_pp1_admin_enrolls_an_org(client, company):
    from clients.tests.factories import UserFactory
    from partners.models import AffiliateEnrollment

    org, _rep = company
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:partners_affiliateenrollment_add"), {"org": org.pk})
    assert response.status_code == 302
    enrollment = AffiliateEnrollment.objects.get(org=org)
    assert enrollment.enrolled_by == admin_user
    assert AuditEvent.objects.filter(org=org, action="partner.affiliate_enrolled").exists()


def test_pp3_staff_reject_form_requires_the_reason_and_confirms(client, staff):
    """The reason is required in the form; the button's dialog (app.js, which checks the form first:
    tests/browser/test_ux_confirm.py) and the server's confirmation step both ask before rejecting."""
    import re

    app = ApplicationFactory(org=OrganizationFactory(name="One AG"))
    client.force_login(staff)
    page = client.get(reverse("partners:staff_queue")).content.decode()
    action = reverse("partners:staff_reject", args=[app.pk])
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None
    assert 'data-confirm="Reject this application? The applicant is emailed the reason."' in form.group(0)
    assert re.search(r'<textarea[^>]*name="reason"[^>]*required', form.group(0))
    assert 'name="_confirm" value="partners.staff_reject"' in form.group(0)
