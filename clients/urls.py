from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch/", views.switch_org_view, name="switch_org"),
    path("notifications/", views.notifications, name="notifications"),
    path("account/", views.account, name="account"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("org/", views.OrgDetailView.as_view(), name="org_detail"),
    path("org/new/", views.OrgCreateView.as_view(), name="org_create"),
    path("org/edit/", views.OrgEditView.as_view(), name="org_edit"),
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/leave/", views.member_leave_view, name="member_leave"),
    path("members/<int:membership_id>/role/", views.member_set_role_view, name="member_set_role"),
    path("members/<int:membership_id>/remove/", views.member_remove_view, name="member_remove"),
    path("members/invitations/<int:invitation_id>/revoke/", views.invitation_revoke_view, name="invitation_revoke"),
    path("members/invitations/<int:invitation_id>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path("invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("tokens/", views.TokensView.as_view(), name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
