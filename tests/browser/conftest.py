"""Real-browser journeys (issue 8): Playwright (sync API) driving Debian's Chromium.

The app is served by pytest-django's ``live_server`` (threaded, same test
database). Celery runs eagerly (test settings), unless ``BROWSER_WORKER=1``: then a
real ``celery -A portal worker`` subprocess sends the emails, against the same
(PostgreSQL) test database, on a Redis queue of its own per xdist worker
(``worker.py``); without PostgreSQL or Redis the journeys skip, or fail with
``REQUIRE_SERVICES=1`` (CI), rather than quietly running eagerly.

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
    """BROWSER_WORKER=1: the journeys' emails are sent by a real Celery worker (REDIS_URL, PostgreSQL)."""
    return os.environ.get("BROWSER_WORKER", "") in {"1", "true", "yes"}


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
def celery_worker_for_browser(request, transactional_db, require_services, tmp_path):
    """Eager Celery (default) or, with BROWSER_WORKER=1, a real `celery -A portal worker` subprocess.

    The worker runs against this xdist worker's test database and consumes a queue of its own
    (tests/browser/worker.py), purged first; this process's Celery app (the live server's) sends
    there and is checked not to be eager. Afterwards every email the outbox marked as sent must
    be in the worker's mail store and none in this process's locmem outbox: the worker sent them.
    The worker is stopped whatever happens; a failing test's report shows its log.
    """
    if not worker_mode():
        yield None
        return
    from django.core import mail
    from django.db import connection

    from tests.integration.conftest import app_broker, with_db

    from .worker import BROKER_DB, BrowserWorker, app_default_queue, purge_queue, queue_name

    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL=postgres://...)")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL")
    if missing:
        _service_missing("BROWSER_WORKER=1 needs " + " and ".join(missing), require_services)
    broker = with_db(os.environ["REDIS_URL"], BROKER_DB)
    queue = queue_name(connection.settings_dict["NAME"])
    try:
        purge_queue(broker, queue)
    except Exception as exc:  # Redis down: fail (REQUIRE_SERVICES=1) or skip, never run eagerly instead
        missing.append(f"Redis at {broker} ({exc!r})")
    if missing:
        _service_missing("BROWSER_WORKER=1 needs " + ", ".join(missing), require_services)
    maildir = tmp_path / "mail"
    maildir.mkdir()
    worker = BrowserWorker(queue=queue, broker_url=broker, maildir=maildir, logdir=tmp_path)
    request.node._browser_worker = worker  # pytest_runtest_makereport adds its log to a failure
    try:
        worker.start()
        with app_default_queue(queue), app_broker(broker) as app:
            # The live server runs in this process, with this app: no task may run in it.
            assert app.conf.task_always_eager is False, "BROWSER_WORKER=1 but Celery is eager in the live server"
            mail.outbox = []
            yield worker
            _assert_sent_by_worker(worker, locmem=mail.outbox)
    finally:
        worker.stop()


def _service_missing(reason: str, required: bool) -> None:
    """Skip, or fail under REQUIRE_SERVICES=1 (as the root conftest does for its markers)."""
    if required:
        pytest.fail(f"required service missing (REQUIRE_SERVICES=1): {reason}", pytrace=False)
    pytest.skip(reason)


def _assert_sent_by_worker(worker, *, locmem) -> None:
    from portal.models import OutboxEmail

    assert not locmem, f"emails sent in the test process, not by the worker: {[m.subject for m in locmem]}"
    sent = {str(pk) for pk in OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).values_list("pk", flat=True)}
    not_in_store = sent - worker.sent_message_ids()
    assert not not_in_store, f"outbox emails marked sent but not in the worker's mail store: {sorted(not_in_store)}"
    if sent:
        assert "send_outbox_email" in worker.log_text() and " succeeded in " in worker.log_text(), (
            "the worker's log shows no send_outbox_email task"
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, the journey's page problems so far and the tail of the Celery worker's log."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    journey = getattr(item, "_browser_journey", None)
    if journey is not None and journey.problems and report.when == "call":
        report.sections.append(("page checks", "\n".join(journey.problems)))
    worker = getattr(item, "_browser_worker", None)
    if worker is not None:
        log = worker.log_text()
        report.sections.append((f"celery worker log ({worker.log})", log[-20_000:] or "(empty)"))


@pytest.fixture
def journey(request, browser, site, celery_worker_for_browser):
    """A fresh browser context for one journey: `journey.page`, helpers in tests/browser/helpers.py."""
    from .helpers import Journey

    name = request.node.name.removeprefix("test_")
    j = Journey(browser=browser, base_url=site, name=name, worker=celery_worker_for_browser)
    request.node._browser_journey = j  # pytest_runtest_makereport shows its problems with a failure
    yield j
    j.close()
