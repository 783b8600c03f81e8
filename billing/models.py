"""Billing: catalog prices, orders, invoices, payments, prepaid balances, cashback.

Products and product types live in `clients`; who manages a product, who pays
and at what rate comes from `partners` through `billing.partner_terms`.
Money is always `Decimal` + an explicit currency code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients import identifiers
from clients.models import Organization, Product, ProductType
from portal.choices import ChoicesDisplayMixin


class Currency(models.TextChoices):
    CHF = "CHF", "CHF"
    EUR = "EUR", "EUR"


class Period(models.TextChoices):
    MONTH = "1m", _("1 month")
    YEAR = "1y", _("1 year")
    TWO_YEARS = "2y", _("2 years")


PERIOD_MONTHS = {Period.MONTH: 1, Period.YEAR: 12, Period.TWO_YEARS: 24}

MONEY = {"max_digits": 12, "decimal_places": 2}
SUMMARY_MONEY = {"max_digits": 14, "decimal_places": 2}  # sums of many lines
FRACTION = {
    "max_digits": 5,
    "decimal_places": 4,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
}


class Price(models.Model):
    """BL-1: public price of a product type, per period and currency."""

    product_type = models.ForeignKey(ProductType, on_delete=models.CASCADE, related_name="prices")
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["product_type", "period", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["product_type", "period", "currency"],
                name="price_unique_per_type_period_currency",
                violation_error_message=_("This product type already has a price for this period and currency."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_type} {self.period} {self.currency} {self.amount}"


class HostingTier(models.Model):
    """BL-1: degressive web-hosting prices by the number of hostings the payer holds."""

    min_count = models.PositiveIntegerField(_("from this many hostings"), unique=True)
    discount = models.DecimalField(
        _("discount"), **FRACTION, help_text=_("A fraction: 0.10 means 10% off the public price.")
    )

    class Meta:
        verbose_name = _("web-hosting tier")
        verbose_name_plural = _("web-hosting tiers")
        ordering = ["min_count"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lt=1), name="hosting_tier_discount_fraction"
            )
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_count}: {self.discount:.0%}"


class InvoiceCounter(models.Model):
    """BL-8: one row per year, locked with SELECT … FOR UPDATE while numbering."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice counter")
        verbose_name_plural = _("invoice counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Order(ChoicesDisplayMixin, models.Model):
    """BL-2/BL-3: an order (or renewal) for a client; products go to the client's org."""

    class Kind(models.TextChoices):
        NEW = "new", _("new products")
        RENEWAL = "renewal", _("renewal")

    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders")
    payer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders_paid")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    placed_by_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders_placed")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NEW)
    invoice_note = models.CharField(_("billing reference"), max_length=128, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.client}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product_type = models.ForeignKey(ProductType, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL, related_name="order_lines")
    name = models.CharField(_("name"), max_length=200)
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.product_type} {self.name} {self.period}"


class ImmutableError(Exception):
    pass


class Invoice(ChoicesDisplayMixin, models.Model):
    """BL-8: numbered per year without gaps, immutable once issued."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("unpaid")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    ISSUED_FIELDS = (
        "org_id",
        "number",
        "kind",
        "issued_at",
        "currency",
        "net",
        "vat_rate",
        "vat_amount",
        "gross",
        "vat_number",
        "invoice_note",
        "reverse_charge",
        "legal_text",
        "payer_name",
        "payer_address",
        "payer_country",
        "credit_of_id",
    )

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credit_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    net = models.DecimalField(_("net"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    vat_amount = models.DecimalField(_("VAT"), **MONEY)
    gross = models.DecimalField(_("total"), **MONEY)
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    invoice_note = models.CharField(_("billing reference"), max_length=128, blank=True)
    reverse_charge = models.BooleanField(_("reverse charge"), default=False)
    legal_text = models.CharField(_("legal mention"), max_length=300, blank=True)
    payer_name = models.CharField(max_length=200, blank=True)
    payer_address = models.CharField(max_length=400, blank=True)
    payer_country = models.CharField(max_length=2, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNPAID)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            # The status filter and the to-pay list, newest first (keyset pages, issue 9).
            models.Index(fields=["org", "status", "-issued_at", "-id"], name="billing_invoice_org_status"),
            # The invoice list's filter and order, read in index order (issue 9).
            models.Index(fields=["org", "-issued_at", "-id"], name="billing_invoice_org_issued"),
            # Staff's admin list across every org, in the default order (115 ms of sorting for 200,000).
            models.Index(fields=["-issued_at", "-id"], name="billing_invoice_issued"),
        ]
        constraints = [
            # Half a cent of tolerance: SQLite compares decimals as floats.
            models.CheckConstraint(
                condition=Q(gross__gte=models.F("net") + models.F("vat_amount") - Decimal("0.005"))
                & Q(gross__lte=models.F("net") + models.F("vat_amount") + Decimal("0.005")),
                name="invoice_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="invoice_paid_has_paid_at"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        """Issued amounts never change: only status and paid_at move (through the services)."""
        if self.pk is not None:
            current = Invoice.objects.filter(pk=self.pk).values(*self.ISSUED_FIELDS).first()
            if current is not None:
                for field in self.ISSUED_FIELDS:
                    if current[field] != getattr(self, field):
                        raise ImmutableError(f"Invoice {self.number}: {field} can't change once issued.")
        super().save(*args, **kwargs)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def vat_number_display(self) -> str:
        """The payer's VAT number as frozen on the invoice, formatted as the org page shows it
        (`Organization.vat_number_display`), by the payer's country at issue."""
        return identifiers.format_vat(self.vat_number, self.payer_country) if self.vat_number else ""


class InvoiceLine(ChoicesDisplayMixin, models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product_type = models.ForeignKey(ProductType, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=ProductType.Category.choices)
    period = models.CharField(_("period"), max_length=2, choices=Period.choices)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(_("public unit price"), **MONEY)
    tier_discount = models.DecimalField(_("volume discount"), max_digits=5, decimal_places=4, default=0)
    partner_discount = models.DecimalField(_("partner discount"), max_digits=5, decimal_places=4, default=0)
    # Public price after tiers (the cashback base, BL-5) and the amount invoiced.
    public_amount = models.DecimalField(_("public amount"), **MONEY)
    net_amount = models.DecimalField(_("net amount"), **MONEY)
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # The partner this line is attributed to (cashback or discount), and its rate.
    managing_partner = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("Invoice lines can't change once issued.")
        super().save(*args, **kwargs)

    @property
    def discount_amount(self) -> Decimal:
        return self.public_amount - self.net_amount


class PaymentMethod(models.TextChoices):
    CARD = "card", _("card")
    BALANCE = "balance", _("prepaid balance")


class Payment(ChoicesDisplayMixin, models.Model):
    """BL-9: one attempt to pay an invoice. At most one succeeds (DB constraint)."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    gateway_reference = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=300, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        # Staff's admin list in the default order (125 ms of sorting for 174,000 payments).
        indexes = [models.Index(fields=["-created_at", "-id"], name="billing_payment_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="succeeded"),
                name="payment_one_success_per_invoice",
                violation_error_message=_("This invoice is already paid."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount} {self.status}"


class PrepaidAccount(models.Model):
    """BL-6: an org's prepaid balance (one per currency) = the sum of its append-only entries.

    `balance` is that sum, kept in the transaction that appends each entry
    (`BalanceEntry.save`), so reading a balance costs one row whatever the number
    of entries (a partner with 10,000 clients has ~450,000: a 55 ms SUM, issue 9).
    `billing_reconcile` checks it against the entries (`balance_stored_drift`).
    """

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="prepaid_accounts")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    balance = models.DecimalField(_("balance"), **SUMMARY_MONEY, default=Decimal("0.00"), editable=False)

    class Meta:
        verbose_name = _("prepaid account")
        verbose_name_plural = _("prepaid accounts")
        constraints = [models.UniqueConstraint(fields=["org", "currency"], name="prepaid_account_one_per_org_currency")]

    def __str__(self) -> str:
        return f"{self.org} ({self.currency})"


class BalanceEntry(ChoicesDisplayMixin, models.Model):
    class Kind(models.TextChoices):
        CASHBACK = "cashback", _("cashback earned")
        CASHBACK_REVERSAL = "cashback_reversal", _("cashback reversed")
        INVOICE_PAYMENT = "invoice_payment", _("invoice paid from balance")
        PAYOUT = "payout", _("payout")
        PAYOUT_RETURNED = "payout_returned", _("payout returned")
        CREDIT_NOTE = "credit_note", _("credit note")
        ADJUSTMENT = "adjustment", _("adjustment")

    account = models.ForeignKey(PrepaidAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.CharField(max_length=300, blank=True)
    cashback = models.ForeignKey(
        "CashbackEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="balance_entries"
    )
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payout = models.ForeignKey(
        "PayoutRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="balance_entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("balance entry")
        verbose_name_plural = _("balance entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cashback", "kind"], condition=Q(cashback__isnull=False), name="balance_one_credit_per_cashback"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableError("Balance entries are append-only.")
        # The entry and its account's running balance commit together; the UPDATE is one
        # atomic increment, so concurrent entries on one account each count once.
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            PrepaidAccount.objects.using(self._state.db).filter(pk=self.account_id).update(
                balance=models.F("balance") + self.amount
            )


class CashbackEntry(ChoicesDisplayMixin, models.Model):
    """BL-5/BL-6: append-only cashback ledger.

    Amounts never change. The only in-place change is the single
    `pending → earned` transition, stamped with `earned_at`, when the invoice is
    paid. Refunds and corrections are new entries with `reverses` set and the
    opposite amount (status `reversed`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        EARNED = "earned", _("earned")
        REVERSED = "reversed", _("reversed")

    partner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cashback_entries")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="cashback_entries")
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=ProductType.Category.choices)
    rate = models.DecimalField(max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    earned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cashback entry")
        verbose_name_plural = _("cashback entries")
        ordering = ["-created_at", "-id"]
        # The partner's ledger page, newest first (issue 9): without it a small partner's page
        # walked the whole table's `created_at` index past a big partner's entries.
        indexes = [models.Index(fields=["partner", "-created_at", "-id"], name="billing_cashback_partner_new")]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice_line"], condition=Q(reverses__isnull=True), name="cashback_one_per_invoice_line"
            ),
            models.CheckConstraint(
                condition=~Q(status="earned") | Q(earned_at__isnull=False), name="cashback_earned_has_timestamp"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.amount} {self.currency} ({self.status})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            current = CashbackEntry.objects.filter(pk=self.pk).values("amount", "status", "partner_id").first()
            if current is not None:
                if current["amount"] != self.amount or current["partner_id"] != self.partner_id:
                    raise ImmutableError("Cashback amounts are append-only.")
                if current["status"] != self.status and not (
                    current["status"] == self.Status.PENDING and self.status == self.Status.EARNED
                ):
                    raise ImmutableError("Only pending → earned may change in place.")
        super().save(*args, **kwargs)


class PayoutRequest(ChoicesDisplayMixin, models.Model):
    """BL-6: withdraw the prepaid balance; staff settle it in the admin."""

    class Method(models.TextChoices):
        BANK = "bank", _("bank transfer")
        PAYPAL = "paypal", _("PayPal")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        PAID = "paid", _("paid")
        REJECTED = "rejected", _("rejected")

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="payout_requests")
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, choices=Currency.choices)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    paypal_email = models.EmailField(_("PayPal email"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payout request")
        verbose_name_plural = _("payout requests")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.org} {self.amount} {self.currency} ({self.status})"

    def audit_repr(self) -> str:
        return f"{self.org} {self.currency} {self.amount}"


class RevenueMonth(models.Model):
    """BL-7/PP-4 summary: a partner's figures per currency, month and category (issue 9).

    Maintained by the services in the transaction that writes the ledger
    (`billing.summary`): `volume`/`discounts` from the managed lines of issued,
    non-cancelled invoices, in the month of issue; cashback by the month its
    entry was created (a reversal in the month of the credit note).
    """

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    month = models.DateField()  # first day of the month, in the site time zone
    category = models.CharField(max_length=20, choices=ProductType.Category.choices)
    volume = models.DecimalField(**SUMMARY_MONEY, default=0)
    discounts = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_pending = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_earned = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_reversed = models.DecimalField(**SUMMARY_MONEY, default=0)

    class Meta:
        verbose_name = _("monthly revenue summary")
        verbose_name_plural = _("monthly revenue summaries")
        ordering = ["partner", "currency", "month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "currency", "month", "category"], name="revenue_month_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.currency} {self.month:%Y-%m} {self.category}"

    @property
    def cashback(self) -> Decimal:
        return self.cashback_pending + self.cashback_earned + self.cashback_reversed


class RevenueClient(models.Model):
    """BL-7/PS-16 summary: a partner's figures per currency and client, all time (issue 9).

    `paid`: net of the managed lines of paid invoices; cashback split as in `RevenueMonth`.
    """

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    client = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    volume = models.DecimalField(**SUMMARY_MONEY, default=0)
    discounts = models.DecimalField(**SUMMARY_MONEY, default=0)
    paid = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_pending = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_earned = models.DecimalField(**SUMMARY_MONEY, default=0)
    cashback_reversed = models.DecimalField(**SUMMARY_MONEY, default=0)

    class Meta:
        verbose_name = _("client revenue summary")
        verbose_name_plural = _("client revenue summaries")
        ordering = ["partner", "currency", "-volume", "client"]
        # The console's by-client table: top clients by volume, read in index order.
        indexes = [models.Index(fields=["partner", "currency", "-volume", "client"], name="revenue_client_top")]
        constraints = [
            models.UniqueConstraint(fields=["partner", "currency", "client"], name="revenue_client_one_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.currency} {self.client_id}"
