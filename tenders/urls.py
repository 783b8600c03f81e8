from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

app_name = "tenders"

urlpatterns = [
    # Public (TD-1, TD-4, TD-5)
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:slug>/", views.directory_profile, name="directory_profile"),
    path("tenders/new/", views.request_new, name="request_new"),
    path("tenders/new/sent/", views.request_sent, name="request_sent"),
    path("tenders/confirm/<str:token>/", views.request_confirm, name="confirm"),
    path("tenders/r/<str:token>/", views.PrivateRequestView.as_view(), name="private"),
    path(
        "tenders/r/<str:token>/quotes/<int:quote_id>/accept/",
        views.PrivateRequestView.as_view(),
        {"action": "accept"},
        name="private_accept",
    ),
    path("tenders/r/<str:token>/close/", views.PrivateRequestView.as_view(), {"action": "close"}, name="private_close"),
    path(
        "tenders/r/<str:token>/review/", views.PrivateRequestView.as_view(), {"action": "review"}, name="private_review"
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    # Manager: partner inbox (TD-2, TD-3, TD-6)
    path("manager/tenders/", views.InboxView.as_view(), name="inbox"),
    path("manager/tenders/preferences/", views.SubscriptionView.as_view(), name="subscription"),
    path("manager/tenders/reviews/", views.ReviewsView.as_view(), name="reviews"),
    path("manager/tenders/reviews/<int:review_id>/answer/", views.ReviewsView.as_view(), name="review_answer"),
    path("manager/tenders/<int:pk>/", views.InboxDetailView.as_view(), name="inbox_detail"),
    path("manager/tenders/<int:pk>/quote/", views.InboxDetailView.as_view(), {"action": "quote"}, name="quote"),
    path("manager/tenders/<int:pk>/decline/", views.InboxDetailView.as_view(), {"action": "decline"}, name="decline"),
    # Manager: the requester's side (TD-4, TD-6)
    path("manager/tenders/mine/", views.MyRequestsView.as_view(), name="my_requests"),
    path("manager/tenders/mine/<int:pk>/", views.MyRequestView.as_view(), name="my_request"),
    path(
        "manager/tenders/mine/<int:pk>/quotes/<int:quote_id>/accept/",
        views.MyRequestView.as_view(),
        {"action": "accept"},
        name="my_request_accept",
    ),
    path(
        "manager/tenders/mine/<int:pk>/close/",
        views.MyRequestView.as_view(),
        {"action": "close"},
        name="my_request_close",
    ),
    path(
        "manager/tenders/mine/<int:pk>/review/",
        views.MyRequestView.as_view(),
        {"action": "review"},
        name="my_request_review",
    ),
]
