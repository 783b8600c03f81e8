"""Tender platform and directory API (SPEC §9): thin views over the same services as the pages.

- `POST /api/v1/tenders/` (public) · `GET /api/v1/directory/`, `GET /api/v1/directory/{slug}/` (public)
- partners: `GET /api/v1/orgs/{org}/tenders/`, `GET .../tenders/{id}/`, `POST .../tenders/{id}/quotes/`,
  `POST .../tenders/{id}/decline/`, `GET, PUT .../tenders/subscription/`, `GET .../reviews/`,
  `POST .../reviews/{id}/answer/`
- requesters: `GET .../tender-requests/`, `GET .../tender-requests/{id}/`,
  `POST .../tender-requests/{id}/quotes/{quote_id}/accept/`, `POST .../tender-requests/{id}/close/`,
  `POST .../tender-requests/{id}/review/`
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api import ErrorSerializer
from clients.api_base import OrgScopedAPIView
from clients.models import AccessToken, ProductType
from clients.tenancy import access_for, access_refusal, acting
from portal.api import Pagination
from portal.errors import InvalidInput
from portal.schema import paginated_schema

from . import selectors, services
from .forms import DirectoryFilterForm, InboxFilterForm
from .models import (
    AMOUNT_MAX_DIGITS,
    COMPANY_MAX,
    DESCRIPTION_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    REASON_MAX,
    REGION_MAX,
    REVIEW_MAX,
    Currency,
    PartnerReview,
    TenderLanguage,
    TenderQuote,
    TenderRequest,
    TenderSubscription,
)
from .views import client_ip

_ERROR_TEXT = {
    400: "Invalid input.",
    401: "Not authenticated.",
    403: "Not allowed.",
    404: "Not found, or not yours (and for partner endpoints: not an approved partner).",
    409: "A rule refuses it (e.g. `tender_closed`, `already_answered`, `already_awarded`).",
    429: "Rate limited.",
}


def doc(
    summary: str,
    *,
    response,
    request=None,
    ok: int = 200,
    errors=(401, 404),
    operation_id: str | None = None,
    parameters=None,
):
    """OpenAPI description of one endpoint: its body, its answer and the one error shape."""
    responses = {ok: response}
    responses.update({code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in errors})
    return extend_schema(
        summary=summary, request=request, responses=responses, operation_id=operation_id, parameters=parameters
    )


# --- strict input types ----------------------------------------------------------------
# DRF turns 2 or ["a"] into text and "yes" into true; these refuse anything but the JSON type.


class _TextOnly:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Enter text."), code="not_text")
        return super().to_internal_value(data)


class TextField(_TextOnly, serializers.CharField):
    pass


class EmailTextField(_TextOnly, serializers.EmailField):
    pass


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Must be true or false."), code="not_boolean")
        return data


def _text_list(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=TextField(), **kwargs)


def _validated(serializer_class, request) -> dict:
    """The body checked by `serializer_class` (400 with `fields` when it doesn't fit)."""
    serializer = serializer_class(data=_body(request))
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- what the endpoints answer (the payload functions below build exactly these) ------------


def _money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, **kwargs)


def _codes(choices) -> str:
    return "One of: " + ", ".join(f"`{value}`" for value, _label in choices)


# Statuses and categories are documented as text listing their codes: as enums they collide with
# the other apps' `status` and `services` enums in the one schema (drf-spectacular's naming warnings).
REQUEST_STATUS_HELP = _codes(TenderRequest.Status.choices)


class TenderRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text=REQUEST_STATUS_HELP)
    contact_name = serializers.CharField()
    company = serializers.CharField()
    country = serializers.CharField(help_text="ISO country code")
    region = serializers.CharField()
    language = serializers.ChoiceField(choices=TenderLanguage.choices)
    description = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField(), help_text=_codes(ProductType.Category.choices))
    budget_min = _money_field(allow_null=True)
    budget_max = _money_field(allow_null=True)
    currency = serializers.ChoiceField(choices=Currency.choices)
    deadline = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)


class PartnerTenderSerializer(TenderRequestSerializer):
    addressed_to_you = serializers.BooleanField(help_text="Sent from your directory profile, to you only")
    seen = serializers.BooleanField()


class TenderQuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField()
    partner = serializers.CharField(help_text="The partner org's slug")
    partner_name = serializers.CharField()
    status = serializers.CharField(help_text=_codes(TenderQuote.Status.choices))
    message = serializers.CharField()
    amount = _money_field(allow_null=True)
    currency = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    expired = serializers.BooleanField(help_text="Past its validity date while still open: it can't be accepted")
    accepts_tender_exclusivity = serializers.BooleanField()
    decline_reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PartnerTenderDetailSerializer(PartnerTenderSerializer):
    your_answer = TenderQuoteSerializer(allow_null=True)
    email = serializers.EmailField(required=False, help_text="The requester's address: once your quote is accepted")


class PartnerReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class RequesterTenderSerializer(TenderRequestSerializer):
    email = serializers.EmailField()


class RequesterTenderDetailSerializer(RequesterTenderSerializer):
    quotes = TenderQuoteSerializer(many=True, help_text="Declines are not listed")
    review = PartnerReviewSerializer(allow_null=True)


class TenderCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="`published`, or `awaiting_confirmation` until the address is confirmed")


class DirectoryProfileSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    verified = serializers.BooleanField()
    city = serializers.CharField()
    country = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    services = serializers.ListField(child=serializers.CharField())
    website = serializers.CharField()
    description = serializers.CharField()
    budget_min = _money_field(allow_null=True)
    budget_max = _money_field(allow_null=True)
    currency = serializers.CharField()
    rating_average = serializers.FloatField(allow_null=True)
    rating_count = serializers.IntegerField()
    logo = serializers.CharField(allow_null=True)


class DirectoryProfileDetailSerializer(DirectoryProfileSerializer):
    skills = serializers.CharField()
    references = serializers.CharField()
    certifications = serializers.CharField()
    reviews = PartnerReviewSerializer(many=True)


def _money(value) -> str | None:
    return None if value is None else str(value)


def request_payload(t: TenderRequest, *, with_email: bool = False) -> dict:
    data = {
        "id": t.pk,
        "status": t.status,
        "contact_name": t.contact_name,
        "company": t.company,
        "country": t.country,
        "region": t.region,
        "language": t.language,
        "description": t.description,
        "categories": list(t.categories),
        "budget_min": _money(t.budget_min),
        "budget_max": _money(t.budget_max),
        "currency": t.currency,
        "deadline": t.deadline.isoformat(),
        "published_at": t.published_at.isoformat() if t.published_at else None,
        "addressed_to_you": None,
    }
    if with_email:
        data["email"] = t.email
    return data


def quote_payload(q: TenderQuote) -> dict:
    return {
        "id": q.pk,
        "request": q.request_id,
        "partner": q.partner.slug,
        "partner_name": q.partner.name,
        "status": q.status,
        "message": q.message,
        "amount": _money(q.amount),
        "currency": q.currency,
        "valid_until": q.valid_until.isoformat() if q.valid_until else None,
        "expired": q.is_expired,
        "accepts_tender_exclusivity": q.accepts_tender_exclusivity,
        "decline_reason": q.decline_reason,
        "created_at": q.created_at.isoformat(),
    }


def review_payload(r: PartnerReview) -> dict:
    return {
        "id": r.pk,
        "rating": r.rating,
        "text": r.text,
        "author": r.author_name,
        "created_at": r.created_at.isoformat(),
        "answer": r.answer,
        "answered_at": r.answered_at.isoformat() if r.answered_at else None,
    }


def profile_payload(p, *, detail: bool = False) -> dict:
    data = {
        "slug": p.slug,
        "name": p.display_name,
        "verified": p.is_approved,
        "city": p.city,
        "country": p.org.country,
        "languages": list(p.languages or []),
        "services": list(p.services or []),
        "website": p.website,
        "description": p.description,
        "budget_min": _money(p.budget_min),
        "budget_max": _money(p.budget_max),
        "currency": p.org.currency,
        "rating_average": round(float(p.rating_avg), 2) if getattr(p, "rating_avg", None) is not None else None,
        "rating_count": getattr(p, "rating_count", 0),
        "logo": p.logo.url if p.logo else None,
    }
    if detail:
        data.update(skills=p.skills, references=p.references, certifications=p.certifications)
        data["reviews"] = [review_payload(r) for r in selectors.reviews_of(org=p.org)[:50]]
    return data


def _body(request):
    """The request body as a mapping; a JSON list or scalar is bad input (400)."""
    data = request.data
    if not hasattr(data, "get"):
        raise exceptions.ParseError()
    return data


def _paginated(view: APIView, request, qs, payload):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response([payload(item) for item in page])


# --- public -------------------------------------------------------------------------


class TenderRequestInputSerializer(serializers.Serializer):
    """The public request body: the JSON types are checked here (400 with `fields`); the rules
    (countries, categories, dates, budgets) in `services.tender_request_clean`, as for the form."""

    contact_name = TextField(max_length=NAME_MAX)
    email = EmailTextField(max_length=254)
    company = TextField(max_length=COMPANY_MAX, required=False, allow_blank=True)
    country = TextField(max_length=2, help_text="ISO country code")
    region = TextField(max_length=REGION_MAX, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=TenderLanguage.choices)
    description = TextField(max_length=DESCRIPTION_MAX)
    categories = serializers.ListField(child=TextField(), help_text='Product categories, e.g. ["web_hosting", "email"]')
    budget_min = _money_field(min_value=0, required=False, allow_null=True)
    budget_max = _money_field(min_value=0, required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=Currency.choices)
    deadline = serializers.DateField(help_text="In the future, at most 2 years ahead")
    partner = TextField(
        max_length=80, required=False, allow_blank=True, help_text="Directory slug: send to this partner only."
    )
    website = TextField(
        max_length=200, required=False, allow_blank=True, help_text="Anti-spam field: leave it out or empty."
    )


class TenderRequestCreateAPI(APIView):
    """TD-1: anyone may submit; visitors confirm by email (201, `awaiting_confirmation`)."""

    permission_classes = [AllowAny]
    serializer_class = TenderRequestInputSerializer

    def _access(self, request):
        user = request.user
        if not user or not user.is_authenticated:
            return None
        if isinstance(request.auth, AccessToken):
            access = access_for(user=user, org=request.auth.org)
        else:
            access = acting(request._request)
        return None if access_refusal(access) is not None else access  # as the HTML form (SEC-2)

    @doc(
        "Submit a quote request (TD-1, public). Visitors, and members giving an address that is not a verified "
        "one of their account, confirm it by email: 201 with status awaiting_confirmation",
        request=TenderRequestInputSerializer,
        response=TenderCreatedSerializer,
        ok=201,
        errors=(400, 409, 429),
    )
    def post(self, request):
        honeypot = _body(request).get("website")
        if isinstance(honeypot, str) and honeypot.strip():
            # A filled honeypot gets the generic refusal whatever else the body holds (TD-1).
            services.tender_request_submit(data={}, ip="", honeypot=honeypot)
        data = _validated(TenderRequestInputSerializer, request)
        tender = services.tender_request_submit(
            data=data,
            ip=client_ip(request._request),
            access=self._access(request),
            partner_slug=data.get("partner", ""),
        )
        return Response({"id": tender.pk, "status": tender.status}, status=status.HTTP_201_CREATED)


def _refuse_invalid_filters(form) -> None:
    """A list's filters in the API: an invalid value is a 400 naming the field (the pages ignore it
    and say so; a script must know its filter was not applied)."""
    if form.is_valid():
        return
    fields = {
        name: [
            str(_("“%(value)s” is not one of the choices.") % error.params)
            if error.code == "invalid_choice"
            else str(error.message % (error.params or {}))
            for error in errors
        ]
        for name, errors in form.errors.as_data().items()
    }
    raise InvalidInput("invalid", next(iter(fields.values()))[0], fields=fields)


class DirectoryListAPI(APIView):
    """TD-5: the public directory, searchable (`q`) and filterable (`country`, `language`, `service`)."""

    permission_classes = [AllowAny]

    @doc(
        "The public partner directory (TD-5): ?q=, ?country=, ?language=, ?service=",
        response=paginated_schema(DirectoryProfileSerializer),
        errors=(),
        operation_id="directory_list",
    )
    def get(self, request):
        filters = DirectoryFilterForm(request.query_params)
        _refuse_invalid_filters(filters)
        keys = selectors.directory_keys(
            query=filters.cleaned_data["q"],
            country=filters.cleaned_data["country"],
            language=filters.cleaned_data["language"],
            service=filters.cleaned_data["service"],
        )
        paginator = Pagination()  # the page's keys first, then ratings for those rows only (issue 9)
        profiles = selectors.directory_rows(paginator.paginate_queryset(keys, request, view=self))
        return paginator.get_paginated_response([profile_payload(p) for p in profiles])


class DirectoryDetailAPI(APIView):
    permission_classes = [AllowAny]

    @doc(
        "One directory profile with its reviews (TD-5, TD-6)",
        response=DirectoryProfileDetailSerializer,
        errors=(404,),
        operation_id="directory_retrieve",
    )
    def get(self, request, slug: str):
        profile = selectors.directory_profile(slug=slug)
        if profile is None:
            raise exceptions.NotFound()
        return Response(profile_payload(profile, detail=True))


# --- partners -------------------------------------------------------------------------


class PartnerAPIView(OrgScopedAPIView):
    """Approved partners only: anyone else gets a 404 (TD-2)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.tender_inbox_allowed(access=self.access):
            raise exceptions.NotFound()


def _partner_request_payload(d) -> dict:
    data = request_payload(d.request)
    data["addressed_to_you"] = bool(d.request.addressed_to_id)
    data["seen"] = d.seen_at is not None
    return data


class PartnerTenderListAPI(PartnerAPIView):
    @doc(
        "Quote requests received by the partner (TD-2): ?category=, ?country=, ?language=, ?status= "
        "(an unknown value is a 400)",
        response=paginated_schema(PartnerTenderSerializer),
        errors=(400, 401, 404),
        operation_id="orgs_tenders_list",
    )
    def get(self, request, org: str):
        form = InboxFilterForm(request.query_params)
        _refuse_invalid_filters(form)
        filters = {name: value for name, value in form.cleaned_data.items() if value}
        qs = selectors.tender_inbox(access=self.access, **filters)
        return _paginated(self, request, qs, _partner_request_payload)


class PartnerTenderDetailAPI(PartnerAPIView):
    @doc(
        "One received quote request; marks it seen",
        response=PartnerTenderDetailSerializer,
        operation_id="orgs_tenders_retrieve",
    )
    def get(self, request, org: str, id: int):
        delivery = selectors.tender_delivery_for(access=self.access, request_id=id)
        if delivery is None:
            raise exceptions.NotFound()
        services.tender_delivery_mark_seen(access=self.access, delivery=delivery)
        data = _partner_request_payload(delivery)
        answer = selectors.tender_answer_of(org=self.access.org, request=delivery.request)
        data["your_answer"] = quote_payload(answer) if answer else None
        if answer is not None and answer.status == TenderQuote.Status.ACCEPTED:
            data["email"] = delivery.request.email  # revealed to the awarded partner only
        return Response(data)


class QuoteInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=MESSAGE_MAX)
    amount = _money_field()
    currency = serializers.ChoiceField(choices=Currency.choices)
    valid_until = serializers.DateField(help_text="Today or later, at most 2 years ahead")
    accepts_tender_exclusivity = serializers.BooleanField()


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class SubscriptionSerializer(serializers.Serializer):
    """The partner's opt-ins (TD-2). An empty list means "all"."""

    active = serializers.BooleanField()
    categories = serializers.ListField(child=serializers.CharField())
    countries = serializers.ListField(child=serializers.CharField(), help_text="ISO country codes")
    regions = serializers.CharField(help_text="Comma-separated; empty for every region")
    languages = serializers.ListField(child=serializers.CharField())


class SubscriptionInputSerializer(serializers.Serializer):
    """The opt-ins, replaced as a whole. `active` is a JSON boolean ("yes" or 1 is a 400)."""

    active = StrictBooleanField(default=True)
    categories = _text_list(default=list)
    countries = _text_list(default=list, help_text="ISO country codes")
    regions = TextField(max_length=500, required=False, allow_blank=True, default="")
    languages = _text_list(default=list)


class ReviewAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=REVIEW_MAX)


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=REVIEW_MAX, required=False, allow_blank=True)


class PartnerQuoteCreateAPI(PartnerAPIView):
    """TD-3: quote (409 `tender_closed` when the request no longer takes quotes)."""

    capability_map = {"POST": "tenders.quote"}
    serializer_class = QuoteInputSerializer

    @doc(
        "Quote (TD-3); 409 tender_closed when closed or awarded",
        request=QuoteInputSerializer,
        response=TenderQuoteSerializer,
        ok=201,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int):
        data = _body(request)
        commitment = data.get("accepts_tender_exclusivity")
        quote = services.tender_quote_submit(
            access=self.access,
            request_id=id,
            message=data.get("message", ""),
            amount=data.get("amount"),
            currency=data.get("currency", ""),
            valid_until=data.get("valid_until"),
            accepts_tender_exclusivity=commitment is True or str(commitment).lower() in ("true", "1", "on"),
        )
        return Response(quote_payload(quote), status=status.HTTP_201_CREATED)


class PartnerDeclineAPI(PartnerAPIView):
    capability_map = {"POST": "tenders.quote"}

    @doc(
        "Decline with a `reason` (TD-4)",
        request=DeclineInputSerializer,
        response=TenderQuoteSerializer,
        ok=201,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int):
        quote = services.tender_decline(access=self.access, request_id=id, reason=_body(request).get("reason", ""))
        return Response(quote_payload(quote), status=status.HTTP_201_CREATED)


def _subscription_payload(sub: TenderSubscription | None) -> dict:
    if sub is None:
        return {"active": False, "categories": [], "countries": [], "regions": "", "languages": []}
    return {
        "active": sub.active,
        "categories": sub.categories,
        "countries": sub.countries,
        "regions": sub.regions,
        "languages": sub.languages,
    }


class PartnerSubscriptionAPI(PartnerAPIView):
    capability_map = {"PUT": "tenders.quote"}

    @doc("Which quote requests the partner receives (TD-2)", response=SubscriptionSerializer)
    def get(self, request, org: str):
        return Response(_subscription_payload(TenderSubscription.objects.filter(org=self.access.org).first()))

    @doc(
        "Set the opt-ins: active (a JSON boolean), categories, countries, regions, languages",
        request=SubscriptionInputSerializer,
        response=SubscriptionSerializer,
        errors=(400, 401, 403, 404),
    )
    def put(self, request, org: str):
        sub = services.tender_subscription_save(access=self.access, **_validated(SubscriptionInputSerializer, request))
        return Response(_subscription_payload(sub))


class PartnerReviewListAPI(PartnerAPIView):
    @doc(
        "Reviews of the partner (TD-6)",
        response=paginated_schema(PartnerReviewSerializer),
        operation_id="orgs_reviews_list",
    )
    def get(self, request, org: str):
        return _paginated(self, request, selectors.reviews_to_answer(access=self.access), review_payload)


class PartnerReviewAnswerAPI(PartnerAPIView):
    capability_map = {"POST": "tenders.quote"}

    @doc(
        "Answer a review once with `answer` (TD-6)",
        request=ReviewAnswerInputSerializer,
        response=PartnerReviewSerializer,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int):
        review = services.tender_review_answer(
            access=self.access, review_id=id, answer=_body(request).get("answer", "")
        )
        return Response(review_payload(review))


# --- requesters --------------------------------------------------------------------------


class RequesterAPIView(OrgScopedAPIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.access.is_acting_for_client or not self.access.can("tenders.request"):
            raise exceptions.NotFound()

    def tender(self, id) -> TenderRequest:  # noqa: A002 - the path parameter is `{id}`
        tender = selectors.tender_request_of(access=self.access, request_id=id)
        if tender is None:
            raise exceptions.NotFound()
        return tender


def _requester_list_payload(t: TenderRequest) -> dict:
    data = request_payload(t, with_email=True)
    data.pop("addressed_to_you")  # a partner's view of the request
    return data


def _requester_payload(t: TenderRequest) -> dict:
    data = _requester_list_payload(t)
    data["quotes"] = [quote_payload(q) for q in selectors.quotes_for_requester(request=t)]
    review = PartnerReview.objects.filter(request=t).first()
    data["review"] = review_payload(review) if review else None
    return data


class RequesterTenderListAPI(RequesterAPIView):
    @doc(
        "Quote requests the org submitted (TD-4)",
        response=paginated_schema(RequesterTenderSerializer),
        operation_id="orgs_tender_requests_list",
    )
    def get(self, request, org: str):
        qs = selectors.tender_requests_of(access=self.access)
        return _paginated(self, request, qs, _requester_list_payload)


class RequesterTenderDetailAPI(RequesterAPIView):
    @doc(
        "One of the org's quote requests with its quotes and review",
        response=RequesterTenderDetailSerializer,
        operation_id="orgs_tender_requests_retrieve",
    )
    def get(self, request, org: str, id: int):
        return Response(_requester_payload(self.tender(id)))


class RequesterAcceptAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc(
        "Accept one quote: the request is awarded (TD-4); 409 quote_expired past its validity",
        request=None,
        response=RequesterTenderDetailSerializer,
        errors=(401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int, quote_id: int):
        tender = self.tender(id)
        services.tender_quote_accept(request=tender, quote_id=quote_id, access=self.access)
        tender.refresh_from_db()
        return Response(_requester_payload(tender))


class RequesterCloseAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc(
        "Close the request without awarding it (TD-4)",
        request=None,
        response=RequesterTenderDetailSerializer,
        errors=(401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int):
        tender = services.tender_request_close(request=self.tender(id), access=self.access)
        return Response(_requester_payload(tender))


class RequesterReviewAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc(
        "Mark the project done and review the awarded partner once: `rating` 1-5, `text` (TD-6)",
        request=ReviewInputSerializer,
        response=PartnerReviewSerializer,
        ok=201,
        errors=(400, 401, 403, 404, 409),
    )
    def post(self, request, org: str, id: int):
        review = services.tender_review_submit(
            request=self.tender(id),
            rating=_body(request).get("rating"),
            text=str(_body(request).get("text") or ""),
            access=self.access,
        )
        return Response(review_payload(review), status=status.HTTP_201_CREATED)
