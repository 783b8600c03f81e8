"""SEC-4 in a real browser: the API's Swagger UI renders under the CSP, with no console error
(its inline <style> carries the CSP nonce; its script is served from ?script=)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sec4_api_docs_render_without_console_errors(journey):
    page = journey.goto("/api/docs/")

    expect(page.locator("#swagger-ui .information-container")).to_be_visible(timeout=15_000)
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    watch = page._watch
    assert watch.console_errors == [], watch.console_errors
    assert watch.failed_requests == [], watch.failed_requests
    assert page.title().strip()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(250, 250, 250)", "the nonce'd <style> was applied"
