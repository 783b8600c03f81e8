"""Billing API (`/api/v1/`): thin views over the services and selectors."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api_base import OrgScopedAPIView
from clients.models import AccessToken, Organization, ProductType
from clients.tenancy import access_for
from portal.api import id_field
from portal.csv_stream import csv_response
from portal.errors import InvalidInput, RuleViolation
from portal.schema import results_schema

from . import selectors, services
from .models import Currency, Invoice, PaymentMethod, PayoutRequest, Period

# --- response serializers (SPEC §9: the OpenAPI schema documents the bodies as they are) ---------
# The views build their bodies as plain dicts (the amounts as strings, exactly as stored); these
# serializers document them, and billing/tests/test_api_schema.py checks that real bodies have the
# documented keys and nothing else.

MONEY_TEXT = "A decimal amount as a string, e.g. `347.20`."


def _one_of(choices) -> str:
    return "One of " + ", ".join(f"`{value}`" for value in choices.values) + "."


def _money(**kwargs) -> serializers.CharField:
    return serializers.CharField(help_text=kwargs.pop("help_text", MONEY_TEXT), **kwargs)


class CatalogEntrySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    category = serializers.CharField(help_text=_one_of(ProductType.Category))
    name = serializers.CharField()
    periods = serializers.ListField(child=serializers.CharField(), help_text=_one_of(Period))
    prices = serializers.DictField(
        child=serializers.DictField(child=_money()),
        help_text='Currency → period → price, e.g. `{"CHF": {"1y": "347.20"}}`.',
    )


class BillingProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    product_type = serializers.SlugField()
    category = serializers.CharField()
    status = serializers.CharField()
    expires_at = serializers.DateField(allow_null=True)


class BillingInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField(help_text=_one_of(Invoice.Kind))
    credit_of = serializers.CharField(allow_null=True, help_text="The number of the invoice a credit note corrects.")
    issued_at = serializers.DateTimeField()
    currency = serializers.ChoiceField(choices=Currency.choices)
    net = _money()
    vat_rate = serializers.CharField(help_text="A decimal rate as a string, e.g. `0.081`.")
    vat_amount = _money()
    gross = _money()
    vat_number = serializers.CharField()
    invoice_note = serializers.CharField()
    reverse_charge = serializers.BooleanField()
    legal_text = serializers.CharField()
    status = serializers.CharField(help_text=_one_of(Invoice.Status))
    paid_at = serializers.DateTimeField(allow_null=True)


class BillingInvoiceLineSerializer(serializers.Serializer):
    description = serializers.CharField()
    product_id = serializers.IntegerField(allow_null=True)
    product_type = serializers.SlugField()
    category = serializers.CharField()
    period = serializers.CharField(help_text=_one_of(Period))
    quantity = serializers.IntegerField()
    unit_price = _money()
    tier_discount = serializers.CharField(help_text="A decimal rate as a string, e.g. `0.20`.")
    partner_discount = serializers.CharField(help_text="A decimal rate as a string, e.g. `0.25`.")
    net_amount = _money()
    client = serializers.SlugField(help_text="The slug of the client org the line is for.")


class BillingInvoiceDetailSerializer(BillingInvoiceSerializer):
    lines = BillingInvoiceLineSerializer(many=True)


class BillingInvoicePageSerializer(serializers.Serializer):
    results = BillingInvoiceSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null at the end.")


class OrderResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.SlugField()
    payer = serializers.SlugField()
    kind = serializers.CharField()
    products = BillingProductSerializer(many=True)
    invoice = serializers.CharField(allow_null=True, help_text="The invoice number, for the payer's org only (PS-8).")


class PaymentResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    reference = serializers.CharField()


class PayResultSerializer(serializers.Serializer):
    payment = PaymentResultSerializer()
    invoice = BillingInvoiceSerializer()


class CashbackTotalsSerializer(serializers.Serializer):
    pending = _money()
    earned = _money()
    reversed = _money(help_text="Reversals, negative, as a string.")


class CashbackEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    invoice = serializers.CharField(help_text="The number of the invoice the entry's line is on.")
    client = serializers.SlugField()
    category = serializers.CharField()
    rate = serializers.CharField(help_text="A decimal rate as a string, e.g. `0.25`.")
    amount = _money()
    currency = serializers.ChoiceField(choices=Currency.choices)
    status = serializers.CharField()
    reverses = serializers.IntegerField(allow_null=True, help_text="The id of the entry this one reverses.")
    created_at = serializers.DateTimeField()
    earned_at = serializers.DateTimeField(allow_null=True)


class CashbackPageSerializer(serializers.Serializer):
    totals = serializers.DictField(child=CashbackTotalsSerializer(), help_text="Per currency.")
    balance = serializers.DictField(child=_money(), help_text="The prepaid balance per currency.")
    results = CashbackEntrySerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null at the end.")


class CatalogAPI(APIView):
    """BL-1: the public catalog."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(operation_id="catalog_list", responses={200: results_schema(CatalogEntrySerializer)})
    def get(self, request):
        return Response({"results": [selectors.catalog_entry(pt) for pt in selectors.catalog()]})


def _product_json(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "product_type": p.product_type.slug,
        "category": p.product_type.category,
        "status": p.status,
        "expires_at": p.expires_at.isoformat() if p.expires_at else None,
    }


def invoice_json(inv: Invoice, *, lines: bool = False) -> dict:
    data = {
        "id": inv.pk,
        "number": inv.number,
        "kind": inv.kind,
        "credit_of": inv.credit_of.number if inv.credit_of_id else None,
        "issued_at": inv.issued_at.isoformat(),
        "currency": inv.currency,
        "net": str(inv.net),
        "vat_rate": str(inv.vat_rate),
        "vat_amount": str(inv.vat_amount),
        "gross": str(inv.gross),
        "vat_number": inv.vat_number,
        "invoice_note": inv.invoice_note,
        "reverse_charge": inv.reverse_charge,
        "legal_text": inv.legal_text,
        "status": inv.status,
        "paid_at": inv.paid_at.isoformat() if inv.paid_at else None,
    }
    if lines:
        data["lines"] = [
            {
                "description": li.description,
                "product_id": li.product_id,
                "product_type": li.product_type.slug,
                "category": li.category,
                "period": li.period,
                "quantity": li.quantity,
                "unit_price": str(li.unit_price),
                "tier_discount": str(li.tier_discount),
                "partner_discount": str(li.partner_discount),
                "net_amount": str(li.net_amount),
                "client": li.client.slug,
            }
            for li in inv.lines.select_related("product_type", "client")
        ]
    return data


class ProductsAPI(OrgScopedAPIView):
    capability_map = {"GET": "products.view"}

    @extend_schema(operation_id="org_products_list", responses={200: results_schema(BillingProductSerializer)})
    def get(self, request, org):
        return Response({"results": [_product_json(p) for p in selectors.products_visible_to(access=self.access)]})


class OrderItemSerializer(serializers.Serializer):
    product_type = serializers.SlugField(required=False)
    product_id = id_field(required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period = serializers.ChoiceField(choices=Period.values)


class OrderSerializer(serializers.Serializer):
    client = serializers.SlugField(required=False)
    items = OrderItemSerializer(many=True, allow_empty=False)
    invoice_note = serializers.CharField(required=False, allow_blank=True, max_length=128)


class OrdersAPI(OrgScopedAPIView):
    """BL-3: `client` when a partner orders from its own org for a client."""

    @extend_schema(operation_id="org_orders_create", request=OrderSerializer, responses={201: OrderResultSerializer})
    def post(self, request, org):
        ser = OrderSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        access, client = self.access, self.access.org
        slug = data.get("client")
        if slug and slug != client.slug:
            client = Organization.objects.filter(slug=slug).first()
            access = access_for(user=request.user, org=client) if client else None
            if access is None:
                raise Http404
            token = request.auth if isinstance(request.auth, AccessToken) else None
            if token is not None and access.from_org.pk != token.org_id:
                raise RuleViolation(
                    "token_scope", _("This access token is scoped to another organization."), status=403
                )
        items = []
        for raw in data["items"]:
            product = None
            if raw.get("product_id"):
                product = selectors.products_visible_to(access=access).filter(pk=raw["product_id"]).first()
                if product is None:
                    raise Http404
                product_type = product.product_type
            else:
                product_type = ProductType.objects.filter(slug=raw.get("product_type", ""), active=True).first()
                if product_type is None:
                    raise InvalidInput(
                        "unknown_product_type",
                        _("Unknown product type."),
                        fields={"product_type": [_("Pick one from the catalog.")]},
                    )
            items.append(
                services.OrderItem(
                    product_type=product_type, period=raw["period"], name=raw.get("name", ""), product=product
                )
            )
        order = services.order_place(
            access=access, client=client, items=items, invoice_note_override=data.get("invoice_note") or None
        )
        invoice = order.invoices.first()
        return Response(
            {
                "id": order.pk,
                "client": order.client.slug,
                "payer": order.payer.slug,
                "kind": order.kind,
                "products": [
                    _product_json(line.product) for line in order.lines.select_related("product__product_type")
                ],
                # The invoice number is shown only to the payer's org (PS-8).
                "invoice": invoice.number if invoice and invoice.org_id == self.access.org.pk else None,
            },
            status=201,
        )


AFTER = OpenApiParameter(
    "after",
    str,
    description="The cursor of the next page, as given in `next` (newest first, 500 rows a page).",
)


def _after(request) -> str:
    """The `after` cursor of a paged list; one the API did not give is refused (400)."""
    after = request.query_params.get("after", "")
    if not selectors.cursor_is_valid(after):
        raise InvalidInput(
            "invalid_cursor", _("This page cursor is not valid."), fields={"after": [_("Use the link in `next`.")]}
        )
    return after


def _next_url(request, cursor: str) -> str | None:
    """The absolute URL of the next page (the same filters, `after=cursor`), or None at the end."""
    if not cursor:
        return None
    params = request.query_params.copy()
    params["after"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class InvoicesAPI(OrgScopedAPIView):
    capability_map = {"GET": "billing.view"}

    @extend_schema(operation_id="org_invoices_list", parameters=[AFTER], responses={200: BillingInvoicePageSerializer})
    def get(self, request, org):
        after = _after(request)
        client = None
        if request.query_params.get("client"):
            client = Organization.objects.filter(slug=request.query_params["client"]).first()
            if client is None:
                return Response({"results": [], "next": None})
        qs = selectors.invoices_visible_to(
            access=self.access, client=client, status=request.query_params.get("status", "")
        )
        page = selectors.invoice_page(qs.select_related("credit_of"), after=after, size=selectors.API_PAGE_SIZE)
        return Response({"results": [invoice_json(i) for i in page.invoices], "next": _next_url(request, page.older)})


class InvoiceDetailAPI(OrgScopedAPIView):
    capability_map = {"GET": "billing.view"}

    @extend_schema(operation_id="org_invoices_retrieve", responses={200: BillingInvoiceDetailSerializer})
    def get(self, request, org, pk):
        invoice = selectors.invoice_for(access=self.access, pk=pk)
        if invoice is None:
            raise Http404
        return Response(invoice_json(invoice, lines=True))


class PaySerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.values, default="card")
    card_number = serializers.CharField(required=False, allow_blank=True, max_length=40)


class InvoicePayAPI(OrgScopedAPIView):
    capability_map = {"POST": "billing.pay"}

    @extend_schema(operation_id="org_invoices_pay", request=PaySerializer, responses={200: PayResultSerializer})
    def post(self, request, org, pk):
        invoice = selectors.invoice_for(access=self.access, pk=pk)
        if invoice is None:
            raise Http404
        ser = PaySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        payment = services.invoice_pay(
            access=self.access,
            invoice=invoice,
            method=ser.validated_data["method"],
            card_number=ser.validated_data.get("card_number", ""),
        )
        invoice.refresh_from_db()
        return Response(
            {
                "payment": {"id": payment.pk, "status": payment.status, "reference": payment.gateway_reference},
                "invoice": invoice_json(invoice),
            }
        )


def _require_own_partner(access) -> None:
    """Cashback, payouts and the revenue console are an approved partner's own (as the pages):
    never while acting for a client."""
    if access.is_acting_for_client or not selectors.access_is_partner(access=access):
        raise RuleViolation("not_a_partner", _("Cashback is for approved partners."), status=403)


class CashbackAPI(OrgScopedAPIView):
    capability_map = {"GET": "cashback.view"}

    @extend_schema(operation_id="org_cashback_list", parameters=[AFTER], responses={200: CashbackPageSerializer})
    def get(self, request, org):
        _require_own_partner(self.access)
        rows, older = selectors.cashback_page(
            selectors.cashback_for(access=self.access), after=_after(request), size=selectors.API_PAGE_SIZE
        )
        return Response(
            {
                "totals": selectors.cashback_totals(partner=self.access.org),
                "balance": {k: str(v) for k, v in selectors.balances_of(org=self.access.org).items()},
                "results": [
                    {
                        "id": e.pk,
                        "invoice": e.invoice_line.invoice.number,
                        "client": e.client.slug,
                        "category": e.category,
                        "rate": str(e.rate),
                        "amount": str(e.amount),
                        "currency": e.currency,
                        "status": e.status,
                        "reverses": e.reverses_id,
                        "created_at": e.created_at.isoformat(),
                        "earned_at": e.earned_at.isoformat() if e.earned_at else None,
                    }
                    for e in rows
                ],
                "next": _next_url(request, older),
            }
        )


# --- payout requests (BL-6) ------------------------------------------------------------------------


class PayoutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = _money()
    currency = serializers.ChoiceField(choices=Currency.choices)
    method = serializers.CharField(help_text=_one_of(PayoutRequest.Method))
    iban = serializers.CharField(help_text="For a bank transfer, compact; empty for PayPal.")
    account_holder = serializers.CharField()
    paypal_email = serializers.CharField(help_text="For PayPal; empty for a bank transfer.")
    status = serializers.CharField(help_text=_one_of(PayoutRequest.Status))
    created_at = serializers.DateTimeField()
    settled_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(help_text="The reason staff gave when settling it, if any.")


class PayoutPageSerializer(serializers.Serializer):
    results = PayoutSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null at the end.")


class PayoutCreateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False, help_text="Default: the org's.")
    method = serializers.ChoiceField(choices=PayoutRequest.Method.choices)
    iban = serializers.CharField(required=False, allow_blank=True, max_length=50)
    account_holder = serializers.CharField(required=False, allow_blank=True, max_length=200)
    paypal_email = serializers.CharField(required=False, allow_blank=True, max_length=254)


def payout_json(p: PayoutRequest) -> dict:
    return {
        "id": p.pk,
        "amount": str(p.amount),
        "currency": p.currency,
        "method": p.method,
        "iban": p.iban,
        "account_holder": p.account_holder,
        "paypal_email": p.paypal_email,
        "status": p.status,
        "created_at": p.created_at.isoformat(),
        "settled_at": p.settled_at.isoformat() if p.settled_at else None,
        "note": p.note,
    }


class PayoutsAPI(OrgScopedAPIView):
    """BL-6: the partner's payout requests; a new one reserves the amount from the prepaid balance."""

    capability_map = {"GET": "cashback.view", "POST": "cashback.view"}

    @extend_schema(operation_id="org_payouts_list", parameters=[AFTER], responses={200: PayoutPageSerializer})
    def get(self, request, org):
        _require_own_partner(self.access)
        rows, older = selectors.payout_page(
            selectors.payouts_for(access=self.access), after=_after(request), size=selectors.API_PAGE_SIZE
        )
        return Response({"results": [payout_json(p) for p in rows], "next": _next_url(request, older)})

    @extend_schema(
        operation_id="org_payouts_create",
        request=PayoutCreateSerializer,
        responses={201: PayoutSerializer},
    )
    def post(self, request, org):
        _require_own_partner(self.access)
        ser = PayoutCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        payout = services.payout_request_create(
            access=self.access,
            amount=data["amount"],
            currency=data.get("currency") or self.access.org.currency,
            method=data["method"],
            iban=data.get("iban", ""),
            account_holder=data.get("account_holder", ""),
            paypal_email=data.get("paypal_email", ""),
        )
        return Response(payout_json(payout), status=201)


# --- revenue console (BL-7, PP-4, BL-10) --------------------------------------------------------------


class VolumeSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices)
    volume = _money(help_text="The rolling 12-month volume managed through the program.")
    minimum = _money(help_text="The program's minimum (PP-1a).")
    reached = serializers.BooleanField()
    percent = serializers.IntegerField(help_text="The volume against the minimum, 0–100.")


class RevenueMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="`YYYY-MM`.")
    cashback = _money()
    discounts = _money()
    volume = _money()


class RevenueCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField(help_text="The category's name in the request's language.")
    cashback = _money()
    discounts = _money()
    volume = _money()


class RevenueSectionSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices)
    months = RevenueMonthSerializer(many=True, help_text="The last 12 months, oldest first.")
    by_category = RevenueCategorySerializer(many=True)
    volume = _money()


class RevenueSerializer(serializers.Serializer):
    currency = serializers.ChoiceField(choices=Currency.choices, help_text="The partner's currency.")
    volume = VolumeSerializer(help_text="PP-4, in the partner's currency.")
    sections = RevenueSectionSerializer(
        many=True, help_text="One per currency with figures, the partner's first (no conversion)."
    )


class RevenueClientSerializer(serializers.Serializer):
    client = serializers.SlugField()
    client_name = serializers.CharField()
    currency = serializers.ChoiceField(choices=Currency.choices)
    volume = _money()
    cashback_earned = _money(help_text="Earned cashback net of reversals.")
    discounts_received = _money()
    total_paid = _money()


class RevenueClientPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RevenueClientSerializer(many=True)


def _volume_json(volume: dict) -> dict:
    return {
        "currency": volume["currency"],
        "volume": str(volume["volume"]),
        "minimum": str(volume["minimum"]),
        "reached": bool(volume["reached"]),
        "percent": volume["percent"],
    }


class RevenueAPI(OrgScopedAPIView):
    """BL-7: totals per month and category, per currency, over the rolling 12 months (the
    summary tables, one query), with the PP-4 volume against the minimum."""

    capability_map = {"GET": "cashback.view"}

    @extend_schema(operation_id="org_revenue_retrieve", responses={200: RevenueSerializer})
    def get(self, request, org):
        _require_own_partner(self.access)
        partner = self.access.org
        overview = selectors.revenue_overview(partner=partner)
        return Response(
            {
                "currency": partner.currency,
                "volume": _volume_json(overview.volume),
                "sections": [
                    {
                        "currency": s.currency,
                        "months": [
                            {
                                "month": m.month.strftime("%Y-%m"),
                                "cashback": str(m.cashback),
                                "discounts": str(m.discounts),
                                "volume": str(m.volume),
                            }
                            for m in s.months
                        ],
                        "by_category": [
                            {
                                "category": c["category"],
                                "label": str(c["label"]),
                                "cashback": str(c["cashback"]),
                                "discounts": str(c["discounts"]),
                                "volume": str(c["volume"]),
                            }
                            for c in s.by_category
                        ],
                        "volume": str(s.volume),
                    }
                    for s in overview.sections
                ],
            }
        )


REVENUE_CLIENTS_API_PAGE = 100
PAGE = OpenApiParameter("page", int, description=f"The page number ({REVENUE_CLIENTS_API_PAGE} rows a page).")


class RevenueClientsAPI(OrgScopedAPIView):
    """BL-7: per client and currency, largest volume first (the console's table), paged."""

    capability_map = {"GET": "cashback.view"}

    @extend_schema(
        operation_id="org_revenue_clients_list", parameters=[PAGE], responses={200: RevenueClientPageSerializer}
    )
    def get(self, request, org):
        _require_own_partner(self.access)
        page = selectors.revenue_clients_page(
            partner=self.access.org,
            page=request.query_params.get("page"),
            per_page=REVENUE_CLIENTS_API_PAGE,
            slugs=True,
        )

        def link(number: int) -> str:
            params = request.query_params.copy()
            params["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        return Response(
            {
                "count": page.paginator.count,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": link(page.previous_page_number()) if page.has_previous() else None,
                "results": [
                    {
                        "client": r["client_slug"],
                        "client_name": r["client"],
                        "currency": r["currency"],
                        "volume": str(r["volume"]),
                        "cashback_earned": str(r["cashback_earned"]),
                        "discounts_received": str(r["discounts_received"]),
                        "total_paid": str(r["total_paid"]),
                    }
                    for r in page.object_list
                ],
            }
        )


class ProgramVolumeAPI(OrgScopedAPIView):
    """PP-4: the rolling 12-month volume managed through the program against the minimum."""

    capability_map = {"GET": "cashback.view"}

    @extend_schema(operation_id="org_program_volume_retrieve", responses={200: VolumeSerializer})
    def get(self, request, org):
        _require_own_partner(self.access)
        return Response(_volume_json(selectors.rolling_volume(partner=self.access.org)))


class FileContentNegotiation(BaseContentNegotiation):
    """The file downloads (CSV, the invoice document) answer their file whatever the client accepts,
    and any error in the JSON error shape: no 406 for an `Accept` that names neither."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


CSV_RESPONSE = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="A CSV attachment.")}


class RevenueCsvAPI(OrgScopedAPIView):
    """BL-7: the console's CSV export, as the page's."""

    capability_map = {"GET": "cashback.view"}
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(operation_id="org_revenue_csv", responses=CSV_RESPONSE)
    def get(self, request, org):
        _require_own_partner(self.access)
        rows = selectors.revenue_csv_rows(partner=self.access.org)
        return csv_response("revenue.csv", selectors.REVENUE_CSV_HEADER, rows)


CLIENT = OpenApiParameter(
    "client", str, description="A client's slug: that client's lines only (all clients without it)."
)


class RebillCsvAPI(OrgScopedAPIView):
    """BL-10: what to re-invoice the clients a partner pays for (one client with `client`)."""

    capability_map = {"GET": "billing.view"}
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(operation_id="org_rebill_csv", parameters=[CLIENT], responses=CSV_RESPONSE)
    def get(self, request, org):
        _require_own_partner(self.access)
        client = None
        slug = request.query_params.get("client", "").strip()
        if slug:
            # A slug only (the page also searches names): an org that is not a client on the
            # partner's invoices is not found, whether it exists or not.
            client = selectors.invoice_clients(access=self.access).filter(slug=slug[:200]).first()
            if client is None:
                raise Http404
        filename = f"rebill-{client.slug}.csv" if client else "rebill.csv"
        rows = selectors.rebill_csv_rows(partner=self.access.org, client=client)
        return csv_response(filename, selectors.REBILL_CSV_HEADER, rows)


class InvoiceDownloadAPI(OrgScopedAPIView):
    """BL-8: the invoice document, as the manager's download (an HTML attachment)."""

    capability_map = {"GET": "billing.view"}
    renderer_classes = [renderers.JSONRenderer]
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        operation_id="org_invoices_download",
        responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="An HTML attachment.")},
    )
    def get(self, request, org, pk):
        invoice = selectors.invoice_for(access=self.access, pk=pk)
        if invoice is None:
            raise Http404
        response = render(
            request._request,
            "billing/invoice_print.html",
            {"invoice": invoice, "lines": invoice.lines.select_related("client"), "can_pay": False},
        )
        response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.html"'
        return response
