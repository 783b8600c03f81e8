"""Defects found by exploratory testing on the demo data (NT-2, PS-2/3/11/15, SEC-1/3, TD-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import AuditEvent
from clients.tenancy import access_for
from partners import selectors, services
from partners.models import PartnerApplication, PartnerProfile, Partnership
from partners.tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    PartnerProfileFactory,
    PartnershipFactory,
    UserFactory,
    member,
)
from portal.ids import MAX_ID
from portal.models import OutboxEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Tr0ub4dor&3-horse"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HUGE = "9" * 30


def url(org, *parts):
    tail = "/".join(str(p) for p in parts)
    return f"/api/v1/orgs/{org.slug}/partnerships/" + (tail + "/" if tail else "")


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def active_full(world, method="client_pays"):
    return PartnershipFactory(
        partner=world.partner, client=world.client_org, access_level="full", payment_method=method
    )


# --- NT-2: partnership emails wholly in the recipient's language ----------------------------


def test_nt2_invitation_from_spanish_partner_to_english_client_is_english(client, world):
    client.force_login(speaks(world.partner_rep, "es"))
    speaks(world.client_rep, "en")
    r = client.post(
        url(world.partner),
        {"client_email": world.client_rep.email, "access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    )
    assert r.status_code == 201
    email = OutboxEmail.objects.get(to=world.client_rep.email, template="partners/invitation_to_client")
    assert "full access" in email.body_text and "(client pays)" in email.body_text
    assert "total" not in email.body_text and "paga el cliente" not in email.body_text


def test_nt2_invitation_from_english_client_to_spanish_partner_is_spanish(client, world):
    client.force_login(speaks(world.client_rep, "en"))
    speaks(world.partner_rep, "es")
    r = client.post(
        url(world.client_org),
        {"partner": world.partner.slug, "access_level": "full", "payment_method": "partner_pays"},
        content_type="application/json",
    )
    assert r.status_code == 201
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/invitation_to_partner")
    assert "total" in email.body_text and "paga el partner" in email.body_text
    assert "full" not in email.body_text and "partner pays" not in email.body_text


def test_nt2_accepted_review_email_from_spanish_client_is_english(client, world):
    speaks(world.partner_rep, "en")
    p = services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    client.force_login(speaks(world.client_rep, "es"))
    r = client.post(
        url(world.client_org, p.pk, "accept"), {"payment_method": "partner_pays"}, content_type="application/json"
    )
    assert r.status_code == 200
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/accepted_review")
    assert "full access, partner pays" in email.body_text
    assert "paga el partner" not in email.body_text


def test_nt2_payment_method_changed_email_from_spanish_client_is_english(client, world):
    p = active_full(world)
    speaks(world.partner_rep, "en")
    client.force_login(speaks(world.client_rep, "es"))
    r = client.patch(url(world.client_org, p.pk), {"payment_method": "partner_pays"}, content_type="application/json")
    assert r.status_code == 200
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/payment_method_changed")
    assert "from client pays to partner pays" in email.body_text
    assert "paga" not in email.body_text


# --- PS-15: the end date's input is ISO in every language -----------------------------------


def test_ps15_end_date_input_keeps_iso_value_in_spanish(client, world):
    ends_on = timezone.localdate() + timedelta(days=40)
    p = active_full(world)
    Partnership.objects.filter(pk=p.pk).update(ends_on=ends_on)
    client.force_login(speaks(world.client_rep, "es"))
    r = client.get(reverse("partners:partnership_detail", args=[p.pk]))
    assert r.status_code == 200
    assert f'value="{ends_on.isoformat()}"' in r.content.decode()
    assert Partnership.objects.get(pk=p.pk).ends_on == ends_on


def test_ps15_end_date_iso_value_saved_in_spanish(client, world):
    ends_on = timezone.localdate() + timedelta(days=40)
    p = active_full(world)
    client.force_login(speaks(world.client_rep, "es"))
    r = client.post(reverse("partners:end_date", args=[p.pk]), {"ends_on": ends_on.isoformat()})
    assert r.status_code == 302
    assert Partnership.objects.get(pk=p.pk).ends_on == ends_on


# --- PS-11 / SEC-3: password guesses when ending a partnership are limited ------------------


def test_ps11_sec3_api_password_guesses_limited_then_right_password_refused(client, world):
    p = active_full(world)
    client.force_login(world.partner_rep)
    codes = [
        client.post(url(world.partner, p.pk, "cancel"), {"password": f"guess{i}"}, content_type="application/json")
        for i in range(6)
    ]
    assert [r.status_code for r in codes] == [400] * 5 + [429]
    assert codes[-1].json()["error"]["code"] == "rate_limited"
    r = client.post(url(world.partner, p.pk, "cancel"), {"password": PASSWORD}, content_type="application/json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert Partnership.objects.get(pk=p.pk).status == "active"
    assert not AuditEvent.objects.filter(action="partnership.ended").exists()
    assert not OutboxEmail.objects.filter(template="partners/ended").exists()
    assert not any("guess" in str(e.details) for e in AuditEvent.objects.all())


def test_ps11_sec3_limit_is_per_user(client, world):
    p = active_full(world)
    client.force_login(world.partner_rep)
    for i in range(6):
        client.post(url(world.partner, p.pk, "cancel"), {"password": f"guess{i}"}, content_type="application/json")
    other_rep = member(world.client_org, email="second-rep@baeckerei.ch")
    client.force_login(other_rep)
    r = client.post(url(world.client_org, p.pk, "cancel"), {"password": PASSWORD}, content_type="application/json")
    assert r.status_code == 200
    assert Partnership.objects.get(pk=p.pk).status == "ended"


def test_ps11_sec3_html_end_form_password_guesses_limited(client, world):
    p = active_full(world)
    client.force_login(world.client_rep)
    end = reverse("partners:end", args=[p.pk])
    statuses = [client.post(end, {"step": "2", "password": f"guess{i}"}).status_code for i in range(6)]
    assert statuses == [400] * 5 + [429]
    r = client.post(end, {"step": "2", "password": PASSWORD})
    assert r.status_code == 429
    assert "Too many wrong passwords" in r.content.decode()
    assert Partnership.objects.get(pk=p.pk).status == "active"
    assert not OutboxEmail.objects.filter(template="partners/ended").exists()


# --- bodies that are not JSON objects are a 400, never a 500 ---------------------------------


@pytest.mark.parametrize("body", ["[1]", '"x"', "null", "42"])
def test_ps11_api_cancel_non_object_body_400(client, world, body):
    p = active_full(world)
    client.force_login(world.partner_rep)
    r = client.post(url(world.partner, p.pk, "cancel"), body, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    assert Partnership.objects.get(pk=p.pk).status == "active"


def test_pp3_api_staff_reject_non_object_body_400(client, world):
    application = ApplicationFactory()
    client.force_login(UserFactory(is_staff=True))
    r = client.post(
        f"/api/v1/staff/partner-applications/{application.pk}/reject/", "[1]", content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid"
    assert PartnerApplication.objects.get(pk=application.pk).status == "submitted"
    assert not AuditEvent.objects.filter(action="partner.application_rejected").exists()


def _body_routes(world, p):
    rep, client_rep = world.partner_rep, world.client_rep
    base = f"/api/v1/orgs/{world.partner.slug}"
    return [
        (rep, "post", url(world.partner)),
        (client_rep, "patch", url(world.client_org, p.pk)),
        (client_rep, "post", url(world.client_org, p.pk, "accept")),
        (rep, "post", url(world.partner, p.pk, "decline")),
        (rep, "post", url(world.partner, p.pk, "withdraw")),
        (rep, "post", url(world.partner, p.pk, "resend")),
        (rep, "post", url(world.partner, p.pk, "acknowledge")),
        (rep, "post", url(world.partner, p.pk, "cancel")),
        (rep, "post", f"/api/v1/orgs/{world.client_org.slug}/partner-application/"),
        (rep, "patch", f"{base}/partner-profile/"),
        (rep, "put", f"{base}/collaborator-rights/{world.partner_collab.pk}/"),
        (client_rep, "put", f"/api/v1/orgs/{world.client_org.slug}/partner-settings/"),
    ]


def test_sec_every_partners_api_body_route_answers_list_body_without_500(client, world):
    p = PartnershipFactory(partner=world.partner, client=world.client_org, status="pending")
    for user, method, path in _body_routes(world, p):
        client.force_login(user)
        r = getattr(client, method)(path, "[1]", content_type="application/json")
        assert r.status_code < 500, (method, path, r.status_code)
        assert "error" in r.json() or r.status_code == 200, (method, path)
    # The actions that take no body ignore it (withdraw went through); none failed half-way.
    assert Partnership.objects.get(pk=p.pk).status == "withdrawn"


# --- ids beyond what an id column holds: 404 --------------------------------------------------


def test_ps13_api_collaborator_rights_huge_user_id_404(client, world):
    client.force_login(world.partner_rep)
    r = client.put(
        f"/api/v1/orgs/{world.partner.slug}/collaborator-rights/{HUGE}/",
        {"all_clients": True},
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="partner.collaborator_rights_set").exists()


@pytest.mark.parametrize("tail", ["", "accept/", "decline/", "cancel/", "acknowledge/", "withdraw/", "resend/"])
def test_sec1_api_partnership_huge_id_404(client, world, tail):
    client.force_login(world.partner_rep)
    method = client.get if not tail else client.post
    r = method(f"/api/v1/orgs/{world.partner.slug}/partnerships/{HUGE}/{tail}", content_type="application/json")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_pp3_api_staff_huge_application_id_404(client, world, action):
    client.force_login(UserFactory(is_staff=True))
    r = client.post(f"/api/v1/staff/partner-applications/{MAX_ID + 1}/{action}/", {"reason": "x"})
    assert r.status_code == 404


@pytest.mark.parametrize(
    "name,method",
    [
        ("partners:partnership_detail", "get"),
        ("partners:accept", "get"),
        ("partners:end", "get"),
        ("partners:end_date", "post"),
        ("partners:access_client", "post"),
        ("partners:collaborator_edit", "get"),
    ],
)
def test_sec1_html_huge_id_404(client, world, name, method):
    client.force_login(world.partner_rep)
    r = getattr(client, method)(reverse(name, args=[int(HUGE)]))
    assert r.status_code == 404


def test_pp3_html_staff_huge_application_id_404(client, world):
    client.force_login(UserFactory(is_staff=True))
    assert client.post(reverse("partners:staff_approve", args=[int(HUGE)])).status_code == 404


# --- PS-2: an invitation by email is on the client side for the invited person ----------------


def test_ps2_api_invitation_by_email_side_client_for_invitee(client, world):
    p = services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    client.force_login(world.client_rep)
    detail = client.get(url(world.client_org, p.pk))
    assert detail.status_code == 200
    assert detail.json()["side"] == "client" and detail.json()["client"] is None
    listed = client.get(url(world.client_org)).json()["results"]
    assert [(x["id"], x["side"]) for x in listed] == [(p.pk, "client")]
    assert Partnership.objects.get(pk=p.pk).client_id is None


# --- PS-3: the partner accepts the client's request as it is ----------------------------------


def _client_request(world, **kw):
    args = {"partner": world.partner, "access_level": "full", "payment_method": "client_pays"}
    args.update(kw)
    return services.partnership_invite_partner(access=access_for(user=world.client_rep, org=world.client_org), **args)


def test_ps3_partner_accept_with_other_payment_method_refused_400(client, world):
    p = _client_request(world)
    client.force_login(world.partner_rep)
    r = client.post(
        url(world.partner, p.pk, "accept"), {"payment_method": "partner_pays"}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "cannot_change_request" and "payment_method" in r.json()["error"]["fields"]
    p.refresh_from_db()
    assert p.status == "pending" and p.payment_method == "client_pays"
    assert not AuditEvent.objects.filter(action="partnership.accepted").exists()
    assert not OutboxEmail.objects.filter(template="partners/accepted").exists()


def test_ps3_partner_accept_with_other_level_refused_400(client, world):
    p = _client_request(world)
    client.force_login(world.partner_rep)
    r = client.post(
        url(world.partner, p.pk, "accept"),
        {"access_level": "limited", "product_ids": [world.products[0].pk]},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "cannot_change_request"
    assert Partnership.objects.get(pk=p.pk).status == "pending"


def test_ps3_partner_accept_repeating_the_request_accepted(client, world):
    p = _client_request(world)
    client.force_login(world.partner_rep)
    r = client.post(
        url(world.partner, p.pk, "accept"),
        {"access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert AuditEvent.objects.filter(action="partnership.accepted", org=world.partner).exists()


# --- SEC-1: a non-partner slug answers as an unknown one ---------------------------------------


def test_sec1_ps3_non_partner_slug_answers_as_unknown_slug(client, world):
    not_a_partner = OrganizationFactory(name="Plain Client AG")
    client.force_login(world.client_rep)
    body = {"access_level": "full", "payment_method": "client_pays"}
    existing = client.post(
        url(world.client_org), {**body, "partner": not_a_partner.slug}, content_type="application/json"
    )
    unknown = client.post(
        url(world.client_org), {**body, "partner": "no-such-org-xyz"}, content_type="application/json"
    )
    assert existing.status_code == unknown.status_code == 400
    assert existing.json() == unknown.json()
    assert not Partnership.objects.exists()


def test_ps3_api_partner_by_org_slug_still_works(client, world):
    client.force_login(world.client_rep)
    r = client.post(
        url(world.client_org),
        {"partner": world.partner.slug, "access_level": "full", "payment_method": "client_pays"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["partner"] == world.partner.slug
    assert Partnership.objects.filter(partner=world.partner, client=world.client_org, status="pending").exists()


# --- TD-5: the public profile is validated in the shared service -------------------------------


def profile_api(world):
    return f"/api/v1/orgs/{world.partner.slug}/partner-profile/"


def test_td5_api_negative_budget_refused(client, world):
    client.force_login(world.partner_rep)
    r = client.patch(profile_api(world), {"budget_min": "-100", "budget_max": "50000"}, content_type="application/json")
    assert r.status_code == 400 and "budget_min" in r.json()["error"]["fields"]
    assert PartnerProfile.objects.get(org=world.partner).budget_min is None
    assert not AuditEvent.objects.filter(action="partner.profile_updated").exists()


def test_td5_api_budget_min_above_max_refused(client, world):
    client.force_login(world.partner_rep)
    r = client.patch(profile_api(world), {"budget_min": "900", "budget_max": "100"}, content_type="application/json")
    assert r.status_code == 400 and "budget_min" in r.json()["error"]["fields"]
    assert PartnerProfile.objects.get(org=world.partner).budget_max is None


def test_td5_api_overlong_description_refused(client, world):
    client.force_login(world.partner_rep)
    r = client.patch(profile_api(world), {"description": "x" * 100_000}, content_type="application/json")
    assert r.status_code == 400 and "description" in r.json()["error"]["fields"]
    assert PartnerProfile.objects.get(org=world.partner).description == ""


def test_td5_html_negative_budget_refused(client, world):
    client.force_login(world.partner_rep)
    r = client.post(reverse("partners:profile"), {"public_name": "X", "budget_min": "-100"})
    assert r.status_code == 400 and "negative" in r.content.decode()
    assert PartnerProfile.objects.get(org=world.partner).budget_min is None


# --- TD-5: the logo ----------------------------------------------------------------------------


def _listed_with_logo(world, content=PNG, name="logo.png"):
    profile = PartnerProfile.objects.get(org=world.partner)
    profile.listed_in_directory = True
    profile.logo.save(name, ContentFile(content), save=False)
    profile.save()
    return profile


def test_td5_logo_served_by_the_app(client, world):
    profile = _listed_with_logo(world)
    r = client.get(profile.logo.url)
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in r["Cache-Control"]
    assert b"".join(r.streaming_content) == PNG


def test_td5_logo_url_is_the_apps_route_on_the_directory_page(client, world):
    profile = _listed_with_logo(world)
    assert profile.logo.url.startswith(f"/directory/{profile.slug}/logo?v=")
    page = client.get(f"/directory/{profile.slug}/")
    assert page.status_code == 200 and profile.logo.url.replace("&", "&amp;") in page.content.decode()


def test_td5_logo_of_unlisted_partner_not_served(client, world):
    profile = _listed_with_logo(world)
    PartnerProfile.objects.filter(pk=profile.pk).update(listed_in_directory=False)
    assert client.get(f"/directory/{profile.slug}/logo").status_code == 404


def test_td5_logo_stored_not_an_image_never_served(client, world):
    profile = _listed_with_logo(world, content=b"<html><script>alert(1)</script></html>")
    assert client.get(f"/directory/{profile.slug}/logo").status_code == 404


def test_td5_logo_html_named_png_refused(client, world):
    client.force_login(world.partner_rep)
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    r = client.post(reverse("partners:profile"), {"public_name": "X", "logo": fake})
    assert r.status_code == 400 and "PNG, JPEG, WebP or GIF image" in r.content.decode()
    assert not PartnerProfile.objects.get(org=world.partner).logo
    assert not AuditEvent.objects.filter(action="partner.profile_updated").exists()


def test_td5_logo_real_png_accepted(client, world):
    client.force_login(world.partner_rep)
    r = client.post(reverse("partners:profile"), {"public_name": "X", "logo": SimpleUploadedFile("a.png", PNG)})
    assert r.status_code == 302
    assert PartnerProfile.objects.get(org=world.partner).logo.name.startswith("partners/logos/")


def test_td5_logo_clear_removes_it(client, world, django_capture_on_commit_callbacks):
    profile = _listed_with_logo(world)
    stored = profile.logo.name
    client.force_login(world.partner_rep)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            reverse("partners:profile"), {"public_name": "X", "listed_in_directory": "on", "logo-clear": "on"}
        )
    assert r.status_code == 302
    assert not PartnerProfile.objects.get(pk=profile.pk).logo
    assert not default_storage.exists(stored)
    event = AuditEvent.objects.get(action="partner.profile_updated")
    assert "logo" in event.details["fields"]


def test_td5_logo_kept_when_form_sends_no_file(client, world):
    profile = _listed_with_logo(world)
    client.force_login(world.partner_rep)
    r = client.post(reverse("partners:profile"), {"public_name": "Y", "listed_in_directory": "on"})
    assert r.status_code == 302
    assert PartnerProfile.objects.get(pk=profile.pk).logo.name == profile.logo.name


# --- TD-5: languages: one list, named in the reader's language ---------------------------------


def test_td5_profile_form_accepts_italian_and_portuguese(client, world):
    client.force_login(world.partner_rep)
    r = client.post(reverse("partners:profile"), {"public_name": "X", "languages": ["it", "pt", "en"]})
    assert r.status_code == 302
    assert PartnerProfile.objects.get(org=world.partner).languages == ["it", "pt", "en"]


def test_td5_api_unknown_language_refused(client, world):
    client.force_login(world.partner_rep)
    r = client.patch(profile_api(world), {"languages": ["xx"]}, content_type="application/json")
    assert r.status_code == 400 and "languages" in str(r.json()["error"]["fields"])
    assert PartnerProfile.objects.get(org=world.partner).languages == []


def test_td5_language_labels_in_readers_language(world):
    profile = PartnerProfile.objects.get(org=world.partner)
    profile.languages = ["it", "en"]
    with translation.override("es"):
        assert profile.language_labels == ["Italiano", "Inglés"]
    with translation.override("en"):
        assert profile.language_labels == ["Italian", "English"]
    assert ("pt", "Portuguese") in [(c, str(label)) for c, label in selectors.directory_language_choices()]


# --- TD-5: directory search --------------------------------------------------------------------


def _listed(name, city="", services=()):
    org = OrganizationFactory(name=name, city=city or "Chur")
    profile = PartnerProfileFactory(org=org, city=city, services=list(services))
    profile.listed_in_directory = True
    profile.save()
    return profile


def _search(query):
    return set(PartnerProfile.objects.filter(selectors.directory_search_q(query=query)).values_list("pk", flat=True))


def test_td5_search_is_accent_insensitive(world):
    zurich = _listed("Alpen Web", city="Zürich")
    geneve = _listed("Genève Sites", city="Genève")
    found = _search("zurich")
    assert found == _search("Zürich") == _search("ZÜRICH")
    assert zurich.pk in found and geneve.pk not in found
    assert _search("geneve") == {geneve.pk}


def test_td5_search_underscore_matches_nothing(world):
    _listed("Hosting Pros", services=["web_hosting", "cloud_server"])
    assert _search("_") == set()
    assert _search("%") == set()


def test_td5_search_finds_service_by_its_name_in_each_language(world):
    hosting = _listed("Pros AG", services=["web_hosting"])
    assert _search("web hosting") == _search("alojamiento web") == {hosting.pk}


def test_td5_search_follows_an_org_rename(world):
    profile = _listed("Old Name AG")
    org = profile.org
    org.name = "Brandneu Müller AG"
    org.save()
    assert _search("brandneu muller") == {profile.pk}
    assert _search("old name") == set()


def test_td5_search_ignores_control_characters(world):
    profile = _listed("Alpen Web", city="Bern")
    assert _search("bern\x00") == {profile.pk}


# --- PS-15 / PS-1 emails -------------------------------------------------------------------------


def test_ps15_end_reminder_plural_forms_in_spanish(world):
    speaks(world.client_rep, "es")
    p = active_full(world)
    today = timezone.localdate()
    Partnership.objects.filter(pk=p.pk).update(ends_on=today + timedelta(days=7))
    services.partnerships_send_end_reminders(today=today)
    email = OutboxEmail.objects.get(to=world.client_rep.email, template="partners/end_reminder")
    assert "7 días" in email.subject and "7 días" in email.body_text
    assert "día(s)" not in email.body_text


def test_ps15_end_reminder_singular_in_english(world):
    speaks(world.partner_rep, "en")
    p = active_full(world)
    today = timezone.localdate()
    Partnership.objects.filter(pk=p.pk).update(ends_on=today + timedelta(days=1))
    services.partnerships_send_end_reminders(today=today)
    email = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/end_reminder")
    assert email.subject.endswith("ends in 1 day") and "day(s)" not in email.body_text


def test_ps1_expired_email_names_the_invitees_org(world):
    p = services.partnership_invite_client(
        access=access_for(user=world.partner_rep, org=world.partner),
        client_email=world.client_rep.email,
        access_level="full",
        payment_method="client_pays",
    )
    assert services.partnerships_expire(now=timezone.now() + timedelta(days=15)) == 1
    invitee = OutboxEmail.objects.get(to=world.client_rep.email, template="partners/expired")
    assert world.client_org.name in invitee.body_text and world.client_rep.email not in invitee.body_text
    partner_copy = OutboxEmail.objects.get(to=world.partner_rep.email, template="partners/expired")
    assert world.client_rep.email in partner_copy.body_text  # SEC-1: the address the partner typed
    assert Partnership.objects.get(pk=p.pk).status == "expired"
