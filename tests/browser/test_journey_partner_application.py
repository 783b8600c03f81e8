"""Journey 2: a company applies to the partner program, staff approve it in the manager's queue,
the company's legal representative gets the email (PP-1, PP-3)."""

from __future__ import annotations

import pytest

from clients.models import Membership, Role
from clients.tests.factories import OrganizationFactory, UserFactory
from partners.models import PartnerApplication, PartnerProfile
from partners.tests.factories import default_plan

from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey2_company_applies_staff_approve_legal_rep_emailed(journey):
    default_plan()
    company = OrganizationFactory(name="Bergweb GmbH", register_number="CHE116281710", city="Chur")
    rep = UserFactory(email="rep@bergweb.example", full_name="Rita Berg")
    Membership.objects.create(org=company, user=rep, role=Role.LEGAL_REPRESENTATIVE)
    provider = OrganizationFactory(name="Provider AG")
    staff = UserFactory(email="staff@provider.example", is_staff=True)
    Membership.objects.create(org=provider, user=staff, role=Role.COLLABORATOR)

    # The legal rep finds the program from the dashboard and applies.
    page = journey.login(rep, org=company)
    journey.goto("/manager/")
    journey.check("dashboard", mobile=True)
    page.locator("main").get_by_role("link", name="Become a partner").click()
    journey.check("console-not-partner")
    page.locator("main").get_by_role("link", name="Apply to the partner program").click()
    assert journey.path() == "/manager/partners/apply/"
    journey.check("apply", mobile=True)
    form = page.locator("main form").filter(has=page.locator("[name=website]"))
    form.get_by_label("Your company's active website").fill("https://bergweb.example")
    form.get_by_label("Expected yearly volume managed through the program").fill("1500")
    for checkbox in form.locator("input[type=checkbox]").all():
        checkbox.check()
    form.get_by_role("button", name="Send the application").click()
    page.wait_for_load_state()
    # PP-1: a volume under the minimum is refused with a clear message.
    assert "2,000" in page.locator("main").inner_text() or "2000" in page.locator("main").inner_text(), (
        "a yearly volume under 2,000 CHF is refused with a message naming the minimum"
    )
    journey.check("apply-refused", status=400)
    form.get_by_label("Expected yearly volume managed through the program").fill("6000")
    form.get_by_role("button", name="Send the application").click()
    assert "Your application was sent" in messages_text(page), messages_text(page)
    journey.check("apply-sent")
    application = PartnerApplication.objects.get(org=company)
    assert application.status == PartnerApplication.Status.SUBMITTED
    assert journey.email(to=rep.email, template_contains="application_submitted")

    # Staff find the queue from their dashboard and approve.
    staff_page = journey.login_as_new(staff, org=provider)
    journey.goto("/manager/", page=staff_page)
    staff_page.locator("main #card-applications").get_by_role("link", name="Review the applications").click()
    assert journey.path(staff_page) == "/manager/partners/staff/applications/"
    journey.check("staff-queue", page=staff_page, mobile=True)
    card = staff_page.locator("main section.card").filter(has_text="Bergweb GmbH")
    assert card.count() == 1, "the application is in the staff queue"
    card.get_by_role("button", name="Approve").click()
    assert "Bergweb GmbH is now a partner" in messages_text(staff_page), messages_text(staff_page)
    journey.check("staff-queue-approved", page=staff_page)

    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.APPROVED
    assert PartnerProfile.objects.filter(org=company, status="approved").exists()

    # The legal rep gets the email and its link opens the partner console.
    mail = journey.email(to=rep.email, template_contains="application_approved")
    journey.goto(journey.link_in(mail))
    assert journey.path() == "/manager/partners/", f"the approval email links to the console, got {page.url}"
    assert page.locator("main").get_by_text("Clients under management").count() == 1, "the console of a partner"
    journey.check("console-partner", mobile=True)
    journey.assert_pages_ok()
