"""AU-1: record audit events. Every feature records its events through here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Organization


def target_snapshot(target: models.Model) -> str:
    """The target as the audit trail keeps it: its names, in no language. A model whose `str()`
    holds a translated or coded state ("Alpine IT (Submitted)") gives `audit_repr()` instead, since
    the event is read later, in the reader's language; the kind of target is named at display time
    (`AuditEvent.target_label`)."""
    audit_repr = getattr(target, "audit_repr", None)
    return str(audit_repr() if callable(audit_repr) else target)


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
        target_repr=target_snapshot(target)[:300] if target is not None else "",
        details=details or {},
    )


# AU-1: what the audit trail shows for each action code (the code itself is stored and
# stays stable for the API and exports). Every app records its actions through
# `audit_record`, so the labels of every app's codes live here, in one table, as plain
# strings (no import of the higher apps). An unknown code is shown as it is.
ACTION_LABELS: dict[str, str] = {
    # clients
    "org.created": _("Organization created"),
    "org.updated": _("Organization details changed"),
    "org.vat_changed": _("VAT number changed"),
    "member.invited": _("Member invited"),
    "member.invitation_resent": _("Member invitation sent again"),
    "member.invitation_revoked": _("Member invitation revoked"),
    "member.joined": _("Member joined"),
    "member.left": _("Member left"),
    "member.removed": _("Member removed"),
    "member.role_changed": _("Member role changed"),
    "token.created": _("API access token created"),
    "token.revoked": _("API access token revoked"),
    # partners
    "partner.access": _("Partner opened the account"),
    "partner.affiliate_enrolled": _("Enrolled in the affiliate program"),
    "partner.affiliate_left": _("Left the affiliate program"),
    "partner.application_submitted": _("Partner application submitted"),
    "partner.application_approved": _("Partner application approved"),
    "partner.application_rejected": _("Partner application rejected"),
    "partner.collaborator_rights_set": _("Collaborator rights changed"),
    "partner.perk_claimed": _("WordPress catalog access claimed"),
    "partner.profile_updated": _("Directory profile changed"),
    "partner.require_mfa": _("Two-factor authentication requirement changed"),
    "partnership.invited": _("Partnership invitation sent"),
    "partnership.resent": _("Partnership invitation sent again"),
    "partnership.accepted": _("Partnership accepted"),
    "partnership.acknowledged": _("Granted rights reviewed by the partner"),
    "partnership.declined": _("Partnership invitation declined"),
    "partnership.withdrawn": _("Partnership invitation withdrawn"),
    "partnership.expired": _("Partnership invitation expired"),
    "partnership.ended": _("Partnership ended"),
    "partnership.end_date_set": _("Partnership end date set"),
    "partnership.payment_method_changed": _("Payment method changed"),
    "partnership.products_changed": _("Managed products changed"),
    "partnership.require_partner_mfa": _("Two-factor authentication for partner people changed"),
    # billing
    "invoice.issued": _("Invoice issued"),
    "invoice.paid": _("Invoice paid"),
    "invoice.payment_failed": _("Invoice payment failed"),
    "invoice.credited": _("Credit note issued"),
    "order.placed": _("Order placed"),
    "order.renewed": _("Product renewed"),
    "payout.requested": _("Payout requested"),
    "payout.paid": _("Payout settled"),
    "payout.rejected": _("Payout rejected"),
    # tickets
    "support.code_lookup": _("Support code looked up by support staff"),
    "support.code_regenerated": _("Support code regenerated"),
    "support.plan_changed": _("Premium Support plan changed"),
    "support_access.granted": _("Temporary support access granted"),
    "support_access.revoked": _("Temporary support access revoked"),
    "support_access.expired": _("Temporary support access expired"),
    "support_access.used": _("Temporary support access used by support staff"),
    "support_access.denied": _("Support staff refused outside the granted access"),
    # tenders
    "tender.requested": _("Quote request sent"),
    "tender.confirmed": _("Quote request confirmed"),
    "tender.published": _("Quote request published"),
    "tender.quoted": _("Quote sent"),
    "tender.declined": _("Quote request declined"),
    "tender.awarded": _("Quote accepted"),
    "tender.closed": _("Quote request closed"),
    "tender.reviewed": _("Partner reviewed"),
    "tender.review_answered": _("Review answered"),
    "tender.subscription_changed": _("Quote request preferences changed"),
}


def action_label(code: str) -> str:
    """The reader's-language label of an audit action code, or the code itself when unknown."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


# AU-1: the details of an event, as the audit trail shows them: each key a label in the reader's
# language, each value formatted (dates, yes/no, lists, "before → after"), the codes every app
# records (roles, access levels, who pays, durations, services) named. Keys not listed here are
# internal references (ids) and are not shown; the API gives the details as they are stored.
DETAIL_LABELS: dict[str, str] = {
    "email": _("Email"),
    "role": _("Role"),
    "old": _("Before"),
    "new": _("After"),
    "from": _("Before"),
    "to": _("After"),
    "name": _("Name"),
    "prefix": _("Access token"),
    "expires_at": _("Expires"),
    "terms_accepted_at": _("Terms accepted"),
    "access_level": _("Access level"),
    "payment_method": _("Who pays"),
    "reason": _("Reason"),
    "fields": _("Fields"),
    "require_mfa": _("Two-factor authentication required"),
    "require_partner_mfa": _("Two-factor authentication required of partner people"),
    "ends_on": _("End date"),
    "number": _("Number"),
    "gross": _("Amount"),
    "amount": _("Amount"),
    "currency": _("Currency"),
    "method": _("Method"),
    "reference": _("Reference"),
    "message": _("Message"),
    "credit_note": _("Credit note"),
    "note": _("Note"),
    "previous_code_suffix": _("Previous code ends with"),
    "services": _("Services"),
    "service": _("Service"),
    "duration": _("Duration"),
    "expired_at": _("Expired"),
    "categories": _("Categories"),
    "addressed_to": _("Addressed to"),
    "partner": _("Partner"),
    "rating": _("Rating"),
    "side": _("Ended by"),
    "user": _("Person"),
    "all_clients": _("All clients"),
    "clients": _("Clients"),
    "rights": _("Rights"),
    "items": _("Products"),
    "payer": _("Invoiced to"),
    "invoice": _("Invoice"),
    "added": _("Added"),
    "removed": _("Removed"),
}

# Keys whose values are references, named at display time (one query per kind for a page of events):
# product ids, org ids, org slugs; `items` holds product type slugs.
PRODUCT_ID_KEYS = ("added", "removed")
ORG_ID_KEYS = ("clients",)
ORG_SLUG_KEYS = ("payer",)
MONEY_KEYS = ("amount", "gross")

VALUE_LABELS: dict[str, str] = {
    "legal_representative": _("legal representative"),
    "administrator": _("administrator"),
    "collaborator": _("collaborator"),
    "full": _("full access"),
    "limited": _("limited access"),
    "client_pays": _("the client pays"),
    "partner_pays": _("the partner pays"),
    "1h": _("1 hour"),
    "24h": _("24 hours"),
    "7d": _("7 days"),
    "mail": _("mail"),
    "drive": _("drive"),
    "card": _("card"),
    "balance": _("prepaid balance"),
    "bank": _("bank transfer"),
    "paypal": "PayPal",
    "client": _("the client"),
    "partner": _("the partner"),
    "view": _("view"),
    "manage_products": _("manage products"),
    "order": _("order"),
    "billing": _("billing"),
    "1m": _("1 month"),
    "1y": _("1 year"),
    "2y": _("2 years"),
}


def _detail_value(value: Any) -> str:
    from django.utils.dateparse import parse_date, parse_datetime
    from django.utils.formats import date_format

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_detail_value(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"{_detail_value(value['old'])} → {_detail_value(value['new'])}"
        return "; ".join(f"{k}: {_detail_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in VALUE_LABELS:
            return str(VALUE_LABELS[value])
        try:
            moment = parse_datetime(value) if "T" in value else None
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if moment is not None:
            return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    return str(value)


def _named(key: str, value: Any, details: dict, names: dict) -> str:
    """A value as the trail shows it: references by their names, amounts as money."""
    if key in PRODUCT_ID_KEYS + ORG_ID_KEYS and isinstance(value, list):
        kind = "product" if key in PRODUCT_ID_KEYS else "org"
        return ", ".join(names.get((kind, v), f"#{v}") for v in value) or "—"
    if key in ORG_SLUG_KEYS and isinstance(value, str):
        return names.get(("org_slug", value), value)
    if key == "items" and isinstance(value, list):
        return ", ".join(
            f"{names.get(('type', item.get('type')), item.get('type'))} ({_detail_value(item.get('period'))})"
            for item in value
            if isinstance(item, dict)
        )
    if key in MONEY_KEYS and isinstance(value, str):
        from portal.templatetags.portal_format import format_money

        return format_money(value, details.get("currency", ""))
    return _detail_value(value)


def detail_names(events) -> dict:
    """The names of everything a page of events refers to in its details, in at most three queries."""
    from .models import Organization, Product, ProductType

    product_ids, org_ids, org_slugs, type_slugs = set(), set(), set(), set()
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        for key in PRODUCT_ID_KEYS:
            product_ids.update(v for v in details.get(key) or [] if isinstance(v, int))
        for key in ORG_ID_KEYS:
            org_ids.update(v for v in details.get(key) or [] if isinstance(v, int))
        for key in ORG_SLUG_KEYS:
            if isinstance(details.get(key), str):
                org_slugs.add(details[key])
        type_slugs.update(i.get("type") for i in details.get("items") or [] if isinstance(i, dict))
    names: dict = {}
    if product_ids:
        names.update(
            {("product", pk): name for pk, name in Product.objects.filter(pk__in=product_ids).values_list("pk", "name")}
        )
    if org_ids or org_slugs:
        for pk, slug, name in Organization.objects.filter(Q(pk__in=org_ids) | Q(slug__in=org_slugs)).values_list(
            "pk", "slug", "name"
        ):
            names[("org", pk)] = names[("org_slug", slug)] = name
    if type_slugs:
        names.update(
            {
                ("type", slug): name
                for slug, name in ProductType.objects.filter(slug__in=type_slugs).values_list("slug", "name")
            }
        )
    return names


def attach_detail_lines(events) -> None:
    """Give each event of a page its `detail_lines`, with the references named (AuditEvent.detail_lines)."""
    events = list(events)
    names = detail_names(events)
    for event in events:
        event._detail_lines = detail_lines(event.details, names=names)


def detail_lines(details: dict | None, *, names: dict | None = None) -> list[tuple[str, str]]:
    """(label, value) for each shown key of an event's details, in `DETAIL_LABELS`' order."""
    details = details if isinstance(details, dict) else {}
    names = names or {}
    # In the table's order, not the stored one: PostgreSQL's jsonb keeps its keys sorted its own way.
    lines = [
        (str(label), _named(key, details[key], details, names))
        for key, label in DETAIL_LABELS.items()
        if key in details
    ]
    for key in sorted(details):
        value = details[key]
        if key not in DETAIL_LABELS and isinstance(value, dict) and set(value) == {"old", "new"}:
            lines.append((key.replace("_", " ").capitalize(), _detail_value(value)))  # a changed field
    return lines
