from django.urls import path

from . import api

urlpatterns = [
    path("orgs/<slug:org>/partner-application/", api.ApplicationAPI.as_view(), name="api-partner-application"),
    path("staff/partner-applications/", api.StaffApplicationsAPI.as_view(), name="api-staff-applications"),
    path(
        "staff/partner-applications/<int:pk>/<str:decision>/",
        api.StaffDecisionAPI.as_view(),
        name="api-staff-application-decide",
    ),
    path("orgs/<slug:org>/partnerships/", api.PartnershipListAPI.as_view(), name="api-partnerships"),
    path("orgs/<slug:org>/partnerships/<int:pk>/", api.PartnershipDetailAPI.as_view(), name="api-partnership"),
    path(
        "orgs/<slug:org>/partnerships/<int:pk>/<str:action>/",
        api.PartnershipActionAPI.as_view(),
        name="api-partnership-action",
    ),
]
