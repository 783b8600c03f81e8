"""Journey 6: a partner's collaborator acts for a client within its rights (the banner says for whom),
and the client reads, in its audit trail, what that person did (PS-12, PS-13, AU-1)."""

from __future__ import annotations

import pytest

from billing.demo import seed_catalog
from clients.audit import action_label
from clients.models import AuditEvent, Role
from partners.models import CollaboratorRights

from .data import active_partnership, add_member, company_with_products, partner_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey6_collaborator_acts_for_client_client_reads_audit_trail(journey):
    seed_catalog()
    partner, _anna = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    lea = add_member(partner, "lea@helvetia.example", Role.COLLABORATOR, full_name="Lea Meier")
    client, hans, (domain, hosting, _mail) = company_with_products("Bäckerei Müller GmbH", "hans@baeckerei.example")
    other, _, _ = company_with_products("Atelier Dupont SA", "claire@dupont.example")
    active_partnership(partner, client, level="full", payment_method="client_pays")
    active_partnership(partner, other, level="full", payment_method="client_pays")
    rights = CollaboratorRights.objects.create(
        partner=partner, user=lea, all_clients=False, can_view=True, can_manage_products=True, can_order=True
    )
    rights.clients.add(client)

    page = journey.login(lea, org=partner)
    journey.goto("/manager/partners/clients/")
    journey.check("clients", mobile=True)
    assert page.locator("main tbody tr").count() == 1, "the collaborator sees only the clients its rights allow"
    # PS-13: the collaborator opens the client straight from the clients list.
    access_button = page.locator("main").get_by_role("button", name=f"Access {client.name}'s account")
    assert access_button.count() == 1, "the clients list offers to access the client's account"
    access_button.click()
    page.wait_for_load_state()
    banner = page.locator(".banner-acting")
    assert banner.count() == 1, "a banner shows whom the partner person acts for"
    assert client.name in banner.inner_text() and partner.name in banner.inner_text(), banner.inner_text()
    assert "You now act for" in messages_text(page)
    journey.check("acting-client-products", mobile=True)
    assert hosting.name in page.locator("main").inner_text()

    # PS-12: the client's members, invoices and audit trail are never shown to partner people.
    nav = page.locator("#mainnav").inner_text()
    for hidden in ("Members", "Audit trail"):
        assert hidden not in nav, f"{hidden!r} is in the navigation while acting for a client"
    journey.goto("/manager/members/")
    assert page._watch.document_status == 404, "the client's members page is closed to partner people (404)"
    journey.check("acting-members-closed", status=404)

    # Within the rights: renew one of the client's products.
    journey.goto("/manager/billing/products/")
    assert page.locator(".banner-acting").count() == 1
    journey.check("acting-billing-products")
    row = page.locator("main tr").filter(has_text=hosting.name)
    assert row.get_by_role("button", name="Renew").count() == 1, "a collaborator with the order right may renew"
    page.once("dialog", lambda dialog: dialog.accept())  # issues an invoice: asked first
    with page.expect_navigation():
        row.get_by_role("button", name="Renew").click()
    assert f"{hosting.name} renewed" in messages_text(page), messages_text(page)
    journey.check("acting-renewed")
    page.locator(".banner-acting").get_by_role("button", name="Leave").click()
    page.wait_for_load_state()
    assert page.locator(".banner-acting").count() == 0
    journey.check("left-client")

    # The client's legal rep reads who did what, from which partner.
    client_page = journey.login_as_new(hans, org=client)
    journey.goto("/manager/", page=client_page)
    client_page.locator("#mainnav").get_by_role("link", name="Audit trail").click()
    journey.check("client-audit", page=client_page, mobile=True)
    rows = client_page.locator("main tbody tr").filter(has_text=lea.full_name)
    texts = [r.inner_text() for r in rows.all()]
    # Actions are shown as their translated labels (clients.audit.action_label), not as codes.
    opened, renewed = str(action_label("partner.access")), str(action_label("order.renewed"))
    assert any(opened in t and partner.name in t for t in texts), (
        f"the audit trail shows Lea's access ({opened!r}) from {partner.name}: {texts}"
    )
    assert any(renewed in t for t in texts), f"the audit trail shows Lea's renewal ({renewed!r}): {texts}"
    assert AuditEvent.objects.filter(org=client, actor=lea, actor_org=partner).count() >= 2
    journey.assert_pages_ok()
