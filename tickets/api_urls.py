from django.urls import path

from . import api

urlpatterns = [
    # --- support ---
    path("me/support-code/", api.MySupportCodeAPI.as_view(), name="api-support-code"),
    path("me/support-code/regenerate/", api.MySupportCodeRegenerateAPI.as_view(), name="api-support-code-regenerate"),
    path("orgs/<slug:org>/support-access/", api.SupportAccessListAPI.as_view(), name="api-support-access"),
    path(
        "orgs/<slug:org>/support-access/<int:pk>/revoke/",
        api.SupportAccessRevokeAPI.as_view(),
        name="api-support-access-revoke",
    ),
    path("staff/support-code-lookup/", api.StaffSupportLookupAPI.as_view(), name="api-staff-support-lookup"),
]
