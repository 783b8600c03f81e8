"""Destructive actions ask first without JavaScript too (portal/confirm.py).

With JavaScript the button's `data-confirm` dialog asks and app.js marks the form
confirmed; without it, the unconfirmed POST gets a page that says what will happen and
changes nothing until confirmed. Posts without the step's fields are not affected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clients.models import AuditEvent, Membership, Role
from clients.tests.factories import MembershipFactory, OrganizationFactory
from portal.confirm import _messages
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db

STEP = "clients.member_remove"
MESSAGE = "Remove this member from the organization? They lose access at once."


@pytest.fixture
def team():
    org = OrganizationFactory()
    rep = MembershipFactory(org=org, role=Role.LEGAL_REPRESENTATIVE).user
    colleague = MembershipFactory(org=org, role=Role.COLLABORATOR)
    browser = Client()
    browser.force_login(rep)
    return browser, org, rep, colleague


def ask(browser, colleague, step: str = STEP, **headers):
    """POST the member removal as a browser without JavaScript sends it: the step, unconfirmed."""
    url = reverse("manager:member_remove", args=[colleague.pk])
    return browser.post(url, {"_confirm": step, "_confirmed": ""}, **headers)


def assert_not_removed(colleague) -> None:
    assert Membership.objects.filter(pk=colleague.pk).exists()
    assert not AuditEvent.objects.filter(action="member.removed").exists()
    assert not OutboxEmail.objects.filter(template="clients/member_removed").exists()


def assert_removed(colleague) -> None:
    assert not Membership.objects.filter(pk=colleague.pk).exists()
    assert AuditEvent.objects.filter(action="member.removed").count() == 1
    assert OutboxEmail.objects.filter(to=colleague.user.email, template="clients/member_removed").count() == 1


def test_ux_confirm_without_js_asks_first_and_changes_nothing(team):
    browser, org, _rep, colleague = team
    url = reverse("manager:member_remove", args=[colleague.pk])

    response = ask(browser, colleague, HTTP_REFERER="http://testserver/manager/members/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Please confirm</h1>" in page
    assert MESSAGE in page
    assert f'action="{url}"' in page
    assert '<input type="hidden" name="_confirm" value="clients.member_remove">' in page
    assert '<input type="hidden" name="_confirmed" value="1">' in page
    assert 'href="http://testserver/manager/members/"' in page  # Cancel goes back
    assert '<input name="next" type="hidden" value="http://testserver/manager/members/">' in page  # and languages
    assert_not_removed(colleague)


def test_ux_confirm_page_form_carries_out_the_action(team):
    browser, org, _rep, colleague = team
    url = reverse("manager:member_remove", args=[colleague.pk])
    page = ask(browser, colleague).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))

    response = browser.post(url, fields)

    assert response.status_code == 302
    assert fields["_confirmed"] == "1"
    assert_removed(colleague)


def test_ux_confirm_with_js_confirmed_runs_at_once(team):
    browser, _org, _rep, colleague = team

    response = browser.post(
        reverse("manager:member_remove", args=[colleague.pk]), {"_confirm": STEP, "_confirmed": "1"}
    )

    assert response.status_code == 302
    assert_removed(colleague)


def test_ux_confirm_posts_without_the_step_are_not_affected(team):
    browser, _org, _rep, colleague = team

    response = browser.post(reverse("manager:member_remove", args=[colleague.pk]))

    assert response.status_code == 302
    assert_removed(colleague)


def test_ux_confirm_keeps_every_field_of_the_form(team):
    browser, *_ = team
    data = {"_confirm": "partners.staff_reject", "_confirmed": "", "reason": 'Not <b>"yet"</b>', "tag": ["a", "b"]}

    page = browser.post("/manager/partners/staff/applications/1/reject/", data).content.decode()

    assert '<input type="hidden" name="reason" value="Not &lt;b&gt;&quot;yet&quot;&lt;/b&gt;">' in page
    assert page.count('<input type="hidden" name="tag"') == 2
    assert "Reject this application? The applicant is emailed the reason." in page
    assert "csrfmiddlewaretoken" in page  # a fresh token from the page, not the posted one echoed


def test_ux_confirm_unknown_step_asks_with_a_generic_message(team):
    browser, _org, _rep, colleague = team

    response = ask(browser, colleague, step="nope")

    assert "Do you really want to do this? It cannot be undone." in response.content.decode()
    assert_not_removed(colleague)


def test_ux_confirm_cancel_never_links_to_another_site(team):
    browser, _org, _rep, colleague = team

    response = ask(browser, colleague, HTTP_REFERER="https://evil.example/phish")

    page = response.content.decode()
    assert "evil.example" not in page
    assert 'href="/manager/"' in page


def test_ux_confirm_page_speaks_the_users_language(team):
    browser, _org, rep, colleague = team
    rep.language = "es"
    rep.save(update_fields=["language"])

    page = ask(browser, colleague, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Confirma, por favor" in page
    assert "Sí, continuar" in page
    assert "¿Eliminar a este miembro de la organización? Pierde el acceso al instante." in page


def test_sec_confirm_checks_csrf_before_echoing_anything():
    org = OrganizationFactory()
    rep = MembershipFactory(org=org, role=Role.LEGAL_REPRESENTATIVE).user
    colleague = MembershipFactory(org=org, role=Role.COLLABORATOR)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rep)

    response = browser.post(
        reverse("manager:member_remove", args=[colleague.pk]), {"_confirm": STEP, "_confirmed": "", "x": "y"}
    )

    assert response.status_code == 403
    assert "Please confirm" not in response.content.decode()
    assert_not_removed(colleague)


def test_ux_confirm_json_bodies_are_not_read_as_forms(team):
    browser, _org, _rep, colleague = team

    response = browser.post(
        reverse("manager:member_remove", args=[colleague.pk]),
        data='{"_confirm": "clients.member_remove"}',
        content_type="application/json",
    )

    assert response.status_code == 302  # the view ran: no confirmation page for a JSON body
    assert_removed(colleague)


def test_ux_confirm_every_data_confirm_button_has_a_registered_step():
    """Each `data-confirm` reads its message from a registered step, and its form carries that step."""
    templates = Path(settings.BASE_DIR, "templates")
    found = {}
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert 'data-confirm="{% translate' not in text, path
        for form in re.findall(r"<form\b.*?</form>", text, flags=re.S):
            for key in re.findall(r"data-confirm=\"\{% confirm_message '([^']+)' %\}\"", form):
                assert f"{{% confirm_step '{key}' %}}" in form, (path, key)
                found[key] = path.name
    assert len(found) == 15
    assert {"billing.order", "billing.renew"} <= set(found)  # the actions that issue an invoice at once
    assert "clients.member_set_role" in found  # a legal rep demoting themselves cannot undo it (ORG-6)
    assert set(found) <= set(_messages)


def test_ux_confirm_messages_are_translated_to_spanish():
    from django.utils import translation

    with translation.override("en"):
        english = {key: str(message) for key, message in _messages.items()}
    with translation.override("es"):
        untranslated = [key for key, message in _messages.items() if str(message) == english[key]]

    assert untranslated == []


def test_ux_confirm_anonymous_private_request_page_asks_too(db):
    """The requester's private pages have no signed-in user; the step needs none. The page is the
    same for a token that does not exist: it says nothing about the request."""
    browser = Client()

    response = browser.post("/tenders/r/unknown-token/close/", {"_confirm": "tenders.close_request", "_confirmed": ""})

    assert response.status_code == 200
    assert "Close this request without accepting a quote?" in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_ux_confirm_page_language_switch_returns_to_the_previous_page(team):
    browser, _org, _rep, colleague = team
    page = ask(browser, colleague, HTTP_REFERER="http://testserver/manager/members/").content.decode()
    next_url = re.search(r'<input name="next" type="hidden" value="([^"]+)">', page).group(1)

    response = browser.post(reverse("set_language"), {"language": "es", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/manager/members/"
    assert_not_removed(colleague)
