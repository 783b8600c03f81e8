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
