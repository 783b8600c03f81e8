"""Writes for organizations and memberships (ORG rules). Keyword-only, typed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.errors import InvalidInput

from . import identifiers
from .audit import audit_record
from .models import Membership, Organization, Role


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "org"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def org_validate_numbers(*, kind: str, country: str, register_number: str, vat_number: str) -> tuple[str, str]:
    """ORG-2: validate and compact the register and VAT numbers, or raise InvalidInput."""
    errors: dict[str, list[str]] = {}
    country = (country or "").upper()
    if country not in identifiers.COUNTRIES:
        errors["country"] = [str(_("Choose a country from the list (ISO code such as CH, FR, DE)."))]
        raise InvalidInput("invalid_country", errors["country"][0], fields=errors)
    register = vat = ""
    try:
        register = identifiers.clean_register(register_number, country)
    except identifiers.InvalidNumber as exc:
        errors["register_number"] = [str(exc)]
    try:
        vat = identifiers.clean_vat(vat_number, country)
    except identifiers.InvalidNumber as exc:
        errors["vat_number"] = [str(exc)]
    if kind == Organization.Kind.INDIVIDUAL and vat:
        pass  # an individual may be VAT-registered (sole trader); nothing to refuse
    if errors:
        code = "invalid_vat_number" if "vat_number" in errors else "invalid_register_number"
        raise InvalidInput(code, next(iter(errors.values()))[0], fields=errors)
    return register, vat


@transaction.atomic
def org_create(
    *,
    user,
    name: str,
    kind: str,
    country: str,
    register_number: str = "",
    vat_number: str = "",
    street: str = "",
    postal_code: str = "",
    city: str = "",
    invoice_note: str = "",
) -> Organization:
    """ORG-1: create an org; its creator becomes its legal representative."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("invalid", _("Give the organization a name."), fields={"name": [str(_("This field is required."))]})
    if kind not in Organization.Kind.values:
        raise InvalidInput(
            "invalid_kind", _("Choose company or individual."), fields={"kind": [str(_("Choose company or individual."))]}
        )
    register, vat = org_validate_numbers(
        kind=kind, country=country, register_number=register_number, vat_number=vat_number
    )
    org = Organization.objects.create(
        name=name[:200],
        slug=_unique_slug(name),
        kind=kind,
        country=country.upper(),
        register_number=register,
        vat_number=vat,
        street=street,
        postal_code=postal_code,
        city=city,
        invoice_note=(invoice_note or "")[:128],
        terms_accepted_at=timezone.now() if vat else None,
    )
    Membership.objects.create(org=org, user=user, role=Role.LEGAL_REPRESENTATIVE)
    audit_record(action="org.created", org=org, actor=user, actor_org=org, target=org)
    return org
