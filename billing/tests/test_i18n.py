import pytest

from .factories import order, org_with_rep, own_access

pytestmark = pytest.mark.django_db


def test_i18n_to_pay_page_in_spanish(client, catalog):
    org, user = org_with_rep(vat_number="")
    order(own_access(user, org), org)
    user.language = "es"
    user.save()
    client.force_login(user)
    page = client.get("/manager/billing/to-pay/").content.decode()
    assert "Pagar con tarjeta" in page and "Añadir un número de IVA" in page


def test_i18n_spanish_email_for_spanish_user(catalog):
    org, user = org_with_rep()
    user.language = "es"
    user.save()
    invoice = order(own_access(user, org), org).invoices.get()
    from portal.models import OutboxEmail

    email = OutboxEmail.objects.get(key=f"invoice-issued:{invoice.pk}:{user.pk}")
    assert email.subject == f"Factura {invoice.number}"
