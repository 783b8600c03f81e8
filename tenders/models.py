"""Tender platform (TD-1…TD-4, TD-6).

A quote request is published once its email is confirmed (visitors) or at once
(members of an org). On publication it is *delivered* to every approved partner
whose opt-ins match, or to the one partner it is addressed to: a
`TenderDelivery` row is what lets a partner see and answer a request (TD-2).
Invariants are database constraints: one answer per partner and request, one
accepted quote per request, one review per request, ratings 1–5, budget order.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients import identifiers
from clients.models import Organization, ProductType
from portal.choices import ChoicesDisplayMixin

# Length limits (TD-1 abuse guard): every text field is bounded, in the form,
# the API and the database.
NAME_MAX = 120
COMPANY_MAX = 200
REGION_MAX = 100
DESCRIPTION_MAX = 5000
MESSAGE_MAX = 5000
REASON_MAX = 1000
REVIEW_MAX = 3000
AMOUNT_MAX_DIGITS = 12


def _token() -> str:
    return secrets.token_urlsafe(32)


class Currency(models.TextChoices):
    CHF = "CHF", "CHF"
    EUR = "EUR", "EUR"


class TenderLanguage(models.TextChoices):
    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    DE = "de", _("German")


class TenderRequest(ChoicesDisplayMixin, models.Model):
    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", pgettext_lazy("tender status", "awaiting confirmation")
        PUBLISHED = "published", pgettext_lazy("tender status", "open")
        AWARDED = "awarded", pgettext_lazy("tender status", "awarded")
        CLOSED = "closed", pgettext_lazy("tender status", "closed")

    contact_name = models.CharField(_("contact name"), max_length=NAME_MAX)
    email = models.EmailField(_("email"))
    company = models.CharField(_("company"), max_length=COMPANY_MAX, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=identifiers.COUNTRY_CHOICES)
    region = models.CharField(_("region"), max_length=REGION_MAX, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=TenderLanguage.choices)
    description = models.TextField(_("project description"), max_length=DESCRIPTION_MAX)
    categories = models.JSONField(_("categories"), default=list)
    budget_min = models.DecimalField(_("minimum budget"), max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, null=True)
    budget_max = models.DecimalField(_("maximum budget"), max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, null=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.AWAITING_CONFIRMATION, db_index=True
    )
    # Requester: a logged-in member's org, or nobody (a visitor with a private link).
    requester_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="tender_requests"
    )
    requester_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A request sent from a directory profile goes to that partner only.
    addressed_to = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="tender_requests_addressed"
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    confirm_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("project done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote request")
        verbose_name_plural = _("quote requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_min__lte=F("budget_max")),
                name="tender_request_budget_min_le_max",
                violation_error_message=_("The minimum budget can't exceed the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_min__gte=0),
                name="tender_request_budget_min_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="tender_request_published_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.company or self.contact_name}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def category_labels(self) -> list[str]:
        labels = dict(ProductType.Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class TenderSubscription(models.Model):
    """TD-2: which requests a partner wants to receive. An empty list means "all"."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="tender_subscription")
    active = models.BooleanField(_("receive quote requests"), default=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.CharField(
        _("regions"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. Zürich, Vaud. Leave empty for every region."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tender subscription")
        verbose_name_plural = _("tender subscriptions")

    def __str__(self) -> str:
        return f"{self.org}"

    @property
    def region_list(self) -> list[str]:
        return [r.strip().lower() for r in self.regions.split(",") if r.strip()]

    def matches(self, request: TenderRequest) -> bool:
        if not self.active:
            return False
        if self.categories and not set(self.categories) & set(request.categories):
            return False
        if self.countries and request.country not in self.countries:
            return False
        if self.languages and request.language not in self.languages:
            return False
        regions = self.region_list
        return not (regions and not any(r in (request.region or "").lower() for r in regions))


class TenderDelivery(models.Model):
    """A published request received by one partner (TD-2): its inbox entry."""

    request = models.ForeignKey(TenderRequest, on_delete=models.CASCADE, related_name="deliveries")
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tender_deliveries")
    created_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("received quote request")
        verbose_name_plural = _("received quote requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "partner"], name="tender_delivery_once_per_partner"),
        ]
        indexes = [
            models.Index(fields=["partner", "seen_at"]),
            # The inbox, newest received first, read in index order (issue 9).
            models.Index(fields=["partner", "-created_at", "-id"], name="tender_delivery_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.request} → {self.partner}"


class TenderQuote(ChoicesDisplayMixin, models.Model):
    """A partner's answer to a request (TD-3): a quote, or a decline with a reason (TD-4)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("quote status", "submitted")
        ACCEPTED = "accepted", pgettext_lazy("quote status", "accepted")
        NOT_SELECTED = "not_selected", pgettext_lazy("quote status", "not selected")
        DECLINED = "declined", pgettext_lazy("quote status", "declined")

    request = models.ForeignKey(TenderRequest, on_delete=models.CASCADE, related_name="quotes")
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tender_quotes")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    accepts_tender_exclusivity = models.BooleanField(default=False)
    decline_reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "partner"],
                name="tender_quote_one_answer_per_partner",
                violation_error_message=_("Your organization has already answered this request."),
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="accepted"),
                name="tender_quote_one_accepted_per_request",
                violation_error_message=_("A quote has already been accepted for this request."),
            ),
            # TD-3 / PP-1d: a quote carries an amount and the exclusivity commitment.
            models.CheckConstraint(
                condition=Q(status="declined")
                | (Q(amount__isnull=False) & Q(amount__gt=0) & Q(accepts_tender_exclusivity=True)),
                name="tender_quote_has_amount_and_commitment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.request}"

    @property
    def is_decline(self) -> bool:
        return self.status == self.Status.DECLINED

    @property
    def is_expired(self) -> bool:
        """TD-4: a quote still waiting for an answer whose validity date has passed can't be accepted."""
        return (
            self.status == self.Status.SUBMITTED
            and self.valid_until is not None
            and self.valid_until < timezone.localdate()
        )


class PartnerReview(models.Model):
    """TD-6: one review per awarded request, of the awarded partner; one answer."""

    request = models.OneToOneField(TenderRequest, on_delete=models.CASCADE, related_name="review")
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tender_reviews")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), max_length=REVIEW_MAX, blank=True)
    author_name = models.CharField(_("author"), max_length=NAME_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), max_length=REVIEW_MAX, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("partner review")
        verbose_name_plural = _("partner reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="partner_review_rating_1_to_5",
                violation_error_message=_("A rating is between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.rating}/5"
