from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from clients.models import AuditEvent, ProductType
from clients.tests.factories import OrganizationFactory, ProductFactory, ProductTypeFactory
from portal.models import OutboxEmail
from tickets.models import SupportAccessGrant
from tickets.services import support_access_record_expired
from tickets.tests.factories import SupportAccessGrantFactory

pytestmark = pytest.mark.django_db

GRANT_HTML = "/manager/support/access/"


def api_url(org):
    return f"/api/v1/orgs/{org.slug}/support-access/"


def staff_url(org, service="mail"):
    return f"/manager/support/staff/{org.slug}/{service}/"


# --- granting -----------------------------------------------------------------


def test_sp3_legal_rep_grants_via_html_audited_and_emailed(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(GRANT_HTML, {"services": ["mail", "drive"], "duration": "24h", "reason": "Mail bounces"})
    grant = SupportAccessGrant.objects.get(org=org)
    assert response.status_code == 302
    assert grant.services == ["mail", "drive"] and grant.granted_by == legal_rep
    assert timedelta(hours=23, minutes=59) < grant.expires_at - grant.created_at <= timedelta(hours=24)
    event = AuditEvent.objects.get(org=org, action="support_access.granted")
    assert event.actor == legal_rep and event.details["reason"] == "Mail bounces"
    assert OutboxEmail.objects.filter(
        key=f"support-access-granted:{grant.pk}:{legal_rep.pk}", to=legal_rep.email
    ).exists()


def test_sp3_administrator_grants_via_api(client, org, admin_member, legal_rep):
    client.force_login(admin_member)
    response = client.post(
        api_url(org), {"services": ["drive"], "duration": "7d", "reason": "Sync issue"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["services"] == ["drive"] and response.json()["status"] == "active"
    grant = SupportAccessGrant.objects.get(org=org)
    assert grant.duration == "7d" and not grant.mail and grant.drive
    # the legal reps are told, not the administrator who is not one
    assert list(OutboxEmail.objects.filter(template="tickets/support_access_granted").values_list("to", flat=True)) == [
        legal_rep.email
    ]


def test_sp3_collaborator_refused_in_api(client, org, collaborator):
    client.force_login(collaborator)
    response = client.post(
        api_url(org), {"services": ["mail"], "duration": "1h", "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not SupportAccessGrant.objects.exists()


def test_sp3_collaborator_refused_in_html(client, org, collaborator):
    client.force_login(collaborator)
    response = client.post(GRANT_HTML, {"services": ["mail"], "duration": "1h", "reason": "x"})
    page = client.get("/manager/support/")
    assert response.status_code == 404
    assert not SupportAccessGrant.objects.exists()
    assert page.status_code == 200 and 'action="/manager/support/access/"' not in page.content.decode()


@pytest.mark.parametrize("duration", ["2h", "30d", "", "1H"])
def test_sp3_bad_duration_refused_in_api(client, org, legal_rep, duration):
    client.force_login(legal_rep)
    response = client.post(
        api_url(org), {"services": ["mail"], "duration": duration, "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_duration"
    assert not SupportAccessGrant.objects.exists()


def test_sp3_bad_duration_refused_in_html(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(GRANT_HTML, {"services": ["mail"], "duration": "48h", "reason": "x"})
    assert response.status_code == 400
    assert "1 hour, 24 hours or 7 days" in response.content.decode() or "1h, 24h or 7d" in response.content.decode()
    assert not SupportAccessGrant.objects.exists()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"services": ["mail"], "duration": "1h", "reason": ""}, "reason_required"),
        ({"services": ["mail"], "duration": "1h", "reason": "x" * 501}, "reason_too_long"),
        ({"services": [], "duration": "1h", "reason": "x"}, "invalid_services"),
        ({"services": ["calendar"], "duration": "1h", "reason": "x"}, "invalid_services"),
    ],
)
def test_sp3_bad_reason_or_services_refused(client, org, legal_rep, payload, code):
    client.force_login(legal_rep)
    response = client.post(api_url(org), payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert not SupportAccessGrant.objects.exists()


def test_sp3_reason_of_500_chars_accepted(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(
        api_url(org), {"services": ["mail"], "duration": "1h", "reason": "x" * 500}, content_type="application/json"
    )
    assert response.status_code == 201
    assert SupportAccessGrant.objects.get().reason == "x" * 500


def test_sp3_other_org_cannot_see_or_grant(client, org, legal_rep):
    other = OrganizationFactory()
    SupportAccessGrantFactory(org=other)
    client.force_login(legal_rep)
    assert client.get(api_url(other)).status_code == 404
    assert client.get(api_url(org)).json()["results"] == []


# --- staff use ------------------------------------------------------------------


def test_sp3_staff_without_grant_403_and_audited(client, org, staff):
    client.force_login(staff)
    response = client.get(staff_url(org))
    assert response.status_code == 403
    event = AuditEvent.objects.get(org=org, action="support_access.denied")
    assert event.actor == staff and event.details == {"service": "mail"}
    assert not OutboxEmail.objects.exists()


def test_sp3_staff_with_grant_200_audited_and_emailed_once_per_hour(client, org, legal_rep, staff):
    mailbox = ProductFactory(
        org=org,
        name="info@baeckerei.ch",
        product_type=ProductTypeFactory(slug="mail-pro", category=ProductType.Category.EMAIL),
    )
    ProductFactory(org=org, name="site.ch")  # web hosting: not part of mail
    grant = SupportAccessGrantFactory(org=org, mail=True, drive=False)
    client.force_login(staff)
    response = client.get(staff_url(org))
    second = client.get(staff_url(org))
    body = response.content.decode()
    assert response.status_code == 200 and second.status_code == 200
    assert mailbox.name in body and "site.ch" not in body
    assert AuditEvent.objects.filter(org=org, action="support_access.used", actor=staff).count() == 2
    emails = OutboxEmail.objects.filter(template="tickets/support_access_used")
    assert list(emails.values_list("to", flat=True)) == [legal_rep.email]
    assert str(grant.pk) in emails.get().key


def test_sp3_staff_sees_only_granted_service(client, org, staff):
    SupportAccessGrantFactory(org=org, mail=True, drive=False)
    client.force_login(staff)
    response = client.get(staff_url(org, "drive"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(org=org, action="support_access.denied").count() == 1


def test_sp3_non_staff_gets_404_on_staff_page(client, org, legal_rep):
    SupportAccessGrantFactory(org=org)
    client.force_login(legal_rep)
    assert client.get(staff_url(org)).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="support_access.").exists()


def test_sp3_grant_of_another_org_does_not_open_this_one(client, org, staff):
    SupportAccessGrantFactory(org=OrganizationFactory())
    client.force_login(staff)
    assert client.get(staff_url(org)).status_code == 403


# --- revoke and expiry -------------------------------------------------------------


def test_sp3_revoke_via_api_takes_effect_at_once(client, org, legal_rep, staff):
    grant = SupportAccessGrantFactory(org=org)
    client.force_login(legal_rep)
    response = client.post(f"{api_url(org)}{grant.pk}/revoke/", content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert AuditEvent.objects.filter(org=org, action="support_access.revoked", actor=legal_rep).count() == 1
    client.force_login(staff)
    assert client.get(staff_url(org)).status_code == 403


def test_sp3_revoke_via_html(client, org, admin_member):
    grant = SupportAccessGrantFactory(org=org)
    client.force_login(admin_member)
    response = client.post(f"/manager/support/access/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert response.status_code == 302
    assert grant.revoked_at is not None and grant.revoked_by == admin_member


def test_sp3_collaborator_cannot_revoke(client, org, collaborator):
    grant = SupportAccessGrantFactory(org=org)
    client.force_login(collaborator)
    api = client.post(f"{api_url(org)}{grant.pk}/revoke/", content_type="application/json")
    html = client.post(f"/manager/support/access/{grant.pk}/revoke/")
    grant.refresh_from_db()
    assert api.status_code == 403 and html.status_code == 404
    assert grant.revoked_at is None


def test_sp3_revoke_twice_refused(client, org, legal_rep):
    grant = SupportAccessGrantFactory(org=org, revoked_at=timezone.now())
    client.force_login(legal_rep)
    response = client.post(f"{api_url(org)}{grant.pk}/revoke/", content_type="application/json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_active"


def test_sp3_expired_grant_refused_and_expiry_audited_once(client, org, staff):
    with freeze_time("2026-01-10 10:00:00"):
        SupportAccessGrantFactory(org=org, duration="1h", expires_at=timezone.now() + timedelta(hours=1))
    client.force_login(staff)
    with freeze_time("2026-01-10 10:59:00"):
        assert client.get(staff_url(org)).status_code == 200
    with freeze_time("2026-01-10 11:00:01"):
        assert client.get(staff_url(org)).status_code == 403
        assert support_access_record_expired() == 1
        assert support_access_record_expired() == 0
    assert AuditEvent.objects.filter(org=org, action="support_access.expired").count() == 1


def test_sp3_expiry_task_skips_revoked_and_valid_grants(org):
    SupportAccessGrantFactory(org=org)
    SupportAccessGrantFactory(org=org, revoked_at=timezone.now())
    from tickets.tasks import record_expired_support_access

    assert record_expired_support_access.delay().get() == 0
    assert not AuditEvent.objects.filter(action="support_access.expired").exists()


def test_sp3_org_sees_grants_and_uses_in_its_audit_trail(client, org, legal_rep, staff):
    SupportAccessGrantFactory(org=org)
    client.force_login(staff)
    client.get(staff_url(org))
    client.force_login(legal_rep)
    body = client.get("/manager/audit/").content.decode()
    assert "Temporary support access used by support staff" in body  # issue 8: the label, not the code


def test_sp3_api_lists_grants(client, org, collaborator):
    grant = SupportAccessGrantFactory(org=org)
    client.force_login(collaborator)
    response = client.get(api_url(org))
    assert response.status_code == 200
    assert [g["id"] for g in response.json()["results"]] == [grant.pk]


def test_sp3_support_page_shows_grants_and_uses(client, org, legal_rep, staff):
    SupportAccessGrantFactory(org=org, reason="Check the MX records")
    client.force_login(staff)
    client.get(staff_url(org))
    client.force_login(legal_rep)
    body = client.get("/manager/support/").content.decode()
    assert "Check the MX records" in body
    assert "Revoke now" in body
    assert "Recent support access activity" in body and str(staff) in body


def test_sp3_staff_lookup_page_lists_valid_grants_with_links(client, org, staff):
    SupportAccessGrantFactory(org=org, mail=False, drive=True)
    SupportAccessGrantFactory(org=OrganizationFactory(name="Revoked Org"), revoked_at=timezone.now())
    client.force_login(staff)
    body = client.get("/manager/support/lookup/").content.decode()
    assert staff_url(org, "drive") in body
    assert staff_url(org, "mail") not in body
    assert "Revoked Org" not in body


def test_sp3_grant_email_in_recipient_language(client, org, legal_rep):
    legal_rep.language = "es"
    legal_rep.save()
    client.force_login(legal_rep)
    client.post(api_url(org), {"services": ["mail"], "duration": "1h", "reason": "x"}, content_type="application/json")
    email = OutboxEmail.objects.get(template="tickets/support_access_granted")
    assert email.subject == f"Acceso de soporte otorgado para {org.name}"
    assert "http" in email.body_text and "/manager/support/" in email.body_text


def test_sp3_use_email_again_in_the_next_hour(client, org, legal_rep, staff):
    with freeze_time("2026-03-02 09:10:00"):
        SupportAccessGrantFactory(org=org)
        client.force_login(staff)
        client.get(staff_url(org))
        client.get(staff_url(org))
    with freeze_time("2026-03-02 10:05:00"):
        client.get(staff_url(org))
    assert OutboxEmail.objects.filter(template="tickets/support_access_used", to=legal_rep.email).count() == 2
    assert AuditEvent.objects.filter(org=org, action="support_access.used").count() == 3


def test_sp3_expiry_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tickets.tasks.record_expired_support_access" in tasks


# --- the "access used" email names who granted the access; titles of the emails -----------


def _use_email_to(rep, org, staff, client, *, granted_by):
    SupportAccessGrantFactory(org=org, granted_by=granted_by)
    client.force_login(staff)
    response = client.get(staff_url(org))
    assert response.status_code == 200
    return OutboxEmail.objects.get(template="tickets/support_access_used", to=rep.email)


def test_sp3_use_email_names_the_administrator_who_granted(client, org, legal_rep, admin_member, staff):
    admin_member.full_name = "Ada Admin"
    admin_member.save()
    email = _use_email_to(legal_rep, org, staff, client, granted_by=admin_member)
    assert "under the temporary access that Ada Admin granted." in email.body_text
    assert "that Ada Admin granted." in email.body_html
    assert "access you granted" not in email.body_text
    assert AuditEvent.objects.filter(org=org, action="support_access.used").count() == 1


def test_sp3_use_email_says_you_granted_to_the_legal_rep_who_granted(client, org, legal_rep, staff):
    email = _use_email_to(legal_rep, org, staff, client, granted_by=legal_rep)
    assert "under the temporary access you granted." in email.body_text
    assert OutboxEmail.objects.filter(template="tickets/support_access_used").count() == 1


def test_sp3_use_email_says_your_organization_when_the_granter_is_gone(client, org, legal_rep, staff):
    email = _use_email_to(legal_rep, org, staff, client, granted_by=None)
    assert "under the temporary access your organization granted." in email.body_text
    assert "access you granted" not in email.body_text


def test_sp3_use_email_names_the_granter_in_spanish(client, org, legal_rep, admin_member, staff):
    legal_rep.language = "es"
    legal_rep.save()
    admin_member.full_name = "Ada Admin"
    admin_member.save()
    email = _use_email_to(legal_rep, org, staff, client, granted_by=admin_member)
    assert "con el acceso temporal que otorgó Ada Admin." in email.body_text


def test_sp3_support_page_says_use_emails_are_sent_at_most_once_an_hour(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.get("/manager/support/")
    assert response.status_code == 200
    assert "emailed to your legal representatives (at most once an hour per grant)" in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_sp3_grant_email_has_html_title(client, org, legal_rep):
    client.force_login(legal_rep)
    response = client.post(GRANT_HTML, {"services": ["mail"], "duration": "1h", "reason": "x"})
    email = OutboxEmail.objects.get(template="tickets/support_access_granted")
    assert response.status_code == 302
    assert f"<title>Support access granted for {org.name}" in email.body_html
    assert "<title></title>" not in email.body_html


def test_sp3_use_email_has_html_title(client, org, legal_rep, staff):
    email = _use_email_to(legal_rep, org, staff, client, granted_by=legal_rep)
    assert f"<title>Support staff accessed {org.name}" in email.body_html
    assert "<title></title>" not in email.body_html
