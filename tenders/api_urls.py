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
    path("orgs/<slug:org>/tenders/<int:id>/", api.PartnerTenderDetailAPI.as_view(), name="api-org-tender"),
    path("orgs/<slug:org>/tenders/<int:id>/quotes/", api.PartnerQuoteCreateAPI.as_view(), name="api-org-tender-quote"),
    path("orgs/<slug:org>/tenders/<int:id>/decline/", api.PartnerDeclineAPI.as_view(), name="api-org-tender-decline"),
    path("orgs/<slug:org>/reviews/", api.PartnerReviewListAPI.as_view(), name="api-org-reviews"),
    path(
        "orgs/<slug:org>/reviews/<int:id>/answer/", api.PartnerReviewAnswerAPI.as_view(), name="api-org-review-answer"
    ),
    # --- requesters (TD-4, TD-6) ---
    path("orgs/<slug:org>/tender-requests/", api.RequesterTenderListAPI.as_view(), name="api-org-tender-requests"),
    path(
        "orgs/<slug:org>/tender-requests/<int:id>/",
        api.RequesterTenderDetailAPI.as_view(),
        name="api-org-tender-request",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:id>/quotes/<int:quote_id>/accept/",
        api.RequesterAcceptAPI.as_view(),
        name="api-org-tender-request-accept",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:id>/close/",
        api.RequesterCloseAPI.as_view(),
        name="api-org-tender-request-close",
    ),
    path(
        "orgs/<slug:org>/tender-requests/<int:id>/review/",
        api.RequesterReviewAPI.as_view(),
        name="api-org-tender-request-review",
    ),
]
