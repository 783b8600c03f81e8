from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("perk/", views.perk_claim, name="perk_claim"),
    path("staff/applications/", views.staff_queue, name="staff_queue"),
    path("staff/applications/<int:pk>/approve/", views.staff_decide, {"decision": "approve"}, name="staff_approve"),
    path("staff/applications/<int:pk>/reject/", views.staff_decide, {"decision": "reject"}, name="staff_reject"),
    path("clients/", views.ClientsView.as_view(), name="clients"),
    path("clients/invite/", views.InviteClientView.as_view(), name="invite_client"),
    path("pending/", views.PendingView.as_view(), name="pending"),
    path("partners/", views.PartnersView.as_view(), name="partners"),
    path("partners/invite/", views.InvitePartnerView.as_view(), name="invite_partner"),
    path("partnerships/<int:pk>/", views.PartnershipDetailView.as_view(), name="partnership_detail"),
    path("partnerships/<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("partnerships/<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("partnerships/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("partnerships/<int:pk>/resend/", views.ResendView.as_view(), name="resend"),
    path("partnerships/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("partnerships/<int:pk>/payment-method/", views.PaymentMethodView.as_view(), name="payment_method"),
    path("partnerships/<int:pk>/products/", views.ProductsView.as_view(), name="set_products"),
    path("partnerships/<int:pk>/end-date/", views.EndDateView.as_view(), name="end_date"),
    path("partnerships/<int:pk>/end/", views.EndView.as_view(), name="end"),
    path("partnerships/<int:pk>/access/", views.access_client, name="access_client"),
    path("leave/", views.leave_client, name="leave_client"),
    path("products/", views.ClientProductsView.as_view(), name="client_products"),
    path("collaborators/", views.CollaboratorsView.as_view(), name="collaborators"),
    path("collaborators/<int:user_id>/", views.CollaboratorEditView.as_view(), name="collaborator_edit"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("security/", views.SecurityView.as_view(), name="security"),
]
