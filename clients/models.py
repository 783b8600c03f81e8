from __future__ import annotations

import secrets
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.choices import ChoicesDisplayMixin

from . import identifiers

CHF_COUNTRIES = {"CH", "LI"}


def currency_for_country(country: str) -> str:
    """ORG-1: CHF for a postal address in Switzerland or Liechtenstein, else EUR."""
    return "CHF" if (country or "").upper() in CHF_COUNTRIES else "EUR"


class Organization(ChoicesDisplayMixin, models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COMPANY = "company", _("Company")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("entity type"), max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    country = models.CharField(_("country"), max_length=2, choices=identifiers.COUNTRY_CHOICES)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    register_number = models.CharField(_("commercial register number"), max_length=40, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    invoice_note = models.CharField(
        _("billing reference"),
        max_length=128,
        blank=True,
        help_text=_("Printed on every future invoice (at most 128 characters)."),
    )
    terms_accepted_at = models.DateTimeField(_("terms of use accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        # Lists sorted by name (a partner's 10,000 clients, the org switcher) read it in order.
        indexes = [models.Index(fields=["name", "id"], name="org_name_id")]

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> str:
        return currency_for_country(self.country)

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    @property
    def vat_number_display(self) -> str:
        return identifiers.format_vat(self.vat_number, self.country) if self.vat_number else ""

    @property
    def register_number_display(self) -> str:
        return identifiers.format_register(self.register_number, self.country) if self.register_number else ""


class Role(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    ADMINISTRATOR = "administrator", _("Administrator")
    COLLABORATOR = "collaborator", _("Collaborator")


class Membership(ChoicesDisplayMixin, models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "user"],
                name="membership_unique_user_per_org",
                violation_error_message=_("This person is already a member of the organization."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.org} ({self.role})"

    def audit_repr(self) -> str:
        return f"{self.user} @ {self.org}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=7)


class MemberInvitation(ChoicesDisplayMixin, models.Model):
    """ORG-6: single-use, expires after 7 days."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("invitation status", "pending")
        ACCEPTED = "accepted", pgettext_lazy("invitation status", "accepted")
        REVOKED = "revoked", pgettext_lazy("invitation status", "revoked")
        EXPIRED = "expired", pgettext_lazy("invitation status", "expired")

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("member invitation")
        verbose_name_plural = _("member invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "email"],
                condition=Q(status="pending"),
                name="member_invitation_one_pending_per_email",
                violation_error_message=_("An invitation to this address is already pending."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.org}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """AU-1: who (person) did what, for which org, when, with details.

    `org` is the org whose audit trail shows the event (for a partner acting for
    a client: the client); `actor_org` is the org the person acted from.
    """

    org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events_as_actor"
    )
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def target_label(self) -> str:
        """The target in the reader's language: its kind (the model's verbose name) and the names
        recorded with the event ("Partnership: Helvetia Web Agency AG → Bäckerei Müller GmbH")."""
        if not self.target_repr:
            return ""
        try:
            model = apps.get_model(self.target_type)
        except (LookupError, ValueError):
            return self.target_repr
        return f"{capfirst(model._meta.verbose_name)}: {self.target_repr}"

    @property
    def detail_lines(self) -> list[tuple[str, str]]:
        """The details in the reader's language (`clients.audit.detail_lines`); a page's events have
        their references named by `clients.audit.attach_detail_lines` first."""
        cached = getattr(self, "_detail_lines", None)
        if cached is not None:
            return cached
        from .audit import detail_lines

        return detail_lines(self.details)

    @property
    def action_label(self) -> str:
        """The action in the reader's language (`clients.audit.ACTION_LABELS`), else its code."""
        from .audit import action_label

        return action_label(self.action)


class AccessToken(models.Model):
    """Personal access token for scripts: hashed at rest, scoped to one org,
    expiring, revocable. The clear value is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ProductType(ChoicesDisplayMixin, models.Model):
    """Catalog entry (BL-1): what can be ordered. Prices live in billing."""

    class Category(models.TextChoices):
        DOMAIN = "domain", _("Domain names")
        WEB_HOSTING = "web_hosting", _("Web hosting")
        EMAIL = "email", _("Email")
        STORAGE = "storage", _("Storage")
        OFFICE_SUITE = "office_suite", _("Office suite")
        CLOUD_SERVER = "cloud_server", _("Cloud servers")
        SUPPORT = "support", _("Premium support")

    slug = models.SlugField(max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Product(ChoicesDisplayMixin, models.Model):
    """A product an org owns (BL-2: always the client's org, whoever pays)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("product status", "active")
        SUSPENDED = "suspended", pgettext_lazy("product status", "suspended")
        EXPIRED = "expired", pgettext_lazy("product status", "expired")

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="products")
    product_type = models.ForeignKey(ProductType, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["org", "name"])]

    def __str__(self) -> str:
        return self.name
