"""Journey 8: a visitor sends a quote request from /tenders/new/, confirms it from the email, a partner
quotes, and the visitor accepts the quote through the private link (TD-1..TD-4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenders.models import TenderQuote, TenderRequest
from tenders.tests.factories import SubscriptionFactory

from .data import partner_with_rep
from .helpers import DESKTOP, MOBILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journey8_visitor_requests_quote_confirms_partner_quotes_visitor_accepts(journey):
    partner, anna = partner_with_rep("Helvetia Web Agency AG", "anna@helvetia.example")
    SubscriptionFactory(org=partner, categories=["web_hosting"])
    visitor_email = "anna.muster@muster.example"

    page = journey.page
    journey.goto("/tenders/new/")
    journey.check("request-form", mobile=True)
    form = page.locator("main form").filter(has=page.locator("[name=description]"))
    form.get_by_label("Your name").fill("Anna Muster")
    form.get_by_role("textbox", name="Email").fill(visitor_email)
    form.get_by_label("Company (optional)").fill("Muster GmbH")
    form.get_by_label("Country").select_option("CH")
    form.get_by_label("Region or city (optional)").fill("Zürich")
    form.get_by_label("Language of the project").select_option("en")
    form.get_by_label("Project description").fill("A new website with email for 10 people.")
    form.locator("[name=categories][value=web_hosting]").check()
    form.get_by_label("Minimum budget (optional)").fill("1000")
    form.get_by_label("Maximum budget (optional)").fill("5000")
    form.get_by_label("Currency").select_option("CHF")
    form.get_by_label("Deadline").fill((date.today() + timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Send the request").click()
    assert journey.path() == "/tenders/new/sent/", f"after sending: {page.locator('main').inner_text()[:500]}"
    journey.check("request-sent", mobile=True)
    tender = TenderRequest.objects.get(email=visitor_email)
    assert tender.status == "awaiting_confirmation", "nothing is sent to partners before the address is confirmed"

    # The confirmation email: confirm, and the request goes to the partner.
    mail = journey.email(to=visitor_email, template_contains="confirm_request")
    journey.goto(journey.link_in(mail, "/tenders/confirm/"))
    journey.check("confirm", mobile=True)
    page.locator("main").get_by_role("button", name="Confirm and send the request").click()
    journey.check("confirmed")
    tender.refresh_from_db()
    assert tender.status == "published"

    partner_page = journey.login_as_new(anna, org=partner)
    mail = journey.email(to=anna.email, template_contains="new_request")
    journey.goto(journey.link_in(mail), page=partner_page)
    if journey.path(partner_page) != f"/manager/tenders/{tender.pk}/":
        journey.check("partner-inbox", page=partner_page, mobile=True)
        partner_page.locator("main").get_by_role("link", name=f"#{tender.pk}").first.click()
    assert journey.path(partner_page) == f"/manager/tenders/{tender.pk}/"
    journey.check("partner-request", page=partner_page, mobile=True)
    assert visitor_email not in partner_page.locator("main").inner_text(), "the contact is revealed only on award"
    form = partner_page.locator("main form").filter(has=partner_page.locator("[name=amount]"))
    form.get_by_label("Message").fill("We build it in 3 weeks on Web Hosting Pro.")
    form.get_by_label("Amount").fill("3200")
    form.get_by_label("Currency").select_option("CHF")
    form.get_by_label("Valid until").fill((date.today() + timedelta(days=20)).isoformat())
    form.locator("[name=accepts_tender_exclusivity]").check()
    form.get_by_role("button", name="Send the quote").click()
    journey.check("partner-quoted", page=partner_page)
    quote = TenderQuote.objects.get(request=tender, partner=partner)
    assert quote.amount == 3200

    # The visitor reads the quote through the private link and accepts it.
    mail = journey.email(to=visitor_email, template_contains="quote_received")
    journey.goto(journey.link_in(mail, "/tenders/r/"))
    journey.check("private-request", mobile=True)
    row = page.locator("main tr").filter(has_text=partner.name)
    assert row.count() == 1, "the quote is listed on the private page"
    assert "3,200.00" in row.inner_text(), f"the amount in the reader's format: {row.inner_text()!r}"
    page.set_viewport_size(MOBILE)  # on a phone the quote's Accept button is on screen, not past a sideways scroll
    try:
        box = row.get_by_role("button", name="Accept").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], box
    finally:
        page.set_viewport_size(DESKTOP)
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    journey.check("private-accepted", mobile=True)
    tender.refresh_from_db()
    quote.refresh_from_db()
    assert tender.status == "awarded", tender.status
    assert quote.status == "accepted", quote.status
    assert journey.email(to=anna.email, template_contains="outcome")
    journey.goto(f"/manager/tenders/{tender.pk}/", page=partner_page)
    assert visitor_email in partner_page.locator("main").inner_text(), "the awarded partner sees the contact"
    journey.check("partner-awarded", page=partner_page)
    journey.assert_pages_ok()
