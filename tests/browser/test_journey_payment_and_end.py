"""Journey 5: a client changes the payment method of its full partnership (the confirmation page says
what changes) and the partner is emailed (PS-9); then the client ends a partnership, confirming twice,
the second time with its password (PS-11)."""

from __future__ import annotations

import pytest

from partners.models import Partnership

from .data import active_partnership, company_with_products, partner_with_rep
from .helpers import PASSWORD, messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey5_client_changes_payment_method_then_ends_partnership(journey):
    partner, anna = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    client, hans, _products = company_with_products("Bäckerei Müller GmbH", "hans@baeckerei.example")
    p = active_partnership(partner, client, level="full", payment_method="client_pays")

    page = journey.login(hans, org=client)
    journey.goto("/manager/partners/partners/")
    page.locator("main").get_by_role("link", name=partner.name).click()
    assert journey.path() == f"/manager/partners/partnerships/{p.pk}/"
    journey.check("partnership", mobile=True)

    # PS-9: change who pays; the confirmation page says what changes for whom.
    section = page.locator("main section").filter(has=page.locator("[name=payment_method]"))
    section.locator("[name=payment_method][value=partner_pays]").check()
    section.get_by_role("button", name="Review the change").click()
    assert journey.path() == f"/manager/partners/partnerships/{p.pk}/payment-method/"
    journey.check("payment-method-confirm", mobile=True)
    text = page.locator("main").inner_text()
    assert "Today" in text and "After the change: partner pays" in text, text[:600]
    p.refresh_from_db()
    assert p.payment_method == "client_pays", "nothing changes before the confirmation"
    page.locator("main").get_by_role("button", name="Confirm the change").click()
    assert "payment method was changed" in messages_text(page), messages_text(page)
    journey.check("payment-method-changed")
    p.refresh_from_db()
    assert p.payment_method == "partner_pays"
    mail = journey.email(to=anna.email, template_contains="payment_method_changed")
    assert client.name in mail.body_text

    # PS-11: end it — first confirmation, then the password.
    page.locator("main").get_by_role("link", name="End the partnership").click()
    journey.check("end-step1")
    page.locator("main").get_by_role("button", name="Yes, end it").click()
    journey.check("end-step2", mobile=True)
    assert Partnership.objects.get(pk=p.pk).status == "active", "one confirmation is not enough"
    form = page.locator("main form").filter(has=page.locator("input[type=password]"))
    form.get_by_label("Your password").fill("not-my-password")
    form.get_by_role("button", name="End the partnership").click()
    journey.check("end-wrong-password", status=400)
    assert Partnership.objects.get(pk=p.pk).status == "active", "a wrong password ends nothing"
    form = page.locator("main form").filter(has=page.locator("input[type=password]"))
    form.get_by_label("Your password").fill(PASSWORD)
    form.get_by_role("button", name="End the partnership").click()
    assert "partnership has ended" in messages_text(page), page.locator("main").inner_text()[:500]
    journey.check("ended")
    p.refresh_from_db()
    assert (p.status, p.ended_by_side) == ("ended", "client")
    assert journey.email(to=anna.email, template_contains="partners/ended")
    journey.assert_pages_ok()
