"""Issue 8: the screenshots of the README (docs/screenshots/), taken over the demo data.

Each role's dashboard, the partner console, the clients list, a partner's public profile, an
invoice and the revenue console, at 1280 px (viewport only, as a reader sees it) and the
partner's dashboard at 375 px. Every page goes through the same checks as the journeys. The
PNGs land in var/screenshots/docs/; `scripts/screenshots.sh` copies them to docs/screenshots/.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from .data import standard_plan
from .helpers import DESKTOP, MOBILE, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS_SHOTS = SCREENSHOTS / "docs"


def shoot(journey, name: str, *, page=None, mobile: bool = False) -> None:
    """Check the page, then save what a reader sees first (the viewport) as var/screenshots/docs/<name>.png."""
    page = page or journey.page
    journey.check(name, page=page)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    if mobile:
        page.set_viewport_size(MOBILE)
    try:
        page.wait_for_timeout(50)
        page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"), full_page=False)
    finally:
        page.set_viewport_size(DESKTOP)


def test_i8_screenshots_of_each_role_dashboard_clients_profile_invoice_revenue(journey):
    from billing.models import Invoice
    from clients.models import Organization
    from partners.models import PartnerProfile
    from portal.models import User

    standard_plan()  # emptied by the previous transactional test; the demo expects its rates
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process
    agency = Organization.objects.get(name="Helvetia Web Agency AG")
    baeckerei = Organization.objects.get(name="Bäckerei Müller GmbH")
    anna = User.objects.get(email="anna.agency@demo.example")
    hans = User.objects.get(email="hans.mueller@demo.example")
    admin = User.objects.get(email="admin@demo.example")

    # The partner's legal representative: dashboard (also at 375 px), console, clients, revenue.
    page = journey.login(anna, org=agency)
    journey.goto("/manager/")
    shoot(journey, "partner-dashboard")
    shoot(journey, "partner-dashboard-375", mobile=True)
    journey.goto("/manager/partners/")
    shoot(journey, "partner-console")
    journey.goto("/manager/partners/clients/")
    assert page.locator("main").get_by_text(baeckerei.name).count() >= 1, "the demo client is listed"
    shoot(journey, "partner-clients")
    journey.goto("/manager/billing/revenue/")
    shoot(journey, "partner-revenue")

    # The public directory profile of the partner.
    profile = PartnerProfile.objects.get(org=agency)
    journey.goto(f"/directory/{profile.slug}/")
    assert profile.public_name in page.locator("h1").inner_text()
    shoot(journey, "partner-profile")

    # The client: dashboard and one of its invoices.
    journey.login(hans, org=baeckerei)
    journey.goto("/manager/")
    shoot(journey, "client-dashboard")
    invoice = Invoice.objects.filter(org=baeckerei).order_by("-id").first()
    assert invoice is not None, "the demo data gives the client an invoice"
    journey.goto(f"/manager/billing/invoices/{invoice.pk}/")
    assert invoice.number in page.locator("main").inner_text()
    shoot(journey, "client-invoice")

    # Staff: dashboard.
    journey.login(admin)
    journey.goto("/manager/")
    shoot(journey, "staff-dashboard")

    expected = {
        "partner-dashboard",
        "partner-dashboard-375",
        "partner-console",
        "partner-clients",
        "partner-revenue",
        "partner-profile",
        "client-dashboard",
        "client-invoice",
        "staff-dashboard",
    }
    assert {p.stem for p in DOCS_SHOTS.glob("*.png")} >= expected
    journey.assert_pages_ok()
