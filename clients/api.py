"""REST API for organizations, members, invitations, audit and notifications (SPEC §9).

Thin views over the same services as the HTML pages; every error is the one
JSON shape of `portal.api`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import Pagination
from portal.errors import RuleViolation
from portal.schema import ErrorSerializer, paginated_schema

from . import selectors, services
from .api_base import OrgScopedAPIView
from .models import AccessToken, AuditEvent, MemberInvitation, Membership, Organization, Role

# --- serializers ---------------------------------------------------------------


def _errors(*codes: int) -> dict:
    text = {
        400: "Invalid input.",
        401: "Not authenticated, or the token is invalid, expired or revoked.",
        403: "Not allowed (missing right, or token scoped to another org).",
        404: "Not found, or not yours.",
        409: "A rule refuses it.",
        429: "Rate limited.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=text[code]) for code in codes}


COMMON = (400, 401, 403, 404)


PAGE_PARAMS = [
    OpenApiParameter("limit", int, description="Number of results to return per page (at most 200)."),
    OpenApiParameter("offset", int, description="The initial index from which to return the results."),
]


class OrganizationSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(read_only=True)
    vat_number_display = serializers.CharField(read_only=True)
    register_number_display = serializers.CharField(read_only=True)
    role = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "country",
            "currency",
            "street",
            "postal_code",
            "city",
            "register_number",
            "register_number_display",
            "vat_number",
            "vat_number_display",
            "invoice_note",
            "terms_accepted_at",
            "created_at",
            "role",
        ]
        read_only_fields = fields

    def get_role(self, org: Organization) -> str | None:
        roles = self.context.get("roles") or {}
        return roles.get(org.pk)


class OrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    country = serializers.CharField(max_length=10, help_text="ISO 3166 alpha-2 code, e.g. CH, FR, DE.")
    register_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    vat_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    invoice_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default="", help_text="At most 128 characters (ORG-5)."
    )


class OrganizationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    register_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    vat_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    invoice_note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="At most 128 characters (ORG-5)."
    )
    accept_terms = serializers.BooleanField(
        required=False, default=False, help_text="Required (true) to change the VAT number (ORG-3)."
    )


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


class MemberInviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True, default=None)

    class Meta:
        model = MemberInvitation
        fields = ["id", "org", "email", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at"]
        read_only_fields = fields


class MembershipJoinedSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "org", "role", "created_at"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True, default=None)
    actor_org = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "actor",
            "actor_org",
            "target_type",
            "target_id",
            "target_repr",
            "details",
        ]
        read_only_fields = fields


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    org = serializers.CharField(source="org_slug", help_text="The slug of the org it is about; empty for the account.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


def _token_of(request) -> AccessToken | None:
    return request.auth if isinstance(request.auth, AccessToken) else None


def _refuse_token(request) -> None:
    """Acts outside one org (create an org, join another) need a session."""
    if _token_of(request) is not None:
        raise RuleViolation(
            "token_scope", _("An access token acts in its own organization only; use the portal for this."), status=403
        )


def _paginated(view: APIView, request, queryset, serializer_class, **kwargs) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, **kwargs).data)


# --- organizations -------------------------------------------------------------


class OrganizationListAPI(APIView):
    @extend_schema(
        operation_id="orgs_list",
        summary="My organizations (a token sees only its own)",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(OrganizationSerializer), **_errors(401)},
    )
    def get(self, request):
        orgs = selectors.orgs_for_user(user=request.user)
        token = _token_of(request)
        if token is not None:
            orgs = orgs.filter(pk=token.org_id)
        roles = dict(Membership.objects.filter(user=request.user).values_list("org_id", "role"))
        return _paginated(self, request, orgs, OrganizationSerializer, context={"roles": roles})

    @extend_schema(
        operation_id="orgs_create",
        summary="Create an organization; you become its legal representative (ORG-1)",
        request=OrganizationCreateSerializer,
        responses={201: OrganizationSerializer, **_errors(400, 401, 403)},
    )
    def post(self, request):
        _refuse_token(request)
        serializer = OrganizationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.org_create(user=request.user, **serializer.validated_data)
        return Response(
            OrganizationSerializer(org, context={"roles": {org.pk: Role.LEGAL_REPRESENTATIVE}}).data,
            status=status.HTTP_201_CREATED,
        )


class OrganizationDetailAPI(OrgScopedAPIView):
    capability_map = {"GET": "org.view"}

    def _data(self, org: Organization) -> dict:
        return OrganizationSerializer(org, context={"roles": {org.pk: self.access.role}}).data

    @extend_schema(operation_id="orgs_retrieve", responses={200: OrganizationSerializer, **_errors(*COMMON)})
    def get(self, request, org: str):
        return Response(self._data(self.access.org))

    @extend_schema(
        operation_id="orgs_partial_update",
        summary="Edit the org; a VAT change needs accept_terms (ORG-3)",
        request=OrganizationUpdateSerializer,
        responses={200: OrganizationSerializer, **_errors(*COMMON)},
    )
    def patch(self, request, org: str):
        serializer = OrganizationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        accept_terms = bool(data.pop("accept_terms", False))
        updated = services.org_update(access=self.access, data=data, accept_terms=accept_terms)
        return Response(self._data(updated))


# --- members and invitations (ORG-6) ---------------------------------------------


class MemberListAPI(OrgScopedAPIView):
    capability_map = {"GET": "members.view", "POST": "members.invite"}

    @extend_schema(
        operation_id="members_list",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(MemberSerializer), **_errors(*COMMON)},
    )
    def get(self, request, org: str):
        return _paginated(self, request, selectors.members_of(access=self.access), MemberSerializer)

    @extend_schema(
        operation_id="members_invite",
        summary="Invite a person by email (ORG-6); emailed, single use, 7 days",
        request=MemberInviteSerializer,
        responses={201: InvitationSerializer, **_errors(*COMMON, 409, 429)},
    )
    def post(self, request, org: str):
        serializer = MemberInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.member_invite(access=self.access, **serializer.validated_data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class MemberDetailAPI(OrgScopedAPIView):
    capability_map = {"GET": "members.view"}

    @extend_schema(operation_id="members_retrieve", responses={200: MemberSerializer, **_errors(*COMMON)})
    def get(self, request, org: str, id: int):
        membership = selectors.members_of(access=self.access).filter(pk=id).first()
        if membership is None:
            raise RuleViolation("not_found", _("Not found."), status=404)
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        operation_id="members_set_role",
        summary="Change a member's role (ORG-6); the member is emailed",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, **_errors(*COMMON, 409)},
    )
    def patch(self, request, org: str, id: int):
        serializer = MemberRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.member_set_role(
            access=self.access, membership_id=id, role=serializer.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        operation_id="members_remove",
        summary="Remove a member, or leave when it is you (not the last legal representative)",
        request=None,
        responses={204: None, **_errors(*COMMON, 409)},
    )
    def delete(self, request, org: str, id: int):
        if self.access.membership is not None and self.access.membership.pk == id:
            services.member_leave(access=self.access)
        else:
            services.member_remove(access=self.access, membership_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListAPI(OrgScopedAPIView):
    capability_map = {"GET": "members.view"}

    @extend_schema(
        operation_id="invitations_list",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(InvitationSerializer), **_errors(*COMMON)},
    )
    def get(self, request, org: str):
        return _paginated(self, request, selectors.member_invitations_for(access=self.access), InvitationSerializer)


class InvitationDetailAPI(OrgScopedAPIView):
    capability_map = {"DELETE": "members.invite"}

    @extend_schema(operation_id="invitations_revoke", request=None, responses={204: None, **_errors(*COMMON, 409)})
    def delete(self, request, org: str, id: int):
        services.invitation_revoke(access=self.access, invitation_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendAPI(OrgScopedAPIView):
    capability_map = {"POST": "members.invite"}

    @extend_schema(
        operation_id="invitations_resend",
        summary="Send a pending invitation again (valid 7 more days)",
        request=None,
        responses={200: InvitationSerializer, **_errors(*COMMON, 409, 429)},
    )
    def post(self, request, org: str, id: int):
        invitation = services.invitation_resend(access=self.access, invitation_id=id)
        return Response(InvitationSerializer(invitation).data)


class InvitationAcceptAPI(APIView):
    @extend_schema(
        operation_id="invitations_accept",
        summary="Accept an invitation (single use); you become a member",
        request=None,
        responses={201: MembershipJoinedSerializer, **_errors(*COMMON, 409)},
    )
    def post(self, request, token: str):
        _refuse_token(request)
        membership = services.invitation_accept(user=request.user, token=token)
        return Response(MembershipJoinedSerializer(membership).data, status=status.HTTP_201_CREATED)


# --- audit and notifications -------------------------------------------------------


class AuditEventListAPI(OrgScopedAPIView):
    capability_map = {"GET": "audit.view"}

    @extend_schema(
        operation_id="audit_events_list",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(AuditEventSerializer), **_errors(*COMMON)},
    )
    def get(self, request, org: str):
        return _paginated(self, request, selectors.audit_events_for(access=self.access), AuditEventSerializer)


class MyNotificationListAPI(APIView):
    @extend_schema(
        operation_id="me_notifications_list",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(NotificationSerializer), **_errors(401)},
    )
    def get(self, request):
        token_org = getattr(request.auth, "org", None)  # a personal access token: its org's only
        notifications = selectors.notifications_for(user=request.user, org=token_org)
        return _paginated(self, request, notifications, NotificationSerializer)


class MemberLeaveAPI(OrgScopedAPIView):
    @extend_schema(
        operation_id="members_leave",
        summary="Leave the org yourself (ORG-6; not the last legal representative); your tokens for it are revoked",
        request=None,
        responses={204: None, **_errors(401, 403, 404, 409)},
    )
    def post(self, request, org: str):
        services.member_leave(access=self.access)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationsReadInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="The notifications to mark as read; all of them when left out.",
    )


class NotificationsReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class MyNotificationsReadAPI(APIView):
    @extend_schema(
        operation_id="me_notifications_mark_read",
        summary="Mark notifications as read (as opening the notifications page does); with a token, its org's only",
        request=NotificationsReadInput,
        responses={200: NotificationsReadSerializer, **_errors(400, 401)},
    )
    def post(self, request):
        serializer = NotificationsReadInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            user=request.user, org=getattr(request.auth, "org", None), ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})


class TokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = AccessToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "active"]
        read_only_fields = fields


class TokenCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=services.TOKEN_MAX_DAYS)


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The token itself: shown this once, stored hashed.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenListAPI(OrgScopedAPIView):
    """Personal access tokens of the caller for this org. Creating one needs a session: a token never
    mints another (a leaked token can't outlive its own expiry or revocation)."""

    capability_map = {"GET": "tokens.manage", "POST": "tokens.manage"}

    @extend_schema(
        operation_id="tokens_list",
        parameters=PAGE_PARAMS,
        responses={200: paginated_schema(TokenSerializer), **_errors(*COMMON)},
    )
    def get(self, request, org: str):
        tokens = selectors.tokens_for_user(user=request.user).filter(org=self.access.org)
        return _paginated(self, request, tokens, TokenSerializer)

    @extend_schema(
        operation_id="tokens_create",
        summary="Create a personal access token for this org (session only), valid 1 to 365 days",
        request=TokenCreateInput,
        responses={201: TokenCreatedSerializer, **_errors(*COMMON)},
    )
    def post(self, request, org: str):
        if isinstance(request.auth, AccessToken):
            raise RuleViolation(
                "session_required", _("Create access tokens while signed in, not with another token."), status=403
            )
        serializer = TokenCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = services.token_create(access=self.access, **serializer.validated_data)
        token.token = raw
        return Response(TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailAPI(OrgScopedAPIView):
    capability_map = {"DELETE": "tokens.manage"}

    @extend_schema(
        operation_id="tokens_revoke",
        summary="Revoke one of your tokens for this org (at once; a token may revoke itself)",
        responses={204: None, **_errors(*COMMON)},
    )
    def delete(self, request, org: str, id: int):
        if not selectors.tokens_for_user(user=request.user).filter(org=self.access.org, pk=id).exists():
            raise RuleViolation("not_found", _("Not found."), status=404)
        services.token_revoke(user=request.user, token_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)
