"""Support API (SP-1…SP-3): `/api/v1/me/support-code/`, `/api/v1/orgs/{org}/support-access/`."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api_base import OrgScopedAPIView
from clients.models import AccessToken
from portal.schema import results_schema

from . import selectors, services
from .models import SupportAccessGrant, SupportPlan


class VipCodeSerializer(serializers.ModelSerializer):
    org = serializers.CharField(source="org.slug")
    org_name = serializers.CharField(source="org.name")
    plan = serializers.CharField(source="level")
    vip_code = serializers.CharField(source="vip_code_display")

    class Meta:
        model = SupportPlan
        fields = ["org", "org_name", "plan", "vip_code"]


class SupportCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The user's support code, grouped as read out: ABCD-2345.")
    vip_codes = VipCodeSerializer(many=True)


def _support_code_payload(request) -> dict:
    """With a personal access token (scoped to one org), only that org's VIP code is listed;
    with a session, those of every org the user belongs to."""
    token = request.auth if isinstance(request.auth, AccessToken) else None
    code = services.support_code_for(user=request.user)
    plans = selectors.vip_codes_for_user(user=request.user, org=token.org if token is not None else None)
    return {"code": code.display, "vip_codes": VipCodeSerializer(plans, many=True).data}


class MySupportCodeAPI(APIView):
    @extend_schema(
        responses=SupportCodeSerializer,
        summary="My support code and the VIP codes of my orgs (with a token: its org only) (SP-1, SP-2)",
    )
    def get(self, request):
        return Response(_support_code_payload(request))


class MySupportCodeRegenerateAPI(APIView):
    @extend_schema(request=None, responses=SupportCodeSerializer, summary="Regenerate my support code (SP-1)")
    def post(self, request):
        services.support_code_regenerate(user=request.user)
        return Response(_support_code_payload(request))


class SupportAccessGrantSerializer(serializers.ModelSerializer):
    services = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    granted_by = serializers.EmailField(source="granted_by.email", default=None)

    class Meta:
        model = SupportAccessGrant
        fields = [
            "id",
            "services",
            "duration",
            "reason",
            "status",
            "granted_by",
            "created_at",
            "expires_at",
            "revoked_at",
        ]


class SupportAccessGrantInput(serializers.Serializer):
    # Values are checked by the service, so that HTML and API refuse with the same codes.
    services = serializers.ListField(child=serializers.CharField(max_length=10), allow_empty=True, default=list)
    duration = serializers.CharField(max_length=10, allow_blank=True, default="")
    reason = serializers.CharField(allow_blank=True, default="", trim_whitespace=True)


class SupportAccessListAPI(OrgScopedAPIView):
    capability_map = {"GET": "support.view", "POST": "support_access.grant"}

    @extend_schema(responses=results_schema(SupportAccessGrantSerializer), summary="Support access grants (SP-3)")
    def get(self, request, org: str):
        grants = selectors.support_access_grants_for(access=self.access)[:200]
        return Response({"results": SupportAccessGrantSerializer(grants, many=True).data})

    @extend_schema(
        request=SupportAccessGrantInput,
        responses={201: SupportAccessGrantSerializer},
        summary="Grant support staff temporary access to mail and/or drive (SP-3)",
    )
    def post(self, request, org: str):
        data = SupportAccessGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.support_access_grant(access=self.access, **data.validated_data)
        return Response(SupportAccessGrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class SupportAccessRevokeAPI(OrgScopedAPIView):
    capability_map = {"POST": "support_access.grant"}

    @extend_schema(request=None, responses=SupportAccessGrantSerializer, summary="Revoke a support access (SP-3)")
    def post(self, request, org: str, pk: int):
        grant = get_object_or_404(selectors.support_access_grants_for(access=self.access), pk=pk)
        grant = services.support_access_revoke(access=self.access, grant=grant)
        return Response(SupportAccessGrantSerializer(grant).data)


# --- staff ---


class SupportLookupInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class SupportLookupOrgSerializer(serializers.Serializer):
    slug = serializers.CharField(source="org.slug")
    name = serializers.CharField(source="org.name")
    role = serializers.CharField(allow_null=True, help_text="The person's role; null when a VIP code matched.")
    plan = serializers.SerializerMethodField()
    vip_code = serializers.SerializerMethodField()

    def get_plan(self, obj) -> str:
        return obj.plan.level if obj.plan else "none"

    def get_vip_code(self, obj) -> str | None:
        return obj.plan.vip_code_display if obj.plan else None


class SupportLookupUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="display_name")


class SupportLookupSerializer(serializers.Serializer):
    match = serializers.BooleanField(source="matched")
    kind = serializers.ChoiceField(
        choices=["support_code", "vip_code"],
        allow_null=True,
        help_text="support_code: a person (user, their orgs and plans); vip_code: one org and its plan (user null).",
    )
    user = SupportLookupUserSerializer(allow_null=True)
    orgs = SupportLookupOrgSerializer(many=True)


class StaffSupportLookupAPI(APIView):
    """Staff only (anyone else: 404). POST so that codes stay out of URLs and logs."""

    @extend_schema(
        request=SupportLookupInput,
        responses=SupportLookupSerializer,
        summary="Look up a support code or a VIP code (staff)",
    )
    def post(self, request):
        if not request.user.is_staff:
            raise Http404
        data = SupportLookupInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = selectors.support_code_lookup(staff_user=request.user, code=data.validated_data["code"])
        return Response(SupportLookupSerializer(result).data)
