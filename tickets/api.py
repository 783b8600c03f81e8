"""Support API (SP-1…SP-3): `/api/v1/me/support-code/`, `/api/v1/orgs/{org}/support-access/`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from clients.api_base import OrgScopedAPIView

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


def _support_code_payload(user) -> dict:
    code = services.support_code_for(user=user)
    return {
        "code": code.display,
        "vip_codes": VipCodeSerializer(selectors.vip_codes_for_user(user=user), many=True).data,
    }


class MySupportCodeAPI(APIView):
    def get(self, request):
        return Response(_support_code_payload(request.user))


class MySupportCodeRegenerateAPI(APIView):
    def post(self, request):
        services.support_code_regenerate(user=request.user)
        return Response(_support_code_payload(request.user))


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

    def get(self, request, org: str):
        grants = selectors.support_access_grants_for(access=self.access)[:200]
        return Response({"results": SupportAccessGrantSerializer(grants, many=True).data})

    def post(self, request, org: str):
        data = SupportAccessGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.support_access_grant(access=self.access, **data.validated_data)
        return Response(SupportAccessGrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class SupportAccessRevokeAPI(OrgScopedAPIView):
    capability_map = {"POST": "support_access.grant"}

    def post(self, request, org: str, pk: int):
        grant = get_object_or_404(selectors.support_access_grants_for(access=self.access), pk=pk)
        grant = services.support_access_revoke(access=self.access, grant=grant)
        return Response(SupportAccessGrantSerializer(grant).data)
