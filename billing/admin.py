from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.errors import RuleViolation

from . import services
from .models import (
    BalanceEntry,
    CashbackEntry,
    HostingTier,
    Invoice,
    InvoiceLine,
    Payment,
    PayoutRequest,
    PrepaidAccount,
    Price,
)


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["product_type", "period", "currency", "amount"]
    list_filter = ["currency", "period", "product_type__category"]
    list_editable = ["amount"]
    search_fields = ["product_type__name", "product_type__slug"]


@admin.register(HostingTier)
class HostingTierAdmin(admin.ModelAdmin):
    list_display = ["min_count", "discount"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued money records are append-only: no add, change or delete in the admin.

    Ledgers hold hundreds of thousands of rows: the changelist counts them once, not a
    second time for the "N of M" of a filtered list (25 ms per count for 500,000)."""

    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = [
        "description",
        "client",
        "category",
        "period",
        "unit_price",
        "tier_discount",
        "partner_discount",
        "public_amount",
        "net_amount",
        "managing_partner",
        "partner_rate",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "org", "kind", "issued_at", "currency", "gross", "status"]
    list_filter = ["status", "kind", "currency", "reverse_charge"]
    search_fields = ["number", "org__name", "payer_name"]
    inlines = [InvoiceLineInline]
    actions = ["credit"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and obj is None  # list + actions only

    @admin.action(description=_("Issue a credit note (cancels or refunds to balance, reverses cashback)"))
    def credit(self, request, queryset):
        for invoice in queryset:
            try:
                note = services.invoice_credit(invoice=invoice, by=request.user, reason="admin")
                self.message_user(request, _("Credit note %(n)s issued.") % {"n": note.number})
            except RuleViolation as exc:
                self.message_user(request, f"{invoice.number}: {exc.message}", level=messages.ERROR)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "amount", "currency", "method", "status", "gateway_reference", "created_at"]
    list_filter = ["status", "method"]


@admin.register(CashbackEntry)
class CashbackEntryAdmin(ReadOnlyAdmin):
    list_display = ["partner", "client", "category", "amount", "currency", "status", "created_at", "earned_at"]
    list_filter = ["status", "currency", "category"]
    search_fields = ["partner__name", "client__name"]


class BalanceEntryInline(admin.TabularInline):
    model = BalanceEntry
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "kind", "amount", "description", "invoice", "payout"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PrepaidAccount)
class PrepaidAccountAdmin(ReadOnlyAdmin):
    list_display = ["org", "currency", "balance"]
    inlines = [BalanceEntryInline]

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and obj is None


@admin.register(PayoutRequest)
class PayoutRequestAdmin(admin.ModelAdmin):
    list_display = ["org", "amount", "currency", "method", "iban", "paypal_email", "status", "created_at"]
    list_filter = ["status", "method", "currency"]
    readonly_fields = [
        "org",
        "amount",
        "currency",
        "method",
        "iban",
        "account_holder",
        "paypal_email",
        "status",
        "requested_by",
        "created_at",
        "settled_at",
        "settled_by",
    ]
    actions = ["mark_paid", "reject"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _settle(self, request, queryset, paid: bool):
        for payout in queryset:
            try:
                # The note staff wrote on the request is the reason the partner is emailed (BL-6).
                services.payout_settle(payout=payout, by=request.user, paid=paid, note=payout.note)
            except RuleViolation as exc:
                self.message_user(request, f"#{payout.pk}: {exc.message}", level=messages.ERROR)

    @admin.action(description=_("Mark as paid (money sent)"))
    def mark_paid(self, request, queryset):
        self._settle(request, queryset, True)

    @admin.action(description=_("Reject (return the amount to the balance)"))
    def reject(self, request, queryset):
        self._settle(request, queryset, False)
