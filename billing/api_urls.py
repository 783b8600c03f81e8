from django.urls import path

from . import api

urlpatterns = [
    path("catalog/", api.CatalogAPI.as_view(), name="billing-api-catalog"),
    path("orgs/<slug:org>/products/", api.ProductsAPI.as_view(), name="billing-api-products"),
    path("orgs/<slug:org>/orders/", api.OrdersAPI.as_view(), name="billing-api-orders"),
    path("orgs/<slug:org>/invoices/", api.InvoicesAPI.as_view(), name="billing-api-invoices"),
    path("orgs/<slug:org>/invoices/<int:pk>/", api.InvoiceDetailAPI.as_view(), name="billing-api-invoice"),
    path("orgs/<slug:org>/invoices/<int:pk>/pay/", api.InvoicePayAPI.as_view(), name="billing-api-invoice-pay"),
    path("orgs/<slug:org>/cashback/", api.CashbackAPI.as_view(), name="billing-api-cashback"),
    path(
        "orgs/<slug:org>/invoices/<int:pk>/download/",
        api.InvoiceDownloadAPI.as_view(),
        name="billing-api-invoice-download",
    ),
    path("orgs/<slug:org>/payouts/", api.PayoutsAPI.as_view(), name="billing-api-payouts"),
    path("orgs/<slug:org>/revenue/", api.RevenueAPI.as_view(), name="billing-api-revenue"),
    path("orgs/<slug:org>/revenue/clients/", api.RevenueClientsAPI.as_view(), name="billing-api-revenue-clients"),
    path("orgs/<slug:org>/revenue/export.csv", api.RevenueCsvAPI.as_view(), name="billing-api-revenue-csv"),
    path("orgs/<slug:org>/rebill.csv", api.RebillCsvAPI.as_view(), name="billing-api-rebill-csv"),
    path("orgs/<slug:org>/program-volume/", api.ProgramVolumeAPI.as_view(), name="billing-api-program-volume"),
]
