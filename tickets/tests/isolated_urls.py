"""Development aid: the site's URLs without the apps still being written by others.

Used only when TICKETS_ISOLATED_URLS=1 (see conftest.py); the normal run uses portal.urls.
"""

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("manager/", include(("clients.urls", "manager"))),
    path("", include("tickets.urls")),
    path("api/v1/", include("tickets.api_urls")),
    path("admin/", admin.site.urls),
]
