"""Real-browser journeys (issue 8): Playwright (sync API) driving Debian's Chromium.

The app is served by pytest-django's ``live_server`` (threaded, same test
database). Celery runs eagerly (test settings), unless ``BROWSER_WORKER=1`` and
``REDIS_URL`` are set: then a real ``celery -A portal worker`` subprocess sends
the emails, against the same (PostgreSQL) test database, with the integration
suite's helpers.

Skipping/failing when Chromium is missing is the root conftest's job (marker
``browser``). Playwright's sync API keeps an event loop running in this thread for
as long as it is started, which Django's async-safety guard would take for async
code: the guard is relaxed (DJANGO_ALLOW_ASYNC_UNSAFE) only while Playwright runs,
one test module at a time, so that the rest of the suite keeps the guard.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def worker_mode() -> bool:
    return os.environ.get("BROWSER_WORKER", "") in {"1", "true", "yes"} and bool(os.environ.get("REDIS_URL"))


@pytest.fixture(scope="module")
def _playwright():
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="module")
def browser(_playwright):
    path = next(
        (
            c
            for c in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"))
            if c and os.path.exists(c)
        ),
        None,
    )
    # The root conftest skips (or, with REQUIRE_SERVICES=1, fails) before we get here.
    assert path, "Chromium not found (/usr/bin/chromium or CHROMIUM_PATH)"
    chromium = _playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL; emails link to it (settings.SITE_URL)."""
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url


@pytest.fixture
def celery_worker_for_browser(tmp_path):
    """Eager Celery (default) or, with BROWSER_WORKER=1 and REDIS_URL, a real worker subprocess."""
    if not worker_mode():
        yield None
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("BROWSER_WORKER=1 needs the test database on PostgreSQL (DATABASE_URL=postgres://...)")
    import redis

    from tests.integration.conftest import Worker, app_broker, with_db, xdist_index

    broker = with_db(os.environ["REDIS_URL"], 14 + xdist_index())
    redis.Redis.from_url(broker).flushdb()
    maildir = tmp_path / "mail"
    maildir.mkdir()
    worker = Worker(broker_url=broker, maildir=maildir, logdir=tmp_path).start()
    try:
        with app_broker(broker):
            yield worker
        from portal.models import OutboxEmail

        if OutboxEmail.objects.exists():
            assert "send_outbox_email" in worker.log_text(), (
                "the worker subprocess sent no email:\n" + worker.log_text()
            )
    finally:
        worker.stop()


@pytest.fixture
def journey(request, browser, site, celery_worker_for_browser):
    """A fresh browser context for one journey: `journey.page`, helpers in tests/browser/helpers.py."""
    from .helpers import Journey

    name = request.node.name.removeprefix("test_")
    j = Journey(browser=browser, base_url=site, name=name, worker=celery_worker_for_browser)
    yield j
    j.close()
    if j.problems:  # the journey stopped before asserting them: show them with its failure
        request.node.add_report_section("call", "page checks", "\n".join(j.problems))
