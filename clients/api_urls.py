from django.urls import path

from . import api

urlpatterns = [
    path("orgs/", api.OrganizationListAPI.as_view(), name="api-orgs"),
    path("orgs/<slug:org>/", api.OrganizationDetailAPI.as_view(), name="api-org-detail"),
    path("orgs/<slug:org>/members/", api.MemberListAPI.as_view(), name="api-members"),
    path("orgs/<slug:org>/members/leave/", api.MemberLeaveAPI.as_view(), name="api-member-leave"),
    path("orgs/<slug:org>/members/<int:id>/", api.MemberDetailAPI.as_view(), name="api-member-detail"),
    path("orgs/<slug:org>/invitations/", api.InvitationListAPI.as_view(), name="api-invitations"),
    path("orgs/<slug:org>/invitations/<int:id>/", api.InvitationDetailAPI.as_view(), name="api-invitation-detail"),
    path(
        "orgs/<slug:org>/invitations/<int:id>/resend/", api.InvitationResendAPI.as_view(), name="api-invitation-resend"
    ),
    path("orgs/<slug:org>/audit-events/", api.AuditEventListAPI.as_view(), name="api-audit-events"),
    path("invitations/<str:token>/accept/", api.InvitationAcceptAPI.as_view(), name="api-invitation-accept"),
    path("orgs/<slug:org>/tokens/", api.TokenListAPI.as_view(), name="api-tokens"),
    path("orgs/<slug:org>/tokens/<int:id>/", api.TokenDetailAPI.as_view(), name="api-token-detail"),
    path("me/notifications/", api.MyNotificationListAPI.as_view(), name="api-me-notifications"),
    path("me/notifications/read/", api.MyNotificationsReadAPI.as_view(), name="api-me-notifications-read"),
]
