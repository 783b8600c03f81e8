"""HTML pages of the tender platform and the public directory. Thin: forms in, services out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from clients.tenancy import Access, access_refusal, acting
from clients.views import form_add_violation
from portal.errors import RuleViolation
from portal.paging import page_without_count

from . import selectors, services
from .forms import (
    HONEYPOT_FIELD,
    AnswerForm,
    DeclineForm,
    DirectoryFilterForm,
    InboxFilterForm,
    QuoteForm,
    ReviewForm,
    SubscriptionForm,
    TenderRequestForm,
)
from .models import PartnerReview, TenderQuote, TenderRequest, TenderSubscription

INBOX_PAGE_SIZE = 25


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def valid_filters(form) -> dict:
    """The filters of a list whose values are valid: an invalid one is ignored (the form says so next
    to its field) without dropping the others (TD-2, TD-5)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def _violation_message(request, exc: RuleViolation) -> None:
    messages.error(request, str(exc.message))


# --- TD-1: public quote request ----------------------------------------------------


def _member_access(request) -> Access | None:
    if not request.user.is_authenticated:
        return None
    access = acting(request)
    if access is None or access.is_acting_for_client or not access.can("tenders.request"):
        return None
    # An org that refuses this person (SEC-2: MFA required) is not used: they request as a visitor.
    return None if access_refusal(access) is not None else access


def request_new(request):
    partner_slug = (request.GET.get("partner") or "").strip()[:80]
    partner = selectors.directory_profile(slug=partner_slug) if partner_slug else None
    if partner_slug and partner is None:
        raise Http404
    access = _member_access(request)
    if request.method == "POST":
        form = TenderRequestForm(request.POST)
        honeypot = request.POST.get(HONEYPOT_FIELD, "")
        if honeypot or form.is_valid():
            try:
                tender = services.tender_request_submit(
                    data=getattr(form, "cleaned_data", {}),
                    ip=client_ip(request),
                    access=access,
                    partner_slug=partner_slug,
                    honeypot=honeypot,
                )
            except RuleViolation as exc:
                form_add_violation(form, exc)
            else:
                if tender.requester_org_id:
                    if tender.status == TenderRequest.Status.AWAITING_CONFIRMATION:
                        messages.success(
                            request,
                            _(
                                "We emailed a confirmation link to %(email)s: it is not a verified address of your "
                                "account. Your request is sent to partners once the address is confirmed."
                            )
                            % {"email": tender.email},
                        )
                    else:
                        messages.success(
                            request, _("Your quote request is published. Partners' quotes will appear here.")
                        )
                    return redirect("tenders:my_request", pk=tender.pk)
                return redirect("tenders:request_sent")
    else:
        initial = {"language": request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("en", "es", "fr", "de") else "en"}
        if access is not None:
            initial.update(
                contact_name=request.user.display_name,
                email=request.user.email,
                company=access.org.name,
                country=access.org.country,
                currency=access.org.currency,
            )
        form = TenderRequestForm(initial=initial)
    return render(
        request,
        "tenders/request_form.html",
        {"form": form, "partner": partner, "member": access is not None, "partner_slug": partner_slug},
    )


def request_sent(request):
    return render(request, "tenders/request_sent.html")


def request_confirm(request, token: str):
    tender = selectors.tender_request_by_confirm_token(token=token)
    if tender is None:
        raise Http404
    if request.method == "POST":
        try:
            tender = services.tender_request_confirm(token=token)
        except RuleViolation as exc:
            if exc.status == 404:
                raise Http404
            raise
        if tender.deliveries.exists():
            messages.success(request, _("Thank you: your email is confirmed and your request was sent to partners."))
        else:
            messages.success(request, _("Thank you: your email is confirmed and your request is published."))
        if tender.requester_org_id:
            return redirect("tenders:my_request", pk=tender.pk)
        return redirect("tenders:private", token=tender.token)
    return render(request, "tenders/request_confirm.html", {"tender": tender})


# --- TD-4/TD-6: the requester's page (private link or manager) ------------------


def _requester_context(tender: TenderRequest, *, private: bool) -> dict:
    review = PartnerReview.objects.filter(request=tender).first()
    return {
        "tender": tender,
        # TD-2: how many partners received it; the page says so when none has (yet).
        "partners_count": tender.deliveries.count(),
        "quotes": selectors.quotes_for_requester(request=tender),
        "private": private,
        "review": review,
        "review_form": ReviewForm(),
        "can_award": private,
    }


def _requester_action(request, tender: TenderRequest, action: str, *, access: Access | None, quote_id=None):
    """Run one requester action; the result is a flash message, the page reloads."""
    try:
        if action == "accept":
            quote = services.tender_quote_accept(request=tender, quote_id=quote_id, access=access)
            messages.success(
                request,
                _("You accepted the quote of %(partner)s. The partners who quoted are informed.")
                % {"partner": quote.partner.name},
            )
        elif action == "close":
            services.tender_request_close(request=tender, access=access)
            messages.success(request, _("The request is closed. The partners who quoted are informed."))
        elif action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give a rating from 1 to 5; the review is at most 3,000 characters."))
                return
            services.tender_review_submit(
                request=tender, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"], access=access
            )
            messages.success(request, _("Thank you for your review."))
    except RuleViolation as exc:
        if exc.status == 404:
            raise Http404
        _violation_message(request, exc)


class PrivateRequestView(View):
    """The visitor's private, unguessable link (TD-4)."""

    def get(self, request, token: str, action: str = "", quote_id: int | None = None):
        tender = selectors.tender_request_by_token(token=token)
        if tender is None:
            raise Http404
        if action:
            return redirect("tenders:private", token=token)
        return render(request, "tenders/request_detail.html", _requester_context(tender, private=True))

    def post(self, request, token: str, action: str = "", quote_id: int | None = None):
        tender = selectors.tender_request_by_token(token=token)
        if tender is None:
            raise Http404
        _requester_action(request, tender, action, access=None, quote_id=quote_id)
        return redirect("tenders:private", token=token)


class MemberViewMixin(LoginRequiredMixin):
    """Requester pages in the manager: members of the acting org with `tenders.request`."""

    access: Access

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access = acting(request)
        if access is None:
            return redirect("manager:org_create")
        if access.is_acting_for_client or not access.can("tenders.request"):
            raise Http404
        self.access = access
        return super().dispatch(request, *args, **kwargs)


class MyRequestsView(MemberViewMixin, View):
    def get(self, request):
        page = Paginator(selectors.tender_requests_of(access=self.access), INBOX_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "tenders/my_requests.html", {"page": page})


class MyRequestView(MemberViewMixin, View):
    def get(self, request, pk: int, action: str = "", quote_id: int | None = None):
        tender = selectors.tender_request_of(access=self.access, request_id=pk)
        if tender is None:
            raise Http404
        if action:
            return redirect("tenders:my_request", pk=pk)
        context = _requester_context(tender, private=False)
        context["can_award"] = self.access.can("tenders.award")
        return render(request, "tenders/request_detail.html", context)

    def post(self, request, pk: int, action: str = "", quote_id: int | None = None):
        tender = selectors.tender_request_of(access=self.access, request_id=pk)
        if tender is None:
            raise Http404
        _requester_action(request, tender, action, access=self.access, quote_id=quote_id)
        return redirect("tenders:my_request", pk=pk)


# --- TD-2/TD-3: partner inbox --------------------------------------------------------


class PartnerViewMixin:
    """Approved partners only; everyone else (clients, visitors) gets a 404 (TD-2)."""

    access: Access

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # Emailed links (a new request, a review) first go through the login page.
            return redirect_to_login(request.get_full_path())
        access = acting(request)
        if not selectors.tender_inbox_allowed(access=access):
            raise Http404
        self.access = access
        return super().dispatch(request, *args, **kwargs)


class InboxView(PartnerViewMixin, View):
    def get(self, request):
        form = InboxFilterForm(request.GET or None)
        filters = valid_filters(form)
        deliveries = selectors.tender_inbox(access=self.access, **{k: v for k, v in filters.items() if v})
        page = page_without_count(deliveries, request.GET.get("page"), INBOX_PAGE_SIZE)
        answered = set(
            self.access.org.tender_quotes.filter(request_id__in=[d.request_id for d in page]).values_list(
                "request_id", flat=True
            )
        )
        query_string = urlencode({k: v for k, v in filters.items() if v})
        return render(
            request,
            "tenders/inbox.html",
            {
                "page": page,
                "form": form,
                "answered": answered,
                "query_string": query_string,
                "new_count": selectors.tender_inbox_new_count(access=self.access),
                # Only an empty inbox asks (the template calls it then).
                "has_subscription": lambda: TenderSubscription.objects.filter(org=self.access.org).exists(),
                "public_profile_slug": selectors.directory_slug_of(access=self.access),
            },
        )


class InboxDetailView(PartnerViewMixin, View):
    def _delivery(self, pk):
        delivery = selectors.tender_delivery_for(access=self.access, request_id=pk)
        if delivery is None:
            raise Http404
        return delivery

    def _render(self, request, delivery, *, quote_form=None, decline_form=None):
        tender = delivery.request
        answer = selectors.tender_answer_of(org=self.access.org, request=tender)
        return render(
            request,
            "tenders/inbox_detail.html",
            {
                "delivery": delivery,
                "tender": tender,
                "answer": answer,
                # The requester's email is revealed to the awarded partner only.
                "show_contact": answer is not None and answer.status == TenderQuote.Status.ACCEPTED,
                "can_quote": self.access.can("tenders.quote"),
                "quote_form": quote_form or QuoteForm(initial={"currency": tender.currency}),
                "decline_form": decline_form or DeclineForm(),
            },
        )

    def get(self, request, pk: int, action: str = ""):
        delivery = self._delivery(pk)
        if action:
            return redirect("tenders:inbox_detail", pk=pk)
        services.tender_delivery_mark_seen(access=self.access, delivery=delivery)
        return self._render(request, delivery)

    def post(self, request, pk: int, action: str = ""):
        delivery = self._delivery(pk)
        if action not in ("quote", "decline"):
            return redirect("tenders:inbox_detail", pk=pk)
        if action == "quote":
            form = QuoteForm(request.POST)
            if form.is_valid():
                try:
                    services.tender_quote_submit(access=self.access, request_id=pk, **form.cleaned_data)
                except RuleViolation as exc:
                    if not exc.fields:
                        _violation_message(request, exc)
                        return redirect("tenders:inbox_detail", pk=pk)
                    form_add_violation(form, exc)
                else:
                    messages.success(request, _("Your quote was sent to the requester."))
                    return redirect("tenders:inbox_detail", pk=pk)
            return self._render(request, delivery, quote_form=form)
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.tender_decline(access=self.access, request_id=pk, reason=form.cleaned_data["reason"])
            except RuleViolation as exc:
                if not exc.fields:
                    _violation_message(request, exc)
                    return redirect("tenders:inbox_detail", pk=pk)
                form_add_violation(form, exc)
            else:
                messages.success(request, _("You declined this request."))
                return redirect("tenders:inbox_detail", pk=pk)
        return self._render(request, delivery, decline_form=form)


class SubscriptionView(PartnerViewMixin, View):
    def get(self, request):
        sub = TenderSubscription.objects.filter(org=self.access.org).first()
        initial = (
            {
                "active": sub.active,
                "categories": sub.categories,
                "countries": sub.countries,
                "regions": sub.regions,
                "languages": sub.languages,
            }
            if sub
            else {"active": True}
        )
        return render(request, "tenders/subscription.html", {"form": SubscriptionForm(initial=initial), "sub": sub})

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                services.tender_subscription_save(access=self.access, **form.cleaned_data)
            except RuleViolation as exc:
                form_add_violation(form, exc)
            else:
                messages.success(request, _("Your quote request preferences are saved."))
                return redirect("tenders:inbox")
        return render(request, "tenders/subscription.html", {"form": form})


class ReviewsView(PartnerViewMixin, View):
    def get(self, request, review_id: int | None = None):
        if review_id is not None:
            return redirect("tenders:reviews")
        page = Paginator(selectors.reviews_to_answer(access=self.access), INBOX_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "tenders/reviews.html",
            {"page": page, "answer_form": AnswerForm(), "can_answer": self.access.can("tenders.quote")},
        )

    def post(self, request, review_id: int | None = None):
        if review_id is None:
            return redirect("tenders:reviews")
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.tender_review_answer(
                    access=self.access, review_id=review_id, answer=form.cleaned_data["answer"]
                )
            except RuleViolation as exc:
                if exc.status == 404:
                    raise Http404
                _violation_message(request, exc)
            else:
                messages.success(request, _("Your answer is published on your directory profile."))
        else:
            messages.error(request, _("Write an answer of at most 3,000 characters."))
        return redirect("tenders:reviews")


# --- TD-5: public directory ------------------------------------------------------------


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = valid_filters(form)
    page = selectors.directory_page(
        page=request.GET.get("page"),
        query=filters.get("q", ""),
        country=filters.get("country", ""),
        language=filters.get("language", ""),
        service=filters.get("service", ""),
    )
    query_string = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "tenders/directory.html", {"page": page, "form": form, "query_string": query_string})


def directory_profile(request, slug: str):
    profile = selectors.directory_profile(slug=slug)
    if profile is None:
        raise Http404
    reviews = selectors.reviews_of(org=profile.org)[:50]
    access = acting(request) if request.user.is_authenticated else None
    # An org that refuses this person (SEC-2: MFA required) offers them nothing to do in its name.
    if access is not None and access_refusal(access) is not None:
        access = None
    may_invite = selectors.directory_may_invite(access=access, profile=profile)
    return render(
        request,
        "tenders/directory_profile.html",
        {
            "profile": profile,
            "reviews": reviews,
            "quote_url": reverse("tenders:request_new") + "?" + urlencode({"partner": profile.slug}),
            # PS-3: the client picks the partner in the directory, then chooses the access level there.
            "invite_url": reverse("partners:invite_partner") + "?" + urlencode({"partner": profile.slug})
            if may_invite
            else "",
        },
    )
