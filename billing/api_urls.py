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
]
