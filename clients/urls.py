from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch/", views.switch_org_view, name="switch_org"),
    path("notifications/", views.notifications, name="notifications"),
    path("account/", views.account, name="account"),
    path("audit/", views.AuditView.as_view(), name="audit"),
    path("org/", views.dashboard, name="org_detail"),  # replaced by the org page
    path("org/new/", views.dashboard, name="org_create"),  # replaced by the org form
    path("members/", views.dashboard, name="members"),  # replaced by the members page
]
