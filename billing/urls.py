from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("shop/", views.ShopView.as_view(), name="shop"),
    path("products/", views.ProductsView.as_view(), name="products"),
    path("products/<int:pk>/renew/", views.ProductRenewView.as_view(), name="product_renew"),
    path("invoices/", views.InvoicesView.as_view(), name="invoices"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice_detail"),
    path("invoices/<int:pk>/download/", views.InvoiceDetailView.as_view(download=True), name="invoice_download"),
    path("invoices/<int:pk>/pay/", views.InvoicePayView.as_view(), name="invoice_pay"),
    path("to-pay/", views.ToPayView.as_view(), name="to_pay"),
    path("cashback/", views.CashbackView.as_view(), name="cashback"),
    path("revenue/", views.RevenueView.as_view(), name="revenue"),
    path("revenue/export.csv", views.RevenueView.as_view(fmt="csv"), name="revenue_csv"),
    path("revenue/rebill.csv", views.RebillCsvView.as_view(), name="rebill_csv"),
    path("staff/below-minimum/", views.BelowMinimumView.as_view(), name="below_minimum"),
]
