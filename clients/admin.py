from __future__ import annotations

from django.contrib import admin

from .models import AccessToken, AuditEvent, MemberInvitation, Membership, Organization, Product, ProductType


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "country", "vat_number", "created_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug", "vat_number", "register_number"]
    readonly_fields = ["created_at", "terms_accepted_at"]
    inlines = [MembershipInline]


@admin.register(MemberInvitation)
class MemberInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "org", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "org__name"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by", "invited_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """AU-1: staff see every event; the trail is append-only."""

    list_display = ["created_at", "action", "org", "actor", "actor_org", "target_repr"]
    list_filter = ["action"]
    search_fields = ["action", "org__name", "actor__email", "target_repr"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "org", "created_at", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__email", "org__name"]
    readonly_fields = ["user", "org", "name", "prefix", "digest", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ProductType)
class ProductTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "org", "product_type", "status", "expires_at"]
    list_filter = ["status", "product_type__category"]
    search_fields = ["name", "org__name"]
    autocomplete_fields = ["org"]
