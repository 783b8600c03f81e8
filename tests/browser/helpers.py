"""What every journey uses: the page checks, signing in, the outbox, the language selector."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

VENDOR = Path(__file__).parent / "vendor"
AXE_SOURCE = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 800}
PASSWORD = "Tr0ub4dor&3-horse"  # the factories' password
TIMING = bool(os.environ.get("BROWSER_TIMING"))


# The elements that stick out at 375 px and are not clipped by a scrolling ancestor (a hint for the fix).
WIDEST_JS = """() => {
  const clipped = (e) => {
    if (['absolute', 'fixed'].includes(getComputedStyle(e).position)) return false;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().replace(/\\s+/g, '.') : '');
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 376 && !clipped(e))
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > 376 && !clipped(c)))
    .slice(0, 4).map(e => name(e) + (e.textContent.trim() ? ` "${e.textContent.trim().slice(0, 30)}"` : ''));
}"""


@dataclass
class Watch:
    """What went wrong on the current page since the last check."""

    journey: str
    origin: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    document_status: int | None = None
    document_url: str = ""

    def reset(self) -> None:
        self.console_errors.clear()
        self.failed_requests.clear()


def watch(page, *, journey: str, origin: str) -> Watch:
    w = Watch(journey=journey, origin=origin)

    def on_console(msg):
        if msg.type == "error":
            w.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    def on_pageerror(exc):
        w.console_errors.append(f"uncaught: {exc}")

    def on_requestfailed(request):
        # Chromium asks for the favicon after a page's load and cancels it when the page is left
        # at once (a click or a form posted right after `goto`): not a defect of the page. CI
        # failed on it twice in the confirmation journey; any other failed request still counts.
        if "ERR_ABORTED" in (request.failure or "") and request.url.endswith("/favicon.svg"):
            return
        w.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(response):
        request = response.request
        if request.resource_type == "document" and request.frame == page.main_frame:
            w.document_status = response.status
            w.document_url = response.url
            return
        if response.status >= 400 and response.url.startswith(w.origin):
            w.failed_requests.append(f"{request.method} {response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.on("requestfailed", on_requestfailed)
    page.on("response", on_response)
    page._watch = w
    return w


def _axe_serious(page) -> list[str]:
    # axe-core comes with every document as an init script (Journey.new_page): page.add_script_tag()
    # would add an inline <script>, which the CSP (nonces only) refuses with a console error.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    found = []
    for v in result:
        if v.get("impact") in {"serious", "critical"}:
            targets = ", ".join(
                " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5]
            )
            found.append(f"[{v['impact']}] {v['id']}: {v['help']} — {targets}")
    return found


def page_problems(page, name: str, *, mobile: bool = False, status: int | None = None) -> list[str]:
    """What is wrong with the page now (issue 8 checks); saves a screenshot in var/screenshots/.

    No console error, no failed same-origin request, a title and an <h1>, zero serious or
    critical axe-core violations (labels included); with `mobile`, also no horizontal scroll
    at 375 px. `status` is the expected HTTP status of the document (default: below 400).
    """
    t0 = time.monotonic()
    page.wait_for_load_state("load")
    w: Watch = page._watch
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{w.journey}-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    t_shot = time.monotonic()
    problems: list[str] = []
    if status is None:
        if w.document_status is not None and w.document_status >= 400:
            problems.append(f"the page answered HTTP {w.document_status}")
    elif w.document_status != status:
        problems.append(f"the page answered HTTP {w.document_status}, expected {status}")
    errors = w.console_errors
    if status is not None and status >= 400:  # Chromium logs the expected error status of the document itself
        errors = [e for e in errors if not (f"status of {status}" in e and w.document_url in e)]
    problems += [f"console error: {e}" for e in errors]
    problems += [f"failed request: {r}" for r in w.failed_requests]
    title = page.title().strip()
    if not title or title.startswith("·"):
        problems.append(f"empty <title> ({title!r})")
    if page.locator("h1").count() < 1:
        problems.append("no <h1>")
    problems += [f"axe {v}" for v in _axe_serious(page)]
    t_axe = time.monotonic()
    if mobile:
        page.set_viewport_size(MOBILE)
        try:
            page.wait_for_timeout(50)
            width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(SCREENSHOTS / f"{w.journey}-{name}-375.png"), full_page=True)
            if width > MOBILE["width"]:
                wide = page.evaluate(WIDEST_JS)
                problems.append(f"horizontal scroll at 375 px: scrollWidth={width} (too wide: {wide})")
        finally:
            page.set_viewport_size(DESKTOP)
    w.reset()
    if TIMING:
        end = time.monotonic()
        print(f"[timing] {name}: shot {t_shot - t0:.2f}s axe {t_axe - t_shot:.2f}s mobile {end - t_axe:.2f}s")
    return [f"{name} ({urlsplit(page.url).path}): {p}" for p in problems]


def assert_page_ok(page, name: str, **kwargs) -> None:
    """page_problems(), asserted at once."""
    problems = page_problems(page, name, **kwargs)
    assert not problems, "page checks failed:\n  " + "\n  ".join(problems)


class Journey:
    """One browser context per journey, signed in as one person at a time."""

    def __init__(self, *, browser, base_url: str, name: str, worker=None):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.worker = worker
        self._contexts = []
        self.problems: list[str] = []
        self.page = self.new_page()

    def new_page(self, *, javascript: bool = True):
        """A fresh context (cookies of its own): another person in another browser (`javascript=False`:
        one that runs no script of the pages)."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport=DESKTOP, locale="en-US", java_script_enabled=javascript
        )
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(VENDOR / "axe.min.js"))
        self._contexts.append(context)
        page = context.new_page()
        watch(page, journey=self.name, origin=self.base_url)
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()

    # --- navigation and checks -------------------------------------------------
    def goto(self, path: str, page=None):
        page = page or self.page
        page.goto(path if path.startswith("http") else self.base_url + path)
        return page

    def post_form(self, path: str, data: dict[str, str] | None = None, page=None) -> None:
        """Submit a POST form built in the page (with its CSRF token): only where the UI offers no way."""
        page = page or self.page
        with page.expect_navigation():
            page.evaluate(
                """([action, data]) => {
                    const form = document.createElement('form');
                    form.method = 'post'; form.action = action;
                    const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
                    data = Object.assign({csrfmiddlewaretoken: token}, data);
                    for (const [k, v] of Object.entries(data)) {
                        const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;
                        form.appendChild(i);
                    }
                    document.body.appendChild(form); form.submit();
                }""",
                [path, data or {}],
            )

    def check(self, name: str, page=None, **kwargs) -> None:
        """The page checks, collected: the journey goes on, `assert_pages_ok()` reports them all."""
        self.problems += page_problems(page or self.page, name, **kwargs)

    def expect_heading(self, text: str, page=None) -> None:
        """The page's <h1> reads `text` (a translation check: collected, not fatal)."""
        from playwright.sync_api import expect

        page = page or self.page
        try:  # retried until it reads `text`: a click's navigation may not have landed yet
            expect(page.locator("h1").first).to_contain_text(text, ignore_case=True, timeout=5_000)
        except AssertionError:
            h1 = page.locator("h1").first.inner_text().strip() if page.locator("h1").count() else ""
            self.problems.append(f"{urlsplit(page.url).path}: <h1> is {h1!r}, expected {text!r}")

    def expect(self, condition: bool, message: str) -> None:
        """A check that does not stop the journey (translations, wording): reported at the end."""
        if not condition:
            self.problems.append(f"{urlsplit(self.page.url).path}: {message}")

    def assert_pages_ok(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, f"{len(problems)} page check(s) failed:\n  " + "\n  ".join(problems)

    def path(self, page=None) -> str:
        page = page or self.page
        page.wait_for_load_state()
        return urlsplit(page.url).path

    # --- people ----------------------------------------------------------------
    def login(self, user, *, org=None, page=None):
        """Sign `user` in (session cookie, no form: signing in is not what journeys test)."""
        from django.test import Client

        from clients.tenancy import SESSION_ORG_KEY

        page = page or self.page
        client = Client()
        client.force_login(user)
        if org is not None:
            session = client.session
            session[SESSION_ORG_KEY] = org.pk
            session.save()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": self.base_url, "httpOnly": True}]
        )
        return page

    def login_as_new(self, user, *, org=None):
        """A second browser for another person; returns its page."""
        page = self.new_page()
        return self.login(user, org=org, page=page)

    def switch_org(self, org_name: str, page=None) -> None:
        """Through the org switcher of the top bar."""
        page = page or self.page
        with page.expect_navigation():
            page.select_option("#org-switch", label=org_name)

    def switch_language(self, code: str, page=None) -> None:
        """Through the language selector of the top bar."""
        page = page or self.page
        with page.expect_navigation():
            page.select_option("#lang-select", code)

    # --- emails ----------------------------------------------------------------
    def email(self, *, to: str, subject_contains: str = "", template_contains: str = "", timeout: float = 20):
        """The newest outbox email to `to` (matching); with a real worker, waits until it was sent."""
        from portal.models import OutboxEmail

        end = time.monotonic() + timeout
        while True:
            qs = OutboxEmail.objects.filter(to__iexact=to).order_by("-created_at")
            if subject_contains:
                qs = qs.filter(subject__icontains=subject_contains)
            if template_contains:
                qs = qs.filter(template__icontains=template_contains)
            email = qs.first()
            if email is not None and (self.worker is None or email.status == OutboxEmail.Status.SENT):
                if self.worker is not None:  # sent by the worker subprocess: it is in its mail store
                    self.worker.wait_for_message(str(email.pk))
                return email
            if time.monotonic() > end:
                sent = list(OutboxEmail.objects.filter(to__iexact=to).values_list("template", "subject", "status"))
                raise AssertionError(
                    f"no email to {to} matching subject~{subject_contains!r} template~{template_contains!r}"
                    f"{' (sent by the worker)' if self.worker else ''}; emails to them: {sent}"
                )
            time.sleep(0.2)

    def link_in(self, email, pattern: str = "") -> str:
        """The first absolute link to this site in the email's text part (containing `pattern`)."""
        links = re.findall(r"https?://[^\s<>\"')\]]+", email.body_text)
        ours = [u for u in links if u.startswith(self.base_url) and pattern in u]
        assert ours, f"no link to {self.base_url} containing {pattern!r} in email {email.subject!r}: {links}"
        return ours[0]


def messages_text(page) -> str:
    page.wait_for_load_state()
    loc = page.locator("ul.messages")
    return loc.inner_text() if loc.count() else ""


def label(text: str) -> re.Pattern:
    """A field's label, exactly, with or without the trailing colon allauth adds."""
    return re.compile(r"^\s*" + re.escape(text) + r"\s*:?\s*\*?\s*$")
