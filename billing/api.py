"""Billing API (`/api/v1/`): thin views over the services and selectors."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api_base import OrgScopedAPIView
from clients.models import AccessToken, Organization, ProductType
from clients.tenancy import access_for
from portal.errors import InvalidInput, RuleViolation

from . import selectors, services
from .models import Invoice, PaymentMethod, Period


class CatalogAPI(APIView):
    """BL-1: the public catalog."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(operation_id="catalog_list", responses={200: OpenApiTypes.OBJECT})
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

    @extend_schema(operation_id="org_products_list", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org):
        return Response({"results": [_product_json(p) for p in selectors.products_visible_to(access=self.access)]})


class OrderItemSerializer(serializers.Serializer):
    product_type = serializers.SlugField(required=False)
    product_id = serializers.IntegerField(required=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period = serializers.ChoiceField(choices=Period.values)


class OrderSerializer(serializers.Serializer):
    client = serializers.SlugField(required=False)
    items = OrderItemSerializer(many=True, allow_empty=False)
    invoice_note = serializers.CharField(required=False, allow_blank=True, max_length=128)


class OrdersAPI(OrgScopedAPIView):
    """BL-3: `client` when a partner orders from its own org for a client."""

    @extend_schema(operation_id="org_orders_create", request=OrderSerializer, responses={201: OpenApiTypes.OBJECT})
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

    @extend_schema(operation_id="org_invoices_list", parameters=[AFTER], responses={200: OpenApiTypes.OBJECT})
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

    @extend_schema(operation_id="org_invoices_retrieve", responses={200: OpenApiTypes.OBJECT})
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

    @extend_schema(operation_id="org_invoices_pay", request=PaySerializer, responses={200: OpenApiTypes.OBJECT})
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


class CashbackAPI(OrgScopedAPIView):
    capability_map = {"GET": "cashback.view"}

    @extend_schema(operation_id="org_cashback_list", parameters=[AFTER], responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org):
        if self.access.is_acting_for_client or not selectors.is_partner(org=self.access.org):
            raise RuleViolation("not_a_partner", _("Cashback is for approved partners."), status=403)
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
