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

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api import ErrorSerializer
from clients.api_base import OrgScopedAPIView
from clients.models import AccessToken
from clients.tenancy import access_for, access_refusal, acting
from portal.api import Pagination

from . import selectors, services
from .models import PartnerReview, TenderQuote, TenderRequest, TenderSubscription
from .views import client_ip

_ERROR_TEXT = {
    400: "Invalid input.",
    401: "Not authenticated.",
    403: "Not allowed.",
    404: "Not found, or not yours (and for partner endpoints: not an approved partner).",
    409: "A rule refuses it (e.g. `tender_closed`, `already_answered`, `already_awarded`).",
    429: "Rate limited.",
}


def doc(summary: str, *, request=None, ok: int = 200, errors=(401, 404), operation_id: str | None = None):
    """OpenAPI description of one endpoint (JSON objects, the one error shape)."""
    responses = {ok: OpenApiTypes.OBJECT}
    responses.update({code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in errors})
    return extend_schema(summary=summary, request=request, responses=responses, operation_id=operation_id)


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
    """Documents the public request body; validation lives in `services.tender_request_clean`."""

    contact_name = serializers.CharField(max_length=120)
    email = serializers.EmailField()
    company = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["en", "es", "fr", "de"])
    description = serializers.CharField(max_length=5000)
    categories = serializers.ListField(child=serializers.CharField())
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    currency = serializers.ChoiceField(choices=["CHF", "EUR"])
    deadline = serializers.DateField()
    partner = serializers.CharField(required=False, help_text="Directory slug: send to this partner only.")


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
        "Submit a quote request (TD-1, public). Visitors confirm by email: 201 with status awaiting_confirmation",
        request=TenderRequestInputSerializer,
        ok=201,
        errors=(400, 429),
    )
    def post(self, request):
        data = _body(request)
        plain = {key: data.get(key) for key in data}
        if hasattr(data, "getlist"):
            plain["categories"] = data.getlist("categories")
        tender = services.tender_request_submit(
            data=plain,
            ip=client_ip(request._request),
            access=self._access(request),
            partner_slug=str(data.get("partner") or ""),
            honeypot=str(data.get("website") or ""),
        )
        return Response({"id": tender.pk, "status": tender.status}, status=status.HTTP_201_CREATED)


class DirectoryListAPI(APIView):
    """TD-5: the public directory, searchable (`q`) and filterable (`country`, `language`, `service`)."""

    permission_classes = [AllowAny]

    @doc(
        "The public partner directory (TD-5): ?q=, ?country=, ?language=, ?service=",
        errors=(),
        operation_id="directory_list",
    )
    def get(self, request):
        keys = selectors.directory_keys(
            query=request.query_params.get("q", ""),
            country=request.query_params.get("country", ""),
            language=request.query_params.get("language", ""),
            service=request.query_params.get("service", ""),
        )
        paginator = Pagination()  # the page's keys first, then ratings for those rows only (issue 9)
        profiles = selectors.directory_rows(paginator.paginate_queryset(keys, request, view=self))
        return paginator.get_paginated_response([profile_payload(p) for p in profiles])


class DirectoryDetailAPI(APIView):
    permission_classes = [AllowAny]

    @doc("One directory profile with its reviews (TD-5, TD-6)", errors=(404,), operation_id="directory_retrieve")
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
        "Quote requests received by the partner (TD-2): ?category=, ?country=, ?language=, ?status=",
        operation_id="orgs_tenders_list",
    )
    def get(self, request, org: str):
        qp = request.query_params
        qs = selectors.tender_inbox(
            access=self.access,
            category=qp.get("category", ""),
            country=qp.get("country", ""),
            language=qp.get("language", ""),
            status=qp.get("status", ""),
        )
        return _paginated(self, request, qs, _partner_request_payload)


class PartnerTenderDetailAPI(PartnerAPIView):
    @doc("One received quote request; marks it seen", operation_id="orgs_tenders_retrieve")
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
    message = serializers.CharField(max_length=5000)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.ChoiceField(choices=["CHF", "EUR"])
    valid_until = serializers.DateField()
    accepts_tender_exclusivity = serializers.BooleanField()


class PartnerQuoteCreateAPI(PartnerAPIView):
    """TD-3: quote (409 `tender_closed` when the request no longer takes quotes)."""

    capability_map = {"POST": "tenders.quote"}
    serializer_class = QuoteInputSerializer

    @doc(
        "Quote (TD-3); 409 tender_closed when closed or awarded",
        request=QuoteInputSerializer,
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

    @doc("Decline with a `reason` (TD-4)", request=OpenApiTypes.OBJECT, ok=201, errors=(400, 401, 403, 404, 409))
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

    @doc("Which quote requests the partner receives (TD-2)")
    def get(self, request, org: str):
        return Response(_subscription_payload(TenderSubscription.objects.filter(org=self.access.org).first()))

    @doc(
        "Set the opt-ins: active, categories, countries, regions, languages",
        request=OpenApiTypes.OBJECT,
        errors=(400, 401, 403, 404),
    )
    def put(self, request, org: str):
        data = _body(request)

        def as_list(key):
            value = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
            return value or []

        sub = services.tender_subscription_save(
            access=self.access,
            active=data.get("active", True) in (True, "true", "1", "on"),
            categories=as_list("categories"),
            countries=as_list("countries"),
            languages=as_list("languages"),
            regions=str(data.get("regions") or ""),
        )
        return Response(_subscription_payload(sub))


class PartnerReviewListAPI(PartnerAPIView):
    @doc("Reviews of the partner (TD-6)", operation_id="orgs_reviews_list")
    def get(self, request, org: str):
        return _paginated(self, request, selectors.reviews_to_answer(access=self.access), review_payload)


class PartnerReviewAnswerAPI(PartnerAPIView):
    capability_map = {"POST": "tenders.quote"}

    @doc("Answer a review once with `answer` (TD-6)", request=OpenApiTypes.OBJECT, errors=(400, 401, 403, 404, 409))
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


def _requester_payload(t: TenderRequest) -> dict:
    data = request_payload(t, with_email=True)
    data.pop("addressed_to_you")
    data["quotes"] = [quote_payload(q) for q in selectors.quotes_for_requester(request=t)]
    review = PartnerReview.objects.filter(request=t).first()
    data["review"] = review_payload(review) if review else None
    return data


class RequesterTenderListAPI(RequesterAPIView):
    @doc("Quote requests the org submitted (TD-4)", operation_id="orgs_tender_requests_list")
    def get(self, request, org: str):
        qs = selectors.tender_requests_of(access=self.access)
        return _paginated(self, request, qs, lambda t: request_payload(t, with_email=True))


class RequesterTenderDetailAPI(RequesterAPIView):
    @doc("One of the org's quote requests with its quotes and review", operation_id="orgs_tender_requests_retrieve")
    def get(self, request, org: str, id: int):
        return Response(_requester_payload(self.tender(id)))


class RequesterAcceptAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc("Accept one quote: the request is awarded (TD-4)", request=None, errors=(401, 403, 404, 409))
    def post(self, request, org: str, id: int, quote_id: int):
        tender = self.tender(id)
        services.tender_quote_accept(request=tender, quote_id=quote_id, access=self.access)
        tender.refresh_from_db()
        return Response(_requester_payload(tender))


class RequesterCloseAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc("Close the request without awarding it (TD-4)", request=None, errors=(401, 403, 404, 409))
    def post(self, request, org: str, id: int):
        tender = services.tender_request_close(request=self.tender(id), access=self.access)
        return Response(_requester_payload(tender))


class RequesterReviewAPI(RequesterAPIView):
    capability_map = {"POST": "tenders.award"}

    @doc(
        "Mark the project done and review the awarded partner once: `rating` 1-5, `text` (TD-6)",
        request=OpenApiTypes.OBJECT,
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
