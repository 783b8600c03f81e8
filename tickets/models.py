"""Tickets app: support (SP-1…SP-4). The tender platform (TD) is added below, in its own section."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- support ------------------------------------------------------------------

#: No 0/O, 1/I: easy to read out on the phone (SP-1).
SUPPORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SUPPORT_CODE_LENGTH = 8


def format_code(code: str) -> str:
    """`ABCD2345` → `ABCD-2345` (how codes are shown and read out)."""
    if not code:
        return ""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class SupportCode(models.Model):
    """SP-1: identifies a user when they call support. Regenerating replaces the
    value in place, so the old code matches nothing from that moment on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_code")
    code = models.CharField(_("support code"), max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    regenerated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support code")
        verbose_name_plural = _("support codes")

    def __str__(self) -> str:
        return format_code(self.code)

    @property
    def display(self) -> str:
        return format_code(self.code)


class SupportPlan(models.Model):
    """SP-2: Premium Support subscription of an org, set by staff."""

    class Level(models.TextChoices):
        NONE = "none", _("No premium support")
        PRO = "pro", _("Pro")
        BUSINESS = "business", _("Business")

    org = models.OneToOneField("clients.Organization", on_delete=models.CASCADE, related_name="support_plan")
    level = models.CharField(_("plan"), max_length=10, choices=Level.choices, default=Level.NONE)
    vip_code = models.CharField(_("VIP code"), max_length=16, unique=True, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support plan")
        verbose_name_plural = _("support plans")
        constraints = [
            # A VIP code exists exactly when the org has Pro or Business.
            models.CheckConstraint(
                condition=(Q(level="none") & Q(vip_code__isnull=True))
                | (Q(level__in=["pro", "business"]) & Q(vip_code__isnull=False)),
                name="support_plan_vip_code_iff_premium",
                violation_error_message=_("Only Pro and Business plans have a VIP code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.org} — {self.get_level_display()}"

    def audit_repr(self) -> str:
        return str(self.org)

    @property
    def is_premium(self) -> bool:
        return self.level in (self.Level.PRO, self.Level.BUSINESS)

    @property
    def vip_code_display(self) -> str:
        return format_code(self.vip_code or "")


class SupportService(models.TextChoices):
    MAIL = "mail", _("Mail")
    DRIVE = "drive", _("Drive")


class SupportAccessGrant(models.Model):
    """SP-3: temporary access of the provider's support staff to an org's mail and/or drive.

    Valid while `expires_at > now` and not revoked; `expiry_recorded_at` marks that
    the periodic job wrote the `support_access.expired` audit event (once per grant).
    """

    class Duration(models.TextChoices):
        HOUR = "1h", _("1 hour")
        DAY = "24h", _("24 hours")
        WEEK = "7d", _("7 days")

    org = models.ForeignKey("clients.Organization", on_delete=models.CASCADE, related_name="support_access_grants")
    mail = models.BooleanField(_("mail"), default=False)
    drive = models.BooleanField(_("drive"), default=False)
    reason = models.CharField(_("reason"), max_length=500)
    duration = models.CharField(_("duration"), max_length=4, choices=Duration.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="support_access_granted"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expiry_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("support access grant")
        verbose_name_plural = _("support access grants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(mail=True) | Q(drive=True),
                name="support_access_grant_some_service",
                violation_error_message=_("Choose at least one service."),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="support_access_grant_expires_after_creation",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="support_access_grant_reason_required"),
            models.CheckConstraint(
                condition=Q(duration__in=["1h", "24h", "7d"]), name="support_access_grant_known_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} — {', '.join(self.services)} ({self.get_duration_display()})"

    def audit_repr(self) -> str:
        return f"{self.org} — {', '.join(self.services)}"

    @property
    def services(self) -> list[str]:
        return [s for s, on in ((SupportService.MAIL, self.mail), (SupportService.DRIVE, self.drive)) if on]

    def services_display(self) -> str:
        return ", ".join(str(SupportService(s).label) for s in self.services)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > timezone.now() else "expired"


class HelpArticle(models.Model):
    """SP-4: a help-center article, one row per language; `slug` pairs the translations."""

    class Category(models.TextChoices):
        PARTNER_PROGRAM = "partner_program", _("Partner program")
        PARTNERSHIPS = "partnerships", _("Partnerships and access")
        BILLING = "billing", _("Billing and cashback")
        TENDERS = "tenders", _("Tenders and directory")
        SUPPORT = "support", _("Support")
        POLICIES = "policies", _("Policies")

    class Language(models.TextChoices):
        EN = "en", "English"
        ES = "es", "Español"

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    body = models.TextField(
        _("body"), help_text=_("Plain text. Blank lines separate paragraphs; lines starting with '- ' make a list.")
    )
    published = models.BooleanField(_("published"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)
    #: title + body, lower case without accents: search matches "proteccion" and "Protección".
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="help_article_unique_slug_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def save(self, *args, **kwargs):
        from .search import search_normalize

        self.search_text = search_normalize(f"{self.title}\n{self.body}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tickets:help_article", kwargs={"slug": self.slug})
