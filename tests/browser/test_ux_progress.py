"""Issue 8 (usability) in a real browser: a CSV export shows its progress and saves the server's
file; the clients list filters and pages through htmx with an indicator, the page staying usable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .data import active_partnership, org_with_rep, partner_with_rep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ux_ps16_csv_export_progress_and_htmx_filtering(journey):
    partner, rep = partner_with_rep("Webagentur Progress GmbH", "lea@progress.example")
    for i in range(30):
        client, _ = org_with_rep(f"Kunde {i:02d} AG", f"kunde{i:02d}@example.ch")
        active_partnership(partner, client, level="full", payment_method="client_pays", by=rep)

    page = journey.login(rep, org=partner)
    journey.goto("/manager/partners/clients/")
    journey.check("clients-list", mobile=True)

    # Export: the link is busy while the file is prepared, then the file arrives under its own name.
    link = page.locator("main a[data-export]")
    status = page.locator("main .export-status")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "clients.csv"
    expect(status).to_have_text("Your file is downloaded.")
    expect(link).not_to_have_attribute("aria-busy", "true")
    expect(link).not_to_have_attribute("aria-disabled", "true")

    # Filtering through htmx: only the results change, the URL follows, no full reload.
    page.evaluate("window.__sameDocument = true")
    page.get_by_label("Search").fill("Kunde 07")
    page.locator("main form.filters").get_by_role("button", name="Apply").click()
    expect(page.locator("#clients-results tbody tr")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument === true"), "the page was not reloaded"
    assert "q=Kunde+07" in page.url or "q=Kunde%2007" in page.url
    expect(page.locator("#clients-results")).not_to_have_attribute("aria-busy", "true")
    journey.check("clients-filtered")

    # Paging through htmx.
    page.get_by_label("Search").fill("")
    page.locator("main form.filters").get_by_role("button", name="Apply").click()
    expect(page.locator("#clients-results tbody tr")).to_have_count(25)
    expect(page.locator("#clients-results")).not_to_have_attribute("aria-busy", "true")
    page.locator("#clients-results nav.pagination").get_by_role("link", name="Next").click()
    expect(page.locator("#clients-results tbody tr")).to_have_count(5)
    assert page.evaluate("window.__sameDocument === true")
    journey.check("clients-page-2")
    journey.assert_pages_ok()
