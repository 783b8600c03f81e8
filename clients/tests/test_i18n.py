"""SPEC §9 / NT-2: clients pages and emails in the user's language (English and Spanish)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.translation.reloader import translation_file_changed

from clients.models import Membership, Role
from clients.services import member_invite, member_set_role
from clients.tests.factories import MembershipFactory, UserFactory
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "clients" / "locale", ROOT / "locale"]  # this app's and the project's (layout, email base)


@pytest.fixture(autouse=True, scope="module")
def _compiled_catalogs():
    """.mo files are git-ignored (`make messages` builds them): compile ours when missing or stale."""
    compiled = False
    for base in CATALOGS:
        po = base / "es" / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
            compiled = True
    if compiled:  # a catalog loaded earlier in this process would miss the new file
        translation_file_changed(sender=None, file_path=mo)
    yield


@pytest.fixture
def spanish_rep(org, legal_rep):
    legal_rep.language = "es"
    legal_rep.save(update_fields=["language"])
    return legal_rep


def _page(client, user, name: str) -> str:
    client.force_login(user)
    response = client.get(reverse(f"manager:{name}"))
    assert response.status_code == 200
    return response.content.decode()


def test_spec9_dashboard_in_spanish_for_spanish_user(client, spanish_rep):
    page = _page(client, spanish_rep, "dashboard")

    assert '<html lang="es">' in page
    assert "Panel — Acme AG" in page
    assert "Miembros e invitaciones" in page  # the clients dashboard card
    assert "Cerrar sesión" in page  # the shared navigation (project catalog)
    assert "Members and invitations" not in page


def test_spec9_org_page_in_spanish_for_spanish_user(client, spanish_rep):
    page = _page(client, spanish_rep, "org_detail")

    assert "Tokens de acceso" in page
    assert "Tu empresa aún no tiene número de IVA" in page  # ORG-4 prompt (no VAT number)
    assert "Suiza" in page  # country names from clients/identifiers.py


def test_spec9_members_page_in_spanish_for_spanish_user(client, spanish_rep, collaborator):
    page = _page(client, spanish_rep, "members")

    assert "Miembros de Acme AG" in page
    assert "Invitar a un miembro" in page
    assert "Representante legal" in page and "Colaborador" in page  # role labels
    assert "Invite a member" not in page


def test_spec9_members_page_in_english_for_english_user(client, legal_rep):
    page = _page(client, legal_rep, "members")

    assert '<html lang="en">' in page
    assert "Members of Acme AG" in page
    assert "Invite a member" in page
    assert "Invitar a un miembro" not in page


def test_org2_invalid_vat_number_refused_in_spanish(client, spanish_rep, org):
    client.force_login(spanish_rep)
    response = client.post(
        reverse("manager:org_edit"), {"name": "Acme AG", "vat_number": "CHE-123.456.789 MWST", "accept_terms": "on"}
    )

    assert response.status_code == 400
    assert "Este número de IVA no es válido" in response.content.decode()
    assert "un UID suizo con su sufijo de IVA" in response.content.decode()  # the expected format, in Spanish
    org.refresh_from_db()
    assert org.vat_number == ""


def test_nt2_org6_invitation_email_in_spanish_for_spanish_invitee(org, legal_rep, access_of):
    UserFactory(email="nueva@example.com", language="es")

    member_invite(access=access_of(legal_rep), email="nueva@example.com", role=Role.ADMINISTRATOR)

    email = OutboxEmail.objects.get(to="nueva@example.com")
    assert email.language == "es"
    assert email.subject == "Te invitan a unirte a Acme AG en el Partner Portal"
    assert "te invita a unirte a Acme AG como Administrador." in email.body_text
    assert "Si aún no tienes cuenta, regístrate primero" in email.body_text
    assert email.body_text.startswith("Hola, ")  # the email layout (project catalog)
    assert '<html lang="es">' in email.body_html
    assert "Recibes este correo por tu cuenta en el Partner Portal." in email.body_html


def test_nt2_org6_invitation_email_in_english_for_unknown_address(org, legal_rep, access_of):
    member_invite(access=access_of(legal_rep), email="stranger@example.com", role=Role.COLLABORATOR)

    email = OutboxEmail.objects.get(to="stranger@example.com")
    assert email.language == "en"
    assert email.subject == "You are invited to join Acme AG on the Partner Portal"
    assert "as Collaborator." in email.body_text
    assert '<html lang="en">' in email.body_html


def test_nt2_org6_role_change_email_in_spanish(org, legal_rep, access_of):
    member = UserFactory(email="colab@example.com", language="es")
    membership = MembershipFactory(org=org, user=member, role=Role.COLLABORATOR)

    member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.ADMINISTRATOR)

    email = OutboxEmail.objects.get(to=member.email, template="clients/role_changed")
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMINISTRATOR
    assert email.subject == "Tu rol en Acme AG ha cambiado"
    assert "ha cambiado tu rol en Acme AG: Colaborador → Administrador." in email.body_text
    assert "A partir de ahora, tus derechos en la organización son los de tu nuevo rol." in email.body_html


def test_nt2_org6_role_change_email_in_english(org, legal_rep, collaborator, access_of):
    membership = Membership.objects.get(org=org, user=collaborator)

    member_set_role(access=access_of(legal_rep), membership_id=membership.pk, role=Role.ADMINISTRATOR)

    email = OutboxEmail.objects.get(to=collaborator.email, template="clients/role_changed")
    assert email.subject == "Your role in Acme AG has changed"
    assert "Collaborator → Administrator." in email.body_text


# --- accounts (allauth ships its Spanish; the verification email uses our layout) -----------------


def _h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_spec9_signup_and_login_pages_in_spanish_from_accept_language(client):
    signup = client.get(reverse("account_signup"), headers={"accept-language": "es"}).content.decode()
    login = client.get(reverse("account_login"), headers={"accept-language": "es"}).content.decode()

    assert '<html lang="es">' in signup and '<html lang="es">' in login
    assert _h1(signup) == "Registrarse" and "Contraseña" in signup
    assert _h1(login) == "Iniciar sesión" and "Recordarme" in login
    assert "Ir al contenido" in login  # the portal layout around allauth's pages
    assert "¿Ya tienes una cuenta?" in signup  # allauth's usted replaced by the portal's tú (project catalog)


def test_spec9_language_switcher_turns_visitor_pages_spanish(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("account_login")})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert _h1(page) == "Iniciar sesión"
    assert "Sign in" not in page


def _sign_up(client, email: str, language: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "email2": email, "password1": "Una-clave-larga-77", "password2": "Una-clave-larga-77"},
        headers={"accept-language": language},
        follow=True,
    )


def test_nt2_signup_confirmation_page_and_email_in_spanish(client):
    response = _sign_up(client, "ana@example.com", "es")

    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "Verifique su dirección de correo electrónico" in response.content.decode()  # allauth's own Spanish
    email = OutboxEmail.objects.get(to="ana@example.com")
    assert email.language == "es" and email.user.language == "es"
    assert email.subject == "[Partner Portal] Confirma tu dirección de correo"
    assert email.body_text.startswith("Hola:")
    assert "Alguien, probablemente tú, ha indicado la dirección ana@example.com" in email.body_text
    assert "abre este enlace: http://testserver/accounts/confirm-email/" in email.body_text


def test_nt2_signup_confirmation_email_in_english(client):
    _sign_up(client, "bob@example.com", "en")

    email = OutboxEmail.objects.get(to="bob@example.com")
    assert email.language == "en"
    assert email.subject == "[Partner Portal] Confirm your email address"
    assert "Someone, probably you, gave the address bob@example.com" in email.body_text
    assert "Hello from !" not in email.body_text  # allauth's own layout needs a site name the adapter doesn't give


def test_spec9_not_found_page_in_spanish(client):
    response = client.get("/manager/no-such-page/", headers={"accept-language": "es"})

    assert response.status_code == 404
    page = response.content.decode()
    assert _h1(page) == "Página no encontrada"
    assert "Volver a la página de inicio" in page
