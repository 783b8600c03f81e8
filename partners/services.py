"""Writes of the partner program (PP) and partnerships (PS). Keyword-only, typed.

HTML views and API endpoints call these; every refusal is a RuleViolation with a
stable code. Emails go through the outbox with deterministic idempotency keys;
every notable change is an audit event on the trail of each org concerned.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from clients import identifiers
from clients.audit import audit_record
from clients.models import Membership, Organization, Product, ProductType, Role
from clients.selectors import verified_emails
from clients.tenancy import Access
from portal.addresses import normalized_email
from portal.errors import InvalidInput, NotAllowed, RuleViolation
from portal.ids import MAX_ID
from portal.models import User
from portal.outbox import email_enqueue
from portal.ratelimit import rate_limit_exceeded
from portal.templatetags.portal_format import format_money

from . import selectors
from .models import (
    AffiliateEnrollment,
    ClientPartnerSettings,
    CollaboratorRights,
    DirectoryLanguage,
    PartnerApplication,
    PartnerProfile,
    Partnership,
    PartnershipProduct,
)

MINIMUM_VOLUME = {"CHF": Decimal("2000"), "EUR": Decimal("1800")}
ACCEPTANCES = (
    "accepts_minimum_volume",
    "accepts_client_support",
    "accepts_client_invoices",
    "accepts_tender_exclusivity",
    "accepts_reseller_terms",
)
REMINDER_DAYS = (30, 7, 1)
REAUTH_SECONDS = 300
# PS-11/SEC-3: wrong passwords when ending a partnership, per user (a scope of PORTAL_RATE_LIMITS).
PASSWORD_GUESS_SCOPE = "partnership_password"

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------
# helpers


def _link(name: str, *args) -> str:
    return reverse(name, args=args)


def _email_legal_reps(*, org: Organization, key: str, template: str, context: dict, link: str = "") -> int:
    n = 0
    for user in selectors.legal_reps_of(org=org):
        email_enqueue(key=f"{key}:{user.pk}", to=user, template=template, context=context, link=link, org=org)
        n += 1
    return n


def _audit_both(*, action: str, partnership: Partnership, actor, actor_org: Organization | None, details=None) -> None:
    """AU-1: partnership events go on both orgs' trails."""
    details = dict(details or {})
    details.setdefault("partnership", partnership.pk)
    orgs = [partnership.partner]
    if partnership.client_id:
        orgs.append(partnership.client)
    for org in orgs:
        audit_record(action=action, org=org, actor=actor, actor_org=actor_org, target=partnership, details=details)


def _ctx(partnership: Partnership, **extra) -> dict:
    """An email's context. Labels stay lazy (`Choices.label`), so that `email_enqueue` renders them in
    the recipient's language, not the sender's (NT-2): `get_FOO_display()` is a plain string in the
    language of the request that sends the email."""
    p = partnership
    ctx = {
        "partnership": p,
        "partner_name": p.partner.name,
        "client_name": p.client.name if p.client_id else p.invited_email,
        "access_level": Partnership.AccessLevel(p.access_level).label,
        "payment_method": Partnership.PaymentMethod(p.payment_method).label if p.payment_method else "",
    }
    ctx.update(extra)
    return ctx


def _requested_names(p: Partnership) -> list[str]:
    """PS-3: the names of the products a limited request asks for (the partner's invitation says them)."""
    if p.requested_access_level != Partnership.AccessLevel.LIMITED:
        return []
    return selectors.attach_requested_products(partnerships=[p])[0].requested_product_names


def _require_own_org(access: Access) -> None:
    if access is None or access.is_acting_for_client:
        raise NotAllowed("forbidden", _("Partner people acting for a client can't do this in the client's account."))


def _check_level(access_level: str, payment_method: str | None) -> tuple[str, str | None]:
    if access_level not in Partnership.AccessLevel.values:
        raise InvalidInput(
            "invalid_access_level",
            _("Choose limited or full access."),
            fields={"access_level": [str(_("Choose limited or full access."))]},
        )
    if access_level == Partnership.AccessLevel.FULL:
        if payment_method not in Partnership.PaymentMethod.values:
            raise InvalidInput(
                "invalid_payment_method",
                _("Full access needs a payment method: the client pays or the partner pays."),
                fields={"payment_method": [str(_("Choose who pays."))]},
            )
        return access_level, payment_method
    return access_level, None


def _clean_ids(product_ids) -> list[int]:
    """Ids sent by a form or the API, once each; one that can't be an id (not a number, or beyond
    what an id column holds: a database error, not a miss, on SQLite) is bad input."""
    out: set[int] = set()
    for value in product_ids or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number <= MAX_ID:
            raise InvalidInput(
                "invalid_product", _("Unknown product."), fields={"product_ids": [str(_("Unknown product."))]}
            )
        out.add(number)
    return sorted(out)


def _client_products(*, client: Organization, product_ids: list[int]) -> list[Product]:
    """`product_ids` as `_clean_ids` gives them."""
    products = list(Product.objects.filter(org=client, pk__in=product_ids).select_related("product_type"))
    if len(products) != len(product_ids):
        raise InvalidInput(
            "invalid_product",
            _("One of the products does not belong to this client."),
            fields={"product_ids": [str(_("One of the products does not belong to this client."))]},
        )
    return products


def _conflict(product: Product, exclude_partnership: Partnership | None = None) -> RuleViolation | None:
    """PS-5: a product already managed by another active limited partnership."""
    qs = PartnershipProduct.objects.filter(product=product, active=True).select_related("partnership__partner")
    if exclude_partnership is not None:
        qs = qs.exclude(partnership=exclude_partnership)
    grant = qs.first()
    if grant is None:
        return None
    return RuleViolation(
        "product_managed_by_other_partner",
        _("%(product)s is already managed by %(partner)s; remove it from that partnership first.")
        % {"product": product.name, "partner": grant.partnership.partner.name},
        product=product.pk,
        partner=grant.partnership.partner.slug,
        fields={"product_ids": [str(product.name)]},
    )


def _full_exists_error(client: Organization) -> RuleViolation:
    current = selectors.full_partnership_of(client=client)
    name = current.partner.name if current else ""
    return RuleViolation(
        "full_partner_exists",
        _("%(client)s already has a partner with full access (%(partner)s). End that partnership first.")
        % {"client": client.name, "partner": name},
    )


def _requested_elsewhere(
    *, client: Organization, products: list[Product], exclude: Partnership | None = None
) -> RuleViolation | None:
    """PS-5 ahead of time: a product that one of the client's own open limited invitations asks
    another partner to manage. Granting it elsewhere would leave that invitation impossible to
    accept, so the client is refused now, naming the product and the invitation's partner (its own)."""
    wanted = {pr.pk: pr for pr in products}
    if not wanted:
        return None
    requests = Partnership.objects.filter(
        selectors.open_pending_q(),
        client=client,
        initiated_by=Partnership.Side.CLIENT,
        requested_access_level=Partnership.AccessLevel.LIMITED,
    ).select_related("partner")
    if exclude is not None:
        requests = requests.exclude(pk=exclude.pk)
    for request in requests.order_by("created_at", "id"):
        for product_id in request.requested_product_ids or []:
            product = wanted.get(product_id)
            if product is None:
                continue
            return RuleViolation(
                "product_requested_from_other_partner",
                _(
                    "%(product)s is asked in your pending invitation to %(partner)s. Withdraw that invitation "
                    "first, or choose other products."
                )
                % {"product": product.name, "partner": request.partner.name},
                product=product.pk,
                partner=request.partner.slug,
                partnership=request.pk,
                fields={"product_ids": [str(product.name)]},
            )
    return None


class _RequestOutdated(RuleViolation):
    """PS-5 at a partner's acceptance: a product the client asks is now managed by another partner.
    The partner is told that the client must change its request (never who manages the product);
    `partnership_accept` then tells the client."""

    def __init__(self, p: Partnership, product: Product) -> None:
        super().__init__(
            "request_outdated",
            _(
                "%(client)s must change its request before you can accept it: %(product)s, one of the products "
                "it asks you to manage, is now managed by another partner. We have told %(client)s."
            )
            % {"client": p.client.name, "product": product.name},
            product=product.pk,
        )
        self.partnership = p
        self.product = product


def _grant(*, partnership: Partnership, products: list[Product]) -> None:
    for product in products:
        err = _conflict(product, exclude_partnership=partnership)
        if err:
            raise err
        try:
            with transaction.atomic():
                PartnershipProduct.objects.create(partnership=partnership, product=product, active=True)
        except IntegrityError:
            err = _conflict(product, exclude_partnership=partnership)
            if err:
                raise err
            raise


# ---------------------------------------------------------------------------
# PP: applications, profile, perks


def _unique_profile_slug(org: Organization) -> str:
    base = slugify(org.name)[:70] or org.slug
    slug, n = base, 2
    while PartnerProfile.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _register_key(number: str) -> str:
    return "".join(ch for ch in (number or "") if ch.isalnum()).upper()


def _application_register_number(*, org: Organization, register_number: str) -> str:
    """PP-1/ORG-2: the applicant's commercial register number, validated for the org's country
    (check digits, python-stdnum through `clients.identifiers`) and returned compact.

    It identifies the applying company, so: left empty, it is the number the org has on file;
    when the org has one on file, another number is refused (the org page is where it changes);
    in every case, a number another org has on file, or has applied with, is refused (even the
    org's own number on file: an org created with an approved partner's number can't pose as it)."""
    given = (register_number or "").strip()
    if given:
        try:
            compact = identifiers.clean_register(given, org.country)
        except identifiers.InvalidNumber as exc:
            raise InvalidInput("invalid_register_number", str(exc), fields={"register_number": [str(exc)]}) from exc
        if org.register_number and _register_key(compact) != _register_key(org.register_number):
            message = _(
                "This is not the register number of %(org)s (%(number)s). Apply with that number, or "
                "correct it on your organization's page first."
            ) % {"org": org.name, "number": org.register_number_display}
            raise InvalidInput("register_number_mismatch", message, fields={"register_number": [str(message)]})
    elif not org.register_number:
        message = _("Give your commercial register number.")
        raise InvalidInput("invalid", message, fields={"register_number": [str(message)]})
    number = org.register_number or compact
    if selectors.register_number_used_elsewhere(number=number, org=org):
        message = _("This register number belongs to another organization. Give your own organization's number.")
        raise InvalidInput("register_number_of_other_org", message, fields={"register_number": [str(message)]})
    return number


def _application_currency(*, org: Organization, currency: str) -> str:
    """PP-1: the expected volume is stated in the org's own currency (CHF in Switzerland and
    Liechtenstein, EUR elsewhere), so that 1,800 EUR can't pass a Swiss org's 2,000 CHF minimum."""
    given = (currency or "").strip().upper()
    if given and given != org.currency:
        message = _("State the expected yearly volume in %(currency)s, the currency of %(org)s.") % {
            "currency": org.currency,
            "org": org.name,
        }
        raise InvalidInput("currency_mismatch", message, fields={"currency": [str(message)]})
    return org.currency


@transaction.atomic
def application_submit(
    *,
    access: Access,
    register_number: str,
    expected_yearly_volume,
    website: str,
    currency: str = "",
    accepts_minimum_volume: bool = False,
    accepts_client_support: bool = False,
    accepts_client_invoices: bool = False,
    accepts_tender_exclusivity: bool = False,
    accepts_reseller_terms: bool = False,
) -> PartnerApplication:
    """PP-1/PP-2: a company applies to the partner program. `currency` may be omitted: the volume
    is always in the org's own currency (another one is refused)."""
    _require_own_org(access)
    access.require("partner.apply")
    org = access.org
    if not org.is_company:
        raise RuleViolation(
            "individual_cannot_apply",
            _(
                "Individuals can't join the partner program. Our affiliate program is made for you: "
                "recommend our products and earn a commission."
            ),
            status=400,
        )
    if PartnerProfile.objects.filter(org=org).exists():
        raise RuleViolation("already_partner", _("This organization is already a partner."))
    if selectors.is_affiliate(org=org):
        raise _affiliate_enrolled_error()
    if PartnerApplication.objects.filter(org=org, status=PartnerApplication.Status.SUBMITTED).exists():
        raise RuleViolation("application_pending", _("This organization already has an application under review."))
    fields: dict[str, list[str]] = {}
    # The first refusal with its own code (register number, currency) names the error and its message.
    error: InvalidInput | None = None
    try:
        register = _application_register_number(org=org, register_number=register_number)
    except InvalidInput as exc:
        register, error = "", exc
        fields.update(exc.fields)
    if not (website or "").strip():
        fields["website"] = [str(_("Give your company's active website."))]
    try:
        currency = _application_currency(org=org, currency=currency)
    except InvalidInput as exc:
        error = error or exc
        fields.update(exc.fields)
    try:
        volume = Decimal(str(expected_yearly_volume))
    except (InvalidOperation, TypeError, ValueError):
        volume = None
        fields["expected_yearly_volume"] = [str(_("Give the expected yearly volume as a number."))]
    values = {
        "accepts_minimum_volume": accepts_minimum_volume,
        "accepts_client_support": accepts_client_support,
        "accepts_client_invoices": accepts_client_invoices,
        "accepts_tender_exclusivity": accepts_tender_exclusivity,
        "accepts_reseller_terms": accepts_reseller_terms,
    }
    for name, value in values.items():
        if value is not True:
            fields[name] = [str(_("You must accept this condition to apply."))]
    if fields:
        missing_condition = any(name in fields for name in ACCEPTANCES)
        raise InvalidInput(
            "condition_not_accepted" if missing_condition else (error.code if error else "invalid"),
            _("Every condition of the partner program must be accepted.")
            if missing_condition
            else (error.message if error else next(iter(fields.values()))[0]),
            fields=fields,
        )
    minimum = format_money(MINIMUM_VOLUME[currency], currency)
    if volume < MINIMUM_VOLUME[currency]:
        raise InvalidInput(
            "volume_below_minimum",
            _("The expected yearly volume must be at least %(min)s a year.") % {"min": minimum},
            fields={"expected_yearly_volume": [str(_("At least %(min)s.") % {"min": minimum})]},
        )
    application = PartnerApplication.objects.create(
        org=org,
        submitted_by=access.user,
        register_number=register,
        expected_yearly_volume=volume,
        currency=currency,
        website=website.strip(),
        **values,
    )
    audit_record(action="partner.application_submitted", org=org, actor=access.user, actor_org=org, target=application)
    ctx = {"application": application, "org_name": org.name}
    _email_legal_reps(
        org=org,
        key=f"partner-application-submitted:{application.pk}",
        template="partners/application_submitted",
        context=ctx,
        link=_link("partners:apply"),
    )
    email_enqueue(
        key=f"partner-application-staff:{application.pk}",
        to=settings.STAFF_NOTIFICATION_EMAIL,
        template="partners/application_staff",
        context=ctx,
        link=_link("partners:staff_queue"),
    )
    return application


def _require_staff(user) -> None:
    if not getattr(user, "is_staff", False):
        raise RuleViolation("not_found", _("Not found."), status=404)


def _affiliate_enrolled_error() -> RuleViolation:
    return RuleViolation(
        "affiliate_enrolled",
        _(
            "This organization is enrolled in the affiliate program, and an affiliate can't also be a partner. "
            "Contact us to leave the affiliate program first."
        ),
    )


def affiliate_enrollment_check(*, org: Organization) -> None:
    """PP-1: a partner (approved or suspended) can't be enrolled in the affiliate program."""
    if PartnerProfile.objects.filter(org=org).exists():
        raise RuleViolation(
            "partner_cannot_be_affiliate",
            _("%(org)s is a partner, and a partner can't also be enrolled in the affiliate program.")
            % {"org": org.name},
        )
    if selectors.is_affiliate(org=org):
        message = _("%(org)s is already enrolled in the affiliate program.") % {"org": org.name}
        raise RuleViolation("already_affiliate", message)


@transaction.atomic
def affiliate_enroll(*, org: Organization, by) -> AffiliateEnrollment:
    """PP-1/PP-2: staff enrol an org in the affiliate program (from the Django admin)."""
    _require_staff(by)
    org = Organization.objects.select_for_update().get(pk=org.pk)  # the lock `application_approve` takes
    affiliate_enrollment_check(org=org)
    enrollment = AffiliateEnrollment.objects.create(org=org, enrolled_by=by)
    audit_record(action="partner.affiliate_enrolled", org=org, actor=by, target=enrollment)
    return enrollment


@transaction.atomic
def affiliate_leave(*, enrollment: AffiliateEnrollment, by) -> None:
    """Staff take an org out of the affiliate program; it may then apply to be a partner."""
    _require_staff(by)
    org = enrollment.org
    audit_record(action="partner.affiliate_left", org=org, actor=by, target=enrollment)
    enrollment.delete()


@transaction.atomic
def application_approve(*, application: PartnerApplication, by) -> PartnerProfile:
    """PP-3: approval makes the org a partner with the default commission plan."""
    _require_staff(by)
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != PartnerApplication.Status.SUBMITTED:
        raise RuleViolation("application_decided", _("This application has already been decided."))
    # The org row is the lock shared with `affiliate_enroll`: never a partner and an affiliate.
    org = Organization.objects.select_for_update().get(pk=application.org_id)
    if selectors.is_affiliate(org=org):
        raise _affiliate_enrolled_error()
    plan = selectors.default_commission_plan()
    if plan is None:
        raise RuleViolation("no_default_plan", _("Create a default commission plan first."))
    profile, _created = PartnerProfile.objects.update_or_create(
        org=org,
        defaults={
            "status": PartnerProfile.Status.APPROVED,
            "commission_plan": plan,
            "approved_at": timezone.now(),
            "website": application.website,
            "city": org.city,
            "public_name": org.name,
            "slug": PartnerProfile.objects.filter(org=org).values_list("slug", flat=True).first()
            or _unique_profile_slug(org),
        },
    )
    application.status = PartnerApplication.Status.APPROVED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(action="partner.application_approved", org=org, actor=by, target=application)
    _file_register_number(org=org, application=application, by=by)
    _email_legal_reps(
        org=org,
        key=f"partner-application-approved:{application.pk}",
        template="partners/application_approved",
        context={"application": application, "org_name": org.name},
        link=_link("partners:console"),
    )
    return profile


def _file_register_number(*, org: Organization, application: PartnerApplication, by) -> None:
    """PP-3/ORG-2: the number the company applied with goes on file when the org has none.
    A different number on file is never overwritten, and a number another org has on file
    is not copied (staff saw the warning in the queue)."""
    number = application.register_number
    if org.register_number or not number:
        return
    if Organization.objects.filter(register_number__iexact=number).exclude(pk=org.pk).exists():
        return
    Organization.objects.filter(pk=org.pk).update(register_number=number)
    org.register_number = number
    audit_record(
        action="org.updated",
        org=org,
        actor=by,
        target=org,
        details={"register_number": {"old": "", "new": number}, "source": "partner_application"},
    )


@transaction.atomic
def application_reject(*, application: PartnerApplication, by, reason: str) -> PartnerApplication:
    """PP-3: rejection needs a reason, which the applicant receives."""
    _require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "reason_required", _("Give the reason for the rejection."), fields={"reason": [str(_("Required."))]}
        )
    application = PartnerApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != PartnerApplication.Status.SUBMITTED:
        raise RuleViolation("application_decided", _("This application has already been decided."))
    application.status = PartnerApplication.Status.REJECTED
    application.reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        action="partner.application_rejected",
        org=application.org,
        actor=by,
        target=application,
        details={"reason": reason},
    )
    _email_legal_reps(
        org=application.org,
        key=f"partner-application-rejected:{application.pk}",
        template="partners/application_rejected",
        context={"application": application, "org_name": application.org.name},
        link=_link("partners:apply"),
    )
    return application


def _require_partner(access: Access) -> PartnerProfile:
    _require_own_org(access)
    profile = selectors.partner_profile_for(org=access.org)
    if profile is None:
        raise RuleViolation("not_a_partner", _("Only approved partners can do this."), status=403)
    return profile


@transaction.atomic
def perk_claim(*, access: Access) -> PartnerProfile:
    """PP-6: free access to the WordPress theme and plugin catalog, recorded once."""
    profile = _require_partner(access)
    access.require("clients.view")
    if profile.wordpress_perk_claimed_at is None:
        profile.wordpress_perk_claimed_at = timezone.now()
        profile.save(update_fields=["wordpress_perk_claimed_at"])
        audit_record(
            action="partner.perk_claimed",
            org=access.org,
            actor=access.user,
            actor_org=access.org,
            target=profile,
            details={"perk": "wordpress"},
        )
    return profile


DIRECTORY_FIELDS = (
    "listed_in_directory",
    "public_name",
    "description",
    "city",
    "website",
    "languages",
    "services",
    "budget_min",
    "budget_max",
    "skills",
    "references",
    "certifications",
    "logo",
)


# TD-5: the longest public texts a profile holds (the page shows them whole).
PROFILE_TEXT_MAX = {"description": 2000, "skills": 1000, "references": 1000, "certifications": 1000}


def _profile_errors(profile: PartnerProfile) -> dict[str, list[str]]:
    """TD-5: what the public profile must be, whether it comes from the form or the API."""
    fields: dict[str, list[str]] = {}
    for name in ("budget_min", "budget_max"):
        value = getattr(profile, name)
        if value is not None and value < 0:
            fields[name] = [str(_("A budget can't be negative."))]
    if (
        not fields
        and profile.budget_min is not None
        and profile.budget_max is not None
        and profile.budget_min > profile.budget_max
    ):
        fields["budget_min"] = [str(_("The minimum budget is above the maximum."))]
    for name, limit in PROFILE_TEXT_MAX.items():
        if len(getattr(profile, name) or "") > limit:
            fields[name] = [str(_("At most %(max)d characters.") % {"max": limit})]
    languages = profile.languages if isinstance(profile.languages, list) else [profile.languages]
    if any(code not in DirectoryLanguage.values for code in languages):
        fields["languages"] = [str(_("Choose languages from the list."))]
    services = profile.services if isinstance(profile.services, list) else [profile.services]
    if any(code not in ProductType.Category.values for code in services):
        fields["services"] = [str(_("Choose services from the list."))]
    return fields


@transaction.atomic
def profile_update(*, access: Access, **values) -> PartnerProfile:
    """Directory opt-in and public profile (TD-5 data).

    `logo`: a new file replaces the logo, `False` (the form's "Clear" box) removes it, None or
    an empty value keeps it. A replaced or removed file is deleted once the change is committed."""
    profile = _require_partner(access)
    access.require("directory.edit")
    changed = []
    old_logo = profile.logo.name or ""
    for name, value in values.items():
        if name not in DIRECTORY_FIELDS:
            continue
        if name == "logo":
            if value is False:
                if not old_logo:
                    continue
                value = None
            elif not value or getattr(value, "name", None) == old_logo:
                continue  # no new file: the logo stays
        if name in ("languages", "services") and value is not None:
            value = list(dict.fromkeys(value))
        setattr(profile, name, value)
        changed.append(name)
    fields = _profile_errors(profile)
    if fields:
        raise InvalidInput("invalid", next(iter(fields.values()))[0], fields=fields)
    profile.full_clean(exclude=["org", "commission_plan", "slug"])
    profile.save()
    if old_logo and profile.logo.name != old_logo:
        storage = profile.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    audit_record(
        action="partner.profile_updated",
        org=access.org,
        actor=access.user,
        actor_org=access.org,
        target=profile,
        details={"fields": changed},
    )
    return profile


@transaction.atomic
def partner_require_mfa_set(*, access: Access, require: bool) -> PartnerProfile:
    """SEC-2: a partner org requires MFA of its members."""
    profile = _require_partner(access)
    access.require("collaborators.manage")
    if require and not profile.require_mfa:
        from .access import user_has_mfa

        if not user_has_mfa(access.user):  # the requirement would shut the person out at once
            raise RuleViolation(
                "mfa_setup_first",
                _("Set up two-factor authentication for yourself before you require it of your organization."),
            )
    profile.require_mfa = bool(require)
    profile.save(update_fields=["require_mfa"])
    audit_record(
        action="partner.require_mfa",
        org=access.org,
        actor=access.user,
        actor_org=access.org,
        target=profile,
        details={"require_mfa": profile.require_mfa},
    )
    return profile


@transaction.atomic
def client_partner_settings_set(*, access: Access, require_partner_mfa: bool) -> ClientPartnerSettings:
    """SEC-2: a client requires MFA of partner people acting for it."""
    _require_own_org(access)
    access.require("partnerships.manage")
    obj, _created = ClientPartnerSettings.objects.update_or_create(
        client=access.org, defaults={"require_partner_mfa": bool(require_partner_mfa)}
    )
    audit_record(
        action="partnership.require_partner_mfa",
        org=access.org,
        actor=access.user,
        actor_org=access.org,
        target=obj,
        details={"require_partner_mfa": obj.require_partner_mfa},
    )
    return obj


# ---------------------------------------------------------------------------
# PS: invitations


def _rate_limit_invitations(access: Access) -> None:
    """SEC-3: an org sends a bounded number of partnership invitations per window."""
    if rate_limit_exceeded(scope="partner_invite", key=str(access.org.pk)):
        raise RuleViolation("rate_limited", _("Too many invitations were sent recently. Try again later."), status=429)


def _refuse_when_every_org_linked(*, partner: Organization, email: str) -> None:
    """PS-2/PS-7: the invited person accepts on behalf of an org where they are a legal rep; when
    every such org already has a pending or active partnership with this partner, acceptance
    could only fail ("already a partnership"), so the invitation is refused now, naming what
    exists. A person with no org yet (or one org still free) can be invited."""
    orgs = list(selectors.legal_rep_orgs_by_email(email=email).exclude(pk=partner.pk).order_by("name"))
    if not orgs:
        return
    existing = {
        p.client_id: p
        for p in Partnership.objects.filter(
            partner=partner, client__in=orgs, status__in=[Partnership.Status.PENDING, Partnership.Status.ACTIVE]
        )
    }
    if len(existing) < len(orgs):
        return
    if len(orgs) == 1:
        org, p = orgs[0], existing[orgs[0].pk]
        if p.is_active:
            message = _("%(client)s is already your client. Open it from your clients under management.")
        elif p.initiated_by == Partnership.Side.CLIENT:
            message = _(
                "%(client)s has already asked you to manage its products. Answer its request under Pending invitations."
            )
        else:
            message = _("An invitation to %(client)s is already pending.")
        message = message % {"client": org.name}
    else:
        message = _(
            "Every organization this person represents already has a pending or active partnership "
            "with you: %(clients)s."
        ) % {"clients": ", ".join(org.name for org in orgs)}
    raise RuleViolation("partnership_exists", message, partnerships=sorted(p.pk for p in existing.values()))


@transaction.atomic
def partnership_invite_client(
    *,
    access: Access,
    client_email: str,
    access_level: str,
    product_ids=None,
    payment_method: str | None = None,
) -> Partnership:
    """PS-2: a partner's legal rep invites a client by email."""
    _require_own_org(access)
    access.require("clients.add")
    _require_partner(access)
    email = normalized_email(client_email)
    if email is None:
        message = _("Enter a valid email address.") if (client_email or "").strip() else _("Required.")
        raise InvalidInput(
            "invalid_email", _("Give the client's email address."), fields={"client_email": [str(message)]}
        )
    access_level, payment_method = _check_level(access_level, payment_method)
    _rate_limit_invitations(access)
    if (
        Membership.objects.filter(org=access.org, user__email__iexact=email).exists()
        and not Membership.objects.filter(user__email__iexact=email, role=Role.LEGAL_REPRESENTATIVE)
        .exclude(org=access.org)
        .exists()
    ):
        raise InvalidInput(
            "cannot_invite_self",
            _("This person is a member of your own organization; invite your client's address."),
            fields={"client_email": [str(_("This address belongs to your organization."))]},
        )
    if Partnership.objects.filter(
        partner=access.org, client__isnull=True, invited_email=email, status=Partnership.Status.PENDING
    ).exists():
        raise RuleViolation("invitation_pending", _("An invitation to this address is already pending."))
    _refuse_when_every_org_linked(partner=access.org, email=email)
    p = Partnership.objects.create(
        partner=access.org,
        client=None,
        access_level=access_level,
        payment_method=payment_method,
        requested_access_level=access_level,
        requested_payment_method=payment_method,
        requested_product_ids=_clean_ids(product_ids) if access_level == Partnership.AccessLevel.LIMITED else [],
        initiated_by=Partnership.Side.PARTNER,
        invited_email=email,
        invited_by=access.user,
    )
    _audit_both(
        action="partnership.invited",
        partnership=p,
        actor=access.user,
        actor_org=access.org,
        details={"email": email, "access_level": access_level, "payment_method": payment_method},
    )
    email_enqueue(
        key=f"partnership-invite-client:{p.pk}:0",
        to=email,
        template="partners/invitation_to_client",
        context=_ctx(p, inviter=access.user),
        link=_link("partners:pending"),
    )
    return p


@transaction.atomic
def partnership_invite_partner(
    *,
    access: Access,
    partner: Organization,
    access_level: str,
    product_ids=None,
    payment_method: str | None = None,
) -> Partnership:
    """PS-3: a client's legal rep asks a partner to manage its products."""
    _require_own_org(access)
    access.require("partnerships.manage")
    client = access.org
    if partner is None or not selectors.is_approved_partner(org=partner):
        # SEC-1: the same answer as for a slug no org has (no existence leak).
        raise InvalidInput("not_a_partner", _("Unknown partner."), fields={"partner": [str(_("Unknown partner."))]})
    if partner.pk == client.pk:
        raise InvalidInput("cannot_invite_self", _("An organization can't be its own partner."))
    access_level, payment_method = _check_level(access_level, payment_method)
    # Before the level's own checks: with a partnership already there, "already has a full
    # partner" or a product conflict would name the wrong problem.
    if selectors.partnership_between(partner=partner, client=client) is not None:
        raise RuleViolation(
            "partnership_exists", _("You already have a pending or active partnership with this partner.")
        )
    if Partnership.objects.filter(
        partner=partner,
        client__isnull=True,
        status=Partnership.Status.PENDING,
        invited_email__in=verified_emails(user=access.user, access=access),
    ).exists():
        # PS-2 the other way round: the partner has already invited this person by email; two
        # crossed invitations would leave one that can only fail when accepted.
        raise RuleViolation(
            "partnership_exists",
            _(
                "%(partner)s has already invited you. Accept its invitation under Pending invitations, "
                "where you can also choose the access you grant."
            )
            % {"partner": partner.name},
        )
    _rate_limit_invitations(access)
    ids = _clean_ids(product_ids)
    products: list[Product] = []
    if access_level == Partnership.AccessLevel.LIMITED:
        if not ids:
            raise InvalidInput(
                "products_required",
                _("Choose at least one product for a limited partnership."),
                fields={"product_ids": [str(_("Choose at least one product."))]},
            )
        products = _client_products(client=client, product_ids=ids)
        for product in products:
            err = _conflict(product)
            if err:
                raise err
        err = _requested_elsewhere(client=client, products=products)
        if err:
            raise err
    elif selectors.full_partnership_of(client=client) is not None:
        raise _full_exists_error(client)
    try:
        with transaction.atomic():
            p = Partnership.objects.create(
                partner=partner,
                client=client,
                access_level=access_level,
                payment_method=payment_method,
                requested_access_level=access_level,
                requested_payment_method=payment_method,
                requested_product_ids=[pr.pk for pr in products],
                initiated_by=Partnership.Side.CLIENT,
                invited_by=access.user,
            )
    except IntegrityError:
        raise RuleViolation(
            "partnership_exists", _("You already have a pending or active partnership with this partner.")
        )
    _audit_both(
        action="partnership.invited",
        partnership=p,
        actor=access.user,
        actor_org=client,
        details={
            "access_level": access_level,
            "payment_method": payment_method,
            "product_ids": p.requested_product_ids,
        },
    )
    _email_legal_reps(
        org=partner,
        key=f"partnership-invite-partner:{p.pk}:0",
        template="partners/invitation_to_partner",
        context=_ctx(p, inviter=access.user, products=_requested_names(p)),
        link=_link("partners:pending"),
    )
    return p


def _is_sender(access: Access, p: Partnership) -> bool:
    if p.initiated_by == Partnership.Side.PARTNER:
        return access.org.pk == p.partner_id and access.can("clients.add")
    return access.org.pk == p.client_id and access.can("partnerships.manage")


def _may_answer(access: Access, p: Partnership) -> bool:
    if p.initiated_by == Partnership.Side.PARTNER:
        if not access.can("partnerships.manage") or access.org.pk == p.partner_id:
            return False
        if p.client_id:
            return access.org.pk == p.client_id
        return p.invited_email.lower() in verified_emails(user=access.user, access=access)
    return access.org.pk == p.partner_id and access.can("clients.add")


def _expired_error() -> RuleViolation:
    return RuleViolation("invitation_expired", _("This invitation has expired. Ask for a new one."))


def _locked(p: Partnership) -> Partnership:
    return Partnership.objects.select_for_update(of=("self",)).select_related("partner", "client").get(pk=p.pk)


def _refuse_partner_changes(p: Partnership, *, access_level, product_ids, payment_method) -> None:
    """PS-3: the partner accepts (validates) or declines the client's request as it is; only the
    client chooses the level, the products and who pays (PS-2 lets the *client* grant other rights).
    Sending the requested values again changes nothing and is accepted; anything else is refused,
    never silently ignored."""
    fields: dict[str, list[str]] = {}
    if access_level is not None and access_level != p.requested_access_level:
        fields["access_level"] = [str(_("The client chose the access level."))]
    if payment_method is not None and payment_method != p.requested_payment_method:
        fields["payment_method"] = [str(_("The client chose who pays."))]
    if product_ids is not None and _clean_ids(product_ids) != sorted(set(p.requested_product_ids)):
        fields["product_ids"] = [str(_("The client chose the products."))]
    if fields:
        raise InvalidInput(
            "cannot_change_request",
            _(
                "A partner accepts the client's request as it is: the access level, the products and who pays "
                "are the client's choice. Decline the request if it doesn't suit you."
            ),
            fields=fields,
        )


def partnership_accept(
    *,
    access: Access,
    partnership: Partnership,
    access_level: str | None = None,
    product_ids=None,
    payment_method: str | None = None,
) -> Partnership:
    """PS-2/PS-3: the other side's legal rep accepts; the client may grant other rights.

    PS-5: when a product a client asks is now managed by another partner, the partner's acceptance
    is refused (`request_outdated`) and the client is emailed, after the refused acceptance is
    rolled back (the email and its audit event are written on their own)."""
    try:
        return _partnership_accept(
            access=access,
            partnership=partnership,
            access_level=access_level,
            product_ids=product_ids,
            payment_method=payment_method,
        )
    except _RequestOutdated as exc:
        _tell_client_request_outdated(exc.partnership, exc.product, access=access)
        raise


@transaction.atomic
def _tell_client_request_outdated(p: Partnership, product: Product, *, access: Access) -> None:
    grant = (
        PartnershipProduct.objects.filter(product=product, active=True)
        .exclude(partnership=p)
        .select_related("partnership__partner")
        .first()
    )
    manager = grant.partnership.partner.name if grant else ""
    _audit_both(
        action="partnership.accept_refused",
        partnership=p,
        actor=access.user,
        actor_org=access.org,
        details={"reason": "product_managed_by_other_partner", "product": product.pk},
    )
    _email_legal_reps(
        org=p.client,
        key=f"partnership-request-outdated:{p.pk}:{product.pk}",
        template="partners/request_outdated",
        context=_ctx(p, product_name=product.name, manager_name=manager),
        link=_link("partners:pending"),
    )


@transaction.atomic
def _partnership_accept(
    *,
    access: Access,
    partnership: Partnership,
    access_level: str | None = None,
    product_ids=None,
    payment_method: str | None = None,
) -> Partnership:
    _require_own_org(access)
    p = _locked(partnership)
    if not p.is_pending:
        raise RuleViolation("not_pending", _("This partnership is no longer pending."))
    if p.is_overdue:
        raise _expired_error()
    if not _may_answer(access, p):
        raise NotAllowed("forbidden", _("Only a legal representative of the invited organization can accept."))
    by_client = p.initiated_by == Partnership.Side.PARTNER
    if by_client:
        client = access.org
        level = access_level or p.requested_access_level
        method = payment_method if payment_method is not None else p.requested_payment_method
        level, method = _check_level(level, method)
        if product_ids is None:
            ids = [i for i in p.requested_product_ids if Product.objects.filter(pk=i, org=client).exists()]
        else:
            ids = _clean_ids(product_ids)
    else:
        _refuse_partner_changes(p, access_level=access_level, product_ids=product_ids, payment_method=payment_method)
        client = p.client
        level, method, ids = p.access_level, p.payment_method, list(p.requested_product_ids)
    if selectors.partnership_between(partner=p.partner, client=client) not in (None, p):
        raise RuleViolation("partnership_exists", _("These organizations already have a partnership."))
    products: list[Product] = []
    if level == Partnership.AccessLevel.LIMITED:
        if not ids:
            raise InvalidInput(
                "products_required",
                _("Choose at least one product for a limited partnership."),
                fields={"product_ids": [str(_("Choose at least one product."))]},
            )
        products = _client_products(client=client, product_ids=ids)
        if by_client:  # the client grants: refused if one of its own invitations asks another partner
            err = _requested_elsewhere(client=client, products=products, exclude=p)
            if err:
                raise err
        else:  # the partner validates the client's request: a product managed elsewhere since
            for product in products:
                if _conflict(product, exclude_partnership=p):
                    raise _RequestOutdated(p, product)
    elif selectors.full_partnership_of(client=client) is not None:
        raise _full_exists_error(client)
    p.client = client
    p.access_level = level
    p.payment_method = method
    p.status = Partnership.Status.ACTIVE
    p.accepted_at = timezone.now()
    p.accepted_by = access.user
    changed = by_client and (
        level != p.requested_access_level
        or method != p.requested_payment_method
        or (level == Partnership.AccessLevel.LIMITED and sorted(ids) != sorted(p.requested_product_ids))
    )
    p.needs_review = by_client  # PS-2: partner reviews granted rights until acknowledged
    try:
        with transaction.atomic():
            p.save()
    except IntegrityError:
        if level == Partnership.AccessLevel.FULL:
            raise _full_exists_error(client)
        raise RuleViolation("partnership_exists", _("These organizations already have a partnership."))
    try:
        _grant(partnership=p, products=products)
    except RuleViolation as exc:
        if by_client or exc.code != "product_managed_by_other_partner":
            raise
        # granted to another partner between the check above and now (a race)
        raise _RequestOutdated(p, next(pr for pr in products if pr.pk == exc.details.get("product"))) from exc
    _audit_both(
        action="partnership.accepted",
        partnership=p,
        actor=access.user,
        actor_org=access.org,
        details={
            "access_level": level,
            "payment_method": method,
            "product_ids": [pr.pk for pr in products],
            "different_from_request": bool(changed),
        },
    )
    if by_client:
        _email_legal_reps(
            org=p.partner,
            key=f"partnership-accepted:{p.pk}",
            template="partners/accepted_review" if changed else "partners/accepted",
            context=_ctx(p, changed=changed, products=products),
            link=_link("partners:partnership_detail", p.pk),
        )
    else:
        _email_legal_reps(
            org=client,
            key=f"partnership-accepted:{p.pk}",
            template="partners/accepted",
            context=_ctx(p, changed=False, products=products),
            link=_link("partners:partnership_detail", p.pk),
        )
    return p


@transaction.atomic
def partnership_decline(*, access: Access, partnership: Partnership) -> Partnership:
    _require_own_org(access)
    p = _locked(partnership)
    if not p.is_pending:
        raise RuleViolation("not_pending", _("This partnership is no longer pending."))
    if not _may_answer(access, p):
        raise NotAllowed("forbidden", _("Only a legal representative of the invited organization can decline."))
    if p.is_overdue:
        raise _expired_error()
    p.status = Partnership.Status.DECLINED
    p.ended_at = timezone.now()
    p.ended_by = access.user
    if p.client_id is None:
        p.client = access.org
    p.save()
    _audit_both(action="partnership.declined", partnership=p, actor=access.user, actor_org=access.org)
    sender_org = p.partner if p.initiated_by == Partnership.Side.PARTNER else p.client
    _email_legal_reps(
        org=sender_org,
        key=f"partnership-declined:{p.pk}",
        template="partners/declined",
        context=_ctx(p),
        link=_link("partners:partnership_detail", p.pk),
    )
    return p


def _invitee_recipients(p: Partnership) -> tuple[str, list]:
    """Who received the invitation: the email (partner-initiated) or the partner's legal reps."""
    if p.initiated_by == Partnership.Side.PARTNER:
        if p.client_id:
            return "org", [p.client]
        return "email", [p.invited_email]
    return "org", [p.partner]


@transaction.atomic
def partnership_withdraw(*, access: Access, partnership: Partnership) -> Partnership:
    """PS-3: the sender deletes a pending invitation (kept as 'withdrawn' in history)."""
    _require_own_org(access)
    p = _locked(partnership)
    if not p.is_pending:
        raise RuleViolation("not_pending", _("This partnership is no longer pending."))
    if not _is_sender(access, p):
        raise NotAllowed("forbidden", _("Only the sender's legal representatives can withdraw an invitation."))
    p.status = Partnership.Status.WITHDRAWN
    p.ended_at = timezone.now()
    p.ended_by = access.user
    p.save()
    _audit_both(action="partnership.withdrawn", partnership=p, actor=access.user, actor_org=access.org)
    kind, targets = _invitee_recipients(p)
    if kind == "email":
        email_enqueue(
            key=f"partnership-withdrawn:{p.pk}", to=targets[0], template="partners/withdrawn", context=_ctx(p)
        )
    else:
        _email_legal_reps(
            org=targets[0], key=f"partnership-withdrawn:{p.pk}", template="partners/withdrawn", context=_ctx(p)
        )
    return p


@transaction.atomic
def partnership_resend(*, access: Access, partnership: Partnership) -> Partnership:
    """PS-3: the sender sends the invitation again; it is valid 14 more days."""
    _require_own_org(access)
    p = _locked(partnership)
    if not p.is_pending:
        raise RuleViolation("not_pending", _("This partnership is no longer pending."))
    if not _is_sender(access, p):
        raise NotAllowed("forbidden", _("Only the sender's legal representatives can resend an invitation."))
    if p.is_overdue:  # PS-1: expired, though the hourly job hasn't marked it yet; never revived
        raise _expired_error()
    now = timezone.now()
    p.expires_at = now + timedelta(days=14)
    p.save(update_fields=["expires_at"])
    stamp = int(now.timestamp())
    _audit_both(action="partnership.resent", partnership=p, actor=access.user, actor_org=access.org)
    kind, targets = _invitee_recipients(p)
    if kind == "email":
        email_enqueue(
            key=f"partnership-invite-client:{p.pk}:{stamp}",
            to=targets[0],
            template="partners/invitation_to_client",
            context=_ctx(p, inviter=access.user),
            link=_link("partners:pending"),
        )
    else:
        template = (
            "partners/invitation_to_client"
            if p.initiated_by == Partnership.Side.PARTNER
            else ("partners/invitation_to_partner")
        )
        _email_legal_reps(
            org=targets[0],
            key=f"partnership-invite:{p.pk}:{stamp}",
            template=template,
            context=_ctx(p, inviter=access.user, products=_requested_names(p)),
            link=_link("partners:pending"),
        )
    return p


@transaction.atomic
def partnership_acknowledge(*, access: Access, partnership: Partnership) -> Partnership:
    """PS-2: a partner user acknowledges the rights the client granted."""
    _require_own_org(access)
    p = _locked(partnership)
    if access.org.pk != p.partner_id or not access.can("partnerships.view"):
        raise NotAllowed("forbidden", _("Only the partner can acknowledge the granted rights."))
    if p.needs_review:
        p.needs_review = False
        p.acknowledged_at = timezone.now()
        p.acknowledged_by = access.user
        p.save(update_fields=["needs_review", "acknowledged_at", "acknowledged_by"])
        audit_record(
            action="partnership.acknowledged", org=p.partner, actor=access.user, actor_org=access.org, target=p
        )
    return p


def _require_client_manager(access: Access, p: Partnership) -> None:
    _require_own_org(access)
    if access.org.pk != p.client_id:
        raise RuleViolation("not_found", _("Not found."), status=404)
    access.require("partnerships.manage")


PAYMENT_EXPLANATIONS = {
    "client_pays": _(
        "The client is invoiced for every order and renewal, including those the partner places; the invoices "
        "are visible only in the client's organization. The partner earns cashback."
    ),
    "partner_pays": _(
        "The partner is invoiced for the orders and renewals it places for the client, at its discounted price; "
        "those invoices are visible only in the partner's organization. The partner gets a discount instead of "
        "cashback on them, and still earns cashback on the client's own orders."
    ),
}


@transaction.atomic
def partnership_change_payment_method(*, access: Access, partnership: Partnership, payment_method: str) -> Partnership:
    """PS-9: the client changes who pays; the partner's legal reps are emailed."""
    p = _locked(partnership)
    _require_client_manager(access, p)
    if not p.is_active or not p.is_full:
        raise RuleViolation("not_full_active", _("Only an active full-access partnership has a payment method."))
    _check_level(Partnership.AccessLevel.FULL, payment_method)
    if p.payment_method == payment_method:
        return p
    old = p.payment_method
    p.payment_method = payment_method
    p.save(update_fields=["payment_method"])
    _audit_both(
        action="partnership.payment_method_changed",
        partnership=p,
        actor=access.user,
        actor_org=access.org,
        details={"from": old, "to": payment_method},
    )
    stamp = int(timezone.now().timestamp() * 1000)
    _email_legal_reps(
        org=p.partner,
        key=f"partnership-payment-method:{p.pk}:{payment_method}:{stamp}",
        template="partners/payment_method_changed",
        context=_ctx(
            p,
            old_method=Partnership.PaymentMethod(old).label if old else "",
            explanation=PAYMENT_EXPLANATIONS[payment_method],
        ),
        link=_link("partners:partnership_detail", p.pk),
    )
    return p


@transaction.atomic
def partnership_set_products(*, access: Access, partnership: Partnership, product_ids) -> Partnership:
    """PS-10: the client adds or removes products of a limited partnership; PS-5 conflicts refused."""
    p = _locked(partnership)
    _require_client_manager(access, p)
    if not p.is_active or p.is_full:
        raise RuleViolation("not_limited_active", _("Only an active limited partnership has granted products."))
    ids = _clean_ids(product_ids)
    if not ids:
        raise InvalidInput(
            "products_required",
            _("Keep at least one product, or end the partnership."),
            fields={"product_ids": [str(_("Choose at least one product."))]},
        )
    products = _client_products(client=p.client, product_ids=ids)
    current = set(selectors.granted_product_ids(partnership=p))
    wanted = {pr.pk for pr in products}
    added = [pr for pr in products if pr.pk not in current]
    removed = sorted(current - wanted)
    err = _requested_elsewhere(client=p.client, products=added, exclude=p)
    if err:
        raise err
    now = timezone.now()
    if removed:
        p.grants.filter(active=True, product_id__in=removed).update(active=False, removed_at=now)
    _grant(partnership=p, products=added)
    if not added and not removed:
        return p
    details = {"added": [pr.pk for pr in added], "removed": removed}
    _audit_both(
        action="partnership.products_changed", partnership=p, actor=access.user, actor_org=access.org, details=details
    )
    removed_names = list(Product.objects.filter(pk__in=removed).values_list("name", flat=True))
    _email_legal_reps(
        org=p.partner,
        key=f"partnership-products:{p.pk}:{int(now.timestamp() * 1000)}",
        template="partners/products_changed",
        context=_ctx(p, added=[pr.name for pr in added], removed=removed_names),
        link=_link("partners:partnership_detail", p.pk),
    )
    return p


def _side_of(access: Access, p: Partnership) -> str | None:
    if access.org.pk == p.partner_id:
        return Partnership.Side.PARTNER
    if access.org.pk == p.client_id:
        return Partnership.Side.CLIENT
    return None


def reauthenticated_recently(request) -> bool:
    """allauth records the last (re)authentication time in the session."""
    try:
        from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate

        return bool(did_recently_reauthenticate(request))
    except Exception:
        return False


def _finish(p: Partnership, *, by, side: str) -> None:
    now = timezone.now()
    p.status = Partnership.Status.ENDED
    p.ended_at = now
    p.ended_by = by
    p.ended_by_side = side
    p.needs_review = False
    p.save()
    # Grants stay as history; products stay with the client (BL-2).
    p.grants.filter(active=True).update(active=False, removed_at=now)


def _password_locked_key(user) -> str:
    return f"partners:password-locked:{user.pk}"


def _password_guesses_refused() -> RuleViolation:
    message = _("Too many wrong passwords. Wait a few minutes, then try again.")
    return RuleViolation("rate_limited", message, status=429, fields={"password": [str(message)]})


def _check_password(user, password: str | None) -> None:
    """PS-11 re-authentication, with SEC-3's limit on guesses: past the limit of wrong passwords
    in the window every attempt is refused, the right password too (else the limit tells nothing
    an attacker minds). Nothing of the password is logged or audited."""
    if cache.get(_password_locked_key(user)):
        raise _password_guesses_refused()
    if not password:
        raise InvalidInput(
            "reauthentication_required",
            _("Enter your password to confirm."),
            fields={"password": [str(_("Enter your password to confirm."))]},
        )
    if user.check_password(password):
        return
    if rate_limit_exceeded(scope=PASSWORD_GUESS_SCOPE, key=str(user.pk)):
        _limit, window = settings.PORTAL_RATE_LIMITS[PASSWORD_GUESS_SCOPE]
        cache.set(_password_locked_key(user), True, timeout=window)
        logger.warning("partnership end: too many wrong passwords, user %s locked out for %s s", user.pk, window)
        raise _password_guesses_refused()
    raise InvalidInput(
        "wrong_password",
        _("The password is not correct."),
        fields={"password": [str(_("The password is not correct."))]},
    )


@transaction.atomic
def partnership_end(
    *, access: Access, partnership: Partnership, password: str | None = None, reauthenticated: bool = False
) -> Partnership:
    """PS-11: either side's legal rep ends an active partnership after re-entering the password."""
    _require_own_org(access)
    p = _locked(partnership)
    side = _side_of(access, p)
    if side is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    access.require("partnerships.manage")
    if not p.is_active:
        raise RuleViolation("not_active", _("Only an active partnership can be ended."))
    if not reauthenticated:
        _check_password(access.user, password)
    _finish(p, by=access.user, side=side)
    _audit_both(
        action="partnership.ended", partnership=p, actor=access.user, actor_org=access.org, details={"side": side}
    )
    other = p.client if side == Partnership.Side.PARTNER else p.partner
    _email_legal_reps(
        org=other,
        key=f"partnership-ended:{p.pk}",
        template="partners/ended",
        context=_ctx(p, ended_by_org=access.org.name),
        link=_link("partners:partnership_detail", p.pk),
    )
    return p


@transaction.atomic
def partnership_set_end_date(*, access: Access, partnership: Partnership, ends_on: date | None) -> Partnership:
    """PS-15: the client sets, extends or removes the end date."""
    p = _locked(partnership)
    _require_client_manager(access, p)
    if not p.is_active:
        raise RuleViolation("not_active", _("Only an active partnership can have an end date."))
    if ends_on is not None and ends_on <= timezone.localdate():
        raise InvalidInput(
            "invalid_end_date",
            _("Choose a date in the future."),
            fields={"ends_on": [str(_("Choose a date in the future."))]},
        )
    old = p.ends_on
    p.ends_on = ends_on
    p.save(update_fields=["ends_on"])
    _audit_both(
        action="partnership.end_date_set",
        partnership=p,
        actor=access.user,
        actor_org=access.org,
        details={"from": old.isoformat() if old else None, "to": ends_on.isoformat() if ends_on else None},
    )
    return p


# ---------------------------------------------------------------------------
# periodic jobs (called by thin Celery tasks)


def _invitee_name(p: Partnership) -> str:
    """How the invitee's own copy names them: the org they would have accepted for when they
    represent exactly one, else their name, else the address. (The partner's copy keeps the
    address it typed: whether that address has an account is not the partner's to learn, SEC-1.)"""
    orgs = list(selectors.legal_rep_orgs_by_email(email=p.invited_email).exclude(pk=p.partner_id)[:2])
    if len(orgs) == 1:
        return orgs[0].name
    user = User.objects.filter(email__iexact=p.invited_email).first()
    return (user.full_name or p.invited_email) if user else p.invited_email


def partnerships_expire(*, now=None) -> int:
    """PS-1: pending partnerships older than 14 days expire; both sides are told."""
    now = now or timezone.now()
    n = 0
    for pk in Partnership.objects.filter(status=Partnership.Status.PENDING, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            p = Partnership.objects.select_for_update(of=("self",)).select_related("partner", "client").get(pk=pk)
            if p.status != Partnership.Status.PENDING:
                continue
            p.status = Partnership.Status.EXPIRED
            p.ended_at = now
            p.save(update_fields=["status", "ended_at"])
            _audit_both(action="partnership.expired", partnership=p, actor=None, actor_org=None)
            _email_legal_reps(
                org=p.partner, key=f"partnership-expired:{p.pk}", template="partners/expired", context=_ctx(p)
            )
            if p.client_id:
                _email_legal_reps(
                    org=p.client, key=f"partnership-expired:{p.pk}", template="partners/expired", context=_ctx(p)
                )
            else:
                email_enqueue(
                    key=f"partnership-expired:{p.pk}:invitee",
                    to=p.invited_email,
                    template="partners/expired",
                    context=_ctx(p, client_name=_invitee_name(p)),
                )
            n += 1
    return n


def partnerships_send_end_reminders(*, today: date | None = None) -> int:
    """PS-15: both sides reminded 30, 7 and 1 days before the end date (idempotent per threshold)."""
    today = today or timezone.localdate()
    n = 0
    for days in REMINDER_DAYS:
        target = today + timedelta(days=days)
        for p in Partnership.objects.filter(status=Partnership.Status.ACTIVE, ends_on=target).select_related(
            "partner", "client"
        ):
            for org in (p.partner, p.client):
                n += _email_legal_reps(
                    org=org,
                    key=f"partnership-end-reminder:{p.pk}:{p.ends_on.isoformat()}:{days}",
                    template="partners/end_reminder",
                    context=_ctx(p, days=days),
                    link=_link("partners:partnership_detail", p.pk),
                )
    return n


def partnerships_end_due(*, today: date | None = None) -> int:
    """PS-15: partnerships whose end date has come end by themselves."""
    today = today or timezone.localdate()
    n = 0
    for pk in Partnership.objects.filter(status=Partnership.Status.ACTIVE, ends_on__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            p = Partnership.objects.select_for_update(of=("self",)).select_related("partner", "client").get(pk=pk)
            if p.status != Partnership.Status.ACTIVE:
                continue
            _finish(p, by=None, side="")
            _audit_both(
                action="partnership.ended",
                partnership=p,
                actor=None,
                actor_org=None,
                details={"reason": "end_date", "ends_on": p.ends_on.isoformat()},
            )
            for org in (p.partner, p.client):
                _email_legal_reps(
                    org=org,
                    key=f"partnership-ended:{p.pk}",
                    template="partners/ended",
                    context=_ctx(p, ended_by_org=""),
                    link=_link("partners:partnership_detail", p.pk),
                )
            n += 1
    return n


# ---------------------------------------------------------------------------
# PS-13: collaborator rights


@transaction.atomic
def collaborator_rights_set(
    *,
    access: Access,
    user,
    all_clients: bool,
    client_ids=None,
    rights: list[str] | None = None,
) -> CollaboratorRights:
    _require_partner(access)
    access.require("collaborators.manage")
    if not Membership.objects.filter(org=access.org, user=user, role=Role.COLLABORATOR).exists():
        raise RuleViolation("not_found", _("Not found."), status=404)
    rights = rights or []
    obj, _created = CollaboratorRights.objects.update_or_create(
        partner=access.org,
        user=user,
        defaults={
            "all_clients": bool(all_clients),
            "can_view": "view" in rights,
            "can_manage_products": "manage_products" in rights,
            "can_order": "order" in rights,
            "can_billing": "billing" in rights,
        },
    )
    ids = _clean_ids(client_ids)
    allowed = list(selectors.clients_of(partner=access.org).filter(pk__in=ids))
    obj.clients.set([] if obj.all_clients else allowed)
    audit_record(
        action="partner.collaborator_rights_set",
        org=access.org,
        actor=access.user,
        actor_org=access.org,
        target=obj,
        details={
            "user": user.email,
            "all_clients": obj.all_clients,
            "clients": [c.pk for c in allowed],
            "rights": obj.rights,
        },
    )
    return obj
