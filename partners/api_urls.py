from django.urls import path

from . import api

P = "orgs/<slug:org>/partnerships/<int:pk>/"

urlpatterns = [
    path("orgs/<slug:org>/partner-application/", api.ApplicationAPI.as_view(), name="api-partner-application"),
    path("staff/partner-applications/", api.StaffApplicationsAPI.as_view(), name="api-staff-applications"),
    path("staff/partner-applications/<int:pk>/approve/", api.StaffApproveAPI.as_view(), name="api-staff-approve"),
    path("staff/partner-applications/<int:pk>/reject/", api.StaffRejectAPI.as_view(), name="api-staff-reject"),
    path("orgs/<slug:org>/partnerships/", api.PartnershipListAPI.as_view(), name="api-partnerships"),
    path(P, api.PartnershipDetailAPI.as_view(), name="api-partnership"),
    path(P + "accept/", api.PartnershipAcceptAPI.as_view(), name="api-partnership-accept"),
    path(P + "decline/", api.PartnershipDeclineAPI.as_view(), name="api-partnership-decline"),
    path(P + "cancel/", api.PartnershipCancelAPI.as_view(), name="api-partnership-cancel"),
    path(P + "acknowledge/", api.PartnershipAcknowledgeAPI.as_view(), name="api-partnership-acknowledge"),
    path(P + "withdraw/", api.PartnershipWithdrawAPI.as_view(), name="api-partnership-withdraw"),
    path(P + "resend/", api.PartnershipResendAPI.as_view(), name="api-partnership-resend"),
    path("orgs/<slug:org>/clients/", api.ClientsAPI.as_view(), name="api-partner-clients"),
    path("orgs/<slug:org>/partner-profile/", api.PartnerProfileAPI.as_view(), name="api-partner-profile"),
    path("orgs/<slug:org>/partner-profile/perk/", api.PerkAPI.as_view(), name="api-partner-perk"),
    path("orgs/<slug:org>/collaborator-rights/", api.CollaboratorRightsListAPI.as_view(), name="api-collab-rights"),
    path(
        "orgs/<slug:org>/collaborator-rights/<int:user_id>/",
        api.CollaboratorRightsAPI.as_view(),
        name="api-collab-rights-detail",
    ),
    path("orgs/<slug:org>/partner-settings/", api.ClientPartnerSettingsAPI.as_view(), name="api-partner-settings"),
]
