from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .api import api_unknown_path

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("manager/", include(("clients.urls", "manager"))),
    path("manager/partners/", include("partners.urls")),
    path("manager/billing/", include("billing.urls")),
    path("", include("tickets.urls")),
    path("", include("partners.public_urls")),
    path("", include("tenders.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from a URL: no inline script, so CSP allows it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Staff log in through allauth like everyone else: same rate limits, same MFA (SEC-3).
    path("admin/login/", views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
]

if settings.BENCH_FLOOR_ENABLED:  # the benchmark's floor (docs/benchmarks.md), off unless BENCH_FLOOR_ENABLED=1
    from . import bench_views

    urlpatterns.append(path("bench/floor/", bench_views.floor, name="bench-floor"))

# Last: any other path under /api/ is the API's JSON 404 (portal.api.api_unknown_path).
urlpatterns.append(re_path(r"^api/", api_unknown_path, name="api-unknown-path"))
