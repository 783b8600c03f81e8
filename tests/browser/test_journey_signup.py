"""Journey 1: a visitor signs up, verifies the email from the outbox, creates a company org with a VAT number."""

from __future__ import annotations

import pytest

from clients.models import Membership, Organization, Role
from portal.models import User

from .helpers import messages_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {
    "en": {
        "signup": "Sign Up",
        "sent": "Verify Your Email Address",
        "confirm": "Confirm Email Address",
        "onboarding": "Welcome to the Partner Portal",
        "create": "Create an organization",
        "created": "was created. You are its legal representative",
    },
    # Spanish: a word each heading must contain (the exact wording is the translators' choice).
    "es": {
        "signup": "Registrarse",
        "sent": "dirección",
        "confirm": "Confirmar",
        "onboarding": "Bienvenid",
        "create": "organización",
        "created": "creado",
    },
}


def _signup_and_create_company(journey, lang: str) -> None:
    h = HEADINGS[lang]
    page = journey.page
    email = f"new.visitor.{lang}@example.com"
    org_name = f"Visitor {lang.upper()} Web AG"

    journey.goto("/")
    journey.check("home", mobile=True)
    if lang != "en":
        journey.switch_language(lang)
        assert page.locator("html").get_attribute("lang") == lang, "the language selector switches the page language"
    journey.goto("/accounts/signup/")
    journey.expect_heading(h["signup"])
    journey.check("signup", mobile=True)

    form = page.locator("main form").filter(has=page.locator("input[type=password]"))
    form.locator("[name=email]").fill(email)
    form.locator("[name=email2]").fill(email)
    form.locator("[name=password1]").fill("A-long-pass-2026!")
    form.locator("[name=password2]").fill("A-long-pass-2026!")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url, f"after sign-up: {page.url}"
    journey.expect_heading(h["sent"])
    journey.check("verification-sent")
    user = User.objects.get(email=email)
    assert user.language == lang, f"the new user's language is {user.language!r}, expected {lang!r}"

    mail = journey.email(to=email, template_contains="email_confirmation")
    assert mail.language == lang, f"verification email in {mail.language!r}, expected {lang!r}"
    journey.goto(journey.link_in(mail, "/accounts/confirm-email/"))
    journey.expect_heading(h["confirm"])
    journey.check("confirm-email")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert journey.path() == "/manager/", f"after confirming the address: {page.url}"
    journey.expect_heading(h["onboarding"])
    journey.check("onboarding", mobile=True)

    page.locator("main a[href='/manager/org/new/']").first.click()
    page.wait_for_load_state()
    journey.expect_heading(h["create"])
    journey.check("org-create", mobile=True)
    form = page.locator("main form").filter(has=page.locator("[name=vat_number]"))
    form.locator("[name=kind][value=company]").check()
    form.locator("[name=name]").fill(org_name)
    form.locator("[name=country]").select_option("CH")
    form.locator("[name=register_number]").fill("CHE-116.281.710")
    form.locator("[name=vat_number]").fill("CHE-116.281.710 MWST")
    form.locator("[name=accept_terms]").check()  # giving a VAT number needs the Terms of Use (ORG-3)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert journey.path() == "/manager/org/", f"after creating the org: {page.url} {messages_text(page)}"
    message = messages_text(page)
    journey.expect(h["created"] in message, f"creation message {message!r} lacks {h['created']!r}")
    journey.check("org-detail", mobile=True)
    body = page.locator("main").inner_text()
    assert "CHE-116.281.710 MWST" in body, "the VAT number is shown formatted on the org page (ORG-2)"
    journey.goto("/accounts/sessions/")  # SEC-3's sessions list: allauth's table, on a phone too
    journey.check("sessions", mobile=True)

    org = Organization.objects.get(name=org_name)
    assert org.kind == "company"
    assert org.vat_number and org.register_number
    assert Membership.objects.filter(org=org, user=user, role=Role.LEGAL_REPRESENTATIVE).exists()
    journey.assert_pages_ok()


def test_journey1_signup_verify_create_company_en(journey):
    _signup_and_create_company(journey, "en")


def test_journey1_signup_verify_create_company_es(journey):
    _signup_and_create_company(journey, "es")
