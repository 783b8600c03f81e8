"""Demo data of the support feature (idempotent). Runs after clients' demo."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clients.audit import audit_record
from clients.models import Membership, Organization, Role

from .models import SupportAccessGrant, SupportPlan
from .services import support_code_for, support_plan_set

PRO_ORG = "Helvetia Web Agency AG"
GRANT_ORG = "Bäckerei Müller GmbH"


def seed(stdout) -> list:
    pro = Organization.objects.filter(name=PRO_ORG).first()
    if pro is None:
        stdout.write(f"tickets demo: {PRO_ORG!r} not found, no support plan seeded")
    else:
        plan = SupportPlan.objects.filter(org=pro).first()
        if plan is None or not plan.is_premium:
            support_plan_set(org=pro, level=SupportPlan.Level.PRO)
        for m in Membership.objects.filter(org=pro).select_related("user"):
            support_code_for(user=m.user)

    org = Organization.objects.filter(name=GRANT_ORG).first()
    if org is None:
        stdout.write(f"tickets demo: {GRANT_ORG!r} not found, no support access seeded")
        return []
    now = timezone.now()
    has_valid = SupportAccessGrant.objects.filter(org=org, revoked_at__isnull=True, expires_at__gt=now).exists()
    if not has_valid:
        rep = Membership.objects.filter(org=org, role=Role.LEGAL_REPRESENTATIVE).select_related("user").first()
        # Written directly (not via the service) so that the demo sends no email on every start.
        grant = SupportAccessGrant.objects.create(
            org=org,
            mail=True,
            drive=True,
            reason="Emails to our suppliers bounce since Monday and a shared kDrive folder no longer syncs.",
            duration=SupportAccessGrant.Duration.WEEK,
            granted_by=rep.user if rep else None,
            created_at=now,
            expires_at=now + timedelta(days=7),
        )
        audit_record(
            action="support_access.granted",
            org=org,
            actor=rep.user if rep else None,
            actor_org=org,
            target=grant,
            details={"services": grant.services, "duration": grant.duration, "reason": grant.reason, "demo": True},
        )
    return []
