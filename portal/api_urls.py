"""`/api/v1/`: each app contributes its routes in its own `api_urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("clients.api_urls")),
    path("", include("partners.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("tickets.api_urls")),
    path("", include("tenders.api_urls")),
]
