"""Partner program (PP) and partnerships (PS).

Invariants that must never break are database constraints (PS-5, PS-7, PP-5
rate cap); services also check them first for friendly errors and turn an
IntegrityError from a race into the same RuleViolation.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients import identifiers
from clients.models import Organization, Product, ProductType
from portal.choices import ChoicesDisplayMixin
from portal.text import folded

MAX_RATE = Decimal("0.35")
PENDING_DAYS = 14
LOGO_MAX_BYTES = 1024 * 1024


LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "gif"]


def validate_logo_size(value) -> None:
    if value and value.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be 1 MB or smaller."), code="logo_too_large")


def logo_content_type(head: bytes) -> str | None:
    """TD-5: the image type a logo's first bytes say it is (PNG, JPEG, WebP or GIF), else None.
    The content decides, never the file's name: a page named logo.png is not an image. SVG is
    refused (it can carry scripts)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_logo_head(value, size: int = 16) -> bytes:
    try:
        value.seek(0)
        head = value.read(size)
        value.seek(0)
    except (OSError, ValueError):
        return b""
    return head or b""


def validate_logo_content(value) -> None:
    if not value or getattr(value, "_committed", False):
        return  # only a new upload is checked; a stored logo was checked when it came in
    if logo_content_type(read_logo_head(value)) is None:
        raise ValidationError(_("The logo must be a PNG, JPEG, WebP or GIF image."), code="logo_not_an_image")


class LogoFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """TD-5: the logo is served by the app itself (`partners.views.directory_logo`), not from a
        media URL nothing serves in production. The stored name's hash makes a new logo a new URL,
        so the response can be cached for long."""
        self._require_file()
        version = hashlib.sha256(self.name.encode()).hexdigest()[:12]
        return reverse("partners-directory-logo", args=[self.instance.slug]) + f"?v={version}"


class LogoField(models.FileField):
    attr_class = LogoFieldFile


class DirectoryLanguage(models.TextChoices):
    """TD-5: the languages a partner works in. One list for the profile form, the directory's
    filter, the API and the pages, each named in the reader's language."""

    EN = "en", _("English")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    DE = "de", _("German")
    IT = "it", _("Italian")
    PT = "pt", _("Portuguese")


def language_labels(codes) -> list[str]:
    """Stored language codes as names in the active language (a code the list doesn't know, as it is)."""
    labels = dict(DirectoryLanguage.choices)
    return [str(labels.get(code, code)) for code in codes or [] if isinstance(code, str)]


# TD-5 search: "zurich" finds "Zürich" alike on SQLite and PostgreSQL (migration 0008 imports this name).
search_normalized = folded


class CommissionPlan(models.Model):
    """PP-5: per-category rates, configured by staff."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default plan"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commission plan")
        verbose_name_plural = _("commission plans")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="commission_plan_one_default",
                violation_error_message=_("Only one commission plan can be the default."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommissionRate(models.Model):
    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="rates")
    category = models.CharField(_("category"), max_length=20, choices=ProductType.Category.choices)
    rate = models.DecimalField(
        _("rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_RATE)],
        help_text=_("A fraction: 0.25 means 25%. At most 0.35 (35%)."),
    )

    class Meta:
        verbose_name = _("commission rate")
        verbose_name_plural = _("commission rates")
        ordering = ["plan", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category"],
                name="commission_rate_unique_category_per_plan",
                violation_error_message=_("This plan already has a rate for this category."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=Decimal("0")) & Q(rate__lte=MAX_RATE),
                name="commission_rate_between_0_and_35_percent",
                violation_error_message=_("A rate is between 0 and 0.35 (35%)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_category_display()} · {self.rate}"


class PartnerApplication(ChoicesDisplayMixin, models.Model):
    """PP-1..PP-3."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("application status", "submitted")
        APPROVED = "approved", pgettext_lazy("application status", "approved")
        REJECTED = "rejected", pgettext_lazy("application status", "rejected")

    class Currency(models.TextChoices):
        CHF = "CHF", "CHF"
        EUR = "EUR", "EUR"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="partner_applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    register_number = models.CharField(_("commercial register number"), max_length=40)
    expected_yearly_volume = models.DecimalField(_("expected yearly volume"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    website = models.URLField(_("active website"))
    accepts_minimum_volume = models.BooleanField(default=False)
    accepts_client_support = models.BooleanField(default=False)
    accepts_client_invoices = models.BooleanField(default=False)
    accepts_tender_exclusivity = models.BooleanField(default=False)
    accepts_reseller_terms = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner application")
        verbose_name_plural = _("partner applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"],
                condition=Q(status="submitted"),
                name="partner_application_one_open_per_org",
                violation_error_message=_("This organization already has an application under review."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} ({self.get_status_display()})"

    def audit_repr(self) -> str:
        return str(self.org)

    @property
    def register_number_display(self) -> str:
        """ORG-2: stored compact, shown formatted for the applying org's country."""
        if not self.register_number:
            return ""
        return identifiers.format_register(self.register_number, self.org.country)


class PartnerProfile(ChoicesDisplayMixin, models.Model):
    """One per approved partner org."""

    class Status(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("partner status", "approved")
        SUSPENDED = "suspended", pgettext_lazy("partner status", "suspended")

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="partner_profile")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    commission_plan = models.ForeignKey(CommissionPlan, on_delete=models.PROTECT, related_name="partners")
    approved_at = models.DateTimeField(default=timezone.now)
    # Directory (TD-5)
    listed_in_directory = models.BooleanField(_("listed in the public directory"), default=False)
    slug = models.SlugField(_("directory address"), max_length=80, unique=True)
    public_name = models.CharField(_("public name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    services = models.JSONField(_("services"), default=list, blank=True)
    budget_min = models.DecimalField(_("minimum budget"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("maximum budget"), max_digits=12, decimal_places=2, null=True, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    references = models.TextField(_("references"), blank=True)
    certifications = models.TextField(_("certifications"), blank=True)
    logo = LogoField(
        _("logo"),
        upload_to="partners/logos/",
        blank=True,
        validators=[FileExtensionValidator(LOGO_EXTENSIONS), validate_logo_size, validate_logo_content],
        help_text=_("PNG, JPEG, WebP or GIF, at most 1 MB."),
    )
    wordpress_perk_claimed_at = models.DateTimeField(null=True, blank=True)
    require_mfa = models.BooleanField(_("require two-factor authentication for our members"), default=False)
    # TD-5: what the directory's search reads (`search_normalized` of the names, cities, skills and
    # the services' names in every site language), kept up to date by `save()`.
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")
        ordering = ["org__name"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.public_name or self.org.name

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def language_labels(self) -> list[str]:
        return language_labels(self.languages)

    def build_search_text(self) -> str:
        parts = [self.public_name, self.org.name, self.city, self.org.city, self.skills]
        categories = dict(ProductType.Category.choices)
        codes = [c for c in self.services or [] if isinstance(c, str)]
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                parts.extend(str(categories.get(code, "")) for code in codes)
        return search_normalized(" ".join(p for p in parts if p))


SEARCHED_FIELDS = frozenset({"public_name", "city", "skills", "services", "org"})


class AffiliateEnrollment(models.Model):
    """PP-1/PP-2: an org enrolled in the affiliate program. Staff enrol orgs in the admin; an
    enrolled org can't apply to the partner program, and a partner can't be enrolled."""

    org = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="affiliate_enrollment", verbose_name=_("organization")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enrolled by"),
    )

    class Meta:
        verbose_name = _("affiliate enrollment")
        verbose_name_plural = _("affiliate enrollments")
        ordering = ["-enrolled_at", "-id"]

    def __str__(self) -> str:
        return str(self.org)


def _partnership_expiry():
    return timezone.now() + timedelta(days=PENDING_DAYS)


class Partnership(ChoicesDisplayMixin, models.Model):
    """PS-1: one partner, one client, an access level; pending → active → ended."""

    class AccessLevel(models.TextChoices):
        LIMITED = "limited", _("limited")
        FULL = "full", _("full")

    class PaymentMethod(models.TextChoices):
        CLIENT_PAYS = "client_pays", _("client pays")
        PARTNER_PAYS = "partner_pays", _("partner pays")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("partnership status", "pending")
        ACTIVE = "active", pgettext_lazy("partnership status", "active")
        DECLINED = "declined", pgettext_lazy("partnership status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("partnership status", "withdrawn")
        EXPIRED = "expired", pgettext_lazy("partnership status", "expired")
        ENDED = "ended", pgettext_lazy("partnership status", "ended")

    class Side(models.TextChoices):
        PARTNER = "partner", _("partner")
        CLIENT = "client", _("client")

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="partnerships_as_partner")
    # Null while a partner's invitation waits for the invited person to pick an org (PS-2).
    client = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="partnerships_as_client"
    )
    access_level = models.CharField(_("access level"), max_length=8, choices=AccessLevel.choices)
    payment_method = models.CharField(
        _("payment method"), max_length=12, choices=PaymentMethod.choices, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    initiated_by = models.CharField(max_length=8, choices=Side.choices)
    invited_email = models.EmailField(_("invited email"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_access_level = models.CharField(max_length=8, choices=AccessLevel.choices)
    requested_payment_method = models.CharField(max_length=12, choices=PaymentMethod.choices, null=True, blank=True)
    requested_product_ids = models.JSONField(default=list, blank=True)
    needs_review = models.BooleanField(_("to review"), default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_partnership_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by_side = models.CharField(max_length=8, choices=Side.choices, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="active", access_level="full"),
                name="partnership_one_active_full_per_client",
                violation_error_message=_("This client already has a partner with full access."),
            ),
            models.UniqueConstraint(
                fields=["partner", "client"],
                condition=Q(status__in=["pending", "active"]),
                name="partnership_one_open_per_pair",
                violation_error_message=_("These organizations already have a pending or active partnership."),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(client__isnull=False),
                name="partnership_active_has_client",
            ),
            models.CheckConstraint(
                condition=Q(access_level="full") | Q(payment_method__isnull=True),
                name="partnership_limited_has_no_payment_method",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["invited_email", "status"]),
            # Both sides' partnerships newest first (the API list, an OR of partner and client): read
            # from this index and stopped after a page, not sorted whole (13 → 1 ms for 10,000).
            models.Index(fields=["-created_at", "-id"], name="partnership_created"),
            # A partner's partnerships by status: the console's and the dashboard's counts (issue 9).
            models.Index(fields=["partner", "status"], name="partnership_partner_status"),
            # The few active partnerships "to review" until acknowledged (PS-2): a partial
            # index, so the lookup doesn't walk a big partner's 10,000 active ones.
            models.Index(
                fields=["partner"], condition=Q(status="active", needs_review=True), name="partnership_to_review"
            ),
        ]

    def __str__(self) -> str:
        client = self.client.name if self.client_id else self.invited_email
        return f"{self.partner} → {client} ({self.access_level}, {self.status})"

    def audit_repr(self) -> str:
        return f"{self.partner} → {self.client.name if self.client_id else self.invited_email}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_full(self) -> bool:
        return self.access_level == self.AccessLevel.FULL

    @property
    def is_overdue(self) -> bool:
        """PS-1: still pending in the database but past its expiry (the hourly job hasn't marked it
        expired yet): no longer an invitation anyone may accept, decline or resend."""
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def shown_status(self) -> str:
        """The state pages and the API show: an overdue invitation is expired."""
        return self.Status.EXPIRED if self.is_overdue else self.status

    def get_shown_status_display(self) -> str:
        return str(self.Status(self.shown_status).label)

    @property
    def awaiting_side(self) -> str:
        """Who must accept a pending partnership."""
        return self.Side.CLIENT if self.initiated_by == self.Side.PARTNER else self.Side.PARTNER


class PartnershipProduct(models.Model):
    """A product granted to a limited partnership (PS-4). `active` mirrors the
    partnership being active, so the PS-5 constraint covers only live grants and
    ended grants stay as history."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="grants")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="partner_grants")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("granted product")
        verbose_name_plural = _("granted products")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(active=True),
                name="partnership_product_one_active_manager",
                violation_error_message=_("This product is already managed by another partner."),
            ),
            models.UniqueConstraint(
                fields=["partnership", "product"],
                condition=Q(active=True),
                name="partnership_product_unique_active_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ← {self.partnership.partner}"


# PS-13: the collaborator right codes (`CollaboratorRights.rights`, the API) and their labels.
RIGHT_LABELS: dict[str, str] = {
    "view": _("view"),
    "manage_products": _("manage products"),
    "order": _("order and renew"),
    "billing": _("billing"),
}


class CollaboratorRights(models.Model):
    """PS-13: what a partner's collaborator may do for which clients."""

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="collaborator_rights")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborator_rights")
    all_clients = models.BooleanField(_("all clients"), default=False)
    clients = models.ManyToManyField(Organization, blank=True, related_name="+", verbose_name=_("clients"))
    can_view = models.BooleanField(_("view"), default=True)
    can_manage_products = models.BooleanField(_("manage products"), default=False)
    can_order = models.BooleanField(_("order and renew"), default=False)
    can_billing = models.BooleanField(_("billing"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collaborator rights")
        verbose_name_plural = _("collaborator rights")
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="collaborator_rights_unique_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner}"

    @property
    def rights(self) -> list[str]:
        out = []
        if self.can_view:
            out.append("view")
        if self.can_manage_products:
            out.append("manage_products")
        if self.can_order:
            out.append("order")
        if self.can_billing:
            out.append("billing")
        return out

    @property
    def right_labels(self) -> list[str]:
        """The rights in the reader's language (`RIGHT_LABELS`), unknown codes as they are."""
        return [str(RIGHT_LABELS.get(code, code)) for code in self.rights]


class ClientPartnerSettings(models.Model):
    """SEC-2: a client may require partner people acting for it to use MFA."""

    client = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="partner_settings")
    require_partner_mfa = models.BooleanField(_("require two-factor authentication for partner people"), default=False)

    class Meta:
        verbose_name = _("client partner settings")
        verbose_name_plural = _("client partner settings")

    def __str__(self) -> str:
        return str(self.client)
