"""Issue 8 (usability): destructive actions ask for confirmation and look the same."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from clients.models import Role
from clients.tests.factories import OrganizationFactory
from partners.tests.factories import member

DESTRUCTIVE = re.compile(
    r"<button(?P<attrs>[^>]*)>\{% translate \"(?P<label>Remove|Revoke|Revoke now|Delete|Decline|Reject|"
    r"Decline the request|Leave the organization|Close the request|End the partnership|Yes, end it)\" %\}</button>"
)
# Confirm pages: the button is already the confirmation (PS-11 asks twice, the second time with the password).
CONFIRM_PAGES = {"partners/end.html"}


def _templates():
    root = settings.BASE_DIR / "templates"
    for path in sorted(root.rglob("*.html")):
        yield str(path.relative_to(root)), path.read_text()


def test_ux_every_destructive_button_is_red_and_asks_first():
    found, wrong = 0, []
    for name, text in _templates():
        for m in DESTRUCTIVE.finditer(text):
            found += 1
            attrs = m.group("attrs")
            if "button-danger" not in attrs:
                wrong.append(f"{name}: {m.group('label')} is not styled button-danger")
            if name not in CONFIRM_PAGES and "data-confirm=" not in attrs:
                wrong.append(f"{name}: {m.group('label')} has no data-confirm")
    assert found >= 10
    assert wrong == []


def test_ux_no_inline_handlers_for_confirmation():
    for name, text in _templates():
        assert not re.search(r"\son(click|submit)=", text), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "Remove this member from the organization? They lose access at once."),
        ("es", "¿Eliminar a este miembro de la organización? Pierde el acceso al instante."),
    ],
)
def test_ux_org6_remove_member_asks_in_the_reader_language(client, lang, question):
    org = OrganizationFactory()
    rep = member(org, language=lang)
    member(org, role=Role.COLLABORATOR)
    client.force_login(rep)
    page = client.get("/manager/members/").content.decode()
    assert f'class="button-danger" data-confirm="{question}"' in page
