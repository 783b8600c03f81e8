"""Writes of the tender platform (TD-1…TD-4, TD-6). Shared by HTML views, the API and the demo.

Every rule raises `RuleViolation` with a stable code; every email goes through
the outbox with a deterministic idempotency key; every notable change is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from clients import identifiers
from clients.audit import audit_record
from clients.models import Organization, ProductType
from clients.tenancy import Access
from partners.models import PartnerProfile
from portal.errors import InvalidInput, RuleViolation
from portal.outbox import email_enqueue
from portal.ratelimit import rate_limit_exceeded

from . import selectors
from .models import (
    COMPANY_MAX,
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    REASON_MAX,
    REGION_MAX,
    REVIEW_MAX,
    Currency,
    PartnerReview,
    TenderDelivery,
    TenderLanguage,
    TenderQuote,
    TenderRequest,
    TenderSubscription,
)

REFUSED_MESSAGE = _("Your request could not be submitted. Please try again later.")
MAX_AMOUNT = Decimal("9999999999.99")
# TD-1/TD-3: a deadline or a quote's validity is at most this far ahead (9999-12-31 was taken).
HORIZON_DAYS = 730


# --- helpers -----------------------------------------------------------------


def _invalid(field: str, message) -> InvalidInput:
    return InvalidInput("invalid", message, fields={field: [str(message)]})


def _text(data: dict, field: str, max_length: int, *, required: bool, label) -> str:
    value = data.get(field)
    if isinstance(value, (dict, list, tuple)):
        raise _invalid(field, _("%(field)s must be text.") % {"field": label})
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise _invalid(field, _("%(field)s is required.") % {"field": label})
    if len(value) > max_length:
        raise _invalid(
            field, _("%(field)s is too long (at most %(max)s characters).") % {"field": label, "max": max_length}
        )
    return value


def _amount(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise _invalid(field, _("Enter an amount."))
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Enter a number, e.g. 1500 or 1500.50."))
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise _invalid(field, _("Enter an amount between 0 and 9,999,999,999.99."))
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise _invalid(field, _("Enter a date as YYYY-MM-DD."))


def _within_horizon(value: date, field: str, message) -> date:
    """A date at most HORIZON_DAYS (2 years) ahead."""
    last = timezone.localdate() + timedelta(days=HORIZON_DAYS)
    if value > last:
        raise _invalid(field, message % {"date": formats.date_format(last, "DATE_FORMAT")})
    return value


def _choice(value: Any, field: str, choices, message) -> str:
    value = str(value or "").strip()
    if value not in choices:
        raise _invalid(field, message)
    return value


def _choices_list(value: Any, field: str, choices, *, required: bool, message) -> list[str]:
    if value in (None, ""):
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise _invalid(field, message)
    out = []
    for item in value:
        item = str(item).strip()
        if item not in choices:
            raise _invalid(field, message)
        if item not in out:
            out.append(item)
    if required and not out:
        raise _invalid(field, message)
    return out


def _rate_limit_hit(*, scope: str, key: str) -> bool:
    """Count one submission; True when over the limit (SEC-3)."""
    return rate_limit_exceeded(scope=scope, key=key)


def _email_language(request: TenderRequest) -> str:
    codes = {code for code, _label in settings.LANGUAGES}
    return request.language if request.language in codes else settings.LANGUAGE_CODE


def _requester_link(request: TenderRequest) -> str:
    if request.requester_org_id:
        return reverse("tenders:my_request", kwargs={"pk": request.pk})
    return reverse("tenders:private", kwargs={"token": request.token})


def _notify_requester(*, request: TenderRequest, key: str, template: str, context: dict) -> None:
    ctx = {"tender": request, **context}
    if request.requester_user_id and request.requester_user and request.requester_user.is_active:
        email_enqueue(
            key=key,
            to=request.requester_user,
            template=template,
            context=ctx,
            link=_requester_link(request),
            org=request.requester_org,
        )
    else:
        email_enqueue(
            key=key,
            to=request.email,
            template=template,
            context={**ctx, "by_address": True},
            language=_email_language(request),
            link=_requester_link(request),
        )


# --- TD-1: submit, confirm, publish --------------------------------------------


def tender_request_clean(data: dict) -> dict:
    """Validate a quote request (types, lengths, choices, rules). Raises InvalidInput."""
    clean: dict[str, Any] = {
        "contact_name": _text(data, "contact_name", NAME_MAX, required=True, label=_("Contact name")),
        "company": _text(data, "company", COMPANY_MAX, required=False, label=_("Company")),
        "region": _text(data, "region", REGION_MAX, required=False, label=_("Region")),
        "description": _text(data, "description", DESCRIPTION_MAX, required=True, label=_("Project description")),
    }
    email = _text(data, "email", 254, required=True, label=_("Email"))
    try:
        validate_email(email)
    except ValidationError:
        raise _invalid("email", _("Enter a valid email address."))
    clean["email"] = email.lower()
    clean["country"] = _choice(
        str(data.get("country") or "").upper(), "country", identifiers.COUNTRIES, _("Choose a country from the list.")
    )
    clean["language"] = _choice(
        data.get("language"), "language", TenderLanguage.values, _("Choose English, Spanish, French or German.")
    )
    clean["currency"] = _choice(data.get("currency"), "currency", Currency.values, _("Choose CHF or EUR."))
    clean["categories"] = _choices_list(
        data.get("categories"),
        "categories",
        ProductType.Category.values,
        required=True,
        message=_("Choose at least one category from the list."),
    )
    clean["budget_min"] = _amount(data.get("budget_min"), "budget_min", required=False)
    clean["budget_max"] = _amount(data.get("budget_max"), "budget_max", required=False)
    if (
        clean["budget_min"] is not None
        and clean["budget_max"] is not None
        and clean["budget_min"] > clean["budget_max"]
    ):
        raise _invalid("budget_max", _("The maximum budget must be at least the minimum."))
    clean["deadline"] = _date(data.get("deadline"), "deadline")
    if clean["deadline"] <= timezone.localdate():
        raise _invalid("deadline", _("The deadline must be in the future."))
    _within_horizon(clean["deadline"], "deadline", _("The deadline can be at most 2 years ahead, until %(date)s."))
    return clean


OWN_ORG_MESSAGE = _("You can't request a quote from your own organization.")


def _addressed_partner(slug: str, *, access: Access | None) -> Organization | None:
    """The directory partner a request is addressed to (TD-5); never the sender's own org (TD-2)."""
    slug = (slug or "").strip()
    if not slug:
        return None
    profile = selectors.directory_profile(slug=slug[:80])
    if profile is None:
        raise InvalidInput("unknown_partner", _("This partner is not in the directory."))
    if access is not None and access.user.memberships.filter(org=profile.org).exists():
        raise RuleViolation("own_organization", OWN_ORG_MESSAGE)
    return profile.org


def _email_is_members_own(access: Access, email: str) -> bool:
    """The contact address is the member's sign-in address or one they verified (TD-1)."""
    from clients.selectors import verified_emails

    return email.lower() in verified_emails(user=access.user, access=access)


@transaction.atomic
def tender_request_submit(
    *,
    data: dict,
    ip: str,
    access: Access | None = None,
    partner_slug: str = "",
    honeypot: str = "",
) -> TenderRequest:
    """TD-1: store a quote request. Visitors confirm their email first; members of an org publish at once
    when the contact address is one of their own (verified) addresses, else they confirm it too: partners
    never receive an address nobody confirmed.

    A filled honeypot or an exceeded rate limit stores nothing.
    """
    if honeypot:
        raise RuleViolation("request_refused", REFUSED_MESSAGE, status=400)
    clean = tender_request_clean(data)
    member = access is not None and not access.is_acting_for_client and access.can("tenders.request")
    addressed_to = _addressed_partner(partner_slug, access=access if member else None)
    # Count only well-formed submissions; both counters move so neither can be dodged.
    over_ip = _rate_limit_hit(scope="tender_request_ip", key=ip or "unknown")
    over_email = _rate_limit_hit(scope="tender_request_email", key=clean["email"])
    if over_ip or over_email:
        raise RuleViolation(
            "rate_limited", _("Too many quote requests were sent recently. Try again in an hour."), status=429
        )
    request = TenderRequest.objects.create(
        **clean,
        addressed_to=addressed_to,
        requester_org=access.org if member else None,
        requester_user=access.user if member else None,
    )
    if member:
        audit_record(
            action="tender.requested",
            org=access.org,
            actor=access.user,
            actor_org=access.from_org,
            target=request,
            details={"categories": request.categories, "addressed_to": addressed_to.slug if addressed_to else None},
        )
    if member and _email_is_members_own(access, request.email):
        _publish(request)
    else:
        email_enqueue(
            key=f"tender-confirm:{request.pk}",
            to=request.email,
            template="tenders/confirm_request",
            context={
                "tender": request,
                "private_link": _absolute(_requester_link(request)),
                "member": member,
                "by_address": True,
            },
            language=_email_language(request),
            link=reverse("tenders:confirm", kwargs={"token": request.confirm_token}),
        )
    return request


def _absolute(path: str) -> str:
    from portal.outbox import absolute_url

    return absolute_url(path)


@transaction.atomic
def tender_request_confirm(*, token: str) -> TenderRequest:
    """TD-1: the visitor confirmed the email address: publish. Confirming twice is harmless."""
    request = selectors.tender_request_by_confirm_token(token=token)
    if request is None:
        raise RuleViolation("not_found", _("This confirmation link is not valid."), status=404)
    request = TenderRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TenderRequest.Status.AWAITING_CONFIRMATION:
        return request
    request.confirmed_at = timezone.now()
    request.save(update_fields=["confirmed_at"])
    audit_record(
        action="tender.confirmed",
        org=request.requester_org,
        target=request,
        details={"email": request.email},
    )
    _publish(request)
    return request


def _matching_partners(request: TenderRequest) -> list[Organization]:
    """TD-2: the approved partners that receive a request; never the orgs it comes from."""
    approved = PartnerProfile.Status.APPROVED
    insiders = selectors.tender_request_insiders(request=request)
    if request.addressed_to_id:
        if request.addressed_to_id in insiders:
            return []
        org = Organization.objects.filter(pk=request.addressed_to_id, partner_profile__status=approved).first()
        return [org] if org else []
    subscriptions = (
        TenderSubscription.objects.filter(active=True, org__partner_profile__status=approved)
        .exclude(org_id__in=insiders)
        .select_related("org")
        .order_by("org_id")
    )
    return [s.org for s in subscriptions if s.matches(request)]


def _publish(request: TenderRequest) -> None:
    request.status = TenderRequest.Status.PUBLISHED
    request.published_at = timezone.now()
    request.save(update_fields=["status", "published_at"])
    partners = _matching_partners(request)
    for partner in partners:
        TenderDelivery.objects.get_or_create(request=request, partner=partner)
        link = reverse("tenders:inbox_detail", kwargs={"pk": request.pk})
        for user in selectors.partner_recipients(org=partner):
            email_enqueue(
                key=f"tender-new:{request.pk}:{partner.pk}:{user.pk}",
                to=user,
                template="tenders/new_request",
                context={"tender": request, "partner": partner, "addressed": bool(request.addressed_to_id)},
                link=link,
                org=partner,
            )
    audit_record(
        action="tender.published",
        org=request.requester_org,
        actor=request.requester_user,
        target=request,
        details={"partners": [p.slug for p in partners]},
    )


# --- TD-2: subscriptions and inbox -----------------------------------------------


def _require_partner(access: Access | None) -> None:
    if not selectors.tender_inbox_allowed(access=access):
        raise RuleViolation("not_found", _("Not found."), status=404)


@transaction.atomic
def tender_subscription_save(
    *,
    access: Access,
    active: bool,
    categories: list[str],
    countries: list[str],
    languages: list[str],
    regions: str = "",
) -> TenderSubscription:
    """TD-2: the partner's opt-ins. Open requests that now match appear in the inbox (no email)."""
    _require_partner(access)
    clean = {
        "active": bool(active),
        "categories": _choices_list(
            categories, "categories", ProductType.Category.values, required=False, message=_("Unknown category.")
        ),
        "countries": _choices_list(
            [str(c).upper() for c in countries or []],
            "countries",
            identifiers.COUNTRIES,
            required=False,
            message=_("Unknown country."),
        ),
        "languages": _choices_list(
            languages, "languages", TenderLanguage.values, required=False, message=_("Unknown language.")
        ),
        "regions": _text({"regions": regions}, "regions", 500, required=False, label=_("Regions")),
    }
    subscription, _created = TenderSubscription.objects.update_or_create(org=access.org, defaults=clean)
    if subscription.active:
        open_requests = selectors.tender_requests_not_from(
            TenderRequest.objects.filter(status=TenderRequest.Status.PUBLISHED, addressed_to__isnull=True),
            org=access.org,
        )
        for request in open_requests:
            if subscription.matches(request):
                TenderDelivery.objects.get_or_create(request=request, partner=access.org)
    audit_record(
        action="tender.subscription_changed",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=subscription,
        details=dict(clean),
    )
    return subscription


def tender_delivery_mark_seen(*, access: Access, delivery: TenderDelivery) -> None:
    if delivery.seen_at is None:
        TenderDelivery.objects.filter(pk=delivery.pk, seen_at__isnull=True).update(seen_at=timezone.now())
        selectors.tender_inbox_new_count_changed(access=access)  # the page shows the new count


# --- TD-3/TD-4: quotes and declines -------------------------------------------------


def _delivery_locked(access: Access, request_id) -> tuple[TenderDelivery, TenderRequest]:
    _require_partner(access)
    delivery = selectors.tender_delivery_for(access=access, request_id=request_id)
    if delivery is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    request = TenderRequest.objects.select_for_update().get(pk=delivery.request_id)
    if request.status != TenderRequest.Status.PUBLISHED:
        raise RuleViolation("tender_closed", _("This request is closed: it no longer takes quotes."))
    if access.org.pk in selectors.tender_request_insiders(request=request):
        raise RuleViolation("own_request", _("This request comes from your own organization: you can't answer it."))
    if TenderQuote.objects.filter(request=request, partner=access.org).exists():
        raise RuleViolation("already_answered", _("Your organization has already answered this request."))
    return delivery, request


@transaction.atomic
def tender_quote_submit(
    *,
    access: Access,
    request_id,
    message: str,
    amount: Any,
    currency: str,
    valid_until: Any,
    accepts_tender_exclusivity: bool,
) -> TenderQuote:
    """TD-3: a partner quotes, committing to use only the provider's products (PP-1d)."""
    access.require("tenders.quote")
    delivery, request = _delivery_locked(access, request_id)
    data = {"message": message}
    clean_message = _text(data, "message", MESSAGE_MAX, required=True, label=_("Message"))
    clean_amount = _amount(amount, "amount", required=True)
    if clean_amount is not None and clean_amount <= 0:
        raise _invalid("amount", _("Enter an amount above zero."))
    clean_currency = _choice(currency, "currency", Currency.values, _("Choose CHF or EUR."))
    clean_valid = _date(valid_until, "valid_until")
    if clean_valid < timezone.localdate():
        raise _invalid("valid_until", _("The validity date can't be in the past."))
    _within_horizon(clean_valid, "valid_until", _("A quote can be valid for at most 2 years, until %(date)s."))
    if accepts_tender_exclusivity is not True:
        raise InvalidInput(
            "exclusivity_required",
            _("Tick the commitment to use only the provider's products for this contract."),
            fields={"accepts_tender_exclusivity": [str(_("This commitment is required to quote."))]},
        )
    try:
        with transaction.atomic():
            quote = TenderQuote.objects.create(
                request=request,
                partner=access.org,
                message=clean_message,
                amount=clean_amount,
                currency=clean_currency,
                valid_until=clean_valid,
                accepts_tender_exclusivity=True,
                created_by=access.user,
            )
    except IntegrityError:
        raise RuleViolation("already_answered", _("Your organization has already answered this request."))
    tender_delivery_mark_seen(access=access, delivery=delivery)
    _notify_requester(
        request=request,
        key=f"tender-quote:{quote.pk}",
        template="tenders/quote_received",
        context={"quote": quote, "partner_name": _partner_name(access.org)},
    )
    audit_record(
        action="tender.quoted",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=quote,
        details={"request": request.pk, "amount": str(clean_amount), "currency": clean_currency},
    )
    return quote


@transaction.atomic
def tender_decline(*, access: Access, request_id, reason: str) -> TenderQuote:
    """TD-4: a partner declines a request with a reason."""
    access.require("tenders.quote")
    delivery, request = _delivery_locked(access, request_id)
    clean_reason = _text({"reason": reason}, "reason", REASON_MAX, required=True, label=_("Reason"))
    try:
        with transaction.atomic():
            quote = TenderQuote.objects.create(
                request=request,
                partner=access.org,
                status=TenderQuote.Status.DECLINED,
                decline_reason=clean_reason,
                created_by=access.user,
            )
    except IntegrityError:
        raise RuleViolation("already_answered", _("Your organization has already answered this request."))
    tender_delivery_mark_seen(access=access, delivery=delivery)
    audit_record(
        action="tender.declined",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=quote,
        details={"request": request.pk, "reason": clean_reason},
    )
    return quote


def _partner_name(org: Organization) -> str:
    profile = PartnerProfile.objects.filter(org=org).first()
    return profile.display_name if profile else org.name


def _notify_outcome(request: TenderRequest) -> None:
    """TD-4: every partner that quoted is told the outcome."""
    quotes = TenderQuote.objects.filter(request=request).exclude(status=TenderQuote.Status.DECLINED)
    link = reverse("tenders:inbox_detail", kwargs={"pk": request.pk})
    for quote in quotes.select_related("partner"):
        for user in selectors.partner_recipients(org=quote.partner):
            email_enqueue(
                key=f"tender-outcome:{quote.pk}:{user.pk}",
                to=user,
                template="tenders/outcome",
                context={
                    "tender": request,
                    "quote": quote,
                    "won": quote.status == TenderQuote.Status.ACCEPTED,
                    "awarded": request.status == TenderRequest.Status.AWARDED,
                },
                link=link,
                org=quote.partner,
            )


def _lock_request(request: TenderRequest) -> TenderRequest:
    return TenderRequest.objects.select_for_update().get(pk=request.pk)


def _actor(access: Access | None) -> dict:
    if access is None:
        return {"actor": None, "actor_org": None}
    return {"actor": access.user, "actor_org": access.from_org}


def _require_award_right(access: Access | None) -> None:
    if access is not None:
        access.require("tenders.award")


@transaction.atomic
def tender_quote_accept(*, request: TenderRequest, quote_id, access: Access | None = None) -> TenderQuote:
    """TD-4: the requester accepts one quote; the request is awarded, the others not selected.

    `request` was reached through the private link or the requester's org (the caller checks).
    """
    _require_award_right(access)
    request = _lock_request(request)
    if request.status == TenderRequest.Status.AWARDED:
        raise RuleViolation("already_awarded", _("A quote has already been accepted for this request."))
    if request.status != TenderRequest.Status.PUBLISHED:
        raise RuleViolation("tender_closed", _("This request is closed."))
    quote_id = selectors.object_id(quote_id)
    quote = (
        TenderQuote.objects.select_for_update()
        .filter(request=request, pk=quote_id, status=TenderQuote.Status.SUBMITTED)
        .first()
        if quote_id is not None
        else None
    )
    if quote is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    if quote.is_expired:
        raise RuleViolation(
            "quote_expired",
            _("This quote expired on %(date)s: ask the partner for a new one, or accept another quote.")
            % {"date": formats.date_format(quote.valid_until, "DATE_FORMAT")},
        )
    if quote.partner_id in selectors.tender_request_insiders(request=request, user=access.user if access else None):
        raise RuleViolation("own_quote", _("This quote comes from your own organization: it can't be accepted."))
    now = timezone.now()
    try:
        with transaction.atomic():
            quote.status = TenderQuote.Status.ACCEPTED
            quote.decided_at = now
            quote.save(update_fields=["status", "decided_at"])
    except IntegrityError:
        raise RuleViolation("already_awarded", _("A quote has already been accepted for this request."))
    TenderQuote.objects.filter(request=request, status=TenderQuote.Status.SUBMITTED).update(
        status=TenderQuote.Status.NOT_SELECTED, decided_at=now
    )
    request.status = TenderRequest.Status.AWARDED
    request.closed_at = now
    request.save(update_fields=["status", "closed_at"])
    _notify_outcome(request)
    audit_record(
        action="tender.awarded",
        org=request.requester_org or quote.partner,
        target=request,
        details={"quote": quote.pk, "partner": quote.partner.slug},
        **_actor(access),
    )
    return quote


@transaction.atomic
def tender_request_close(*, request: TenderRequest, access: Access | None = None) -> TenderRequest:
    """TD-4: the requester closes the request without awarding it."""
    _require_award_right(access)
    request = _lock_request(request)
    if request.status not in (TenderRequest.Status.PUBLISHED, TenderRequest.Status.AWAITING_CONFIRMATION):
        raise RuleViolation("tender_closed", _("This request is already closed."))
    now = timezone.now()
    TenderQuote.objects.filter(request=request, status=TenderQuote.Status.SUBMITTED).update(
        status=TenderQuote.Status.NOT_SELECTED, decided_at=now
    )
    request.status = TenderRequest.Status.CLOSED
    request.closed_at = now
    request.save(update_fields=["status", "closed_at"])
    _notify_outcome(request)
    audit_record(action="tender.closed", org=request.requester_org, target=request, details={}, **_actor(access))
    return request


# --- TD-6: reviews ---------------------------------------------------------------


@transaction.atomic
def tender_review_submit(
    *, request: TenderRequest, rating: Any, text: str, access: Access | None = None
) -> PartnerReview:
    """TD-6: once awarded, the requester marks the project done and reviews the partner, once."""
    _require_award_right(access)
    request = _lock_request(request)
    if request.status != TenderRequest.Status.AWARDED:
        raise RuleViolation("not_awarded", _("Only an awarded request can be reviewed."))
    if PartnerReview.objects.filter(request=request).exists():
        raise RuleViolation("already_reviewed", _("This project has already been reviewed."))
    quote = TenderQuote.objects.select_related("partner").get(request=request, status=TenderQuote.Status.ACCEPTED)
    if quote.partner_id in selectors.tender_request_insiders(request=request, user=access.user if access else None):
        raise RuleViolation("own_partner", _("You can't review your own organization."))
    try:
        clean_rating = int(str(rating).strip())
    except (TypeError, ValueError):
        clean_rating = 0
    if not 1 <= clean_rating <= 5:
        raise _invalid("rating", _("Give a rating from 1 to 5."))
    clean_text = _text({"text": text}, "text", REVIEW_MAX, required=False, label=_("Review"))
    try:
        with transaction.atomic():
            review = PartnerReview.objects.create(
                request=request,
                partner=quote.partner,
                rating=clean_rating,
                text=clean_text,
                author_name=(request.company or request.contact_name)[:NAME_MAX],
            )
    except IntegrityError:
        raise RuleViolation("already_reviewed", _("This project has already been reviewed."))
    request.completed_at = timezone.now()
    request.save(update_fields=["completed_at"])
    for user in selectors.partner_recipients(org=quote.partner):
        email_enqueue(
            key=f"tender-review:{review.pk}:{user.pk}",
            to=user,
            template="tenders/review_received",
            context={"tender": request, "review": review},
            link=reverse("tenders:reviews"),
            org=quote.partner,
        )
    audit_record(
        action="tender.reviewed",
        org=quote.partner,
        target=review,
        details={"request": request.pk, "rating": clean_rating},
        **_actor(access),
    )
    return review


@transaction.atomic
def tender_review_answer(*, access: Access, review_id, answer: str) -> PartnerReview:
    """TD-6: the reviewed partner answers a review, once."""
    _require_partner(access)
    access.require("tenders.quote")
    review_id = selectors.object_id(review_id)
    review = (
        PartnerReview.objects.select_for_update().filter(pk=review_id, partner=access.org).first()
        if review_id is not None
        else None
    )
    if review is None:
        raise RuleViolation("not_found", _("Not found."), status=404)
    if review.answered_at is not None:
        raise RuleViolation("already_answered", _("This review has already been answered."))
    review.answer = _text({"answer": answer}, "answer", REVIEW_MAX, required=True, label=_("Answer"))
    review.answered_at = timezone.now()
    review.answered_by = access.user
    review.save(update_fields=["answer", "answered_at", "answered_by"])
    audit_record(
        action="tender.review_answered",
        org=access.org,
        actor=access.user,
        actor_org=access.from_org,
        target=review,
        details={},
    )
    return review


# --- housekeeping ------------------------------------------------------------------


UNCONFIRMED_KEEP_DAYS = 7


def tender_requests_purge_unconfirmed(*, now=None) -> int:
    """TD-1: requests whose email was never confirmed are deleted after 7 days (nothing was published)."""
    cutoff = (now or timezone.now()) - timedelta(days=UNCONFIRMED_KEEP_DAYS)
    deleted, _detail = TenderRequest.objects.filter(
        status=TenderRequest.Status.AWAITING_CONFIRMATION, created_at__lt=cutoff
    ).delete()
    return deleted
