"""AU-1: record audit events. Every feature records its events through here."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent, Organization


def audit_record(
    *,
    action: str,
    org: Organization | None,
    actor=None,
    actor_org: Organization | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        org=org,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_org=actor_org,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        details=details or {},
    )
