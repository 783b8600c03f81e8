from django.urls import path

from . import views

# Included at the site's root before tenders' directory pages (portal/urls.py).
urlpatterns = [
    path("directory/<slug:slug>/logo", views.directory_logo, name="partners-directory-logo"),
]
