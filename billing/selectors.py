"""Billing reads. Each takes the requester's Access and returns what it may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.paginator import Paginator
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone

from clients.models import CHF_COUNTRIES, Organization, Product, ProductType
from clients.tenancy import Access

from . import partner_terms
from .models import (
    PERIOD_MONTHS,
    CashbackEntry,
    Invoice,
    InvoiceLine,
    PayoutRequest,
    Period,
    Price,
    RevenueClient,
    RevenueMonth,
)

ZERO = Decimal("0.00")


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


def renewal_periods(*, client: Organization) -> dict[int, list[tuple[str, str]]]:
    """BL-1/BL-4: per product type id, the periods (value, label), shortest first, that it is
    sold for in the currency of whoever pays the client's renewals. One read of the price
    list whatever the number of products (plus one to know the payer)."""
    currency = partner_terms.payer_of(client=client).currency
    periods: dict[int, list[str]] = defaultdict(list)
    for type_id, period in Price.objects.filter(currency=currency).values_list("product_type_id", "period"):
        periods[type_id].append(period)
    return {
        type_id: [(p, Period(p).label) for p in sorted(values, key=PERIOD_MONTHS.__getitem__)]
        for type_id, values in periods.items()
    }


def products_with_renewal_periods(*, access: Access) -> list[Product]:
    """The products page: the visible products, each with `renewal_periods` (maybe empty)."""
    periods = renewal_periods(client=access.org)
    products = list(products_visible_to(access=access))
    for product in products:
        product.renewal_periods = periods.get(product.product_type_id, [])
    return products


def invoices_visible_to(
    *,
    access: Access,
    client: Organization | None = None,
    status: str = "",
    clients: list[Organization] | None = None,
) -> QuerySet[Invoice]:
    """Invoices live in the payer's org only (PS-8); partner people acting for a
    client never see the client's invoices (PS-12). `client`/`clients`: invoices
    with a line for that client (a semi-join, no DISTINCT)."""
    if access is None or access.is_acting_for_client or not access.can("billing.view"):
        return Invoice.objects.none()
    qs = Invoice.objects.filter(org=access.org)
    if client is not None:
        clients = [client]
    if clients is not None:
        qs = qs.filter(pk__in=InvoiceLine.objects.filter(client__in=clients).values("invoice_id"))
    if status in Invoice.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_at", "-id")


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
INVOICES_PER_PAGE = 50


@dataclass
class InvoicePage:
    """A keyset page of the invoice list: `newer`/`older` are cursors for `?before=`/`?after=`."""

    invoices: list[Invoice]
    newer: str = ""
    older: str = ""


def _cursor(moment: datetime, pk: int) -> str:
    return f"{(moment - EPOCH) // timedelta(microseconds=1)}-{pk}"


def invoice_cursor(invoice: Invoice) -> str:
    return _cursor(invoice.issued_at, invoice.pk)


def cursor_is_valid(value: str) -> bool:
    """An API's `after` must be a cursor it gave (or absent): anything else is a 400."""
    return not value or _parse_cursor(value) is not None


def _older_than(queryset: QuerySet, field: str, cursor: tuple[datetime, int]) -> QuerySet:
    """The rows after `cursor` in (field, id) newest-first order (keyset pages, issue 9)."""
    at, pk = cursor
    return queryset.filter(**{f"{field}__lte": at}).filter(Q(**{f"{field}__lt": at}) | Q(pk__lt=pk))


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    micros, sep, pk = (value or "").partition("-")
    if not sep or not micros.isdigit() or not pk.isdigit() or len(micros) > 18:
        return None
    return EPOCH + timedelta(microseconds=int(micros)), int(pk)


def invoice_page(
    invoices: QuerySet[Invoice], *, after: str = "", before: str = "", size: int = INVOICES_PER_PAGE
) -> InvoicePage:
    """Keyset pagination on (issued_at, id), newest first (index `billing_invoice_org_issued`).

    No COUNT: one query of `size + 1` rows tells whether there is more. `after` = the
    cursor of the last row seen (older page), `before` = of the first (newer page);
    an unreadable cursor gives the first page.
    """
    older_than, newer_than = _parse_cursor(after), _parse_cursor(before)
    if newer_than is not None:
        at, pk = newer_than
        rows = list(
            invoices.filter(issued_at__gte=at)
            .filter(Q(issued_at__gt=at) | Q(pk__gt=pk))
            .order_by("issued_at", "id")[: size + 1]
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return InvoicePage(
            invoices=rows,
            newer=invoice_cursor(rows[0]) if rows and more_newer else "",
            older=invoice_cursor(rows[-1]) if rows else "",
        )
    if older_than is not None:
        invoices = _older_than(invoices, "issued_at", older_than)
    rows = list(invoices.order_by("-issued_at", "-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return InvoicePage(
        invoices=rows,
        newer=invoice_cursor(rows[0]) if rows and older_than is not None else "",
        older=invoice_cursor(rows[-1]) if rows and more_older else "",
    )


API_PAGE_SIZE = 500  # the API's invoice and cashback lists: rows per page, then `next`


def _created_page(rows_qs: QuerySet, *, after: str = "", size: int = API_PAGE_SIZE):
    """Keyset page on (created_at, id), newest first: (rows, cursor of the next older page or "")."""
    older_than = _parse_cursor(after)
    if older_than is not None:
        rows_qs = _older_than(rows_qs, "created_at", older_than)
    rows = list(rows_qs.order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (_cursor(rows[-1].created_at, rows[-1].pk) if rows and more else "")


def cashback_page(entries: QuerySet[CashbackEntry], *, after: str = "", size: int = API_PAGE_SIZE):
    """Keyset page of a cashback ledger on (created_at, id), newest first (index
    `billing_cashback_partner_new`): (rows, cursor of the next older page or "")."""
    return _created_page(entries, after=after, size=size)


def payouts_for(*, access: Access) -> QuerySet[PayoutRequest]:
    """BL-6: the acting org's payout requests, for those who see its cashback and balance;
    never while acting for a client (the balance is the partner's own)."""
    if access is None or access.is_acting_for_client or not access.can("cashback.view"):
        return PayoutRequest.objects.none()
    return PayoutRequest.objects.filter(org=access.org).order_by("-created_at", "-id")


def payout_page(payouts: QuerySet[PayoutRequest], *, after: str = "", size: int = API_PAGE_SIZE):
    """Keyset page of payout requests, newest first: (rows, cursor of the next older page or "")."""
    return _created_page(payouts, after=after, size=size)


def invoice_for(*, access: Access, pk) -> Invoice | None:
    return invoices_visible_to(access=access).filter(pk=pk).prefetch_related("lines", "payments").first()


UNPAID_COUNT_CAP = 100  # the dashboard counts invoices to pay up to this many ("99+")


def unpaid_invoices(*, access: Access) -> QuerySet[Invoice]:
    return invoices_visible_to(access=access).filter(status=Invoice.Status.UNPAID, kind=Invoice.Kind.INVOICE)


CLIENT_SELECT_MAX = 100  # beyond this many clients, the invoice filter is a search field


def invoice_clients(*, access: Access) -> QuerySet[Organization]:
    """The clients that can appear on the org's invoices (the partner's filter), by name.

    An invoice line names a client other than the payer only when the payer was that
    client's full partner paying for it (BL-4), so the candidates are the clients of the
    org's accepted partnerships (active or ended): read from the partnerships, not from
    the partner's million invoice lines, and as a subquery, not a list of 10,000 ids
    (issue 9). A candidate without invoices simply filters to an empty list.
    """
    if access is None or access.is_acting_for_client:
        return Organization.objects.none()
    return (
        Organization.objects.filter(pk__in=partner_terms.client_ids_ever_of(partner=access.org))
        .exclude(pk=access.org.pk)
        .only("pk", "name", "slug")  # a filter shows names and links by slug: up to 101 rows
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ClientChoices:
    """The client filter of an org's invoices: a select of `clients`, or a search field
    when there are more than CLIENT_SELECT_MAX (`searching`); `any` says there is one."""

    clients: list[Organization]
    searching: bool

    @property
    def any(self) -> bool:
        return self.searching or bool(self.clients)


def invoice_client_choices(*, access: Access) -> ClientChoices:
    """At most CLIENT_SELECT_MAX + 1 clients are read, whatever the partner's size."""
    rows = list(invoice_clients(access=access)[: CLIENT_SELECT_MAX + 1])
    if len(rows) > CLIENT_SELECT_MAX:
        return ClientChoices(clients=[], searching=True)
    return ClientChoices(clients=rows, searching=False)


def invoice_client_search(*, access: Access, term: str, limit: int = CLIENT_SELECT_MAX) -> list[Organization]:
    """Clients on the org's invoices whose slug is `term` or whose name contains it (at most `limit`)."""
    term = (term or "").strip()[:200]
    if not term:
        return []
    qs = invoice_clients(access=access)
    exact = list(qs.filter(slug=term)[:1])
    return exact or list(qs.filter(name__icontains=term)[:limit])


def balances_of(*, org: Organization) -> dict[str, Decimal]:
    """The org's prepaid balance per currency, for the accounts that have entries: the stored
    balance (one row per currency), not a sum over the org's entries (issue 9)."""
    from .models import BalanceEntry, PrepaidAccount

    rows = (
        PrepaidAccount.objects.filter(org=org)
        .filter(Exists(BalanceEntry.objects.filter(account=OuterRef("pk"))))
        .order_by("currency")
        .values_list("currency", "balance")
    )
    return {currency: _q(balance) for currency, balance in rows}


def cashback_for(*, access: Access) -> QuerySet[CashbackEntry]:
    if access is None or access.is_acting_for_client or not access.can("cashback.view"):
        return CashbackEntry.objects.none()
    return CashbackEntry.objects.filter(partner=access.org).select_related("client", "invoice_line__invoice")


def cashback_totals(*, partner: Organization) -> dict[str, dict[str, str]]:
    """Per currency: pending, earned and reversed (reversals are negative), as Σ of the partner's
    cashback entries by status.

    Read from the summary (`RevenueMonth`, whose cashback columns are those sums by month and
    category; `billing_reconcile` checks them), so the cost is the months of history, not the
    partner's ~500,000 entries (a 60 ms aggregate, issue 9). A currency with revenue but no
    cashback (sums all zero) is left out, as it has no entries."""
    rows = (
        RevenueMonth.objects.filter(partner=partner)
        .values("currency")
        .annotate(pending=Sum("cashback_pending"), earned=Sum("cashback_earned"), reversed=Sum("cashback_reversed"))
        .order_by("currency")
    )
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        sums = {key: _q(row[key] or ZERO) for key in ("pending", "earned", "reversed")}
        if any(sums.values()):
            out[row["currency"]] = {key: str(value) for key, value in sums.items()}
    return out


def is_partner(*, org: Organization) -> bool:
    return partner_terms.is_partner(org=org)


def access_is_partner(*, access: Access) -> bool:
    """`is_partner` for the acting org, asked once per request (the nav asks too)."""
    return partner_terms.access_is_partner(access=access)


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


# The console reads the summary tables (`billing.summary`, issue 9), never the ledger.
CASHBACK_TOTAL = F("cashback_pending") + F("cashback_earned") + F("cashback_reversed")
REVENUE_CLIENTS_PER_PAGE = 25


def _window(months: int = 12) -> tuple[date, date]:
    """First and last month of the rolling window: the current month and the `months - 1` before."""
    month_list = _months_back(months)
    return month_list[0], month_list[-1]


def _month_category_rows(
    *, partner: Organization, currency: str | None, months: int = 12
) -> tuple[list[date], list[dict]]:
    """The rolling window's months and its summary rows by (month, category), and by currency
    when `currency` is None: one query, from which the chart, the category table and the
    12-month volume are all summed."""
    month_list = _months_back(months)
    qs = RevenueMonth.objects.filter(partner=partner, month__gte=month_list[0], month__lte=month_list[-1])
    keys = ["month", "category"]
    if currency is None:
        keys.insert(0, "currency")
    else:
        qs = qs.filter(currency=currency)
    rows = list(
        qs.values(*keys)
        .annotate(cashback=Sum(CASHBACK_TOTAL), discounts=Sum("discounts"), volume=Sum("volume"))
        .order_by()
    )
    return month_list, rows


def _sum_by(rows: list[dict], key: str) -> dict:
    totals: dict = {}
    for r in rows:
        t = totals.setdefault(r[key], {"cashback": ZERO, "discounts": ZERO, "volume": ZERO})
        for field in ("cashback", "discounts", "volume"):
            t[field] += r[field] or ZERO
    return totals


def _months_from(month_list: list[date], rows: list[dict]) -> list[MonthTotal]:
    by_month = _sum_by(rows, "month")
    out = [
        MonthTotal(
            month=m,
            cashback=_q(by_month.get(m, {}).get("cashback")),
            discounts=_q(by_month.get(m, {}).get("discounts")),
            volume=_q(by_month.get(m, {}).get("volume")),
        )
        for m in month_list
    ]
    top = max([t.cashback + t.discounts for t in out] + [Decimal("0")])
    for t in out:
        t.percent = int((t.cashback + t.discounts) * 100 / top) if top else 0
    return out


def _categories_from(rows: list[dict]) -> list[dict]:
    labels = dict(ProductType.Category.choices)
    out = []
    for category, t in sorted(_sum_by(rows, "category").items()):
        volume, discounts, cashback = _q(t["volume"]), _q(t["discounts"]), _q(t["cashback"])
        if volume or discounts or cashback:
            out.append(
                {
                    "category": category,
                    "label": labels.get(category, category),
                    "volume": volume,
                    "discounts": discounts,
                    "cashback": cashback,
                }
            )
    return out


def revenue_by_month(*, partner: Organization, currency: str, months: int = 12) -> list[MonthTotal]:
    return _months_from(*_month_category_rows(partner=partner, currency=currency, months=months))


def revenue_by_category(*, partner: Organization, currency: str) -> list[dict]:
    """Per category over the rolling 12 months (the months of the chart)."""
    return _categories_from(_month_category_rows(partner=partner, currency=currency)[1])


@dataclass(frozen=True)
class CurrencyRevenue:
    """One currency's part of the console: its chart, category table and 12-month volume."""

    currency: str
    months: list[MonthTotal]
    by_category: list[dict]
    volume: Decimal


@dataclass(frozen=True)
class RevenueOverview:
    """The console's chart, category table and PP-4 volume, from one read of the summary.

    `months`, `by_category` and `volume` (PP-4, against the minimum) are in the partner's
    currency; `sections` has one entry per currency with figures, the partner's first (always
    there), so that revenue invoiced in another currency (a EUR client of a CHF partner) is
    shown in its own currency, never dropped and never added to the other (no conversion)."""

    months: list[MonthTotal]
    by_category: list[dict]
    volume: dict
    sections: list[CurrencyRevenue]


def revenue_overview(*, partner: Organization) -> RevenueOverview:
    """BL-7 and PP-4 over the rolling 12 months, per currency (issue 9: one query for what
    took three, and for every currency)."""
    month_list, rows = _month_category_rows(partner=partner, currency=None)
    by_currency: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_currency[r["currency"]].append(r)
    sections = []
    for currency in [partner.currency, *sorted(set(by_currency) - {partner.currency})]:
        currency_rows = by_currency.get(currency, [])
        section = CurrencyRevenue(
            currency=currency,
            months=_months_from(month_list, currency_rows),
            by_category=_categories_from(currency_rows),
            volume=_q(sum((r["volume"] or ZERO for r in currency_rows), ZERO)),
        )
        if currency == partner.currency or section.by_category:
            sections.append(section)
    own = sections[0]
    return RevenueOverview(
        months=own.months,
        by_category=own.by_category,
        volume=_minimum_status(currency=partner.currency, volume=own.volume),
        sections=sections,
    )


_REVENUE_CLIENT_COLUMNS = (
    "client_id",
    "currency",
    "volume",
    "discounts",
    "paid",
    "cashback_earned",
    "cashback_reversed",
)


def _client_row(row: dict) -> dict:
    return {
        "client_id": row["client_id"],
        "client": row.get("client_name", ""),
        **({"client_slug": row["client_slug"]} if "client_slug" in row else {}),
        "currency": row["currency"],
        "volume": _q(row["volume"]),
        "cashback_earned": _q(row["cashback_earned"] + row["cashback_reversed"]),
        "discounts_received": _q(row["discounts"]),
        "total_paid": _q(row["paid"]),
    }


def _revenue_clients(
    *,
    partner: Organization,
    currency: str | None = None,
    names: bool = True,
    ordered: bool = True,
    slugs: bool = False,
) -> QuerySet:
    """A row per client and currency (`currency=None`: every currency, the partner's first),
    largest volume first (index `revenue_client_top`), as dicts (no model instances: the
    console's page, the CSV's 10,000 rows), with the client's name unless `names=False`.
    The name is a subquery, not a join: the console's paginator counts the rows without it."""
    qs = RevenueClient.objects.filter(partner=partner)
    order: list = ["-volume", "client_id"]
    if currency is not None:
        qs = qs.filter(currency=currency)
    elif not ordered:
        order = []
    elif RevenueClient.objects.filter(partner=partner, currency__lt=partner.currency).exists():
        # A currency sorts before the partner's (a EUR partner with CHF figures): sorted, the partner's first.
        order = [Case(When(currency=partner.currency, then=Value(0)), default=Value(1)), "currency", *order]
    else:
        # The partner's currency sorts first (every CHF partner): in index order, no sort of every client.
        order = ["currency", *order]
    extra = []
    if names:
        name = Organization.objects.filter(pk=OuterRef("client_id")).values("name")[:1]
        qs = qs.annotate(client_name=Subquery(name))
        extra.append("client_name")
    if slugs:  # the API names orgs by slug
        slug = Organization.objects.filter(pk=OuterRef("client_id")).values("slug")[:1]
        qs = qs.annotate(client_slug=Subquery(slug))
        extra.append("client_slug")
    return qs.values(*_REVENUE_CLIENT_COLUMNS, *extra).order_by(*order)


def revenue_by_client(*, partner: Organization, currency: str | None = None) -> list[dict]:
    """Per client and currency: cashback earned, discounts received and total paid (PS-16
    columns), by name; every currency unless `currency` is given.

    `cashback_earned`: earned cashback net of reversals; `discounts_received`: the
    rebate on lines the partner paid for that client; `total_paid`: what was paid
    on invoices for that client (by the partner or the client) for lines it manages.
    Every client: the console pages it (`revenue_clients_page`), the CSV streams it and
    PS-16's list asks for its page's clients only (`client_figures_for`).
    """
    qs = _revenue_clients(partner=partner, currency=currency)
    return sorted((_client_row(r) for r in qs), key=lambda r: r["client"])


def _client_figures_rows(*, partner: Organization, client_ids: list[int]) -> list[dict]:
    """PS-16's figures for a page of clients: the list has the names, none joined here."""
    qs = _revenue_clients(partner=partner, names=False, ordered=False).filter(client_id__in=client_ids)
    return [_client_row(r) for r in qs]


def revenue_clients_page(
    *,
    partner: Organization,
    currency: str | None = None,
    page: str | int | None = None,
    per_page: int = REVENUE_CLIENTS_PER_PAGE,
    slugs: bool = False,
):
    """BL-7: one page of the by-client table, a row per client and currency (the partner's
    currency first), top clients by volume (names, and slugs for the API, for that page only)."""
    paginator = Paginator(_revenue_clients(partner=partner, currency=currency, slugs=slugs), per_page)
    current = paginator.get_page(page)
    current.object_list = [_client_row(r) for r in current.object_list]
    return current


def revenue_clients_all(*, partner: Organization, currency: str | None = None) -> Iterator[dict]:
    """Every client of the partner (a row per currency), largest volume first, read in chunks (the CSV)."""
    for row in _revenue_clients(partner=partner, currency=currency).iterator(chunk_size=2000):
        yield _client_row(row)


REVENUE_CSV_HEADER = ["section", "key", "currency", "cashback", "discounts", "volume_or_paid"]


def revenue_csv_rows(*, partner: Organization, overview: RevenueOverview | None = None) -> Iterator[list]:
    """BL-7's CSV: months and categories per currency, then every client (streamed from the
    summary in chunks, a 10,000-client partner too), each row in its own currency."""
    sections = (overview or revenue_overview(partner=partner)).sections
    for s in sections:
        for m in s.months:
            yield ["month", m.month.strftime("%Y-%m"), s.currency, m.cashback, m.discounts, m.volume]
    for c in revenue_clients_all(partner=partner):
        yield ["client", c["client"], c["currency"], c["cashback_earned"], c["discounts_received"], c["total_paid"]]
    for s in sections:
        for c in s.by_category:
            yield ["category", c["category"], s.currency, c["cashback"], c["discounts"], c["volume"]]


def _minimum_status(*, currency: str, volume: Decimal) -> dict:
    minimum = MINIMUM_VOLUME[currency]
    return {
        "currency": currency,
        "volume": _q(volume),
        "minimum": minimum,
        "reached": volume >= minimum,
        "percent": min(100, int(volume * 100 / minimum)) if minimum else 100,
    }


def rolling_volume(*, partner: Organization) -> dict:
    """PP-4: volume managed through the program over the rolling 12 months vs the minimum."""
    first, last = _window()
    volume = (
        RevenueMonth.objects.filter(
            partner=partner, currency=partner.currency, month__gte=first, month__lte=last
        ).aggregate(t=Sum("volume"))["t"]
        or ZERO
    )
    return _minimum_status(currency=partner.currency, volume=volume)


BELOW_MINIMUM_PER_PAGE = 50


def partners_below_minimum(*, user, partners) -> QuerySet[Organization]:
    """PP-4: staff only. The partner orgs of `partners` (a queryset or a list) whose rolling
    12-month volume in their currency is below the minimum, by name, each with `volume_12m`
    and `minimum_volume`. Decided in the database, so a page of the list costs the same for
    200 partners or 20,000 (issue 9); `below_minimum_rows` turns a page into the table's rows."""
    if not getattr(user, "is_staff", False):
        return Organization.objects.none()
    if not isinstance(partners, QuerySet):
        partners = Organization.objects.filter(pk__in=[p.pk for p in partners])
    first, last = _window()
    money = DecimalField(max_digits=14, decimal_places=2)
    currency = Case(When(country_upper__in=sorted(CHF_COUNTRIES), then=Value("CHF")), default=Value("EUR"))
    volume = (
        RevenueMonth.objects.filter(
            partner=OuterRef("pk"), currency=OuterRef("minimum_currency"), month__gte=first, month__lte=last
        )
        .order_by()
        .values("partner")
        .annotate(t=Sum("volume"))
        .values("t")[:1]
    )
    minimum = Case(
        *[When(minimum_currency=c, then=Value(m, output_field=money)) for c, m in MINIMUM_VOLUME.items()],
        output_field=money,
    )
    return (
        partners.annotate(country_upper=Upper("country"))
        .annotate(minimum_currency=currency)
        .annotate(volume_12m=Coalesce(Subquery(volume, output_field=money), Value(ZERO, output_field=money)))
        .annotate(minimum_volume=minimum)
        .filter(volume_12m__lt=F("minimum_volume"))
        .order_by("name", "pk")
    )


def below_minimum_rows(partners) -> list[dict]:
    """The table's rows for orgs from `partners_below_minimum` (a page of them)."""
    return [{"partner": p, **_minimum_status(currency=p.minimum_currency, volume=p.volume_12m)} for p in partners]


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


REBILL_CSV_HEADER = [
    "client",
    "invoice",
    "issued",
    "description",
    "category",
    "period",
    "public_price",
    "paid_net",
    "currency",
]


def rebill_client(*, access: Access, term: str) -> Organization | None:
    """BL-10's `client`: a slug, or a name matching one client only, among the clients on the
    org's invoices (an org that is not one is not found, whether it exists or not)."""
    found = invoice_client_search(access=access, term=term, limit=2)
    return found[0] if len(found) == 1 else None


def rebill_csv_rows(*, partner: Organization, client: Organization | None = None) -> Iterator[list]:
    """BL-10's CSV rows, streamed from a server-side cursor as plain tuples: the benchmark's
    partner has 333,000 lines to rebill, which as model instances held in memory took 22 s
    and 2.4 GB (issue 9)."""
    rows = rebill_rows(partner=partner, client=client).values_list(
        "client__name",
        "invoice__number",
        "invoice__issued_at",
        "description",
        "category",
        "period",
        "public_amount",
        "net_amount",
        "invoice__currency",
    )
    for client_name, number, issued_at, *rest in rows.iterator(chunk_size=2000):
        yield [client_name, number, issued_at.date().isoformat(), *rest]


def client_figures_for(*, partner: Organization, client_ids: list[int] | None = None) -> dict[int, dict]:
    """PS-16 provider: client id → {cashback_earned, discounts_received, total_paid, currency}."""
    rows = (
        revenue_by_client(partner=partner)
        if client_ids is None
        else _client_figures_rows(partner=partner, client_ids=client_ids)
    )
    return _one_row_per_client(partner=partner, rows=rows)


def _one_row_per_client(*, partner: Organization, rows: list[dict]) -> dict[int, dict]:
    """PS-16 shows one set of figures per client, in the currency they were invoiced in (a EUR
    client's in EUR, not CHF 0.00). A client with figures in two currencies (its payment method
    changed from client pays to partner pays, or back) shows the partner's currency; the other
    is under `other_currencies` ({currency: row}), as the list has one money column each."""
    out: dict[int, dict] = {}
    for row in sorted(rows, key=lambda r: (r["currency"] != partner.currency, r["currency"])):
        first = out.get(row["client_id"])
        if first is None:
            out[row["client_id"]] = {**row, "other_currencies": {}}
        else:
            first["other_currencies"][row["currency"]] = row
    return out


def cashback_this_month(*, org: Organization, now: datetime | None = None) -> dict[str, dict[str, Decimal]]:
    """Issue 8 dashboard: the partner's cashback of the current month (local time), per currency,
    in one aggregate query: `total` (reversals included) and the part still `pending` (invoice unpaid).

    Read from the summary (`RevenueMonth`, a row per category: cashback by the month its entry
    was created), not from the partner's cashback entries (issue 9)."""
    month = timezone.localtime(now).date().replace(day=1)
    rows = (
        RevenueMonth.objects.filter(partner=org, month=month)
        .values("currency")
        .annotate(total=Sum(CASHBACK_TOTAL), pending=Sum("cashback_pending"))
        .order_by("currency")
    )
    return {
        r["currency"]: {"total": _q(r["total"]), "pending": _q(r["pending"])}
        for r in rows
        if _q(r["total"]) or _q(r["pending"])
    }


def payouts_to_settle_count(*, user) -> int:
    """Issue 8 dashboard: staff only, payout requests waiting to be settled (BL-6)."""
    from .models import PayoutRequest

    if not getattr(user, "is_staff", False):
        return 0
    return PayoutRequest.objects.filter(status=PayoutRequest.Status.REQUESTED).count()
