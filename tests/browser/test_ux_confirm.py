"""Destructive actions ask first, with and without JavaScript (portal/confirm.py): removing a member."""

from __future__ import annotations

import pytest

from clients.models import Membership, Role

from .data import add_member, org_with_rep
from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ux_confirm_member_removal_asks_first_without_and_with_javascript(journey):
    org, rep = org_with_rep("Schreinerei Holz AG", "anna@holz.example")
    first = add_member(org, "ben@holz.example", Role.COLLABORATOR, full_name="Ben Brett")
    second = add_member(org, "cleo@holz.example", Role.COLLABORATOR, full_name="Cleo Span")

    # Without JavaScript: the server's confirmation page, then the action.
    page = journey.new_page(javascript=False)
    journey.login(rep, org=org, page=page)
    journey.goto("/manager/members/", page=page)
    with page.expect_navigation():
        page.locator("main tr").filter(has_text="ben@holz.example").get_by_role("button", name="Remove").click()
    journey.expect_heading("Please confirm", page=page)
    assert page.title().startswith("Please confirm"), page.title()  # axe needs scripts: checked below, with JS
    assert "Remove this member from the organization? They lose access at once." in page.locator("main").inner_text()
    assert Membership.objects.filter(org=org, user=first).exists(), "nothing changes before the confirmation"
    with page.expect_navigation(url="**/manager/members/"):
        page.get_by_role("button", name="Yes, continue").click()
    assert journey.path(page) == "/manager/members/"
    assert "The member was removed." in messages_text(page)
    assert not Membership.objects.filter(org=org, user=first).exists()

    # Cancel leaves everything as it was.
    with page.expect_navigation():
        page.locator("main tr").filter(has_text="cleo@holz.example").get_by_role("button", name="Remove").click()
    journey.expect_heading("Please confirm", page=page)
    with page.expect_navigation(url="**/manager/members/"):
        page.get_by_role("link", name="Cancel").click()
    assert journey.path(page) == "/manager/members/"
    assert Membership.objects.filter(org=org, user=second).exists()

    # With JavaScript: the same confirmation page passes the page checks (axe, 375 px)...
    journey.login(rep, org=org)
    journey.goto("/manager/members/")
    js = journey.page
    membership = Membership.objects.get(org=org, user=second)
    journey.post_form(
        f"/manager/members/{membership.pk}/remove/", {"_confirm": "clients.member_remove", "_confirmed": ""}
    )
    journey.expect_heading("Please confirm")
    journey.check("confirm-page", mobile=True)
    with js.expect_navigation(url="**/manager/members/"):
        js.get_by_role("link", name="Cancel").click()
    js.wait_for_load_state("load")
    assert Membership.objects.filter(org=org, user=second).exists()

    # ... and the button's dialog asks instead: the action runs without the extra page.
    journey.goto("/manager/members/")
    js.once("dialog", lambda dialog: dialog.accept())
    with js.expect_navigation(url="**/manager/members/"):  # the POST, then the redirect back
        js.locator("main tr").filter(has_text="cleo@holz.example").get_by_role("button", name="Remove").click()
    js.wait_for_load_state("load")
    assert journey.path() == "/manager/members/"
    assert "The member was removed." in messages_text(js)
    assert not Membership.objects.filter(org=org, user=second).exists()
    journey.check("members-after-js-removal", mobile=True)
    # At 375 px each member is a card: its actions are on screen, not past a scrolled table's edge.
    js.set_viewport_size({"width": 375, "height": 800})
    box = (
        js.locator("main tr")
        .filter(has_text=rep.email)
        .get_by_role("button", name="Leave the organization")
        .bounding_box()
    )
    assert box is not None and box["x"] + box["width"] <= 375, box
    journey.assert_pages_ok()


def test_ux_confirm_staff_reject_says_the_reason_is_missing_before_asking(journey):
    """PP-3: with the reason left empty, the browser says so and no "Reject this application?" dialog
    comes first; with a reason, the dialog asks and the application is rejected."""
    from partners.models import PartnerApplication
    from partners.tests.factories import ApplicationFactory

    from .data import person

    applicant, _rep = org_with_rep("Bergbau Web GmbH", "rep@bergbau.example")
    application = ApplicationFactory(org=applicant)
    staff = person("staff@portal.example", "Sam Staff", is_staff=True)
    page = journey.login(staff)
    journey.goto("/manager/partners/staff/applications/")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    card = page.locator("main section.card").filter(has_text="Bergbau Web GmbH")

    card.get_by_role("button", name="Reject").click()
    page.wait_for_timeout(200)

    assert dialogs == [], f"asked before the reason was given: {dialogs}"
    assert card.locator("textarea[name=reason]").evaluate("el => !el.validity.valid")
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.SUBMITTED

    card.locator("textarea[name=reason]").fill("The website is not active.")
    with page.expect_navigation():
        card.get_by_role("button", name="Reject").click()
    page.wait_for_load_state("load")

    assert dialogs == ["Reject this application? The applicant is emailed the reason."]
    application.refresh_from_db()
    assert application.status == PartnerApplication.Status.REJECTED
    assert application.reason == "The website is not active."
    journey.check("staff-queue-after-reject")
    journey.assert_pages_ok()
