"""ORG-1, ORG-2, ORG-3, ORG-5: organizations, numbers, VAT changes, invoice note."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clients.models import AuditEvent, Membership, Organization
from clients.services import org_create, org_update
from clients.tests.factories import UserFactory
from portal.errors import InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db

VALID_UID = "CHE-116.281.710"
VALID_CH_VAT = "CHE-116.281.710 MWST"


# --- ORG-1 -----------------------------------------------------------------


@pytest.mark.parametrize(("country", "currency"), [("CH", "CHF"), ("LI", "CHF"), ("FR", "EUR"), ("DE", "EUR")])
def test_org1_currency_follows_country(country, currency):
    org = org_create(user=UserFactory(), name="X", kind="company", country=country)
    assert org.currency == currency


def test_org1_creator_is_legal_representative():
    user = UserFactory()
    org = org_create(user=user, name="Acme AG", kind="company", country="CH", register_number=VALID_UID)
    assert Membership.objects.get(org=org, user=user).role == "legal_representative"
    assert AuditEvent.objects.filter(org=org, action="org.created", actor=user).exists()


def test_org1_unknown_country_refused():
    with pytest.raises(InvalidInput) as exc:
        org_create(user=UserFactory(), name="X", kind="company", country="ZZ")
    assert exc.value.code == "invalid_country"
    assert not Organization.objects.exists()


def test_org1_user_without_org_sees_onboarding(client):
    client.force_login(UserFactory())
    response = client.get(reverse("manager:dashboard"))
    assert response.status_code == 200
    assert reverse("manager:org_create") in response.content.decode()


def test_org1_html_create_org_makes_it_acting_and_creator_legal_rep(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("manager:org_create"),
        {
            "kind": "company",
            "name": "Helvetia AG",
            "country": "CH",
            "street": "Bahnhofstrasse 1",
            "postal_code": "8001",
            "city": "Zürich",
            "register_number": VALID_UID,
            "vat_number": VALID_CH_VAT,
            "accept_terms": "on",
            "invoice_note": "PO 42",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="Helvetia AG")
    assert org.vat_number == "CHE116281710MWST"
    assert org.terms_accepted_at is not None
    assert Membership.objects.get(org=org).user == user
    assert client.session["acting_org_id"] == org.pk
    page = client.get(reverse("manager:org_detail")).content.decode()
    assert "CHE-116.281.710 MWST" in page
    assert "CHF" in page


def test_org3_html_create_with_vat_requires_terms(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("manager:org_create"),
        {"kind": "company", "name": "Helvetia AG", "country": "CH", "vat_number": VALID_CH_VAT},
    )
    assert response.status_code == 400
    assert not Organization.objects.exists()


def test_org1_api_create_org(api_client):
    user = UserFactory()
    api_client.force_login(user)
    response = api_client.post(
        "/api/v1/orgs/",
        {"name": "Atelier Dupont SARL", "kind": "company", "country": "FR",
         "register_number": "732 829 320 00074", "vat_number": "FR 40 303 265 045"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "atelier-dupont-sarl"
    assert body["currency"] == "EUR"
    assert body["vat_number"] == "FR40303265045"
    assert body["register_number"] == "73282932000074"
    assert body["register_number_display"] == "732 829 320 00074"
    assert body["role"] == "legal_representative"
    assert Membership.objects.get(org__slug=body["slug"]).user == user


# --- ORG-2 -----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["MWST", "TVA", "IVA", ""])
def test_org2_swiss_vat_accepted_with_or_without_suffix(suffix):
    org = org_create(
        user=UserFactory(), name="X", kind="company", country="CH", vat_number=f"CHE-116.281.710 {suffix}".strip()
    )
    assert org.vat_number.startswith("CHE116281710")
    assert org.vat_number_display.startswith("CHE-116.281.710")


def test_org2_swiss_uid_bad_check_digit_refused_naming_format():
    with pytest.raises(InvalidInput) as exc:
        org_create(user=UserFactory(), name="X", kind="company", country="CH", register_number="CHE-116.281.711")
    assert exc.value.code == "invalid_register_number"
    assert "CHE-123.456.789" in str(exc.value.message)
    assert not Organization.objects.exists()


def test_org2_eu_vat_with_prefix_accepted_and_stored_compact():
    org = org_create(user=UserFactory(), name="X", kind="company", country="FR", vat_number="FR 40 303 265 045")
    assert org.vat_number == "FR40303265045"


def test_org2_eu_vat_without_prefix_refused():
    with pytest.raises(InvalidInput) as exc:
        org_create(user=UserFactory(), name="X", kind="company", country="FR", vat_number="40303265045")
    assert exc.value.code == "invalid_vat_number"
    assert "FR" in str(exc.value.message)


def test_org2_siret_luhn_accepted_and_shown_formatted():
    org = org_create(user=UserFactory(), name="X", kind="company", country="FR", register_number="73282932000074")
    assert org.register_number == "73282932000074"
    assert org.register_number_display == "732 829 320 00074"


def test_org2_siret_bad_luhn_refused_naming_format():
    with pytest.raises(InvalidInput) as exc:
        org_create(user=UserFactory(), name="X", kind="company", country="FR", register_number="73282932000075")
    assert exc.value.code == "invalid_register_number"
    assert "SIRET" in str(exc.value.message)


def test_org2_api_invalid_vat_is_400_with_code_and_fields(api_client):
    api_client.force_login(UserFactory())
    response = api_client.post(
        "/api/v1/orgs/",
        {"name": "X", "kind": "company", "country": "CH", "vat_number": "CHE-116.281.711 MWST"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_vat_number"
    assert "vat_number" in error["fields"]
    assert "MWST" in error["message"]
    assert not Organization.objects.exists()


def test_org2_api_unknown_country_is_400(api_client):
    api_client.force_login(UserFactory())
    response = api_client.post("/api/v1/orgs/", {"name": "X", "kind": "company", "country": "XX"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_country"


def test_org2_html_invalid_vat_shows_expected_format(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("manager:org_create"),
        {"kind": "company", "name": "X", "country": "FR", "vat_number": "FR00000000000", "accept_terms": "on"},
    )
    assert response.status_code == 400
    assert "country prefix" in response.content.decode()
    assert not Organization.objects.exists()


# --- ORG-3 -----------------------------------------------------------------


def test_org3_vat_change_without_terms_refused(org, legal_rep, access_of):
    with pytest.raises(InvalidInput) as exc:
        org_update(access=access_of(legal_rep), data={"vat_number": VALID_CH_VAT}, accept_terms=False)
    assert exc.value.code == "terms_not_accepted"
    org.refresh_from_db()
    assert org.vat_number == ""
    assert not AuditEvent.objects.filter(action="org.vat_changed").exists()


def test_org3_vat_change_with_terms_recorded_and_audited(org, legal_rep, access_of):
    org_update(access=access_of(legal_rep), data={"vat_number": VALID_CH_VAT}, accept_terms=True)
    org.refresh_from_db()
    assert org.vat_number == "CHE116281710MWST"
    assert org.terms_accepted_at is not None
    event = AuditEvent.objects.get(action="org.vat_changed", org=org)
    assert event.actor == legal_rep
    assert event.details["new"] == "CHE116281710MWST"


def test_org3_administrator_cannot_change_vat(org, admin_user, access_of):
    with pytest.raises(NotAllowed):
        org_update(access=access_of(admin_user), data={"vat_number": VALID_CH_VAT}, accept_terms=True)
    org.refresh_from_db()
    assert org.vat_number == ""


def test_org3_html_edit_vat_without_terms_refused(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(
        reverse("manager:org_edit"), {"name": org.name, "vat_number": VALID_CH_VAT, "invoice_note": ""}
    )
    assert response.status_code == 400
    assert "Terms of Use" in response.content.decode()
    org.refresh_from_db()
    assert org.vat_number == ""


def test_org3_html_edit_vat_with_terms_saved(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(
        reverse("manager:org_edit"),
        {"name": org.name, "vat_number": VALID_CH_VAT, "accept_terms": "on", "invoice_note": ""},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.vat_number == "CHE116281710MWST"
    assert AuditEvent.objects.filter(action="org.vat_changed", org=org).count() == 1


def test_org3_api_patch_vat_without_terms_is_400(api_client, org, legal_rep):
    api_client.force_login(legal_rep)
    response = api_client.patch(f"/api/v1/orgs/{org.slug}/", {"vat_number": VALID_CH_VAT}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "terms_not_accepted"
    org.refresh_from_db()
    assert org.vat_number == ""


def test_org3_api_patch_vat_with_terms(api_client, org, legal_rep):
    api_client.force_login(legal_rep)
    response = api_client.patch(
        f"/api/v1/orgs/{org.slug}/", {"vat_number": VALID_CH_VAT, "accept_terms": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["vat_number_display"] == "CHE-116.281.710 MWST"
    assert AuditEvent.objects.filter(action="org.vat_changed", org=org).exists()


# --- ORG-5 -----------------------------------------------------------------


def test_org5_invoice_note_over_128_refused(org, legal_rep, access_of):
    with pytest.raises(InvalidInput) as exc:
        org_update(access=access_of(legal_rep), data={"invoice_note": "x" * 129})
    assert exc.value.code == "invoice_note_too_long"
    org.refresh_from_db()
    assert org.invoice_note == ""


def test_org5_administrator_sets_invoice_note(org, admin_user, access_of):
    org_update(access=access_of(admin_user), data={"invoice_note": "x" * 128})
    org.refresh_from_db()
    assert org.invoice_note == "x" * 128


def test_org5_collaborator_cannot_set_invoice_note(org, collaborator, access_of):
    with pytest.raises(NotAllowed):
        org_update(access=access_of(collaborator), data={"invoice_note": "PO 1"})
    org.refresh_from_db()
    assert org.invoice_note == ""


def test_org5_api_collaborator_patch_note_forbidden(api_client, org, collaborator):
    api_client.force_login(collaborator)
    response = api_client.patch(f"/api/v1/orgs/{org.slug}/", {"invoice_note": "PO 1"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_org5_api_note_too_long_is_400(api_client, org, legal_rep):
    api_client.force_login(legal_rep)
    response = api_client.patch(f"/api/v1/orgs/{org.slug}/", {"invoice_note": "x" * 129}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invoice_note_too_long"


def test_org5_collaborator_has_no_edit_page(client, org, collaborator):
    client.force_login(collaborator)
    assert client.get(reverse("manager:org_edit")).status_code == 404
    assert client.get(reverse("manager:org_detail")).status_code == 200


def test_org3_html_edit_other_fields_needs_no_terms(client, org, legal_rep):
    org.vat_number = "CHE116281710MWST"
    org.save()
    client.force_login(legal_rep)
    response = client.post(
        reverse("manager:org_edit"),
        {"name": org.name, "city": "Basel", "vat_number": "CHE-116.281.710 MWST", "invoice_note": "PO 7"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.city, org.invoice_note) == ("Basel", "PO 7")
    assert AuditEvent.objects.filter(action="org.updated", org=org).exists()
    assert not AuditEvent.objects.filter(action="org.vat_changed").exists()


def test_org5_html_administrator_edits_note_but_not_vat(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("manager:org_edit"),
        {"name": org.name, "vat_number": VALID_CH_VAT, "accept_terms": "on", "invoice_note": "Ref 9"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.invoice_note == "Ref 9"
    assert org.vat_number == ""


def test_org1_html_create_individual(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("manager:org_create"), {"kind": "individual", "name": "Jane Doe", "country": "DE"})
    assert response.status_code == 302
    org = Organization.objects.get(name="Jane Doe")
    assert org.kind == "individual"
    assert org.currency == "EUR"


def test_org2_uk_vat_checked_with_its_check_digits():
    from clients.identifiers import InvalidNumber, clean_vat, format_vat

    assert clean_vat("GB 980 7806 84", "GB") == "980780684"
    assert format_vat("980780684", "GB") == "980 7806 84"
    with pytest.raises(InvalidNumber):
        clean_vat("GB999", "GB")


def test_org2_refusal_reason_is_in_the_reader_s_language():
    from django.utils import translation

    from clients.identifiers import InvalidNumber, clean_register

    with translation.override("es"), pytest.raises(InvalidNumber) as refused:
        clean_register("CHE-116.281.711", "CH")

    message = str(refused.value)
    assert "dígito de control" in message
    assert "checksum" not in message


def test_org2_two_orgs_may_be_created_with_the_same_register_number():
    """The public contract's smoke creates orgs with one fixed UID again and again: only a partner application
    refuses another org's number (partners: `register_number_of_other_org`)."""
    first = org_create(user=UserFactory(), name="A", kind="company", country="CH", register_number="CHE-116.281.710")
    second = org_create(user=UserFactory(), name="B", kind="company", country="CH", register_number="CHE-116.281.710")

    assert first.register_number == second.register_number == "CHE116281710"
