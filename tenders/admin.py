"""Staff views of the tender platform: read-mostly (moderation), the rules stay in services."""

from django.contrib import admin

from .models import PartnerReview, TenderDelivery, TenderQuote, TenderRequest, TenderSubscription


class QuoteInline(admin.TabularInline):
    model = TenderQuote
    extra = 0
    can_delete = False
    fields = ["partner", "status", "amount", "currency", "valid_until", "decline_reason", "created_at"]
    readonly_fields = fields


@admin.register(TenderRequest)
class TenderRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "contact_name", "company", "email", "country", "status", "deadline", "created_at"]
    list_filter = ["status", "country", "language"]
    search_fields = ["contact_name", "company", "email", "description"]
    readonly_fields = [
        "token",
        "confirm_token",
        "requester_org",
        "requester_user",
        "addressed_to",
        "created_at",
        "confirmed_at",
        "published_at",
        "closed_at",
        "completed_at",
    ]
    inlines = [QuoteInline]

    def has_add_permission(self, request):
        return False  # requests come from the public form or the API (rate limits, confirmation)


@admin.register(TenderSubscription)
class TenderSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["org", "active", "categories", "countries", "languages", "updated_at"]
    list_filter = ["active"]
    search_fields = ["org__name"]


@admin.register(TenderDelivery)
class TenderDeliveryAdmin(admin.ModelAdmin):
    list_display = ["request", "partner", "created_at", "seen_at"]
    search_fields = ["partner__name"]
    readonly_fields = ["request", "partner", "created_at", "seen_at"]


@admin.register(PartnerReview)
class PartnerReviewAdmin(admin.ModelAdmin):
    """Staff may moderate (edit or delete) an abusive review or answer."""

    list_display = ["partner", "rating", "author_name", "created_at", "answered_at"]
    list_filter = ["rating"]
    search_fields = ["partner__name", "text", "answer"]
    readonly_fields = ["request", "partner", "created_at", "answered_at", "answered_by"]
