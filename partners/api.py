"""REST API of the partner program (SPEC §9). Thin: serializers in, services out."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api_base import OrgScopedAPIView
from clients.models import Membership, Organization, ProductType
from clients.selectors import verified_emails
from portal.api import Pagination, id_field
from portal.errors import InvalidInput, RuleViolation
from portal.schema import paginated_schema, results_schema

from . import selectors, services
from .models import DirectoryLanguage, PartnerApplication, PartnerProfile, Partnership


def _id_or_404(value) -> int:
    """An id in the URL beyond what an id column holds can't exist: 404 (not a database error)."""
    if not selectors.valid_object_id(value):
        raise Http404
    return int(value)


class PartnersErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class PartnersErrorSerializer(serializers.Serializer):
    error = PartnersErrorBodySerializer()


_ERRORS = {
    400: PartnersErrorSerializer,
    403: PartnersErrorSerializer,
    404: PartnersErrorSerializer,
    409: PartnersErrorSerializer,
}


class ApplicationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = serializers.SlugField()
    org_name = serializers.CharField()
    status = serializers.ChoiceField(choices=PartnerApplication.Status.choices)
    register_number = serializers.CharField()
    register_number_display = serializers.CharField()
    expected_yearly_volume = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    website = serializers.URLField()
    accepts_minimum_volume = serializers.BooleanField()
    accepts_client_support = serializers.BooleanField()
    accepts_client_invoices = serializers.BooleanField()
    accepts_tender_exclusivity = serializers.BooleanField()
    accepts_reseller_terms = serializers.BooleanField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class PartnershipOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    side = serializers.ChoiceField(choices=["client", "partner"])
    partner = serializers.SlugField()
    partner_name = serializers.CharField()
    client = serializers.SlugField(allow_null=True)
    client_name = serializers.CharField(allow_null=True)
    invited_email = serializers.CharField()
    status = serializers.ChoiceField(choices=Partnership.Status.choices)
    initiated_by = serializers.ChoiceField(choices=Partnership.Side.choices)
    access_level = serializers.ChoiceField(choices=Partnership.AccessLevel.choices)
    payment_method = serializers.ChoiceField(choices=Partnership.PaymentMethod.choices, allow_null=True)
    requested_access_level = serializers.CharField()
    requested_payment_method = serializers.CharField(allow_null=True)
    requested_product_ids = serializers.ListField(child=serializers.IntegerField())
    product_ids = serializers.ListField(child=serializers.IntegerField())
    needs_review = serializers.BooleanField()
    ends_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class ApplicationInSerializer(serializers.Serializer):
    register_number = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    expected_yearly_volume = serializers.DecimalField(max_digits=12, decimal_places=2)
    # PP-1: the org's own currency (CHF in CH/LI, EUR elsewhere); omitted, it is the org's;
    # another one is the service's 400 `currency_mismatch`.
    currency = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    website = serializers.URLField(required=False, allow_blank=True, default="")
    accepts_minimum_volume = serializers.BooleanField(required=False, default=False)
    accepts_client_support = serializers.BooleanField(required=False, default=False)
    accepts_client_invoices = serializers.BooleanField(required=False, default=False)
    accepts_tender_exclusivity = serializers.BooleanField(required=False, default=False)
    accepts_reseller_terms = serializers.BooleanField(required=False, default=False)


def application_out(a: PartnerApplication) -> dict:
    return {
        "id": a.pk,
        "org": a.org.slug,
        "org_name": a.org.name,
        "status": a.status,
        "register_number": a.register_number,
        "register_number_display": a.register_number_display,
        "expected_yearly_volume": str(a.expected_yearly_volume),
        "currency": a.currency,
        "website": a.website,
        "accepts_minimum_volume": a.accepts_minimum_volume,
        "accepts_client_support": a.accepts_client_support,
        "accepts_client_invoices": a.accepts_client_invoices,
        "accepts_tender_exclusivity": a.accepts_tender_exclusivity,
        "accepts_reseller_terms": a.accepts_reseller_terms,
        "reason": a.reason,
        "created_at": a.created_at.isoformat(),
        "decided_at": a.decided_at.isoformat() if a.decided_at else None,
    }


class _OwnOrgScoped(OrgScopedAPIView):
    def initial(self, request, *args, **kwargs):
        # PS-12: a client's partnerships and applications stay its own: only its members
        # reach them (a partner person acting for the client gets 404, not 403).
        user = request.user
        if user.is_authenticated and not Membership.objects.filter(user=user, org__slug=kwargs.get("org")).exists():
            raise Http404
        super().initial(request, *args, **kwargs)
        if self.access.is_acting_for_client:
            raise Http404


@extend_schema_view(
    get=extend_schema(
        responses={200: inline_serializer("ApplicationList", {"results": ApplicationOutSerializer(many=True)})}
    ),
    post=extend_schema(
        request=ApplicationInSerializer,
        responses={
            201: ApplicationOutSerializer,
            400: PartnersErrorSerializer,
            403: PartnersErrorSerializer,
            409: PartnersErrorSerializer,
        },
    ),
)
class ApplicationAPI(_OwnOrgScoped):
    """PP-1..PP-3: the org's applications; POST applies."""

    capability_map = {"GET": "partner.apply", "POST": "partner.apply"}

    def get(self, request, org):
        return Response({"results": [application_out(a) for a in selectors.applications_for(org=self.access.org)]})

    def post(self, request, org):
        s = ApplicationInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        application = services.application_submit(access=self.access, **s.validated_data)
        return Response(application_out(application), status=status.HTTP_201_CREATED)


class StaffMixin:
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_staff:
            raise Http404


@extend_schema_view(get=extend_schema(responses={200: paginated_schema(ApplicationOutSerializer)}))
class StaffApplicationsAPI(StaffMixin, APIView):
    def get(self, request):
        status_filter = request.query_params.get("status", "submitted")
        if status_filter not in PartnerApplication.Status.values:
            status_filter = ""
        qs = selectors.applications_queue(user=request.user, status=status_filter)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([application_out(a) for a in page])


class RejectSerializer(serializers.Serializer):
    # Blank is the service's `reason_required` (its message), not the serializer's.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(post=extend_schema(request=None, responses={200: ApplicationOutSerializer, **_ERRORS}))
class StaffApproveAPI(StaffMixin, APIView):
    def post(self, request, pk: int):
        application = get_object_or_404(PartnerApplication, pk=_id_or_404(pk))
        services.application_approve(application=application, by=request.user)
        application.refresh_from_db()
        return Response(application_out(application))


@extend_schema_view(post=extend_schema(request=RejectSerializer, responses={200: ApplicationOutSerializer, **_ERRORS}))
class StaffRejectAPI(StaffMixin, APIView):
    def post(self, request, pk: int):
        application = get_object_or_404(PartnerApplication, pk=_id_or_404(pk))
        s = RejectSerializer(data=request.data)  # a JSON list or scalar is a 400, not a 500
        s.is_valid(raise_exception=True)
        services.application_reject(application=application, by=request.user, reason=s.validated_data["reason"])
        application.refresh_from_db()
        return Response(application_out(application))


def partnership_out(p: Partnership, *, org: Organization) -> dict:
    # A partner's invitation by email has no client yet: whoever sees it and isn't the partner is
    # the invited person's org, the client side.
    is_client = p.partner_id != org.pk
    data = {
        "id": p.pk,
        "side": "client" if is_client else "partner",
        "partner": p.partner.slug,
        "partner_name": p.partner.name,
        "client": p.client.slug if p.client_id else None,
        "client_name": p.client.name if p.client_id else None,
        "invited_email": p.invited_email if p.partner_id == org.pk else "",
        "status": p.shown_status,  # PS-1: past its expiry, an invitation is expired before the job runs
        "initiated_by": p.initiated_by,
        "access_level": p.access_level,
        "payment_method": p.payment_method,
        "requested_access_level": p.requested_access_level,
        "requested_payment_method": p.requested_payment_method,
        "requested_product_ids": p.requested_product_ids,
        "product_ids": selectors.granted_product_ids(partnership=p) if p.client_id else [],
        "needs_review": p.needs_review,
        "ends_on": p.ends_on.isoformat() if p.ends_on else None,
        "created_at": p.created_at.isoformat(),
        "expires_at": p.expires_at.isoformat(),
        "accepted_at": p.accepted_at.isoformat() if p.accepted_at else None,
        "ended_at": p.ended_at.isoformat() if p.ended_at else None,
    }
    return data


class PartnershipInSerializer(serializers.Serializer):
    client_email = serializers.EmailField(required=False)
    partner = serializers.SlugField(required=False)
    access_level = serializers.ChoiceField(choices=Partnership.AccessLevel.choices)
    product_ids = serializers.ListField(child=id_field(), required=False, default=list)
    payment_method = serializers.ChoiceField(
        choices=Partnership.PaymentMethod.choices, required=False, allow_null=True, default=None
    )

    def validate(self, attrs):
        if bool(attrs.get("client_email")) == bool(attrs.get("partner")):
            raise serializers.ValidationError(
                {"client_email": ["Give client_email (as a partner) or partner (as a client), not both."]}
            )
        return attrs


class _PartnershipScoped(_OwnOrgScoped):
    def get_partnership(self, pk: int, capability: str = "partnerships.view") -> Partnership:
        """404 for a partnership that doesn't involve the org; then 403 without the capability."""
        pk = _id_or_404(pk)
        org = self.access.org
        involved = Q(partner=org) | Q(client=org)
        if self.access.can("partnerships.manage"):
            involved |= Q(
                client__isnull=True,
                status=Partnership.Status.PENDING,
                invited_email__in=verified_emails(user=self.access.user, access=self.access),
            )
        if not Partnership.objects.filter(involved, pk=pk).exists():
            raise Http404
        self.access.require(capability)
        p = selectors.partnerships_visible_to(access=self.access).filter(pk=pk).first()
        if p is None:
            raise Http404
        return p


@extend_schema_view(
    get=extend_schema(responses={200: paginated_schema(PartnershipOutSerializer)}),
    post=extend_schema(request=PartnershipInSerializer, responses={201: PartnershipOutSerializer, **_ERRORS}),
)
class PartnershipListAPI(_PartnershipScoped):
    capability_map = {"GET": "partnerships.view"}

    def get(self, request, org):
        qs = selectors.partnerships_visible_to(access=self.access)
        state = request.query_params.get("status")
        if state:
            qs = selectors.in_state(qs, state)
        paginator = Pagination()
        qs = selectors.with_active_grants(qs.order_by("-created_at", "-id"))
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([partnership_out(p, org=self.access.org) for p in page])

    def post(self, request, org):
        s = PartnershipInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if data.get("client_email"):
            p = services.partnership_invite_client(
                access=self.access,
                client_email=data["client_email"],
                access_level=data["access_level"],
                product_ids=data["product_ids"],
                payment_method=data["payment_method"],
            )
        else:
            # The partner org's slug (SPEC §9) or its directory slug. An org that exists but is no
            # approved partner answers as an unknown slug does (SEC-1: no existence leak).
            profiles = PartnerProfile.objects.filter(
                Q(slug=data["partner"]) | Q(org__slug=data["partner"]), status=PartnerProfile.Status.APPROVED
            ).select_related("org")
            profile = min(profiles, key=lambda pr: pr.org.slug != data["partner"], default=None)
            if profile is None:
                raise InvalidInput("not_a_partner", _("Unknown partner."), fields={"partner": [_("Unknown partner.")]})
            partner = profile.org
            p = services.partnership_invite_partner(
                access=self.access,
                partner=partner,
                access_level=data["access_level"],
                product_ids=data["product_ids"],
                payment_method=data["payment_method"],
            )
        return Response(partnership_out(p, org=self.access.org), status=status.HTTP_201_CREATED)


class PartnershipPatchSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(choices=Partnership.PaymentMethod.choices, required=False)
    product_ids = serializers.ListField(child=id_field(), required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(
    get=extend_schema(responses={200: PartnershipOutSerializer, 404: PartnersErrorSerializer}),
    patch=extend_schema(request=PartnershipPatchSerializer, responses={200: PartnershipOutSerializer, **_ERRORS}),
)
class PartnershipDetailAPI(_PartnershipScoped):
    # Visibility first (404 for what isn't yours), then the capability (403).
    capability_map: dict[str, str] = {}

    def get(self, request, org, pk: int):
        return Response(partnership_out(self.get_partnership(pk), org=self.access.org))

    def patch(self, request, org, pk: int):
        p = self.get_partnership(pk, capability="partnerships.manage")
        s = PartnershipPatchSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        if p.client_id != self.access.org.pk:
            raise RuleViolation("forbidden", _("Only the client changes a partnership."), status=403)
        if "payment_method" in data:
            p = services.partnership_change_payment_method(
                access=self.access, partnership=p, payment_method=data["payment_method"]
            )
        if "product_ids" in data:
            p = services.partnership_set_products(access=self.access, partnership=p, product_ids=data["product_ids"])
        if "ends_on" in data:
            p = services.partnership_set_end_date(access=self.access, partnership=p, ends_on=data["ends_on"])
        p.refresh_from_db()
        return Response(partnership_out(p, org=self.access.org))


class AcceptSerializer(serializers.Serializer):
    access_level = serializers.ChoiceField(choices=Partnership.AccessLevel.choices, required=False)
    product_ids = serializers.ListField(child=id_field(), required=False)
    payment_method = serializers.ChoiceField(choices=Partnership.PaymentMethod.choices, required=False, allow_null=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True)


class _PartnershipActionAPI(_PartnershipScoped):
    # Visibility (partnerships_visible_to) answers 404 first; services then refuse with 403.
    capability_map: dict[str, str] = {}

    def act(self, request, p: Partnership) -> Partnership:  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, org, pk: int):
        p = self.act(request, self.get_partnership(pk))
        p.refresh_from_db()
        return Response(partnership_out(p, org=self.access.org))


@extend_schema_view(post=extend_schema(request=AcceptSerializer, responses={200: PartnershipOutSerializer, **_ERRORS}))
class PartnershipAcceptAPI(_PartnershipActionAPI):
    """PS-2/PS-3: accept; the client may grant another level, other products or payment method."""

    def act(self, request, p):
        s = AcceptSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return services.partnership_accept(access=self.access, partnership=p, **s.validated_data)


@extend_schema_view(post=extend_schema(request=None, responses={200: PartnershipOutSerializer, **_ERRORS}))
class PartnershipDeclineAPI(_PartnershipActionAPI):
    def act(self, request, p):
        return services.partnership_decline(access=self.access, partnership=p)


@extend_schema_view(post=extend_schema(request=None, responses={200: PartnershipOutSerializer, **_ERRORS}))
class PartnershipWithdrawAPI(_PartnershipActionAPI):
    def act(self, request, p):
        return services.partnership_withdraw(access=self.access, partnership=p)


@extend_schema_view(post=extend_schema(request=None, responses={200: PartnershipOutSerializer, **_ERRORS}))
class PartnershipResendAPI(_PartnershipActionAPI):
    def act(self, request, p):
        return services.partnership_resend(access=self.access, partnership=p)


@extend_schema_view(post=extend_schema(request=None, responses={200: PartnershipOutSerializer, **_ERRORS}))
class PartnershipAcknowledgeAPI(_PartnershipActionAPI):
    def act(self, request, p):
        return services.partnership_acknowledge(access=self.access, partnership=p)


@extend_schema_view(
    post=extend_schema(request=PasswordSerializer, responses={200: PartnershipOutSerializer, **_ERRORS})
)
class PartnershipCancelAPI(_PartnershipActionAPI):
    """PS-11: end an active partnership; `password` unless re-authenticated in the last 5 minutes."""

    def act(self, request, p):
        s = PasswordSerializer(data=request.data)  # a JSON list or scalar is a 400, not a 500
        s.is_valid(raise_exception=True)
        return services.partnership_end(
            access=self.access,
            partnership=p,
            password=s.validated_data.get("password"),
            reauthenticated=services.reauthenticated_recently(request._request),
        )


# ---------------------------------------------------------------------------
# PS-16 clients, directory profile, PP-6 perk, PS-13 collaborator rights, SEC-2 settings


class OtherFiguresSerializer(serializers.Serializer):
    """A client's figures in a currency other than the row's (invoiced in two currencies)."""

    currency = serializers.CharField()
    revenue_earned = serializers.DecimalField(max_digits=12, decimal_places=2)
    discounts_received = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_paid = serializers.DecimalField(max_digits=12, decimal_places=2)


class ClientRowSerializer(serializers.Serializer):
    partnership = serializers.IntegerField()
    client = serializers.SlugField()
    client_name = serializers.CharField()
    access_level = serializers.CharField()
    payment_method = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    needs_review = serializers.BooleanField()
    products_managed = serializers.IntegerField()
    users = serializers.IntegerField()
    revenue_earned = serializers.DecimalField(max_digits=12, decimal_places=2)
    discounts_received = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    other_currencies = OtherFiguresSerializer(many=True)


def _partner_only(access) -> None:
    if not selectors.is_approved_partner(org=access.org):
        raise Http404


@extend_schema_view(get=extend_schema(responses={200: paginated_schema(ClientRowSerializer)}))
class ClientsAPI(_OwnOrgScoped):
    """PS-16: clients under management (`q`, `level`, `status`, `sort` as on the page)."""

    def get(self, request, org):
        _partner_only(self.access)
        qs = selectors.managed_clients(
            access=self.access,
            search=request.query_params.get("q", ""),
            level=request.query_params.get("level", ""),
            status=request.query_params.get("status", ""),
            sort=request.query_params.get("sort", "name"),
        )
        paginator = Pagination()
        rows = list(paginator.paginate_queryset(qs, request, view=self))
        selectors.attach_client_figures(partner=self.access.org, partnerships=rows)
        data = [
            {
                "partnership": p.pk,
                "client": p.client.slug,
                "client_name": p.client.name,
                "access_level": p.access_level,
                "payment_method": p.payment_method,
                "status": p.status,
                "needs_review": p.needs_review,
                "products_managed": p.client_products_count if p.is_full else p.products_count,
                "users": p.users_count,
                "revenue_earned": str(p.revenue_earned),
                "discounts_received": str(p.discounts_received),
                "total_paid": str(p.total_paid),
                "currency": p.figures_currency,
                "other_currencies": [
                    {
                        "currency": o["currency"],
                        "revenue_earned": str(o["revenue_earned"]),
                        "discounts_received": str(o["discounts_received"]),
                        "total_paid": str(o["total_paid"]),
                    }
                    for o in p.other_figures
                ],
            }
            for p in rows
        ]
        return paginator.get_paginated_response(data)


class ProfileSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    status = serializers.CharField(read_only=True)
    commission_plan = serializers.CharField(source="commission_plan.name", read_only=True)
    wordpress_perk_claimed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    listed_in_directory = serializers.BooleanField(required=False)
    public_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    website = serializers.URLField(required=False, allow_blank=True)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=DirectoryLanguage.choices), required=False)
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=ProductType.Category.choices), required=False
    )
    budget_min = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    budget_max = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    skills = serializers.CharField(required=False, allow_blank=True)
    references = serializers.CharField(required=False, allow_blank=True)
    certifications = serializers.CharField(required=False, allow_blank=True)
    require_mfa = serializers.BooleanField(required=False)


@extend_schema_view(
    get=extend_schema(responses={200: ProfileSerializer, 404: PartnersErrorSerializer}),
    patch=extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer, **_ERRORS}),
)
class PartnerProfileAPI(_OwnOrgScoped):
    """The partner's own profile: directory opt-in (TD-5 data) and SEC-2 MFA requirement."""

    capability_map = {"PATCH": "directory.edit"}

    def _profile(self):
        profile = selectors.partner_profile_for(org=self.access.org)
        if profile is None:
            raise Http404
        return profile

    def get(self, request, org):
        return Response(ProfileSerializer(self._profile()).data)

    def patch(self, request, org):
        self._profile()
        s = ProfileSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        require_mfa = data.pop("require_mfa", None)
        profile = services.profile_update(access=self.access, **data)
        if require_mfa is not None:
            profile = services.partner_require_mfa_set(access=self.access, require=require_mfa)
        return Response(ProfileSerializer(profile).data)


@extend_schema_view(post=extend_schema(request=None, responses={200: ProfileSerializer, **_ERRORS}))
class PerkAPI(_OwnOrgScoped):
    """PP-6: claim free access to the WordPress theme and plugin catalog."""

    def post(self, request, org):
        _partner_only(self.access)
        return Response(ProfileSerializer(services.perk_claim(access=self.access)).data)


class RightsSerializer(serializers.Serializer):
    user = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    all_clients = serializers.BooleanField(default=False)
    clients = serializers.ListField(child=serializers.SlugField(), required=False, default=list)
    rights = serializers.ListField(
        child=serializers.ChoiceField(choices=["view", "manage_products", "order", "billing"]),
        required=False,
        default=list,
    )


def _rights_out(membership, rights) -> dict:
    return {
        "user": membership.user_id,
        "email": membership.user.email,
        "all_clients": bool(rights and rights.all_clients),
        "clients": [c.slug for c in rights.clients.all()] if rights else [],
        "rights": rights.rights if rights else [],
    }


@extend_schema_view(get=extend_schema(responses={200: results_schema(RightsSerializer)}))
class CollaboratorRightsListAPI(_OwnOrgScoped):
    capability_map = {"GET": "collaborators.manage"}

    def get(self, request, org):
        _partner_only(self.access)
        out = [
            _rights_out(m, selectors.collaborator_rights_for(partner=self.access.org, user=m.user))
            for m in selectors.collaborators_of(access=self.access)
        ]
        return Response({"results": out})


@extend_schema_view(put=extend_schema(request=RightsSerializer, responses={200: RightsSerializer, **_ERRORS}))
class CollaboratorRightsAPI(_OwnOrgScoped):
    """PS-13: which clients (all or a list) and which rights a collaborator has."""

    capability_map = {"PUT": "collaborators.manage"}

    def put(self, request, org, user_id: int):
        _partner_only(self.access)
        membership = selectors.collaborators_of(access=self.access).filter(user_id=_id_or_404(user_id)).first()
        if membership is None:
            raise Http404
        s = RightsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        clients = selectors.clients_of(partner=self.access.org).filter(slug__in=s.validated_data["clients"])
        rights = services.collaborator_rights_set(
            access=self.access,
            user=membership.user,
            all_clients=s.validated_data["all_clients"],
            client_ids=[c.pk for c in clients],
            rights=s.validated_data["rights"],
        )
        return Response(_rights_out(membership, rights))


class ClientSettingsSerializer(serializers.Serializer):
    require_partner_mfa = serializers.BooleanField()


@extend_schema_view(
    get=extend_schema(responses={200: ClientSettingsSerializer}),
    put=extend_schema(request=ClientSettingsSerializer, responses={200: ClientSettingsSerializer, **_ERRORS}),
)
class ClientPartnerSettingsAPI(_OwnOrgScoped):
    """SEC-2: the client requires MFA of partner people acting for it."""

    capability_map = {"GET": "partnerships.view", "PUT": "partnerships.manage"}

    def get(self, request, org):
        return Response({"require_partner_mfa": selectors.client_requires_partner_mfa(client=self.access.org)})

    def put(self, request, org):
        s = ClientSettingsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        obj = services.client_partner_settings_set(
            access=self.access, require_partner_mfa=s.validated_data["require_partner_mfa"]
        )
        return Response({"require_partner_mfa": obj.require_partner_mfa})
