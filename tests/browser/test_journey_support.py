"""Journey 9: a user reads their support code (staff identify them with it) and grants the provider's
support temporary access to the org's mail (SP-1, SP-3)."""

from __future__ import annotations

import pytest

from clients.models import AuditEvent, Role
from tickets.models import SupportAccessGrant

from .data import add_member, company_with_products, org_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey9_user_reads_support_code_and_grants_temporary_support_access(journey):
    org, hans, _products = company_with_products("Bäckerei Müller GmbH", "hans@baeckerei.example")
    provider, _ = org_with_rep("Provider AG", "boss@provider.example")
    staff = add_member(provider, "support@provider.example", Role.COLLABORATOR, full_name="Sam Support")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])

    page = journey.login(hans, org=org)
    journey.goto("/manager/")
    widget = page.locator("details.support-widget")
    assert widget.count() == 1, "the support widget is on every manager page (SP-1)"
    widget.locator("summary").click()
    widget_code = widget.locator("dd strong").first.inner_text().strip()
    assert widget_code, "the widget shows the support code"
    journey.check("dashboard-widget-open", mobile=True)
    page.locator("#mainnav").get_by_role("link", name="Support", exact=True).click()
    assert journey.path() == "/manager/support/"
    journey.check("support", mobile=True)
    code = page.locator("main .support-code").inner_text().strip()
    assert code == widget_code, f"the same code on the page ({code!r}) and in the widget ({widget_code!r})"

    # SP-3: grant 24 h of access to the mail service, with a reason.
    form = page.locator("main form").filter(has=page.locator("[name=reason]"))
    form.get_by_label("Mail").check()
    form.get_by_label("Duration").select_option("24h")
    form.get_by_label("Reason").fill("Mails to our customers bounce since Monday.")
    form.get_by_role("button", name="Grant access").click()
    journey.check("support-granted", mobile=True)
    grant = SupportAccessGrant.objects.get(org=org)
    assert grant.mail and not grant.drive
    assert messages_text(page), "a confirmation message"
    row = page.locator("main tr").filter(has_text="Mails to our customers bounce")
    assert row.count() == 1 and "active" in row.inner_text(), "the grant is listed as active"
    assert journey.email(to=hans.email, template_contains="support_access_granted")
    assert AuditEvent.objects.filter(org=org, actor=hans, action__icontains="support").exists()

    # Staff identify the caller by the code and see the access granted.
    staff_page = journey.login_as_new(staff, org=provider)
    journey.goto("/manager/", page=staff_page)
    staff_page.locator("#mainnav").get_by_role("link", name="Support lookup").click()
    journey.check("staff-lookup", page=staff_page, mobile=True)
    staff_page.get_by_label("Support code or VIP code given by the caller").fill(code)
    staff_page.locator("main").get_by_role("button", name="Look up").click()
    journey.check("staff-lookup-result", page=staff_page, mobile=True)
    result = staff_page.locator("main").inner_text()
    assert hans.email in result and org.name in result, f"the lookup identifies the caller: {result[:400]!r}"
    assert "Mails to our customers bounce" in result, "staff see the access granted"

    # The user revokes it (and confirms: destructive actions ask first, issue 8).
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("main tr").filter(has_text="Mails to our customers bounce").get_by_role(
        "button", name="Revoke now"
    ).click()
    journey.check("support-revoked")
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    journey.assert_pages_ok()
