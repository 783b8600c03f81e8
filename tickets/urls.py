from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    # --- support (SP-1…SP-4) ---
    path("manager/support/", views.SupportView.as_view(), name="support"),
    path("manager/support/code/regenerate/", views.SupportCodeRegenerateView.as_view(), name="support_code_regenerate"),
    path("manager/support/access/", views.SupportAccessGrantView.as_view(), name="support_access_grant"),
    path(
        "manager/support/access/<int:pk>/revoke/",
        views.SupportAccessRevokeView.as_view(),
        name="support_access_revoke",
    ),
    path("manager/support/lookup/", views.support_lookup, name="support_lookup"),
    path("manager/support/staff/<slug:org>/<str:service>/", views.support_staff_service, name="support_staff_service"),
    path("help/", views.help_index, name="help"),
    path("help/<slug:slug>/", views.help_article, name="help_article"),
]
