"""Billing manager pages: thin views over services and selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from clients.models import ProductType
from clients.views import OrgViewMixin
from portal.csv_stream import csv_response
from portal.errors import RuleViolation
from portal.paging import page_without_count

from . import partner_terms, selectors, services
from .models import Invoice, PaymentMethod


def org_edit_url() -> str:
    try:
        return reverse("manager:org_edit")
    except NoReverseMatch:
        return reverse("manager:org_detail")


class ShopView(OrgViewMixin, View):
    """BL-1/BL-3: the catalog with an order form (the acting org, or the client acted for)."""

    capability = "orders.place"

    def _context(self, **extra):
        # The prices the payer will pay, computed as the order prices its invoice line (BL-4, PP-5).
        quote = services.order_quote(access=self.access, client=self.access.org, product_types=selectors.catalog())
        payer = quote.payer
        rows = [{"type": pt, "prices": prices} for pt, prices in quote.rows]
        allowed = partner_terms.may_order(access=self.access, client=self.access.org)
        # BL-4: the banner names a partner price only where a line gets one (no rate for the
        # category, or the client ordering itself, and the partner pays the public price).
        discounted = [pt for pt, prices in quote.rows if any(p.partner_discount > 0 for p in prices)]
        return {
            "rows": rows,
            "currency": quote.currency,
            "payer": payer,
            "partner_price_everywhere": bool(rows) and len(discounted) == len(rows),
            "partner_price_categories": list(dict.fromkeys(str(pt.get_category_display()) for pt in discounted)),
            "may_set_note": services.order_note_allowed(access=self.access, client=self.access.org, payer=payer),
            "allowed": allowed,
            "vat_prompt": payer.pk == self.access.org.pk
            and not self.access.is_acting_for_client
            and services.needs_vat_prompt(payer),
            "edit_url": org_edit_url(),
            "can_change_vat": self.access.can("org.change_vat"),
            **extra,
        }

    def get(self, request):
        return render(request, "billing/shop.html", self._context())

    def post(self, request):
        product_type = ProductType.objects.filter(slug=request.POST.get("product_type", ""), active=True).first()
        if product_type is None:
            messages.error(request, _("Choose a product from the catalog."))
            return render(request, "billing/shop.html", self._context(), status=400)
        note = request.POST.get("invoice_note", "").strip() or None
        try:
            order = services.order_place(
                access=self.access,
                client=self.access.org,
                items=[
                    services.OrderItem(
                        product_type=product_type,
                        period=request.POST.get("period", ""),
                        name=request.POST.get("name", ""),
                    )
                ],
                invoice_note_override=note,
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
            return render(request, "billing/shop.html", self._context(form=request.POST), status=exc.status)
        messages.success(request, _("Order placed: %(name)s.") % {"name": order.lines.first().name})
        if order.payer_id == self.access.org.pk and not self.access.is_acting_for_client:
            return redirect("billing:to_pay")
        return redirect("billing:products")


class ProductsView(OrgViewMixin, View):
    capability = "products.view"

    def get(self, request):
        can_renew = partner_terms.may_order(access=self.access, client=self.access.org)
        products = (
            selectors.products_with_renewal_periods(access=self.access)
            if can_renew
            else selectors.products_visible_to(access=self.access)
        )
        return render(request, "billing/products.html", {"products": products, "can_renew": can_renew})


class ProductRenewView(OrgViewMixin, View):
    capability = "products.view"

    def post(self, request, pk):
        product = selectors.products_visible_to(access=self.access).filter(pk=pk).first()
        if product is None:
            raise Http404
        try:
            services.product_renew(access=self.access, product=product, period=request.POST.get("period", "1y"))
        except RuleViolation as exc:
            if exc.status == 404:
                raise Http404
            messages.error(request, exc.message)
            return redirect("billing:products")
        messages.success(request, _("%(name)s renewed.") % {"name": product.name})
        return redirect("billing:products")


class InvoicesView(OrgViewMixin, View):
    """The invoice list: keyset pages of 50 (no COUNT), the status filter and a client
    filter — a select up to 100 clients, a search field (name or slug) beyond (issue 9)."""

    capability = "billing.view"

    def get(self, request):
        status = request.GET.get("status", "")
        status = status if status in Invoice.Status.values else ""
        term = request.GET.get("client", "").strip()[:200]
        choices = selectors.invoice_client_choices(access=self.access)
        matched = None
        if term:
            matched = selectors.invoice_client_search(access=self.access, term=term)
            if not matched:
                messages.error(request, _("No client matches “%(term)s”.") % {"term": term})
        if matched == []:
            page = selectors.InvoicePage(invoices=[])
        else:
            invoices = selectors.invoices_visible_to(access=self.access, status=status, clients=matched)
            page = selectors.invoice_page(
                invoices, after=request.GET.get("after", ""), before=request.GET.get("before", "")
            )
        filters = urlencode({k: v for k, v in {"client": term, "status": status}.items() if v})
        return render(
            request,
            "billing/invoices.html",
            {
                "invoices": page.invoices,
                "page": page,
                "filters": filters,
                "clients": choices.clients,
                "searching": choices.searching,
                "client_term": term,
                "client": matched[0] if matched and len(matched) == 1 else None,
                "status": status,
            },
        )


class ToPayView(OrgViewMixin, View):
    """BL-9 with the ORG-4 prompt: the unpaid invoices in keyset pages of 50, newest first,
    as the invoice list (a partner paying for its clients may have thousands, issue 9)."""

    capability = "billing.view"

    def get(self, request):
        org = self.access.org
        page = selectors.invoice_page(
            selectors.unpaid_invoices(access=self.access),
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
        )
        return render(
            request,
            "billing/to_pay.html",
            {
                "invoices": page.invoices,
                "page": page,
                "paging": bool(request.GET.get("after") or request.GET.get("before")),
                "vat_prompt": not self.access.is_acting_for_client and services.needs_vat_prompt(org),
                "edit_url": org_edit_url(),
                "can_change_vat": self.access.can("org.change_vat"),
                "balances": selectors.balances_of(org=org),
                "can_pay": self.access.can("billing.pay"),
            },
        )


class InvoicePayView(OrgViewMixin, View):
    capability = "billing.pay"

    def post(self, request, pk):
        invoice = selectors.invoice_for(access=self.access, pk=pk)
        if invoice is None:
            raise Http404
        method = request.POST.get("method", "card")
        if method not in PaymentMethod.values:
            method = "card"
        try:
            services.invoice_pay(
                access=self.access, invoice=invoice, method=method, card_number=request.POST.get("card_number", "")
            )
        except RuleViolation as exc:
            messages.error(request, exc.message)
            return redirect("billing:to_pay")
        messages.success(request, _("Invoice %(number)s is paid. Thank you.") % {"number": invoice.number})
        return redirect("billing:invoice_detail", pk=invoice.pk)


class InvoiceDetailView(OrgViewMixin, View):
    capability = "billing.view"
    download = False

    def get(self, request, pk):
        invoice = selectors.invoice_for(access=self.access, pk=pk)
        if invoice is None:
            raise Http404
        response = render(
            request,
            "billing/invoice_print.html" if self.download else "billing/invoice_detail.html",
            {
                "invoice": invoice,
                "lines": invoice.lines.select_related("client"),
                "can_pay": self.access.can("billing.pay"),
            },
        )
        if self.download:
            response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.html"'
        return response


CASHBACK_PER_PAGE = 50  # the ledger, newest first, in pages without a COUNT (issue 9)


class CashbackView(OrgViewMixin, View):
    capability = "cashback.view"

    def _guard(self):
        if self.access.is_acting_for_client or not selectors.access_is_partner(access=self.access):
            raise Http404

    def get(self, request):
        self._guard()
        entries = page_without_count(
            selectors.cashback_for(access=self.access), request.GET.get("page"), CASHBACK_PER_PAGE
        )
        return render(
            request,
            "billing/cashback.html",
            {
                "entries": entries,
                "page": entries,
                "totals": selectors.cashback_totals(partner=self.access.org),
                "balances": selectors.balances_of(org=self.access.org),
                "payouts": selectors.payouts_for(access=self.access)[:20],
                "currency": self.access.org.currency,
            },
        )

    def post(self, request):
        self._guard()
        try:
            services.payout_request_create(
                access=self.access,
                amount=request.POST.get("amount") or "0",
                currency=request.POST.get("currency") or self.access.org.currency,
                method=request.POST.get("method", ""),
                iban=request.POST.get("iban", ""),
                account_holder=request.POST.get("account_holder", ""),
                paypal_email=request.POST.get("paypal_email", ""),
            )
        except (RuleViolation, ArithmeticError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Enter a valid amount.")))
            return redirect("billing:cashback")
        messages.success(request, _("Payout requested. Our team settles it within a few business days."))
        return redirect("billing:cashback")


class RevenueView(OrgViewMixin, View):
    """BL-7, PP-4: the partner revenue console, read from the summary tables (issue 9)."""

    capability = "cashback.view"
    fmt = "html"

    def get(self, request):
        org = self.access.org
        if self.access.is_acting_for_client or not selectors.access_is_partner(access=self.access):
            raise Http404
        overview = selectors.revenue_overview(partner=org)
        if self.fmt == "csv":
            return self._csv(org=org, overview=overview)
        rebill = selectors.invoice_client_choices(access=self.access)
        return render(
            request,
            "billing/revenue.html",
            {
                "months": overview.months,
                "sections": overview.sections,
                "clients_page": selectors.revenue_clients_page(partner=org, page=request.GET.get("page")),
                "by_category": overview.by_category,
                "currency": org.currency,
                "volume": overview.volume,
                "has_rebill_clients": rebill.any,
                "rebill_search": rebill.searching,
                "rebill_clients": rebill.clients,
            },
        )

    def _csv(self, *, org, overview):
        """Every client, streamed from the summary in chunks (a 10,000-client partner too);
        each row in its own currency (months and categories per currency)."""
        rows = selectors.revenue_csv_rows(partner=org, overview=overview)
        return csv_response("revenue.csv", selectors.REVENUE_CSV_HEADER, rows)


class RebillCsvView(OrgViewMixin, View):
    """BL-10: what to re-invoice each client, for a partner that pays.

    `?client=` is a slug (the links) or, from the search field of a partner with many
    clients, a name among the clients on its invoices."""

    capability = "billing.view"

    def get(self, request):
        org = self.access.org
        if self.access.is_acting_for_client or not selectors.access_is_partner(access=self.access):
            raise Http404
        client = None
        term = request.GET.get("client", "").strip()
        if term:
            # Only among the clients on the partner's invoices: any other org's slug is "no client", as
            # an unknown slug is (an empty CSV for it told that the slug exists, SEC-1).
            client = selectors.rebill_client(access=self.access, term=term)
            if client is None:
                messages.error(request, _("No single client matches “%(term)s”.") % {"term": term[:200]})
                return redirect("billing:revenue")
        filename = f"rebill-{client.slug}.csv" if client else "rebill.csv"
        return csv_response(
            filename, selectors.REBILL_CSV_HEADER, selectors.rebill_csv_rows(partner=org, client=client)
        )


class BelowMinimumView(LoginRequiredMixin, View):
    """PP-4: staff list of partners below the minimum volume."""

    def get(self, request):
        if not request.user.is_staff:
            raise Http404
        below = selectors.partners_below_minimum(user=request.user, partners=partner_terms.approved_partner_orgs())
        page = page_without_count(below, request.GET.get("page"), selectors.BELOW_MINIMUM_PER_PAGE)
        return render(request, "billing/below_minimum.html", {"page": page, "rows": selectors.below_minimum_rows(page)})
