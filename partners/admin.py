from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.errors import RuleViolation

from . import services
from .models import (
    AffiliateEnrollment,
    ClientPartnerSettings,
    CollaboratorRights,
    CommissionPlan,
    CommissionRate,
    PartnerApplication,
    PartnerProfile,
    Partnership,
    PartnershipProduct,
)


class CommissionRateInline(admin.TabularInline):
    model = CommissionRate
    extra = 0


@admin.register(CommissionPlan)
class CommissionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "created_at"]
    inlines = [CommissionRateInline]


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(admin.ModelAdmin):
    """PP-3: the application queue; rejection needs a reason, so reject from the staff page
    in the manager (or fill `reason` here first, then use the action)."""

    list_display = ["org", "status", "expected_yearly_volume", "currency", "website", "created_at", "decided_at"]
    list_filter = ["status", "currency"]
    search_fields = ["org__name", "register_number", "website"]
    readonly_fields = [
        "org",
        "submitted_by",
        "register_number",
        "expected_yearly_volume",
        "currency",
        "website",
        "accepts_minimum_volume",
        "accepts_client_support",
        "accepts_client_invoices",
        "accepts_tender_exclusivity",
        "accepts_reseller_terms",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    actions = ["approve", "reject"]

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        for application in queryset:
            try:
                services.application_approve(application=application, by=request.user)
            except RuleViolation as exc:
                self.message_user(request, f"{application.org}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Reject the selected applications (with the reason filled in)"))
    def reject(self, request, queryset):
        for application in queryset:
            try:
                services.application_reject(application=application, by=request.user, reason=application.reason)
            except RuleViolation as exc:
                self.message_user(request, f"{application.org}: {exc.message}", messages.ERROR)

    def has_add_permission(self, request):
        return False


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = ["org", "status", "commission_plan", "listed_in_directory", "approved_at"]
    list_filter = ["status", "commission_plan", "listed_in_directory"]
    search_fields = ["org__name", "slug", "public_name"]
    raw_id_fields = ["org"]


class GrantInline(admin.TabularInline):
    model = PartnershipProduct
    extra = 0
    can_delete = False
    readonly_fields = ["product", "active", "created_at", "removed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Read-only: partnerships change only through their services (audit, emails)."""

    list_display = ["partner", "client", "invited_email", "access_level", "payment_method", "status", "created_at"]
    list_filter = ["status", "access_level", "payment_method"]
    search_fields = ["partner__name", "client__name", "invited_email"]
    inlines = [GrantInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CollaboratorRights)
class CollaboratorRightsAdmin(admin.ModelAdmin):
    list_display = ["partner", "user", "all_clients", "can_view", "can_manage_products", "can_order", "can_billing"]
    raw_id_fields = ["partner", "user"]
    filter_horizontal = ["clients"]


@admin.register(ClientPartnerSettings)
class ClientPartnerSettingsAdmin(admin.ModelAdmin):
    list_display = ["client", "require_partner_mfa"]
    raw_id_fields = ["client"]


class AffiliateEnrollmentForm(forms.ModelForm):
    class Meta:
        model = AffiliateEnrollment
        fields = ["org"]

    def clean_org(self):
        org = self.cleaned_data["org"]
        try:
            services.affiliate_enrollment_check(org=org)
        except RuleViolation as exc:
            raise ValidationError(str(exc.message), code=exc.code) from exc
        return org


@admin.register(AffiliateEnrollment)
class AffiliateEnrollmentAdmin(admin.ModelAdmin):
    """PP-1/PP-2: staff enrol an org in the affiliate program or take it out; an enrollment
    is never edited (a partner can't be enrolled, an enrolled org can't apply)."""

    form = AffiliateEnrollmentForm
    list_display = ["org", "enrolled_at", "enrolled_by"]
    search_fields = ["org__name", "org__slug"]
    raw_id_fields = ["org"]
    readonly_fields = ["enrolled_at", "enrolled_by"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Through the service (staff check, lock shared with the approval, audit event).
        enrollment = services.affiliate_enroll(org=obj.org, by=request.user)
        obj.pk, obj.enrolled_at, obj.enrolled_by = enrollment.pk, enrollment.enrolled_at, enrollment.enrolled_by
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.affiliate_leave(enrollment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.affiliate_leave(enrollment=obj, by=request.user)
