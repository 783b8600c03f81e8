from django.contrib import admin

from . import services
from .models import HelpArticle, SupportAccessGrant, SupportCode, SupportPlan

# --- support ---


@admin.register(SupportPlan)
class SupportPlanAdmin(admin.ModelAdmin):
    """SP-2: staff set an org's Premium Support plan; the VIP code follows the plan."""

    list_display = ["org", "level", "vip_code_display", "updated_at"]
    list_filter = ["level"]
    search_fields = ["org__name", "org__slug", "vip_code"]
    fields = ["org", "level", "vip_code"]
    readonly_fields = ["vip_code"]

    def get_readonly_fields(self, request, obj=None):
        return ["org", "vip_code"] if obj else ["vip_code"]

    def save_model(self, request, obj, form, change):
        # The service owns the VIP-code invariant and the audit event.
        saved = services.support_plan_set(org=obj.org, level=obj.level, by=request.user)
        obj.pk, obj.vip_code = saved.pk, saved.vip_code


@admin.register(SupportCode)
class SupportCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "display", "created_at", "regenerated_at"]
    search_fields = ["user__email", "code"]
    readonly_fields = ["user", "code", "created_at", "regenerated_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SupportAccessGrant)
class SupportAccessGrantAdmin(admin.ModelAdmin):
    """Read-only: grants are made and revoked by the org itself (SP-3)."""

    list_display = ["org", "services_display", "duration", "status", "created_at", "expires_at", "revoked_at"]
    list_filter = ["duration"]
    search_fields = ["org__name", "org__slug", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "category", "published", "position", "updated_at"]
    list_filter = ["language", "category", "published"]
    search_fields = ["title", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
