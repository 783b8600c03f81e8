from django.urls import path

from . import api

urlpatterns = [
    # --- public (TD-1, TD-5) ---
    path("tenders/", api.TenderRequestCreateAPI.as_view(), name="api-tenders-create"),
    path("directory/", api.DirectoryListAPI.as_view(), name="api-directory"),
    path("directory/<slug:slug>/", api.DirectoryDetailAPI.as_view(), name="api-directory-detail"),
    # --- partners (TD-2, TD-3, TD-6) ---
    path("orgs/<slug:org>/tenders/", api.PartnerTenderListAPI.as_view(), name="api-org-tenders"),
    path("orgs/<slug:org>/tenders/subscription/", api.PartnerSubscriptionAPI.as_view(), name="api-org-tenders-sub"),
    path("orgs/<slug:org>/tenders/<int:pk>/", api.PartnerTenderDetailAPI.as_view(), name="api-org-tender"),
    path("orgs/<slug:org>/tenders/<int:pk>/quotes/", api.PartnerQuoteCreateAPI.as_view(), name="api-org-tender-quote"),
    path("orgs/<slug:org>/tenders/<int:pk>/decline/", api.PartnerDeclineAPI.as_view(), name="api-org-tender-decline"),
    path("orgs/<slug:org>/reviews/", api.PartnerReviewListAPI.as_view(), name="api-org-reviews"),
    path(
        "orgs/<slug:org>/reviews/<int:pk>/answer/", api.PartnerReviewAnswerAPI.as_view(), name="api-org-review-answer"
    ),
    # --- requesters (TD-4, TD-6) ---
    path("orgs/<slug:org>/tender-requests/", api.RequesterTenderListAPI.as_view(), name="api-org-tender-requests"),
    path(
        "orgs/<slug:org>/tender-requests/<int:pk>/",
        api.RequesterTenderDetailAPI.as_view(),
        name="api-org-tender-request",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:pk>/quotes/<int:quote_id>/accept/",
        api.RequesterAcceptAPI.as_view(),
        name="api-org-tender-request-accept",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:pk>/close/",
        api.RequesterCloseAPI.as_view(),
        name="api-org-tender-request-close",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:pk>/review/",
        api.RequesterReviewAPI.as_view(),
        name="api-org-tender-request-review",
    ),
]
