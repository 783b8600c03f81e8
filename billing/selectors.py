"""Billing reads. Each takes the requester's Access and returns what it may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.models import Organization, Product, ProductType
from clients.tenancy import Access

from . import partner_terms
from .models import CashbackEntry, Invoice, InvoiceLine, Price

ZERO = Decimal("0.00")
INVOICE_CLIENTS_CACHE_SECONDS = 24 * 3600


def _q(value) -> Decimal:
    """Sums come back from SQLite as long decimals: show them to the cent."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


MINIMUM_VOLUME = {"CHF": Decimal("2000"), "EUR": Decimal("1800")}  # PP-1a / PP-4


def catalog() -> QuerySet[ProductType]:
    """BL-1: the active product types with their prices."""
    return (
        ProductType.objects.filter(active=True)
        .prefetch_related(Prefetch("prices", queryset=Price.objects.order_by("period", "currency")))
        .order_by("category", "name")
    )


def catalog_entry(product_type: ProductType) -> dict:
    prices: dict[str, dict[str, str]] = defaultdict(dict)
    periods: list[str] = []
    for price in product_type.prices.all():
        prices[price.currency][price.period] = str(price.amount)
        if price.period not in periods:
            periods.append(price.period)
    return {
        "slug": product_type.slug,
        "category": product_type.category,
        "name": product_type.name,
        "periods": periods,
        "prices": dict(prices),
    }


def products_visible_to(*, access: Access) -> QuerySet[Product]:
    """The acting org's products; a limited partnership narrows them to its grant (PS-4).
    Partners decides what a partnership's scope shows; billing only orders the list."""
    return partner_terms.products_visible_to(access=access).order_by("name", "id")


def invoices_visible_to(*, access: Access, client: Organization | None = None, status: str = "") -> QuerySet[Invoice]:
    """Invoices live in the payer's org only (PS-8); partner people acting for a
    client never see the client's invoices (PS-12)."""
    if access is None or access.is_acting_for_client or not access.can("billing.view"):
        return Invoice.objects.none()
    qs = Invoice.objects.filter(org=access.org)
    if client is not None:
        qs = qs.filter(lines__client=client).distinct()
    if status in Invoice.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_at", "-id")


def invoice_for(*, access: Access, pk) -> Invoice | None:
    return invoices_visible_to(access=access).filter(pk=pk).prefetch_related("lines", "payments").first()


def unpaid_invoices(*, access: Access) -> QuerySet[Invoice]:
    return invoices_visible_to(access=access).filter(status=Invoice.Status.UNPAID, kind=Invoice.Kind.INVOICE)


def invoice_clients(*, access: Access) -> QuerySet[Organization]:
    """Clients appearing on the org's invoices other than itself (the partner's filter).

    Finding them reads every line of every invoice of the org (a million for a big
    partner), so the id list is cached under the org's latest invoice: invoices are
    append-only, a new one changes the key, and the list is never stale (issue 9).
    """
    if access is None or access.is_acting_for_client:
        return Organization.objects.none()
    org = access.org
    latest = Invoice.objects.filter(org=org).order_by("-issued_at", "-id").values_list("pk", flat=True).first()
    if latest is None:
        return Organization.objects.none()
    key = f"billing:invoice-clients:{org.pk}:{latest}"
    ids = cache.get(key)
    if ids is None:
        ids = sorted(
            set(InvoiceLine.objects.filter(invoice__org=org).exclude(client=org).values_list("client_id", flat=True))
        )
        cache.set(key, ids, INVOICE_CLIENTS_CACHE_SECONDS)
    return Organization.objects.filter(pk__in=ids).order_by("name")


def balances_of(*, org: Organization) -> dict[str, Decimal]:
    from .models import BalanceEntry

    rows = BalanceEntry.objects.filter(account__org=org).values("account__currency").annotate(total=Sum("amount"))
    return {r["account__currency"]: _q(r["total"]) for r in rows}


def cashback_for(*, access: Access) -> QuerySet[CashbackEntry]:
    if access is None or access.is_acting_for_client or not access.can("cashback.view"):
        return CashbackEntry.objects.none()
    return CashbackEntry.objects.filter(partner=access.org).select_related("client", "invoice_line__invoice")


def cashback_totals(*, entries: QuerySet[CashbackEntry]) -> dict[str, dict[str, str]]:
    """Per currency: pending, earned (net of reversals) and reversed."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"pending": ZERO, "earned": ZERO, "reversed": ZERO})
    for row in entries.values("currency", "status").annotate(total=Sum("amount")):
        out[row["currency"]][row["status"]] += row["total"] or ZERO
    return {cur: {k: str(_q(v)) for k, v in vals.items()} for cur, vals in out.items()}


def is_partner(*, org: Organization) -> bool:
    return partner_terms.is_partner(org=org)


# --- partner revenue console (BL-7, PP-4, BL-10) ----------------------------------------------


def _months_back(n: int, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return [first - relativedelta(months=i) for i in range(n - 1, -1, -1)]


def partner_lines(*, partner: Organization, since=None) -> QuerySet[InvoiceLine]:
    """Invoice lines attributed to the partner (cashback or discount), on issued invoices."""
    qs = InvoiceLine.objects.filter(managing_partner=partner, invoice__kind=Invoice.Kind.INVOICE).exclude(
        invoice__status=Invoice.Status.CANCELLED
    )
    if since is not None:
        qs = qs.filter(invoice__issued_at__gte=since)
    return qs


@dataclass
class MonthTotal:
    month: date
    cashback: Decimal
    discounts: Decimal
    volume: Decimal
    percent: int = 0

    @property
    def bucket(self) -> int:
        """The CSS bar width class, in steps of 5% (no inline styles under the CSP)."""
        return int(round(self.percent / 5) * 5)


def revenue_by_month(*, partner: Organization, currency: str, months: int = 12) -> list[MonthTotal]:
    month_list = _months_back(months)
    since = timezone.make_aware(timezone.datetime.combine(month_list[0], timezone.datetime.min.time()))
    cash = dict(
        CashbackEntry.objects.filter(partner=partner, currency=currency, created_at__gte=since)
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(t=Sum("amount"))
        .values_list("m", "t")
    )
    lines = (
        partner_lines(partner=partner, since=since)
        .filter(invoice__currency=currency)
        .annotate(m=TruncMonth("invoice__issued_at"))
        .values("m")
        .annotate(vol=Sum("public_amount"), disc=Sum("public_amount") - Sum("net_amount"))
    )
    vol = {r["m"]: (r["vol"] or ZERO, r["disc"] or ZERO) for r in lines}

    def key(d):
        return d.date() if hasattr(d, "date") else d

    cash = {key(k): v for k, v in cash.items()}
    vol = {key(k): v for k, v in vol.items()}
    out = [
        MonthTotal(
            month=m,
            cashback=_q(cash.get(m)),
            discounts=_q(vol.get(m, (ZERO, ZERO))[1]),
            volume=_q(vol.get(m, (ZERO, ZERO))[0]),
        )
        for m in month_list
    ]
    top = max([t.cashback + t.discounts for t in out] + [Decimal("0")])
    for t in out:
        t.percent = int((t.cashback + t.discounts) * 100 / top) if top else 0
    return out


def revenue_by_category(*, partner: Organization, currency: str) -> list[dict]:
    since = timezone.now() - relativedelta(months=12)
    rows = (
        partner_lines(partner=partner, since=since)
        .filter(invoice__currency=currency)
        .values("category")
        .annotate(volume=Sum("public_amount"), net=Sum("net_amount"), lines=Count("id"))
        .order_by("category")
    )
    cash = dict(
        CashbackEntry.objects.filter(partner=partner, currency=currency, created_at__gte=since)
        .values("category")
        .annotate(t=Sum("amount"))
        .values_list("category", "t")
    )
    labels = dict(ProductType.Category.choices)
    return [
        {
            "category": r["category"],
            "label": labels.get(r["category"], r["category"]),
            "volume": _q(r["volume"]),
            "discounts": _q((r["volume"] or ZERO) - (r["net"] or ZERO)),
            "cashback": _q(cash.get(r["category"])),
        }
        for r in rows
    ]


def revenue_by_client(
    *, partner: Organization, currency: str | None = None, client_ids: list[int] | None = None
) -> list[dict]:
    """Per client: cashback earned, discounts received and total paid (PS-16 columns).

    `cashback_earned`: earned cashback net of reversals; `discounts_received`: the
    rebate on lines the partner paid for that client; `total_paid`: what was paid
    on invoices for that client (by the partner or the client) for lines it manages.
    With `client_ids`, only those clients (a page of PS-16's list).
    """
    currency = currency or partner.currency
    cash_entries = CashbackEntry.objects.filter(partner=partner, currency=currency)
    lines = partner_lines(partner=partner).filter(invoice__currency=currency)
    if client_ids is not None:
        cash_entries = cash_entries.filter(client_id__in=client_ids)
        lines = lines.filter(client_id__in=client_ids)
    cash = defaultdict(lambda: ZERO)
    for row in cash_entries.exclude(status=CashbackEntry.Status.PENDING).values("client_id").annotate(t=Sum("amount")):
        cash[row["client_id"]] = row["t"] or ZERO
    lines = lines.values("client_id").annotate(
        public=Sum("public_amount"),
        net=Sum("net_amount"),
        paid=Sum("net_amount", filter=Q(invoice__status=Invoice.Status.PAID)),
    )
    by_client = {r["client_id"]: r for r in lines}
    ids = set(cash) | set(by_client)
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "name"))
    out = []
    for cid in sorted(ids, key=lambda i: names.get(i, "")):
        r = by_client.get(cid, {})
        out.append(
            {
                "client_id": cid,
                "client": names.get(cid, ""),
                "currency": currency,
                "cashback_earned": _q(cash[cid]),
                "discounts_received": _q((r.get("public") or ZERO) - (r.get("net") or ZERO)),
                "total_paid": _q(r.get("paid")),
            }
        )
    return out


def rolling_volume(*, partner: Organization) -> dict:
    """PP-4: volume managed through the program over the last 12 months vs the minimum."""
    currency = partner.currency
    since = timezone.now() - relativedelta(months=12)
    volume = (
        partner_lines(partner=partner, since=since)
        .filter(invoice__currency=currency)
        .aggregate(t=Sum("public_amount"))["t"]
        or ZERO
    )
    minimum = MINIMUM_VOLUME[currency]
    return {
        "currency": currency,
        "volume": _q(volume),
        "minimum": minimum,
        "reached": volume >= minimum,
        "percent": min(100, int(volume * 100 / minimum)) if minimum else 100,
    }


def partners_below_minimum(*, user, partners) -> list[dict]:
    """PP-4: staff only. `partners` is an iterable of partner orgs."""
    if not getattr(user, "is_staff", False):
        return []
    out = []
    for partner in partners:
        vol = rolling_volume(partner=partner)
        if not vol["reached"]:
            out.append({"partner": partner, **vol})
    return out


def rebill_rows(*, partner: Organization, client: Organization | None = None) -> QuerySet[InvoiceLine]:
    """BL-10: lines the partner paid for its clients (to re-invoice them)."""
    qs = (
        InvoiceLine.objects.filter(invoice__org=partner, invoice__kind=Invoice.Kind.INVOICE)
        .exclude(client=partner)
        .exclude(invoice__status=Invoice.Status.CANCELLED)
        .select_related("invoice", "client", "product_type")
        .order_by("client__name", "invoice__issued_at", "id")
    )
    if client is not None:
        qs = qs.filter(client=client)
    return qs


def client_figures_for(*, partner: Organization, client_ids: list[int] | None = None) -> dict[int, dict]:
    """PS-16 provider: client id → {cashback_earned, discounts_received, total_paid, currency}."""
    return {row["client_id"]: row for row in revenue_by_client(partner=partner, client_ids=client_ids)}
