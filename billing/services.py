"""Billing writes: orders, invoices, payments, cashback, payouts (BL-2…BL-11)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.audit import audit_record
from clients.models import CHF_COUNTRIES, Organization, Product, ProductType, Role
from clients.policy import capabilities_for_role
from clients.signals import product_ordered
from clients.tenancy import Access
from portal.errors import InvalidInput, NotAllowed, RuleViolation
from portal.outbox import email_enqueue

from . import partner_terms, summary
from .gateway import get_gateway
from .models import (
    PERIOD_MONTHS,
    BalanceEntry,
    CashbackEntry,
    HostingTier,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PayoutRequest,
    Period,
    PrepaidAccount,
    Price,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SWISS_VAT_RATE = Decimal("0.081")
REVERSE_CHARGE_TEXT = "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)."
RENEWAL_THRESHOLDS = (30, 7)


def money(value: Decimal) -> Decimal:
    """Round once, where the invoice line is made (ROUND_HALF_UP to 0.01)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- pricing (BL-1, BL-4, PP-5) ---------------------------------------------------------------


def price_lookup(*, product_type: ProductType, period: str, currency: str) -> Decimal:
    amount = (
        Price.objects.filter(product_type=product_type, period=period, currency=currency)
        .values_list("amount", flat=True)
        .first()
    )
    if amount is None:
        raise InvalidInput(
            "no_price",
            _("%(type)s is not sold for this period in %(currency)s.")
            % {"type": product_type.name, "currency": currency},
            fields={"period": [_("Choose a period this product is sold for.")]},
        )
    return amount


def tier_discount_for(*, count: int) -> Decimal:
    """BL-1: the discount of the highest tier whose minimum `count` reaches."""
    tier = HostingTier.objects.filter(min_count__lte=count).order_by("-min_count").first()
    return tier.discount if tier else Decimal("0")


def hostings_held_by(*, payer: Organization) -> int:
    """Web hostings the payer holds or pays for (its own and its partner-pays clients')."""
    return Product.objects.filter(
        partner_terms.hosting_orgs_paid_by(payer=payer),
        product_type__category=ProductType.Category.WEB_HOSTING,
        status=Product.Status.ACTIVE,
    ).count()


def line_amounts(
    *, unit_price: Decimal, tier_discount: Decimal, partner_discount: Decimal, quantity: int = 1
) -> tuple[Decimal, Decimal]:
    """(public amount after tiers, net invoiced amount), each rounded once.

    PP-5: the partner rate multiplies the tier price, never replaces it:
    347.20 × (1 − 0.20) = 277.76; × (1 − 0.25) = 208.32.
    """
    after_tier = Decimal(unit_price) * (1 - Decimal(tier_discount)) * quantity
    net = after_tier * (1 - Decimal(partner_discount))
    return money(after_tier), money(net)


def line_discounts(
    *, product_type: ProductType, terms: partner_terms.OrderTerms, hostings: int
) -> tuple[Decimal, Decimal]:
    """(tier discount, partner discount) of an order line: the BL-1 tier of web hosting for
    `hostings` held by the payer (a new hosting counted), the PP-5 rebate when it applies."""
    tier = Decimal("0")
    if product_type.category == ProductType.Category.WEB_HOSTING:
        tier = tier_discount_for(count=hostings)
    return tier, terms.partner_rate if terms.discount_applies else Decimal("0")


@dataclass(frozen=True)
class PriceQuote:
    """What the payer pays for a new product of a type for a period, VAT excluded: the same
    figures `order_place` puts on the invoice line."""

    period: str
    label: str
    public_price: Decimal
    tier_discount: Decimal
    partner_discount: Decimal
    amount: Decimal

    @property
    def discounted(self) -> bool:
        return self.amount != self.public_price


@dataclass(frozen=True)
class ShopQuote:
    payer: Organization
    currency: str
    rows: list[tuple[ProductType, list[PriceQuote]]]


def order_quote(*, access: Access, client: Organization, product_types: Iterable[ProductType]) -> ShopQuote:
    """BL-1/BL-4/PP-5: the price of one new product of each type, per period sold in the
    payer's currency, as `order_place` would invoice it now (who pays, tier, partner rebate).

    `product_types` come with their prices prefetched (`selectors.catalog()`); the terms are
    asked once per category (they depend on the category only, for a new product)."""
    product_types = list(product_types)
    payer = partner_terms.payer_of(client=client)
    currency = payer.currency
    hostings = None
    terms_by_category: dict[str, partner_terms.OrderTerms] = {}
    rows = []
    for pt in product_types:
        prices = [p for p in pt.prices.all() if p.currency == currency]
        if not prices:
            continue
        if pt.category not in terms_by_category:
            terms_by_category[pt.category] = partner_terms.terms_for_order(
                client=client, ordered_by_access=access, product_type=pt
            )
        if hostings is None and pt.category == ProductType.Category.WEB_HOSTING:
            hostings = hostings_held_by(payer=payer) + 1  # the new hosting counts itself
        tier, partner_discount = line_discounts(
            product_type=pt, terms=terms_by_category[pt.category], hostings=hostings or 0
        )
        quotes = []
        for price in sorted(prices, key=lambda p: PERIOD_MONTHS[p.period]):
            public, net = line_amounts(unit_price=price.amount, tier_discount=tier, partner_discount=partner_discount)
            quotes.append(
                PriceQuote(
                    period=price.period,
                    label=Period(price.period).label,
                    public_price=money(price.amount),
                    tier_discount=tier,
                    partner_discount=partner_discount,
                    amount=net,
                )
            )
        rows.append((pt, quotes))
    return ShopQuote(payer=payer, currency=currency, rows=rows)


def vat_terms(*, payer: Organization) -> tuple[Decimal, bool, str]:
    """BL-8: (rate, reverse charge?, legal text). Swiss/Liechtenstein payers 8.1%;
    a foreign business with a VAT number: reverse charge 0%; others 8.1%
    (simplification recorded in docs/decisions.md)."""
    if payer.country.upper() in CHF_COUNTRIES:
        return SWISS_VAT_RATE, False, ""
    if payer.is_company and payer.vat_number:
        return Decimal("0"), True, REVERSE_CHARGE_TEXT
    return SWISS_VAT_RATE, False, ""


# --- invoices (BL-8) ---------------------------------------------------------------------------


def invoice_number_next(*, year: int) -> str:
    """Gap-free per year: the counter row is locked until the caller's transaction ends,
    so a rolled-back invoice gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_number_next must run inside the invoice's transaction")
    InvoiceCounter.objects.get_or_create(year=year)
    counter = InvoiceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{year}-{counter.last_number:06d}"


@dataclass
class LineData:
    description: str
    product_type: ProductType
    period: str
    unit_price: Decimal
    tier_discount: Decimal
    partner_discount: Decimal
    client: Organization
    product: Product | None = None
    quantity: int = 1
    managing_partner: Organization | None = None
    partner_rate: Decimal = Decimal("0")
    cashback: bool = False


def billing_recipients(*, org: Organization):
    from portal.models import User

    return User.objects.filter(
        memberships__org=org,
        memberships__role__in=[Role.LEGAL_REPRESENTATIVE, Role.ADMINISTRATOR],
        is_active=True,
    ).distinct()


def cashback_recipients(*, org: Organization):
    """The active members whose role may see the org's cashback and balance (the payout emails):
    read from the policy, not a list of roles."""
    from portal.models import User

    roles = [role for role in Role.values if "cashback.view" in capabilities_for_role(role)]
    return User.objects.filter(memberships__org=org, memberships__role__in=roles, is_active=True).distinct()


def needs_vat_prompt(org: Organization) -> bool:
    """ORG-4: a company without a VAT number is invited to add one."""
    return org.is_company and not org.vat_number


def invoice_issue(
    *,
    payer: Organization,
    lines: Iterable[LineData],
    order: Order | None = None,
    invoice_note: str | None = None,
    actor_org: Organization | None = None,
) -> Invoice:
    """Issue an invoice (numbered, amounts frozen) and its pending cashback entries.

    `actor_org`: the org the order was placed from (AU-1), recorded on the audit event."""
    lines = list(lines)
    if not lines:
        raise InvalidInput("empty_invoice", _("An invoice needs at least one line."))
    now = timezone.now()
    rate, reverse_charge, legal_text = vat_terms(payer=payer)
    currency = payer.currency
    computed = []
    for data in lines:
        public_amount, net_amount = line_amounts(
            unit_price=data.unit_price,
            tier_discount=data.tier_discount,
            partner_discount=data.partner_discount,
            quantity=data.quantity,
        )
        computed.append((data, public_amount, net_amount))
    net = sum((n for _d, _p, n in computed), ZERO)
    vat_amount = money(net * rate)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            org=payer,
            number=invoice_number_next(year=now.year),
            order=order,
            issued_at=now,
            due_on=(now + timedelta(days=30)).date(),
            currency=currency,
            net=net,
            vat_rate=rate,
            vat_amount=vat_amount,
            gross=net + vat_amount,
            vat_number=payer.vat_number,
            invoice_note=(invoice_note if invoice_note is not None else payer.invoice_note)[:128],
            reverse_charge=reverse_charge,
            legal_text=legal_text,
            payer_name=payer.name,
            payer_address=", ".join(p for p in [payer.street, f"{payer.postal_code} {payer.city}".strip()] if p),
            payer_country=payer.country,
        )
        created_lines, created_entries = [], []
        for data, public_amount, net_amount in computed:
            line = InvoiceLine.objects.create(
                invoice=invoice,
                description=data.description,
                product=data.product,
                product_type=data.product_type,
                category=data.product_type.category,
                period=data.period,
                quantity=data.quantity,
                unit_price=data.unit_price,
                tier_discount=data.tier_discount,
                partner_discount=data.partner_discount,
                public_amount=public_amount,
                net_amount=net_amount,
                client=data.client,
                managing_partner=data.managing_partner,
                partner_rate=data.partner_rate,
            )
            created_lines.append(line)
            if data.cashback and data.managing_partner is not None and data.partner_rate > 0:
                # BL-5: public price (after tiers) × the managing partner's rate.
                entry = CashbackEntry.objects.create(
                    partner=data.managing_partner,
                    invoice_line=line,
                    client=data.client,
                    category=line.category,
                    rate=data.partner_rate,
                    amount=money(public_amount * data.partner_rate),
                    currency=currency,
                    status=CashbackEntry.Status.PENDING,
                    created_at=now,
                )
                created_entries.append(entry)
        summary.record_issue(invoice=invoice, lines=created_lines, entries=created_entries)
        audit_record(
            action="invoice.issued",
            org=payer,
            actor_org=actor_org,
            target=invoice,
            details={"number": invoice.number, "gross": str(invoice.gross), "currency": currency},
        )
        link = reverse("billing:invoice_detail", args=[invoice.pk])
        for user in billing_recipients(org=payer):
            email_enqueue(
                key=f"invoice-issued:{invoice.pk}:{user.pk}",
                to=user,
                template="billing/invoice_issued",
                context={"invoice": invoice, "org": payer},
                link=link,
                org=payer,
            )
    return invoice


# --- orders and renewals (BL-2, BL-3, BL-4) ----------------------------------------------------


@dataclass
class OrderItem:
    product_type: ProductType
    period: str
    name: str = ""
    product: Product | None = None  # set for a renewal


def _extend(start: date, period: str) -> date:
    return start + relativedelta(months=PERIOD_MONTHS[period])


PRODUCT_NAME_MAX = Product._meta.get_field("name").max_length
DOMAIN_MAX = 253  # RFC 1035: a domain name in ASCII (IDNA) form
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# The catalog has no extension field: a domain type names its extension first, as ".ch domain".
_TYPE_TLD = re.compile(r"^\s*\.([^\s.]+(?:\.[^\s.]+)*)\s")


def domain_tld_of(product_type: ProductType) -> str:
    """The extension a domain product type sells ("ch" for ".ch domain"), or "" when its name gives none."""
    if product_type.category != ProductType.Category.DOMAIN:
        return ""
    match = _TYPE_TLD.match(f"{product_type.name} ")
    return match.group(1).lower() if match else ""


def _ascii_domain(name: str) -> str | None:
    """`name` in IDNA ASCII form if it is a syntactically valid domain name, else None:
    two labels or more of letters, digits and inner hyphens (1–63 characters each, IDN
    labels through Python's IDNA codec), at most 253 characters, a top-level label that
    is not all digits."""
    try:
        ascii_name = name.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_name.split(".")
    if len(ascii_name) > DOMAIN_MAX or len(labels) < 2 or labels[-1].isdigit():
        return None
    return ascii_name if all(_LABEL.match(label) for label in labels) else None


def product_name_clean(*, product_type: ProductType, name: str) -> str:
    """The name of a new product as stored: required, at most the model's length; for a
    domain type, a valid domain name (lower case) ending in the type's extension."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name_required", _("Give the new product a name."), fields={"name": [_("Required.")]})
    if len(name) > PRODUCT_NAME_MAX:
        message = _("The name has at most %(max)s characters.") % {"max": PRODUCT_NAME_MAX}
        raise InvalidInput("name_too_long", message, fields={"name": [message]})
    if product_type.category != ProductType.Category.DOMAIN:
        return name
    name = name.lower()
    ascii_name = _ascii_domain(name)
    if ascii_name is None:
        message = _("Enter a valid domain name, such as example.ch.")
        raise InvalidInput("invalid_domain", message, fields={"name": [message]})
    tld = domain_tld_of(product_type)
    if tld:
        ascii_tld = _ascii_domain(f"x.{tld}")
        if ascii_tld is None or not ascii_name.endswith(ascii_tld[1:]):
            message = _("This domain must end in .%(tld)s, such as example.%(tld)s.") % {"tld": tld}
            raise InvalidInput("wrong_domain_extension", message, fields={"name": [message]})
    return name


def order_note_allowed(*, access: Access, client: Organization, payer: Organization) -> bool:
    """ORG-5/BL-4: an order's billing reference is printed on the payer's invoice, so it is the
    payer's to give: the client's when it pays (whoever orders in its account), the partner's
    when it pays and orders itself. A client whose partner pays can't put its reference on the
    partner's invoice, which carries the partner's own default note (PS-8)."""
    return payer.pk == client.pk or payer.pk == access.from_org.pk


def order_place(
    *,
    access: Access,
    client: Organization,
    items: list[OrderItem],
    invoice_note_override: str | None = None,
) -> Order:
    """BL-2/BL-3/BL-4: place an order (new products or renewals) for `client`.

    The client orders for itself; its full partner orders with the order right
    (an acting-for Access). A limited partner, or anyone without the right, is
    refused. Products always go to the client's org; the invoice to the payer.
    """
    if not partner_terms.may_order(access=access, client=client):
        raise NotAllowed("not_allowed_to_order", _("You may not order or renew products for this organization."))
    if not items:
        raise InvalidInput("empty_order", _("Choose at least one product."), fields={"items": [_("Required.")]})
    # New products' names as stored (checked, a domain lower-cased), on copies of the caller's items.
    items = [
        i if i.product is not None else replace(i, name=product_name_clean(product_type=i.product_type, name=i.name))
        for i in items
    ]
    for item in items:
        if item.period not in Period.values:
            raise InvalidInput("invalid_period", _("Unknown period."), fields={"period": [_("Unknown period.")]})
        if item.product is not None and item.product.org_id != client.pk:
            raise RuleViolation("not_found", _("Not found."), status=404)
        if not item.product_type.active and item.product is None:
            raise InvalidInput("not_sold", _("This product is no longer sold."))
    if invoice_note_override is not None and len(invoice_note_override) > 128:
        raise InvalidInput(
            "invoice_note_too_long",
            _("The billing reference has at most 128 characters."),
            fields={"invoice_note": [_("At most 128 characters.")]},
        )
    kind = Order.Kind.RENEWAL if all(i.product is not None for i in items) else Order.Kind.NEW
    with transaction.atomic():
        terms = [
            partner_terms.terms_for_order(
                client=client, ordered_by_access=access, product_type=i.product_type, product=i.product
            )
            for i in items
        ]
        payer = terms[0].payer
        if invoice_note_override and not order_note_allowed(access=access, client=client, payer=payer):
            message = _("Your partner pays for this order: its invoice carries the partner's own billing reference.")
            raise InvalidInput("invoice_note_not_yours", message, fields={"invoice_note": [message]})
        currency = payer.currency
        prices = [price_lookup(product_type=i.product_type, period=i.period, currency=currency) for i in items]
        order = Order.objects.create(
            client=client,
            payer=payer,
            placed_by=access.user,
            placed_by_org=access.from_org,
            kind=kind,
            invoice_note=invoice_note_override or "",
        )
        hostings = hostings_held_by(payer=payer)
        today = timezone.localdate()
        line_data: list[LineData] = []
        for item, term, unit_price in zip(items, terms, prices, strict=True):
            if item.product is None:
                product = Product.objects.create(
                    org=client,
                    product_type=item.product_type,
                    name=item.name.strip(),
                    expires_at=_extend(today, item.period),
                )
                product_ordered.send(sender=Product, product=product)
                description = _("%(type)s “%(name)s”, %(period)s") % {
                    "type": item.product_type.name,
                    "name": product.name,
                    "period": Period(item.period).label,
                }
            else:
                product = Product.objects.select_for_update().get(pk=item.product.pk)
                start = max(product.expires_at or today, today)
                product.expires_at = _extend(start, item.period)
                product.status = Product.Status.ACTIVE
                product.save(update_fields=["expires_at", "status"])
                description = _("Renewal of %(type)s “%(name)s”, %(period)s, until %(date)s") % {
                    "type": item.product_type.name,
                    "name": product.name,
                    "period": Period(item.period).label,
                    "date": product.expires_at.isoformat(),
                }
            OrderLine.objects.create(
                order=order, product_type=item.product_type, product=product, name=product.name, period=item.period
            )
            if item.product is None and item.product_type.category == ProductType.Category.WEB_HOSTING:
                hostings += 1  # the new hosting counts itself
            tier, partner_discount = line_discounts(product_type=item.product_type, terms=term, hostings=hostings)
            line_data.append(
                LineData(
                    description=description,
                    product_type=item.product_type,
                    period=item.period,
                    unit_price=unit_price,
                    tier_discount=tier,
                    partner_discount=partner_discount,
                    client=client,
                    product=product,
                    managing_partner=term.managing_partner,
                    partner_rate=term.partner_rate if term.managing_partner else Decimal("0"),
                    cashback=term.cashback_applies,
                )
            )
        invoice = invoice_issue(
            payer=payer, lines=line_data, order=order, invoice_note=invoice_note_override, actor_org=access.from_org
        )
        audit_record(
            action="order.renewed" if kind == Order.Kind.RENEWAL else "order.placed",
            org=client,
            actor=access.user,
            actor_org=access.from_org,
            target=order,
            details={
                "items": [{"type": i.product_type.slug, "period": i.period} for i in items],
                "payer": payer.slug,
                # The number only when the invoice is the client's own: a partner's invoice stays its own (PS-8).
                **({"invoice": invoice.number} if payer.pk == client.pk else {}),
            },
        )
    return order


def product_renew(*, access: Access, product: Product, period: str) -> Order:
    return order_place(
        access=access,
        client=product.org,
        items=[OrderItem(product_type=product.product_type, period=period, product=product)],
    )


# --- prepaid balance (BL-6) --------------------------------------------------------------------


def prepaid_account_for(*, org: Organization, currency: str, lock: bool = False) -> PrepaidAccount:
    account, _created = PrepaidAccount.objects.get_or_create(org=org, currency=currency)
    if lock:
        account = PrepaidAccount.objects.select_for_update().get(pk=account.pk)
    return account


def balance_of(*, account: PrepaidAccount) -> Decimal:
    """The account's balance as stored now (Σ of its entries, kept by `BalanceEntry.save`).

    Read again rather than from `account`, which may predate an entry of this transaction;
    callers that decide on it (a payment, a payout) hold the account's row lock."""
    return PrepaidAccount.objects.filter(pk=account.pk).values_list("balance", flat=True).first() or ZERO


def prepaid_balances_rebuild(*, org: Organization | None = None) -> int:
    """Set each account's stored balance to Σ of its entries (after rows written without the
    model, as `bench_data`'s COPY; `billing_reconcile` reports any drift). Returns the accounts
    changed. Summed in Python on the stored Decimals (SQLite would sum floats)."""
    accounts = PrepaidAccount.objects.all() if org is None else PrepaidAccount.objects.filter(org=org)
    changed = 0
    with transaction.atomic():
        # Locked before summing: an entry committed earlier is in the sum; one committing later
        # waits for the lock to add itself to the rebuilt balance (`BalanceEntry.save`).
        stored = dict(accounts.select_for_update().order_by("pk").values_list("pk", "balance"))
        totals: dict[int, Decimal] = dict.fromkeys(stored, ZERO)
        entries = BalanceEntry.objects.filter(account_id__in=list(stored)).values_list("account_id", "amount")
        for account_id, amount in entries.iterator(chunk_size=10_000):
            totals[account_id] += amount
        for account_id, total in totals.items():
            if stored[account_id] != total:
                changed += PrepaidAccount.objects.filter(pk=account_id).update(balance=total)
    return changed


# --- payments (BL-9) ---------------------------------------------------------------------------


def _cashback_earn(*, invoice: Invoice) -> list[CashbackEntry]:
    """BL-6: the invoice is paid → its pending cashback becomes earned and is credited."""
    now = timezone.now()
    earned = []
    entries = CashbackEntry.objects.select_for_update().filter(
        invoice_line__invoice=invoice, status=CashbackEntry.Status.PENDING, reverses__isnull=True
    )
    for entry in entries:
        if hasattr(entry, "reversed_by"):
            continue
        entry.status = CashbackEntry.Status.EARNED
        entry.earned_at = now
        entry.save(update_fields=["status", "earned_at"])
        account = prepaid_account_for(org=entry.partner, currency=entry.currency)
        BalanceEntry.objects.create(
            account=account,
            kind=BalanceEntry.Kind.CASHBACK,
            amount=entry.amount,
            cashback=entry,
            invoice=invoice,
            description=_("Cashback on invoice %(number)s") % {"number": invoice.number},
        )
        earned.append(entry)
    partners = {e.partner_id: e.partner for e in earned}
    for partner in partners.values():
        total = sum((e.amount for e in earned if e.partner_id == partner.pk), ZERO)
        for user in billing_recipients(org=partner):
            # Decision: one cashback email per paid invoice and partner.
            email_enqueue(
                key=f"cashback-earned:{invoice.pk}:{partner.pk}:{user.pk}",
                to=user,
                template="billing/cashback_earned",
                context={"invoice": invoice, "amount": total, "currency": invoice.currency, "partner": partner},
                link=reverse("billing:revenue"),
                org=partner,
            )
    return earned


def _mark_paid(*, invoice: Invoice, payment: Payment, access: Access) -> None:
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = payment.created_at
    invoice.save(update_fields=["status", "paid_at"])
    earned = _cashback_earn(invoice=invoice)
    summary.record_payment(invoice=invoice, earned=earned)
    audit_record(
        action="invoice.paid",
        org=invoice.org,
        actor=access.user,
        actor_org=access.from_org,
        target=invoice,
        details={"number": invoice.number, "method": payment.method, "reference": payment.gateway_reference},
    )
    for recipient in billing_recipients(org=invoice.org):
        email_enqueue(
            key=f"payment-received:{payment.pk}:{recipient.pk}",
            to=recipient,
            template="billing/payment_received",
            context={"invoice": invoice, "payment": payment},
            link=reverse("billing:invoice_detail", args=[invoice.pk]),
            org=invoice.org,
        )


def invoice_pay(*, access: Access, invoice: Invoice, method: str = "card", card_number: str = "") -> Payment:
    """Pay an unpaid invoice by card (through the gateway) or from the prepaid balance.

    The invoice row is locked for the whole attempt, and a partial unique
    constraint allows one successful payment per invoice: two concurrent
    payments never both succeed.
    """
    if access.is_acting_for_client or invoice.org_id != access.org.pk:
        raise RuleViolation("not_found", _("Not found."), status=404)
    access.require("billing.pay")
    if method not in PaymentMethod.values:
        raise InvalidInput("invalid_method", _("Unknown payment method."), fields={"method": [_("Card or balance.")]})
    failure = None
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.kind != Invoice.Kind.INVOICE or locked.status != Invoice.Status.UNPAID:
            raise RuleViolation("invoice_not_payable", _("This invoice is already paid or cancelled."))
        if method == PaymentMethod.BALANCE:
            account = prepaid_account_for(org=locked.org, currency=locked.currency, lock=True)
            if balance_of(account=account) < locked.gross:
                raise RuleViolation(
                    "insufficient_balance", _("Your prepaid balance does not cover this invoice."), status=409
                )
            reference = f"balance:{account.pk}"
        else:
            result = get_gateway().charge(
                amount=locked.gross, currency=locked.currency, card_number=card_number, description=locked.number
            )
            if not result.succeeded:
                failure = result
            reference = result.reference
        if failure is None:
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        invoice=locked,
                        amount=locked.gross,
                        currency=locked.currency,
                        method=method,
                        status=Payment.Status.SUCCEEDED,
                        gateway_reference=reference,
                        paid_by=access.user,
                    )
            except IntegrityError:
                raise RuleViolation("invoice_not_payable", _("This invoice is already paid or cancelled."))
            if method == PaymentMethod.BALANCE:
                BalanceEntry.objects.create(
                    account=account,
                    kind=BalanceEntry.Kind.INVOICE_PAYMENT,
                    amount=-locked.gross,
                    invoice=locked,
                    description=_("Invoice %(number)s") % {"number": locked.number},
                )
            _mark_paid(invoice=locked, payment=payment, access=access)
            return payment
        payment = Payment.objects.create(
            invoice=locked,
            amount=locked.gross,
            currency=locked.currency,
            method=method,
            status=Payment.Status.FAILED,
            gateway_reference=failure.reference,
            message=str(failure.message)[:300],
            paid_by=access.user,
        )
        audit_record(
            action="invoice.payment_failed",
            org=locked.org,
            actor=access.user,
            actor_org=access.from_org,
            target=locked,
            details={"number": locked.number, "message": str(failure.message)},
        )
        email_enqueue(
            key=f"payment-failed:{payment.pk}",
            to=access.user,
            template="billing/payment_failed",
            context={"invoice": locked, "message": failure.message},
            link=reverse("billing:to_pay"),
            org=locked.org,
        )
    # SPEC §9 lists 400/401/403/404/409: a declined card is a refusal of the action (409).
    raise RuleViolation("payment_failed", failure.message, status=409)


# --- credit notes and reversals (BL-6, BL-8) ---------------------------------------------------


def invoice_credit(*, invoice: Invoice, by=None, reason: str = "") -> Invoice:
    """Correct an issued invoice with a credit note (a negative invoice referencing it).

    Unpaid original → cancelled. Paid original → the gross is credited to the
    payer's prepaid balance. Cashback on it is reversed by new entries.
    """
    now = timezone.now()
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != Invoice.Kind.INVOICE or original.status == Invoice.Status.CANCELLED:
            raise RuleViolation("not_creditable", _("This invoice can't be credited."))
        if original.credit_notes.exists():
            raise RuleViolation("already_credited", _("This invoice already has a credit note."))
        note = Invoice.objects.create(
            org=original.org,
            kind=Invoice.Kind.CREDIT_NOTE,
            credit_of=original,
            number=invoice_number_next(year=now.year),
            issued_at=now,
            currency=original.currency,
            net=-original.net,
            vat_rate=original.vat_rate,
            vat_amount=-original.vat_amount,
            gross=-original.gross,
            vat_number=original.vat_number,
            invoice_note=original.invoice_note,
            reverse_charge=original.reverse_charge,
            legal_text=original.legal_text,
            payer_name=original.payer_name,
            payer_address=original.payer_address,
            payer_country=original.payer_country,
            status=Invoice.Status.PAID,
            paid_at=now,
        )
        original_lines, reversals = list(original.lines.all()), []
        for line in original_lines:
            credit_line = InvoiceLine.objects.create(
                invoice=note,
                description=_("Credit: %(line)s") % {"line": line.description},
                product=line.product,
                product_type=line.product_type,
                category=line.category,
                period=line.period,
                quantity=line.quantity,
                unit_price=-line.unit_price,
                tier_discount=line.tier_discount,
                partner_discount=line.partner_discount,
                public_amount=-line.public_amount,
                net_amount=-line.net_amount,
                client=line.client,
                managing_partner=line.managing_partner,
                partner_rate=line.partner_rate,
            )
            for entry in line.cashback_entries.filter(reverses__isnull=True):
                if hasattr(entry, "reversed_by"):
                    continue
                reversal = CashbackEntry.objects.create(
                    partner=entry.partner,
                    invoice_line=credit_line,
                    client=entry.client,
                    category=entry.category,
                    rate=entry.rate,
                    amount=-entry.amount,
                    currency=entry.currency,
                    status=CashbackEntry.Status.REVERSED,
                    reverses=entry,
                    created_at=now,
                )
                reversals.append(reversal)
                if entry.status == CashbackEntry.Status.EARNED:
                    BalanceEntry.objects.create(
                        account=prepaid_account_for(org=entry.partner, currency=entry.currency),
                        kind=BalanceEntry.Kind.CASHBACK_REVERSAL,
                        amount=-entry.amount,
                        cashback=reversal,
                        invoice=note,
                        description=_("Cashback reversed by %(number)s") % {"number": note.number},
                    )
        if original.status == Invoice.Status.PAID:
            BalanceEntry.objects.create(
                account=prepaid_account_for(org=original.org, currency=original.currency),
                kind=BalanceEntry.Kind.CREDIT_NOTE,
                amount=original.gross,
                invoice=note,
                description=_("Credit note %(number)s") % {"number": note.number},
            )
        else:
            original.status = Invoice.Status.CANCELLED
            original.save(update_fields=["status"])
        summary.record_credit(
            original=original,
            lines=original_lines,
            reversals=reversals,
            cancelled=original.status == Invoice.Status.CANCELLED,
        )
        audit_record(
            action="invoice.credited",
            org=original.org,
            actor=by,
            target=original,
            details={"credit_note": note.number, "reason": reason},
        )
    return note


# --- payouts (BL-6) ----------------------------------------------------------------------------


def payout_request_create(
    *,
    access: Access,
    amount: Decimal,
    currency: str,
    method: str,
    iban: str = "",
    account_holder: str = "",
    paypal_email: str = "",
) -> PayoutRequest:
    """Withdraw from the prepaid balance: the amount is reserved (debited) now and
    returned if staff reject the request."""
    if access.is_acting_for_client:
        raise RuleViolation("not_found", _("Not found."), status=404)
    access.require("cashback.view")
    access.require("billing.pay")
    amount = money(Decimal(amount))
    if amount <= 0:
        raise InvalidInput("invalid_amount", _("Enter a positive amount."), fields={"amount": [_("Positive.")]})
    if method == PayoutRequest.Method.BANK:
        from stdnum import iban as iban_check

        if not iban_check.is_valid(iban or ""):
            raise InvalidInput(
                "invalid_iban",
                _("Enter a valid IBAN, e.g. CH93 0076 2011 6238 5295 7."),
                fields={"iban": [_("Invalid IBAN.")]},
            )
        iban = iban_check.compact(iban)
    elif method == PayoutRequest.Method.PAYPAL:
        if "@" not in (paypal_email or ""):
            raise InvalidInput(
                "invalid_paypal", _("Enter your PayPal email."), fields={"paypal_email": [_("Required.")]}
            )
    else:
        raise InvalidInput("invalid_method", _("Bank transfer or PayPal."), fields={"method": [_("Unknown.")]})
    with transaction.atomic():
        account = prepaid_account_for(org=access.org, currency=currency, lock=True)
        if balance_of(account=account) < amount:
            raise RuleViolation("insufficient_balance", _("Your prepaid balance is lower than this amount."))
        payout = PayoutRequest.objects.create(
            org=access.org,
            amount=amount,
            currency=currency,
            method=method,
            iban=iban,
            account_holder=account_holder,
            paypal_email=paypal_email,
            requested_by=access.user,
        )
        BalanceEntry.objects.create(
            account=account,
            kind=BalanceEntry.Kind.PAYOUT,
            amount=-amount,
            payout=payout,
            description=_("Payout request #%(id)s") % {"id": payout.pk},
        )
        audit_record(
            action="payout.requested",
            org=access.org,
            actor=access.user,
            actor_org=access.from_org,
            target=payout,
            details={"amount": str(amount), "currency": currency, "method": method},
        )
        # BL-6/NT-2: a confirmation to the people who see the balance (idempotent per request and person).
        for user in cashback_recipients(org=access.org):
            email_enqueue(
                key=f"payout-requested:{payout.pk}:{user.pk}",
                to=user,
                template="billing/payout_requested",
                context={"payout": payout, "org": access.org},
                link=reverse("billing:cashback"),
                org=access.org,
            )
    return payout


def payout_settle(*, payout: PayoutRequest, by, paid: bool, note: str = "") -> PayoutRequest:
    """Staff settle a payout: paid (money sent) or rejected (the amount returns to the balance)."""
    with transaction.atomic():
        payout = PayoutRequest.objects.select_for_update().get(pk=payout.pk)
        if payout.status != PayoutRequest.Status.REQUESTED:
            raise RuleViolation("payout_settled", _("This payout request is already settled."))
        payout.status = PayoutRequest.Status.PAID if paid else PayoutRequest.Status.REJECTED
        payout.settled_at = timezone.now()
        payout.settled_by = by
        payout.note = note[:300]
        payout.save(update_fields=["status", "settled_at", "settled_by", "note"])
        if not paid:
            BalanceEntry.objects.create(
                account=prepaid_account_for(org=payout.org, currency=payout.currency),
                kind=BalanceEntry.Kind.PAYOUT_RETURNED,
                amount=payout.amount,
                payout=payout,
                description=_("Payout request #%(id)s rejected") % {"id": payout.pk},
            )
        audit_record(
            action="payout.paid" if paid else "payout.rejected",
            org=payout.org,
            actor=by,
            target=payout,
            details={"note": note},
        )
        # BL-6/NT-2: the outcome, with the reason given (one email per settlement and person).
        for user in cashback_recipients(org=payout.org):
            email_enqueue(
                key=f"payout-settled:{payout.pk}:{payout.status}:{user.pk}",
                to=user,
                template="billing/payout_settled",
                context={"payout": payout, "org": payout.org, "paid": paid, "reason": payout.note},
                link=reverse("billing:cashback"),
                org=payout.org,
            )
    return payout


# --- renewal notices (BL-11) -------------------------------------------------------------------


def renewal_notices_send(*, today: date | None = None) -> int:
    """Email the payer 30 and 7 days before a product expires (idempotent per
    product, threshold and expiry date)."""
    today = today or timezone.localdate()
    sent = 0
    for days in RENEWAL_THRESHOLDS:
        due = today + timedelta(days=days)
        products = Product.objects.filter(expires_at=due, status=Product.Status.ACTIVE).select_related(
            "org", "product_type"
        )
        for product in products:
            terms = partner_terms.terms_for_order(
                client=product.org, ordered_by_access=None, product_type=product.product_type, product=product
            )
            payer = terms.payer
            for user in billing_recipients(org=payer):
                email_enqueue(
                    key=f"renewal-notice:{product.pk}:{days}:{product.expires_at.isoformat()}:{user.pk}",
                    to=user,
                    template="billing/renewal_notice",
                    context={
                        "product": product,
                        "days": days,
                        "payer": payer,
                        "client": product.org,
                        "vat_prompt": needs_vat_prompt(payer),
                        "edit_link": _org_edit_link(),
                    },
                    link=reverse("billing:products"),
                    org=payer,
                )
                sent += 1
    return sent


def _org_edit_link() -> str:
    from django.urls import NoReverseMatch

    from portal.outbox import absolute_url

    try:
        return absolute_url(reverse("manager:org_edit"))
    except NoReverseMatch:
        return absolute_url(reverse("manager:org_detail"))
