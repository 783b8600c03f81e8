"""Journey 3: a partner's legal rep adds a client asking for full access; the client accepts with
limited access on two products (counter-offer); the partner reviews and acknowledges (PS-2)."""

from __future__ import annotations

import pytest

from clients.models import Product
from partners.models import Partnership

from .data import company_with_products, partner_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "console": "Partner program",
        "add": "Add a client",
        "send": "Send the invitation",
        "sent": "invitation",
        "accept_h1": "Accept the partnership",
        "accept": "Accept",
        "active": "The partnership is active.",
        "review": "Mark as reviewed",
        "to_review": "to review",
    },
    "es": {
        "console": "Programa de partners",
        "add": "Añadir un cliente",
        "send": "Enviar la invitación",
        "sent": "invitación",
        "accept_h1": "Aceptar la colaboración",
        "accept": "Aceptar",
        "active": "La colaboración está activa.",
        "review": "Marcar como revisado",
        "to_review": "por revisar",
    },
}


def _add_client_counter_offer(journey, lang: str) -> None:
    t = TEXT[lang]
    partner, anna = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    client, hans, products = company_with_products("Bäckerei Müller GmbH", "hans@baeckerei.example")
    domain, hosting, mail = products

    # The partner's legal rep adds a client from the partner console.
    page = journey.login(anna, org=partner)
    journey.goto("/manager/")
    if lang != "en":
        journey.switch_language(lang)
        switched = page.locator("html").get_attribute("lang") == lang
        journey.expect(
            switched,
            f"the top-bar language selector does not switch a signed-in user to {lang!r}: "
            "portal.middleware.UserLanguageMiddleware re-activates user.language, which set_language never updates",
        )
        if not switched:  # go on in Spanish the only other way, to check the partners' pages and emails
            for user in (anna, hans):
                user.language = lang
                user.save(update_fields=["language"])
            page.reload()
        # The client is another person, who reads the portal in the same language.
        hans.language = lang
        hans.save(update_fields=["language"])
    journey.check("dashboard", mobile=True)
    page.locator("#mainnav").get_by_role("link", name=t["console"]).click()
    journey.expect_heading(t["console"])
    journey.check("console")
    page.locator("main").get_by_role("link", name=t["add"]).first.click()
    assert journey.path() == "/manager/partners/clients/invite/"
    journey.expect_heading(t["add"])
    journey.check("invite-client", mobile=True)
    form = page.locator("main form").filter(has=page.locator("[name=client_email]"))
    form.locator("[name=client_email]").fill(hans.email)
    form.locator("[name=access_level][value=full]").check()
    form.locator("[name=payment_method]").select_option("client_pays")
    form.get_by_role("button", name=t["send"]).click()
    assert journey.path() != "/manager/partners/clients/invite/", (
        f"the invitation was not sent: {page.locator('main').inner_text()[:500]}"
    )
    journey.expect(t["sent"] in messages_text(page).lower(), f"confirmation message: {messages_text(page)!r}")
    journey.check("invitation-sent")
    p = Partnership.objects.get(partner=partner, invited_email=hans.email)
    assert (p.status, p.requested_access_level, p.requested_payment_method) == ("pending", "full", "client_pays")

    # The client follows the email's link, and grants limited access on two products only.
    mail = journey.email(to=hans.email, template_contains="invitation_to_client")
    client_page = journey.login_as_new(hans, org=client)
    journey.goto(journey.link_in(mail), page=client_page)
    journey.check("client-pending", page=client_page, mobile=True)
    row = client_page.locator("main tr").filter(has_text=partner.name)
    assert row.count() == 1, "the invitation is among the client's pending partnerships"
    row.get_by_role("link", name=t["accept"]).click()
    journey.expect_heading(t["accept_h1"], page=client_page)
    journey.check("client-accept", page=client_page, mobile=True)
    form = client_page.locator("main form").filter(has=client_page.locator("[name=access_level]"))
    form.locator("[name=access_level][value=limited]").check()
    form.locator("[name=payment_method]").select_option("")
    for item in (domain, hosting):
        form.locator(f"[name=products][value='{item.pk}']").check()
    form.get_by_role("button", name=t["accept"]).click()
    assert journey.path(client_page) == f"/manager/partners/partnerships/{p.pk}/", (
        f"accepting with other rights failed: {client_page.locator('main').inner_text()[:500]}"
    )
    journey.expect(t["active"] in messages_text(client_page), f"message: {messages_text(client_page)!r}")
    journey.check("client-partnership", page=client_page, mobile=True)
    p.refresh_from_db()
    assert (p.status, p.access_level, p.client_id, p.needs_review) == ("active", "limited", client.pk, True)
    granted = set(p.grants.filter(active=True).values_list("product_id", flat=True))
    assert granted == {domain.pk, hosting.pk}
    assert Product.objects.filter(org=client).count() == 3

    # The partner gets the review email; the client's profile says "to review" until acknowledged.
    mail = journey.email(to=anna.email, template_contains="accepted_review")
    assert domain.name in mail.body_text and hosting.name in mail.body_text, "the email lists the granted products"
    journey.goto(journey.link_in(mail))
    if journey.path() != f"/manager/partners/partnerships/{p.pk}/":
        page.locator("main").get_by_role("link", name=client.name).first.click()
    assert journey.path() == f"/manager/partners/partnerships/{p.pk}/", f"the client's profile, got {page.url}"
    assert t["to_review"] in page.locator("h1").inner_text().lower(), "the client's profile shows 'to review'"
    journey.check("partner-review", mobile=True)
    page.locator("main").get_by_role("button", name=t["review"]).click()
    journey.check("partner-reviewed")
    assert page.locator("main").get_by_role("button", name=t["review"]).count() == 0
    p.refresh_from_db()
    assert not p.needs_review and p.acknowledged_by == anna
    journey.assert_pages_ok()


def test_journey3_partner_adds_client_client_counter_offers_partner_acknowledges_en(journey):
    _add_client_counter_offer(journey, "en")


def test_journey3_partner_adds_client_client_counter_offers_partner_acknowledges_es(journey):
    _add_client_counter_offer(journey, "es")
