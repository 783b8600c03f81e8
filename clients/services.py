"""Writes for organizations, memberships, invitations and access tokens (ORG rules).

Keyword-only, typed, shared by the HTML views and the API.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.addresses import normalized_email
from portal.errors import InvalidInput, RuleViolation
from portal.outbox import email_enqueue
from portal.ratelimit import rate_limit_exceeded

from . import identifiers, selectors
from .api_auth import token_generate
from .audit import audit_record
from .models import AccessToken, MemberInvitation, Membership, Organization, Role
from .tenancy import Access

INVOICE_NOTE_MAX = 128
INVITATION_VALIDITY = timedelta(days=7)
TOKEN_MAX_DAYS = 365


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
    if errors:
        code = "invalid_vat_number" if "vat_number" in errors else "invalid_register_number"
        raise InvalidInput(code, next(iter(errors.values()))[0], fields=errors)
    return register, vat


def _check_invoice_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > INVOICE_NOTE_MAX:
        message = _("The invoice note can have at most %(max)d characters.") % {"max": INVOICE_NOTE_MAX}
        raise InvalidInput("invoice_note_too_long", message, fields={"invoice_note": [str(message)]})
    return note


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
    """ORG-1: create an org; its creator becomes its legal representative.

    Giving a VAT number at sign-up counts as accepting the Terms of Use (ORG-3):
    the sign-up form asks for the tick before calling this.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput(
            "invalid", _("Give the organization a name."), fields={"name": [str(_("This field is required."))]}
        )
    if kind not in Organization.Kind.values:
        raise InvalidInput(
            "invalid_kind",
            _("Choose company or individual."),
            fields={"kind": [str(_("Choose company or individual."))]},
        )
    register, vat = org_validate_numbers(
        kind=kind, country=country, register_number=register_number, vat_number=vat_number
    )
    note = _check_invoice_note(invoice_note)
    fields = {
        "name": name[:200],
        "kind": kind,
        "country": country.upper(),
        "register_number": register,
        "vat_number": vat,
        "street": (street or "")[:200],
        "postal_code": (postal_code or "")[:20],
        "city": (city or "")[:100],
        "invoice_note": note,
        "terms_accepted_at": timezone.now() if vat else None,
    }
    for attempt in range(5):
        try:
            with transaction.atomic():
                org = Organization.objects.create(slug=_unique_slug(name), **fields)
            break
        except IntegrityError:  # a concurrent sign-up took the same slug
            if attempt == 4:
                raise
    Membership.objects.create(org=org, user=user, role=Role.LEGAL_REPRESENTATIVE)
    audit_record(action="org.created", org=org, actor=user, actor_org=org, target=org)
    return org


ORG_EDIT_FIELDS = ("name", "street", "postal_code", "city", "register_number")


@transaction.atomic
def org_update(*, access: Access, data: dict, accept_terms: bool = False) -> Organization:
    """Edit the org. Each changed field asks for its capability: the invoice note
    `org.billing_reference` (ORG-5), the VAT number `org.change_vat` plus ticking
    the Terms of Use (ORG-3), the rest `org.edit`."""
    org = Organization.objects.select_for_update().get(pk=access.org.pk)
    changes: dict[str, tuple[str, str]] = {}

    if "name" in data:
        name = (data.get("name") or "").strip()
        if not name:
            raise InvalidInput(
                "invalid", _("Give the organization a name."), fields={"name": [str(_("This field is required."))]}
            )
        data = {**data, "name": name[:200]}
    for field in ("street", "postal_code", "city"):
        if field in data:
            data = {**data, field: (data.get(field) or "").strip()}

    if "register_number" in data or "vat_number" in data:
        register, vat = org_validate_numbers(
            kind=org.kind,
            country=org.country,
            register_number=data.get("register_number", org.register_number),
            vat_number=data.get("vat_number", org.vat_number),
        )
        if "register_number" in data:
            data = {**data, "register_number": register}
        if "vat_number" in data:
            data = {**data, "vat_number": vat}

    for field in ORG_EDIT_FIELDS:
        if field in data and data[field] != getattr(org, field):
            changes[field] = (getattr(org, field), data[field])
    if changes:
        access.require("org.edit")

    if "invoice_note" in data:
        note = _check_invoice_note(data.get("invoice_note"))
        if note != org.invoice_note:
            access.require("org.billing_reference")
            changes["invoice_note"] = (org.invoice_note, note)

    vat_changed = "vat_number" in data and data["vat_number"] != org.vat_number
    if vat_changed:
        access.require("org.change_vat")
        if not accept_terms:
            message = _("To change the VAT number, accept the Terms of Use.")
            raise InvalidInput("terms_not_accepted", message, fields={"accept_terms": [str(message)]})
        changes["vat_number"] = (org.vat_number, data["vat_number"])

    if not changes:
        return org
    for field, (_old, new) in changes.items():
        setattr(org, field, new)
    if vat_changed:
        org.terms_accepted_at = timezone.now()
    org.save()
    if vat_changed:
        old_vat, new_vat = changes["vat_number"]
        audit_record(
            action="org.vat_changed",
            org=org,
            actor=access.user,
            actor_org=access.from_org,
            target=org,
            details={"old": old_vat, "new": new_vat, "terms_accepted_at": org.terms_accepted_at.isoformat()},
        )
    other = {k: v for k, v in changes.items() if k != "vat_number"}
    if other:
        audit_record(
            action="org.updated",
            org=org,
            actor=access.user,
            actor_org=access.from_org,
            target=org,
            details={k: {"old": o, "new": n} for k, (o, n) in other.items()},
        )
    return org


# --- members (ORG-6) ---------------------------------------------------------


def _role_label(role: str):
    """Lazy label: the email renders it in the recipient's language."""
    return Role(role).label if role in Role.values else role


def _check_role(role: str) -> str:
    if role not in Role.values:
        message = _("Choose a role: legal representative, administrator or collaborator.")
        raise InvalidInput("invalid_role", message, fields={"role": [str(message)]})
    return role


def _rate_limit_hit(*, scope: str, key: str) -> None:
    """Refuse once the org sent too many invitations in the window (SEC-3)."""
    if rate_limit_exceeded(scope=scope, key=key):
        raise RuleViolation("rate_limited", _("Too many invitations were sent recently. Try again later."), status=429)


def _invitation_link(invitation: MemberInvitation) -> str:
    return reverse("manager:invitation_accept", kwargs={"token": invitation.token})


def _send_invitation(invitation: MemberInvitation, *, key: str) -> None:
    email_enqueue(
        key=key,
        to=invitation.email,
        template="clients/member_invitation",
        context={
            "org_name": invitation.org.name,
            "role": _role_label(invitation.role),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "expires_at": invitation.expires_at,
        },
        link=_invitation_link(invitation),
    )


@transaction.atomic
def member_invite(*, access: Access, email: str, role: str) -> MemberInvitation:
    """ORG-6: invite a person by email; only a legal rep may invite a legal rep."""
    access.require("members.invite")
    role = _check_role(role)
    if role == Role.LEGAL_REPRESENTATIVE:
        access.require("members.appoint_legal_rep")
    email = normalized_email(email)
    if email is None:
        message = _("Enter a valid email address.")
        raise InvalidInput("invalid_email", message, fields={"email": [str(message)]})
    org = access.org
    if Membership.objects.filter(org=org, user__email__iexact=email).exists():
        message = _("This person is already a member of the organization.")
        raise RuleViolation("already_member", message, fields={"email": [str(message)]})
    # An expired invitation no longer blocks a new one.
    MemberInvitation.objects.filter(
        org=org, email__iexact=email, status=MemberInvitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=MemberInvitation.Status.EXPIRED)
    if MemberInvitation.objects.filter(org=org, email__iexact=email, status=MemberInvitation.Status.PENDING).exists():
        raise RuleViolation(
            "invitation_pending",
            _("An invitation to this address is already pending. Resend it from the members page instead."),
        )
    _rate_limit_hit(scope="member_invite", key=str(org.pk))
    try:
        with transaction.atomic():
            invitation = MemberInvitation.objects.create(
                org=org, email=email, role=role, invited_by=access.user, expires_at=timezone.now() + INVITATION_VALIDITY
            )
    except IntegrityError as exc:  # a concurrent invite to the same address
        raise RuleViolation("invitation_pending", _("An invitation to this address is already pending.")) from exc
    _send_invitation(invitation, key=f"member-invitation:{invitation.pk}")
    audit_record(
        action="member.invited",
        org=org,
        actor=access.user,
        actor_org=access.from_org,
        target=invitation,
        details={"email": email, "role": role},
    )
    return invitation


def _invitation_for(access: Access, invitation_id) -> MemberInvitation:
    invitation = MemberInvitation.objects.select_for_update().filter(org=access.org, pk=invitation_id).first()
    if invitation is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    return invitation


@transaction.atomic
def invitation_resend(*, access: Access, invitation_id: int) -> MemberInvitation:
    """Send a pending invitation again, valid for 7 more days."""
    access.require("members.invite")
    invitation = _invitation_for(access, invitation_id)
    if invitation.status != MemberInvitation.Status.PENDING:
        raise RuleViolation("invitation_not_pending", _("Only a pending invitation can be sent again."))
    if invitation.role == Role.LEGAL_REPRESENTATIVE:
        access.require("members.appoint_legal_rep")
    _rate_limit_hit(scope="member_invite", key=str(access.org.pk))
    invitation.expires_at = timezone.now() + INVITATION_VALIDITY
    invitation.save(update_fields=["expires_at"])
    _send_invitation(invitation, key=f"member-invitation:{invitation.pk}:resend:{invitation.expires_at.timestamp()}")
    audit_record(
        action="member.invitation_resent",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=invitation,
        details={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, access: Access, invitation_id: int) -> MemberInvitation:
    access.require("members.invite")
    invitation = _invitation_for(access, invitation_id)
    if invitation.status != MemberInvitation.Status.PENDING:
        raise RuleViolation("invitation_not_pending", _("Only a pending invitation can be revoked."))
    invitation.status = MemberInvitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    audit_record(
        action="member.invitation_revoked",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=invitation,
        details={"email": invitation.email},
    )
    return invitation


def invitation_check(*, invitation: MemberInvitation | None) -> MemberInvitation:
    """Refuse an invitation that can't be used (ORG-6: single use, 7 days)."""
    if invitation is None:
        raise RuleViolation("invitation_not_found", _("This invitation link is not valid."), status=404)
    if invitation.status == MemberInvitation.Status.ACCEPTED:
        raise RuleViolation("invitation_used", _("This invitation has already been used."))
    if invitation.status == MemberInvitation.Status.REVOKED:
        raise RuleViolation("invitation_revoked", _("This invitation was withdrawn. Ask for a new one."))
    if invitation.status == MemberInvitation.Status.EXPIRED or invitation.expires_at <= timezone.now():
        raise RuleViolation("invitation_expired", _("This invitation has expired. Ask for a new one."))
    return invitation


def invitation_is_for(*, user, invitation: MemberInvitation) -> bool:
    """ORG-6: the invitation was sent to one of this person's addresses (sign-in or verified)."""
    return _user_owns_email(user, invitation.email)


def _user_owns_email(user, email: str) -> bool:
    if user.email.lower() == email.lower():
        return True
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """ORG-6: accept an invitation; it becomes a membership, once."""
    invitation = (
        MemberInvitation.objects.select_for_update().select_related("org").filter(token=token).first()
        if token
        else None
    )
    invitation_check(invitation=invitation)
    if not _user_owns_email(user, invitation.email):
        raise RuleViolation(
            "invitation_email_mismatch",
            _("This invitation was sent to another email address. Sign in with that address to accept it."),
            status=403,
        )
    if Membership.objects.filter(org=invitation.org, user=user).exists():
        raise RuleViolation("already_member", _("You are already a member of this organization."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(org=invitation.org, user=user, role=invitation.role)
    except IntegrityError as exc:  # joined concurrently by another path
        raise RuleViolation("already_member", _("You are already a member of this organization.")) from exc
    invitation.status = MemberInvitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit_record(
        action="member.joined",
        org=invitation.org,
        actor=user,
        actor_org=invitation.org,
        target=membership,
        details={"email": user.email, "role": membership.role, "invitation": invitation.pk},
    )
    return membership


def invitations_expire() -> int:
    """Mark pending invitations past their expiry as expired (periodic task)."""
    return MemberInvitation.objects.filter(
        status=MemberInvitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=MemberInvitation.Status.EXPIRED)


def _membership_for(access: Access, membership_id) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("user").filter(org=access.org, pk=membership_id).first()
    )
    if membership is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    return membership


def _refuse_if_last_legal_rep(membership: Membership, message) -> None:
    if membership.role != Role.LEGAL_REPRESENTATIVE:
        return
    # Lock every legal rep of the org so that two concurrent demotions can't both pass.
    reps = list(
        Membership.objects.select_for_update()
        .filter(org_id=membership.org_id, role=Role.LEGAL_REPRESENTATIVE)
        .values_list("pk", flat=True)
    )
    if len(reps) <= 1:
        raise RuleViolation("last_legal_representative", message)


@transaction.atomic
def member_set_role(*, access: Access, membership_id: int, role: str) -> Membership:
    """ORG-6: change a member's role and email them a summary."""
    access.require("members.set_role")
    role = _check_role(role)
    membership = _membership_for(access, membership_id)
    old = membership.role
    if old == role:
        return membership
    if Role.LEGAL_REPRESENTATIVE in (old, role):
        access.require("members.appoint_legal_rep")
    _refuse_if_last_legal_rep(
        membership, _("The organization needs at least one legal representative. Appoint another one first.")
    )
    membership.role = role
    membership.save(update_fields=["role"])
    event = audit_record(
        action="member.role_changed",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=membership,
        details={"email": membership.user.email, "old": old, "new": role},
    )
    email_enqueue(
        key=f"member-role-changed:{membership.pk}:{event.pk}",
        to=membership.user,
        template="clients/role_changed",
        context={
            "org_name": access.org.name,
            "old_role": _role_label(old),
            "new_role": _role_label(role),
            "changed_by": access.user.display_name,
        },
        link=reverse("manager:members"),
        org=access.org,
    )
    return membership


@transaction.atomic
def member_remove(*, access: Access, membership_id: int) -> None:
    """ORG-6: remove a member (not the last legal rep); they are emailed."""
    access.require("members.remove")
    membership = _membership_for(access, membership_id)
    if membership.role == Role.LEGAL_REPRESENTATIVE:
        access.require("members.appoint_legal_rep")
    _refuse_if_last_legal_rep(
        membership, _("The last legal representative can't be removed. Appoint another one first.")
    )
    user = membership.user
    event = audit_record(
        action="member.removed",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=membership,
        details={"email": user.email, "role": membership.role},
    )
    membership.delete()
    AccessToken.objects.filter(user=user, org=access.org, revoked_at__isnull=True).update(revoked_at=timezone.now())
    email_enqueue(
        key=f"member-removed:{access.org.pk}:{user.pk}:{event.pk}",
        to=user,
        template="clients/member_removed",
        context={"org_name": access.org.name, "removed_by": access.user.display_name},
        org=access.org,
    )


@transaction.atomic
def member_leave(*, access: Access) -> None:
    """A member leaves the org themselves (same last-legal-rep rule)."""
    membership = Membership.objects.select_for_update().filter(org=access.org, user=access.user).first()
    if membership is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    _refuse_if_last_legal_rep(
        membership, _("You are the last legal representative. Appoint another one before you leave.")
    )
    audit_record(
        action="member.left",
        org=access.org,
        actor=access.user,
        actor_org=access.org,
        target=membership,
        details={"email": access.user.email, "role": membership.role},
    )
    membership.delete()
    AccessToken.objects.filter(user=access.user, org=access.org, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- notifications ------------------------------------------------------------


def notifications_mark_read(*, user, org: Organization | None = None, ids: list[int] | None = None) -> int:
    """NT-2: mark the person's unread notifications read (those of `org` only, for a token scoped to it;
    the given `ids` only, when given). Returns how many were marked."""
    qs = selectors.notifications_for(user=user, org=org).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- personal access tokens ---------------------------------------------------


@transaction.atomic
def token_create(*, access: Access, name: str, days: int) -> tuple[AccessToken, str]:
    """Create a token scoped to the acting org. Returns (token, clear value shown once)."""
    access.require("tokens.manage")
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [str(_("Give the token a name."))]
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= TOKEN_MAX_DAYS:
        errors["days"] = [str(_("Choose a validity of 1 to %(max)d days.") % {"max": TOKEN_MAX_DAYS})]
    if errors:
        raise InvalidInput("invalid", next(iter(errors.values()))[0], fields=errors)
    raw, prefix, digest = token_generate()
    token = AccessToken.objects.create(
        user=access.user,
        org=access.from_org,
        name=name[:100],
        prefix=prefix,
        digest=digest,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        action="token.created",
        org=token.org,
        actor=access.user,
        actor_org=token.org,
        target=token,
        details={"name": token.name, "prefix": prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user, token_id: int) -> AccessToken:
    token = AccessToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="token.revoked",
            org=token.org,
            actor=user,
            actor_org=token.org,
            target=token,
            details={"name": token.name, "prefix": token.prefix},
        )
    return token
