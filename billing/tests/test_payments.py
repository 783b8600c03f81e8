import pytest
from django.db import IntegrityError, transaction

from billing import services
from billing.gateway import SimulatedGateway
from billing.models import Invoice, Payment
from clients.models import AuditEvent
from portal.errors import RuleViolation
from portal.models import OutboxEmail

from .factories import member, order, org_with_rep, own_access

pytestmark = pytest.mark.django_db
CARD = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


def _unpaid(**org_kwargs):
    org, user = org_with_rep(**org_kwargs)
    return org, user, order(own_access(user, org), org, slug="mail-pro", name="m.ch").invoices.get()


def test_bl9_simulated_gateway_cards():
    gateway = SimulatedGateway()
    assert gateway.charge(amount=1, currency="CHF", card_number=CARD, description="x").succeeded
    declined = gateway.charge(amount=1, currency="CHF", card_number=DECLINED, description="x")
    assert not declined.succeeded and "declined" in str(declined.message)


def test_bl9_pay_by_card_via_api(client, catalog):
    org, user, invoice = _unpaid()
    client.force_login(user)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/invoices/{invoice.pk}/pay/", {"card_number": CARD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["invoice"]["status"] == "paid"
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None
    payment = Payment.objects.get()
    assert payment.status == "succeeded" and payment.amount == invoice.gross and payment.gateway_reference
    assert AuditEvent.objects.filter(action="invoice.paid", org=org).exists()
    assert OutboxEmail.objects.filter(key=f"payment-received:{payment.pk}:{user.pk}").exists()


def test_bl9_declined_card_leaves_invoice_unpaid(client, catalog):
    org, user, invoice = _unpaid()
    client.force_login(user)
    response = client.post(
        f"/api/v1/orgs/{org.slug}/invoices/{invoice.pk}/pay/",
        {"card_number": DECLINED},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "payment_failed"
    assert "declined" in response.json()["error"]["message"]
    invoice.refresh_from_db()
    assert invoice.status == "unpaid"
    failed = Payment.objects.get()
    assert failed.status == "failed"
    assert OutboxEmail.objects.filter(key=f"payment-failed:{failed.pk}").exists()


def test_bl9_second_payment_refused(catalog):
    org, user, invoice = _unpaid()
    services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number=CARD)
    with pytest.raises(RuleViolation) as exc:
        services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number=CARD)
    assert exc.value.code == "invoice_not_payable"
    assert Payment.objects.filter(status="succeeded").count() == 1


def test_bl9_db_refuses_two_successful_payments(catalog):
    org, user, invoice = _unpaid()
    services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number=CARD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(invoice=invoice, amount=invoice.gross, currency="CHF", method="card", status="succeeded")
    assert Payment.objects.count() == 1


def test_bl9_to_pay_page_lists_unpaid_with_org4_prompt(client, catalog):
    org, user, invoice = _unpaid(vat_number="")
    client.force_login(user)
    page = client.get("/manager/billing/to-pay/").content.decode()
    assert invoice.number in page
    assert "Add a VAT number" in page


def test_org4_no_prompt_with_vat_number_or_individual(client, catalog):
    org, user, invoice = _unpaid(vat_number="CHE116281710")
    client.force_login(user)
    assert "Add a VAT number" not in client.get("/manager/billing/to-pay/").content.decode()
    _o, individual_user, _i = _unpaid(kind="individual")
    client.force_login(individual_user)
    assert "Add a VAT number" not in client.get("/manager/billing/to-pay/").content.decode()


def test_org4_prompt_at_shop_checkout(client, catalog):
    _org, user = org_with_rep(vat_number="")
    client.force_login(user)
    assert "Add a VAT number" in client.get("/manager/billing/shop/").content.decode()


@pytest.mark.parametrize("path", ["/manager/billing/to-pay/", "/manager/billing/shop/"])
def test_org4_prompt_to_an_administrator_names_who_can_add_the_vat_number(client, catalog, path):
    org, _rep = org_with_rep(vat_number="")
    admin = member(org, role="administrator")
    client.force_login(admin)

    page = client.get(path).content.decode()

    assert "Your company has no VAT number yet." in page
    assert "A legal representative of your organization can add it." in page
    assert "Add a VAT number" not in page  # the edit form would not let an administrator change it (ORG-3)


def test_bl9_pay_form_on_to_pay_page(client, catalog):
    org, user, invoice = _unpaid()
    client.force_login(user)
    response = client.post(f"/manager/billing/invoices/{invoice.pk}/pay/", {"method": "card", "card_number": CARD})
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    client.get(f"/manager/billing/invoices/{invoice.pk}/")  # shows the flash message
    assert "Nothing to pay" in client.get("/manager/billing/to-pay/").content.decode()


def test_bl9_other_org_cannot_pay_404(client, catalog):
    org, user, invoice = _unpaid()
    other, other_user = org_with_rep()
    client.force_login(other_user)
    response = client.post(
        f"/api/v1/orgs/{other.slug}/invoices/{invoice.pk}/pay/", {"card_number": CARD}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()
