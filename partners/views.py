"""Manager pages of the partner program. Thin: forms in, services/selectors out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from clients.models import Product
from clients.tenancy import acting, switch_org
from clients.views import OrgViewMixin
from portal.csv_stream import csv_response
from portal.errors import RuleViolation
from portal.paging import page_without_count
from portal.templatetags.portal_format import format_money

from . import forms, selectors, services
from .access import mfa_blocked, rights_for
from .models import ClientPartnerSettings, PartnerApplication, PartnerProfile, Partnership, logo_content_type

LOGO_CACHE_SECONDS = 7 * 24 * 3600  # the URL carries the stored name's hash: a new logo is a new URL


def _flash(request, exc: RuleViolation) -> None:
    messages.error(request, str(exc.message))


class OwnOrgMixin(OrgViewMixin):
    """Pages of one's own org: not reachable while acting for a client (PS-12)."""

    def dispatch(self, request, *args, **kwargs):
        access = acting(request) if request.user.is_authenticated else None
        if access is not None and access.is_acting_for_client:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PartnerMixin(OwnOrgMixin):
    """Partner pages: the org must be an approved partner."""

    def dispatch(self, request, *args, **kwargs):
        access = acting(request) if request.user.is_authenticated else None
        if access is not None and not access.is_acting_for_client:
            self.profile = selectors.access_partner_profile(access=access)
            if self.profile is None:
                raise Http404
            # SEC-2's MFA requirement is enforced for every manager page (`partners.access.partner_mfa_guard`).
        return super().dispatch(request, *args, **kwargs)


def _own_partnership(access, pk) -> Partnership:
    if not selectors.valid_object_id(pk):
        raise Http404
    p = selectors.partnerships_visible_to(access=access).filter(pk=pk).first()
    if p is None:
        raise Http404
    return p


# ---------------------------------------------------------------------------
# PP


class ConsoleView(OwnOrgMixin, View):
    """Partner console, or what applies to a non-partner: the application under review, the
    rejection and its reason, the invitation to apply, or the affiliate program (PP-1, PP-2)."""

    def get(self, request):
        access = self.access
        profile = selectors.partner_profile_for(org=access.org)
        ctx = {"profile": profile}
        if profile is not None:
            ctx["clients_count"] = selectors.active_clients_count(partner=access.org)
            ctx["to_review"] = selectors.partnerships_to_review(partner=access.org)
            if access.can("cashback.view"):  # the revenue console's right: the volume is revenue data
                ctx["volume"] = selectors.program_volume(partner=access.org)
            if access.can("cashback.view") or access.can("billing.view"):  # PP-5: what the partner earns
                ctx["rates"] = selectors.commission_rates_of(profile=profile)
        elif access.org.is_company:
            ctx["application"] = selectors.latest_application(org=access.org)
        return render(request, "partners/console.html", ctx)


class ApplyView(OwnOrgMixin, View):
    capability = "partner.apply"

    def _form(self, data=None):
        org = self.access.org
        currency = org.currency
        minimum = format_money(services.MINIMUM_VOLUME[currency], currency)
        initial = {"register_number": org.register_number_display}
        return forms.ApplicationForm(data, initial=initial, currency=currency, minimum=minimum)

    def _ctx(self, form):
        applications = list(selectors.applications_for(org=self.access.org))
        return {
            "form": form,
            "applications": applications,
            # PP-1: no second submission while one is under review.
            "pending": next((a for a in applications if a.status == PartnerApplication.Status.SUBMITTED), None),
            "is_partner": selectors.access_is_approved_partner(access=self.access),
            "is_affiliate": selectors.is_affiliate(org=self.access.org),
        }

    def get(self, request):
        return render(request, "partners/apply.html", self._ctx(self._form()))

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.application_submit(access=self.access, **form.cleaned_data)
            except RuleViolation as exc:
                if exc.code == "application_pending":  # sent from another tab: the page shows the state
                    _flash(request, exc)
                    return redirect("partners:apply")
                forms.apply_violation(form, exc)
            else:
                messages.success(request, _("Your application was sent. We'll email you our decision."))
                return redirect("partners:apply")
        return render(request, "partners/apply.html", self._ctx(form), status=400)


@login_required
@require_POST
def perk_claim(request):
    access = acting(request)
    if access is None or access.is_acting_for_client:
        raise Http404
    try:
        services.perk_claim(access=access)
    except RuleViolation as exc:
        if exc.status in (403, 404):
            raise Http404
        _flash(request, exc)
    else:
        messages.success(request, _("Your free access to the WordPress theme and plugin catalog is active."))
    return redirect("partners:console")


def _staff_only(request):
    if not request.user.is_authenticated or not request.user.is_staff:
        raise Http404


@login_required
def staff_queue(request):
    _staff_only(request)
    status = request.GET.get("status", "submitted")
    if status not in PartnerApplication.Status.values:
        status = ""
    page = Paginator(selectors.applications_queue(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    conflicts = selectors.register_number_conflicts(applications=page.object_list)
    for application in page.object_list:
        application.register_number_elsewhere = conflicts.get(application.pk, [])
    return render(
        request,
        "partners/staff_queue.html",
        {
            "page": page,
            "status": status,
            "reject_form": forms.RejectForm(),
            "statuses": PartnerApplication.Status.choices,
            "query_string": f"status={status}",
        },
    )


@login_required
@require_POST
def staff_decide(request, pk: int, decision: str):
    _staff_only(request)
    if not selectors.valid_object_id(pk):
        raise Http404
    application = get_object_or_404(PartnerApplication, pk=pk)
    try:
        if decision == "approve":
            services.application_approve(application=application, by=request.user)
            messages.success(request, _("%(org)s is now a partner.") % {"org": application.org.name})
        else:
            services.application_reject(application=application, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The application of %(org)s was rejected.") % {"org": application.org.name})
    except RuleViolation as exc:
        _flash(request, exc)
    return redirect("partners:staff_queue")


# ---------------------------------------------------------------------------
# PS: lists


class ClientsView(PartnerMixin, View):
    """PS-16: clients under management."""

    def get(self, request):
        access = self.access
        if (
            not access.can("clients.access")
            and selectors.collaborator_rights_for(partner=access.org, user=request.user) is None
        ):
            raise Http404
        search = request.GET.get("q", "").strip()
        level = request.GET.get("level", "")
        status = request.GET.get("status", "")
        sort = request.GET.get("sort", "name")
        qs = selectors.managed_clients(access=access, search=search, level=level, status=status, sort=sort)
        if request.GET.get("format") == "csv":
            return _clients_csv(qs, partner=access.org)
        page = page_without_count(qs, request.GET.get("page"), 25)  # no COUNT over 10,000 clients
        selectors.attach_client_figures(partner=access.org, partnerships=page.object_list)
        for p in page:
            p.managed_count = p.client_products_count if p.is_full else p.products_count
            # One gettext per row instead of a {% blocktranslate %} (issue 9); escaped by the template.
            p.access_label = _("Access %(name)s's account") % {"name": p.client.name}
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "partners/clients.html",
            {
                "page": page,
                "q": search,
                "level": level,
                "status": status,
                "sort": sort,
                "query_string": params.urlencode(),
                "can_view_detail": access.can("partnerships.view"),
                "levels": Partnership.AccessLevel.choices,
                "statuses": [(s.value, s.label) for s in selectors.MANAGED_CLIENT_STATUSES],
            },
        )


CSV_BATCH = 1000  # partnerships read, and their figures asked, per batch of the export


def _clients_csv(qs, *, partner):
    """PS-16's export, every client in the list's order, streamed: the partnerships from a
    server-side cursor, the billing figures asked per batch of 1,000 (issue 9)."""

    def rows():
        batch = []
        for partnership in qs.iterator(chunk_size=CSV_BATCH):
            batch.append(partnership)
            if len(batch) == CSV_BATCH:
                yield from _clients_csv_rows(batch, partner=partner)
                batch = []
        yield from _clients_csv_rows(batch, partner=partner)

    header = [
        "client",
        "slug",
        "access_level",
        "payment_method",
        "status",
        "products_managed",
        "users",
        "revenue_earned",
        "discounts_received",
        "total_paid",
        "currency",
        "since",
    ]
    return csv_response("clients.csv", header, rows())


def _clients_csv_rows(batch, *, partner):
    selectors.attach_client_figures(partner=partner, partnerships=batch)
    for p in batch:
        figures = {
            "revenue_earned": p.revenue_earned,
            "discounts_received": p.discounts_received,
            "total_paid": p.total_paid,
            "currency": p.figures_currency,
        }
        # the client's figures in another currency (if any): a row of their own
        for f in (figures, *p.other_figures):
            yield [
                p.client.name,
                p.client.slug,
                p.access_level,
                p.payment_method or "",
                p.status,
                p.client_products_count if p.is_full else p.products_count,
                p.users_count,
                f["revenue_earned"],
                f["discounts_received"],
                f["total_paid"],
                f["currency"],
                p.accepted_at.date().isoformat() if p.accepted_at else "",
            ]


class PendingView(OwnOrgMixin, View):
    """Pending invitations, both directions (PS-2, PS-3)."""

    capability = "partnerships.view"

    def get(self, request):
        qs = selectors.pending_visible_to(access=self.access)  # PS-1: past their expiry, not listed
        rows = []
        for p in selectors.attach_requested_products(partnerships=qs.order_by("-created_at")):
            rows.append(
                {
                    "p": p,
                    "sent": services._is_sender(self.access, p)
                    or (
                        (p.initiated_by == "partner" and p.partner_id == self.access.org.pk)
                        or (p.initiated_by == "client" and p.client_id == self.access.org.pk)
                    ),
                    "can_answer": services._may_answer(self.access, p),
                    "can_send": services._is_sender(self.access, p),
                }
            )
        return render(request, "partners/pending.html", {"rows": rows})


class PartnersView(OwnOrgMixin, View):
    """Client side: the org's partners (PS-14: legal reps manage, administrators see)."""

    capability = "partnerships.view"

    def get(self, request):
        qs = (
            selectors.partnerships_visible_to(access=self.access)
            .filter(client=self.access.org)
            .exclude(status=Partnership.Status.PENDING)
        )
        page = Paginator(qs.order_by("status", "-accepted_at", "-id"), 25).get_page(request.GET.get("page"))
        settings_obj = ClientPartnerSettings.objects.filter(client=self.access.org).first()
        return render(
            request,
            "partners/partners.html",
            {"page": page, "require_partner_mfa": bool(settings_obj and settings_obj.require_partner_mfa)},
        )


class InviteClientView(PartnerMixin, View):
    capability = "clients.add"

    def get(self, request):
        return render(request, "partners/invite_client.html", {"form": forms.InviteClientForm()})

    def post(self, request):
        form = forms.InviteClientForm(request.POST)
        if form.is_valid():
            try:
                services.partnership_invite_client(
                    access=self.access,
                    client_email=form.cleaned_data["client_email"],
                    access_level=form.cleaned_data["access_level"],
                    payment_method=form.cleaned_data["payment_method"] or None,
                )
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
            else:
                messages.success(request, _("The invitation was sent."))
                return redirect("partners:pending")
        return render(request, "partners/invite_client.html", {"form": form}, status=400)


class InvitePartnerView(OwnOrgMixin, View):
    """PS-3: search partners by name or email and invite one."""

    capability = "partnerships.manage"

    def _form(self, data=None, query="", picked=""):
        partners = selectors.search_partners(query=query, exclude_org=self.access.org)
        if picked:  # PS-3: picked from the directory ("?partner=<slug>")
            partners = partners | PartnerProfile.objects.filter(
                slug=picked, status=PartnerProfile.Status.APPROVED
            ).exclude(org=self.access.org)
        if data is not None:
            partners = PartnerProfile.objects.filter(status="approved").exclude(org=self.access.org)
        products = (
            Product.objects.filter(org=self.access.org)
            .select_related("product_type")
            .order_by("product_type__category", "name")
        )
        return forms.InvitePartnerForm(data, partners=partners, products=products)

    def get(self, request):
        query = request.GET.get("q", "").strip()
        form = self._form(query=query, picked=request.GET.get("partner", ""))
        if request.GET.get("partner"):
            form.initial["partner"] = request.GET["partner"]
        return render(request, "partners/invite_partner.html", {"form": form, "q": query})

    def post(self, request):
        # The form posts to the page's own address: the search (`?q=`) and the directory pick
        # (`?partner=`) come back with it.
        query = request.GET.get("q", "").strip()
        picked = request.GET.get("partner", "")
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.partnership_invite_partner(
                    access=self.access,
                    partner=form.cleaned_data["partner"].org,
                    access_level=form.cleaned_data["access_level"],
                    payment_method=form.cleaned_data["payment_method"] or None,
                    product_ids=[p.pk for p in form.cleaned_data["products"]],
                )
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
            else:
                messages.success(request, _("The invitation was sent to the partner."))
                return redirect("partners:pending")
        # Validated against every approved partner; shown again as searched, with the chosen one.
        shown = self._form(query=query, picked=picked).fields["partner"].queryset
        chosen = form.cleaned_data.get("partner") if hasattr(form, "cleaned_data") else None
        if chosen is not None:
            shown = PartnerProfile.objects.filter(Q(pk__in=shown.values("pk")) | Q(pk=chosen.pk))
        form.fields["partner"].queryset = shown.select_related("org")
        return render(request, "partners/invite_partner.html", {"form": form, "q": query}, status=400)


# ---------------------------------------------------------------------------
# PS: one partnership


class PartnershipDetailView(OwnOrgMixin, View):
    """Partner profile as seen by the client, or client profile as seen by the partner."""

    capability = "partnerships.view"

    def get(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        selectors.attach_requested_products(partnerships=[p])  # PS-3: what a pending request asks
        is_client = p.client_id == self.access.org.pk
        ctx = {
            "p": p,
            "is_client": is_client,
            "is_partner": p.partner_id == self.access.org.pk,
            "can_manage": self.access.can("partnerships.manage"),
            "grants": p.grants.select_related("product__product_type").order_by("-active", "product__name"),
            "products_managed": selectors.partnership_product_count(p) if p.client_id else 0,
            "explanations": services.PAYMENT_EXPLANATIONS,
        }
        if is_client and p.is_active:
            products = Product.objects.filter(org=p.client).select_related("product_type")
            ctx["products_form"] = forms.ProductsForm(
                products=products, initial={"products": selectors.granted_product_ids(partnership=p)}
            )
            ctx["payment_form"] = forms.PaymentMethodForm(initial={"payment_method": p.payment_method})
            ctx["end_date_form"] = forms.EndDateForm(initial={"ends_on": p.ends_on})
        if p.partner_id == self.access.org.pk and p.is_active:
            ctx["can_access"] = (
                self.access.can("clients.access")
                or selectors.collaborator_rights_for(partner=self.access.org, user=request.user) is not None
            )
        return render(request, "partners/partnership_detail.html", ctx)


class AcceptView(OwnOrgMixin, View):
    capability = "partnerships.view"

    def _form(self, p, data=None):
        client = p.client or self.access.org
        products = Product.objects.filter(org=client).select_related("product_type")
        initial = {
            "access_level": p.requested_access_level,
            "payment_method": p.requested_payment_method or "",
            "products": [i for i in p.requested_product_ids if products.filter(pk=i).exists()],
        }
        return forms.AcceptForm(data, products=products, initial=initial)

    def get(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        if not services._may_answer(self.access, p) or not p.is_pending:
            raise Http404
        if p.is_overdue:  # PS-1: expired, though the hourly job hasn't marked it yet
            messages.error(request, _("This invitation has expired. Ask for a new one."))
            return redirect("partners:partnership_detail", pk=p.pk)
        return render(request, "partners/accept.html", self._ctx(p, self._form(p)))

    @staticmethod
    def _ctx(p, form) -> dict:
        selectors.attach_requested_products(partnerships=[p])  # PS-3: the partner sees what it accepts
        return {"p": p, "form": form}

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        counter = p.initiated_by == Partnership.Side.PARTNER
        if not counter:
            # The partner accepts a client's invitation as offered (PS-3): the page
            # shows no fields, so there is no form to validate.
            form = self._form(p)
            try:
                services.partnership_accept(access=self.access, partnership=p)
            except RuleViolation as exc:
                messages.error(request, exc.message)
                return render(request, "partners/accept.html", self._ctx(p, form), status=400)
            messages.success(request, _("The partnership is active."))
            return redirect("partners:partnership_detail", pk=p.pk)
        form = self._form(p, request.POST)
        if form.is_valid():
            kwargs = {}
            if counter:
                kwargs = {
                    "access_level": form.cleaned_data["access_level"],
                    "payment_method": form.cleaned_data["payment_method"] or None,
                    "product_ids": [pr.pk for pr in form.cleaned_data["products"]],
                }
            try:
                services.partnership_accept(access=self.access, partnership=p, **kwargs)
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
            else:
                messages.success(request, _("The partnership is active."))
                return redirect("partners:partnership_detail", pk=p.pk)
        return render(request, "partners/accept.html", self._ctx(p, form), status=400)


class _ActionView(OwnOrgMixin, View):
    capability = "partnerships.view"
    action = ""
    success = ""  # gettext_lazy in subclasses: a class attribute is built once, at import, in no language
    redirect_to = "partners:partnership_detail"

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        try:
            getattr(services, self.action)(access=self.access, partnership=p)
        except RuleViolation as exc:
            if exc.status == 403:
                raise Http404
            _flash(request, exc)
        else:
            messages.success(request, self.success)
        if self.redirect_to == "partners:pending":
            return redirect("partners:pending")
        return redirect(self.redirect_to, pk=p.pk)


class DeclineView(_ActionView):
    action = "partnership_decline"
    success = gettext_lazy("The invitation was declined.")
    redirect_to = "partners:pending"


class WithdrawView(_ActionView):
    action = "partnership_withdraw"
    success = gettext_lazy("The invitation was withdrawn.")
    redirect_to = "partners:pending"


class ResendView(_ActionView):
    action = "partnership_resend"
    success = gettext_lazy("The invitation was sent again.")
    redirect_to = "partners:pending"


class AcknowledgeView(_ActionView):
    action = "partnership_acknowledge"
    success = gettext_lazy("Marked as reviewed.")


class PaymentMethodView(OwnOrgMixin, View):
    """PS-9: a confirmation page says what changes for whom before the client confirms."""

    capability = "partnerships.manage"

    def get(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        if p.client_id != self.access.org.pk or not p.is_active or not p.is_full:
            raise Http404
        new = request.GET.get("payment_method", "")
        if new not in Partnership.PaymentMethod.values or new == p.payment_method:
            return redirect("partners:partnership_detail", pk=p.pk)
        return render(
            request,
            "partners/payment_method_confirm.html",
            {
                "p": p,
                "new": new,
                "new_label": Partnership.PaymentMethod(new).label,
                "explanation": services.PAYMENT_EXPLANATIONS[new],
                "old_explanation": services.PAYMENT_EXPLANATIONS[p.payment_method],
            },
        )

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        try:
            services.partnership_change_payment_method(
                access=self.access, partnership=p, payment_method=request.POST.get("payment_method", "")
            )
        except RuleViolation as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The payment method was changed; the partner was told."))
        return redirect("partners:partnership_detail", pk=p.pk)


class ProductsView(OwnOrgMixin, View):
    """PS-10: the client sets the granted products."""

    capability = "partnerships.manage"

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        if p.client_id != self.access.org.pk:
            raise Http404
        form = forms.ProductsForm(request.POST, products=Product.objects.filter(org=self.access.org))
        if not form.is_valid():
            messages.error(request, _("Choose products of your organization."))
            return redirect("partners:partnership_detail", pk=p.pk)
        try:
            services.partnership_set_products(
                access=self.access, partnership=p, product_ids=[pr.pk for pr in form.cleaned_data["products"]]
            )
        except RuleViolation as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The granted products were saved; the partner was told."))
        return redirect("partners:partnership_detail", pk=p.pk)


class EndDateView(OwnOrgMixin, View):
    capability = "partnerships.manage"

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        form = forms.EndDateForm(request.POST)
        if form.is_valid():
            try:
                services.partnership_set_end_date(
                    access=self.access, partnership=p, ends_on=form.cleaned_data["ends_on"]
                )
            except RuleViolation as exc:
                if exc.status == 404:
                    raise Http404
                _flash(request, exc)
            else:
                if form.cleaned_data["ends_on"] is None:
                    messages.success(request, _("The end date was removed."))
                else:
                    messages.success(request, _("The end date was saved."))
        else:
            messages.error(request, _("Enter a valid date."))
        return redirect("partners:partnership_detail", pk=p.pk)


class EndView(OwnOrgMixin, View):
    """PS-11: confirm twice; the second time with the password."""

    capability = "partnerships.manage"

    def get(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        if not p.is_active:
            raise Http404
        return render(request, "partners/end.html", {"p": p, "step": 1})

    def post(self, request, pk: int):
        p = _own_partnership(self.access, pk)
        if not p.is_active:
            raise Http404
        if request.POST.get("step") != "2":
            return render(request, "partners/end.html", {"p": p, "step": 2, "form": forms.PasswordForm()})
        form = forms.PasswordForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.partnership_end(access=self.access, partnership=p, password=form.cleaned_data["password"])
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
                status = 429 if exc.status == 429 else 400  # SEC-3: too many wrong passwords
            else:
                messages.success(request, _("The partnership has ended. The other side was told."))
                return redirect("partners:partnership_detail", pk=p.pk)
        return render(request, "partners/end.html", {"p": p, "step": 2, "form": form}, status=status)


# ---------------------------------------------------------------------------
# PS-12: acting for a client


@login_required
@require_POST
def access_client(request, pk: int):
    access = acting(request)
    if access is None or access.is_acting_for_client or not selectors.valid_object_id(pk):
        raise Http404
    p = (
        Partnership.objects.filter(pk=pk, partner=access.org, status=Partnership.Status.ACTIVE)
        .select_related("client")
        .first()
    )
    if p is None:
        raise Http404
    # PS-13 before SEC-2: someone without rights on this client gets the same 404 as for a client that
    # isn't theirs; only a person who would otherwise be let in is asked to set up MFA.
    if access.membership is None or not rights_for(membership=access.membership, client=p.client):
        raise Http404
    if mfa_blocked(user=request.user, partnership=p):
        return render(request, "partners/mfa_required.html", {"p": p}, status=403)
    if switch_org(request, org=p.client) is None or not acting(request).is_acting_for_client:
        raise Http404
    messages.success(request, _("You now act for %(client)s.") % {"client": p.client.name})
    return redirect("partners:client_products")


@login_required
@require_POST
def leave_client(request):
    access = acting(request)
    if access is None or not access.is_acting_for_client:
        return redirect("manager:dashboard")
    switch_org(request, org=access.actor_org)
    messages.success(request, _("You are back in %(org)s.") % {"org": access.actor_org.name})
    return redirect("partners:clients")


class ClientProductsView(OrgViewMixin, View):
    """The acting org's products, limited to the partnership's scope (PS-4, PS-12)."""

    capability = "products.view"

    def get(self, request):
        qs = selectors.products_visible_to(access=self.access)
        q = request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(product_type__name__icontains=q))
        page = Paginator(qs.order_by("name", "id"), 50).get_page(request.GET.get("page"))
        return render(
            request, "partners/client_products.html", {"page": page, "q": q, "query_string": f"q={q}" if q else ""}
        )


# ---------------------------------------------------------------------------
# PS-13 collaborator rights, directory, security


class CollaboratorsView(PartnerMixin, View):
    capability = "collaborators.manage"

    def get(self, request):
        rows = []
        for m in selectors.collaborators_of(access=self.access):
            rows.append({"m": m, "rights": selectors.collaborator_rights_for(partner=self.access.org, user=m.user)})
        return render(request, "partners/collaborators.html", {"rows": rows})


class CollaboratorEditView(PartnerMixin, View):
    capability = "collaborators.manage"

    def _member(self, user_id):
        if not selectors.valid_object_id(user_id):
            raise Http404
        m = selectors.collaborators_of(access=self.access).filter(user_id=user_id).first()
        if m is None:
            raise Http404
        return m

    def get(self, request, user_id: int):
        m = self._member(user_id)
        rights = selectors.collaborator_rights_for(partner=self.access.org, user=m.user)
        initial = {}
        if rights:
            initial = {
                "all_clients": rights.all_clients,
                "clients": list(rights.clients.all()),
                "rights": rights.rights,
            }
        form = forms.CollaboratorRightsForm(initial=initial, clients=selectors.clients_of(partner=self.access.org))
        return render(request, "partners/collaborator_edit.html", {"m": m, "form": form})

    def post(self, request, user_id: int):
        m = self._member(user_id)
        form = forms.CollaboratorRightsForm(request.POST, clients=selectors.clients_of(partner=self.access.org))
        if form.is_valid():
            try:
                services.collaborator_rights_set(
                    access=self.access,
                    user=m.user,
                    all_clients=form.cleaned_data["all_clients"],
                    client_ids=[c.pk for c in form.cleaned_data["clients"]],
                    rights=form.cleaned_data["rights"],
                )
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
            else:
                messages.success(request, _("The rights of %(who)s were saved.") % {"who": m.user.display_name})
                return redirect("partners:collaborators")
        return render(request, "partners/collaborator_edit.html", {"m": m, "form": form}, status=400)


class ProfileView(PartnerMixin, View):
    capability = "directory.edit"

    def get(self, request):
        return render(request, "partners/profile.html", {"form": forms.ProfileForm(instance=self.profile)})

    def post(self, request):
        form = forms.ProfileForm(request.POST, request.FILES, instance=self.profile)
        if form.is_valid():
            try:
                services.profile_update(access=self.access, **form.cleaned_data)
            except RuleViolation as exc:
                forms.apply_violation(form, exc)
            except Exception as exc:  # model validation (logo type/size)
                from django.core.exceptions import ValidationError

                if not isinstance(exc, ValidationError):
                    raise
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("Your public profile was saved."))
                return redirect("partners:profile")
        return render(request, "partners/profile.html", {"form": form}, status=400)


class SecurityView(OwnOrgMixin, View):
    """SEC-2 settings: a client requires MFA of partner people; a partner of its members."""

    capability = "partnerships.manage"

    def get(self, request):
        client_settings = ClientPartnerSettings.objects.filter(client=self.access.org).first()
        profile = selectors.partner_profile_for(org=self.access.org)
        return render(
            request,
            "partners/security.html",
            {"client_require": bool(client_settings and client_settings.require_partner_mfa), "profile": profile},
        )

    def post(self, request):
        try:
            if request.POST.get("what") == "partner":
                services.partner_require_mfa_set(access=self.access, require=request.POST.get("require_mfa") == "on")
            else:
                services.client_partner_settings_set(
                    access=self.access, require_partner_mfa=request.POST.get("require_mfa") == "on"
                )
        except RuleViolation as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Saved."))
        return redirect("partners:security")


# ---------------------------------------------------------------------------
# TD-5: the directory's logos, served by the app itself (no media server in production)


@require_GET
def directory_logo(request, slug: str):
    profile = selectors.directory_logo_profile(slug=slug)
    if profile is None:
        raise Http404
    try:
        handle = profile.logo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type = logo_content_type(handle.read(16))
    if content_type is None:  # stored before its content was checked: never served as something else
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={LOGO_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
