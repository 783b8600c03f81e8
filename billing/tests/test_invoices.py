import pytest
from django.db import transaction

from billing import services
from billing.models import CashbackEntry, ImmutableError, Invoice, InvoiceCounter, InvoiceLine
from clients.models import AuditEvent
from portal.errors import InvalidInput
from portal.models import OutboxEmail

from .factories import D, full, order, org_with_rep, own_access, partner_org, ptype

pytestmark = pytest.mark.django_db


def _invoice(payer, amount="100.00"):
    return services.invoice_issue(
        payer=payer,
        lines=[
            services.LineData(
                description="Test",
                product_type=ptype("mail-pro"),
                period="1y",
                unit_price=D(amount),
                tier_discount=D("0"),
                partner_discount=D("0"),
                client=payer,
            )
        ],
    )


def test_bl8_numbers_are_consecutive_per_year(catalog):
    org, _ = org_with_rep()
    numbers = [_invoice(org).number for _ in range(3)]
    year = numbers[0][:4]
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]
    assert InvoiceCounter.objects.get(year=int(year)).last_number == 3


def test_bl8_rolled_back_invoice_gives_its_number_back(catalog):
    org, _ = org_with_rep()
    first = _invoice(org)
    with pytest.raises(RuntimeError), transaction.atomic():
        _invoice(org)
        raise RuntimeError("payment of the order failed")
    second = _invoice(org)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert Invoice.objects.count() == 2


def test_bl8_issued_amounts_are_immutable(catalog):
    org, _ = org_with_rep()
    invoice = _invoice(org)
    invoice.net = D("1.00")
    with pytest.raises(ImmutableError):
        invoice.save()
    assert Invoice.objects.get(pk=invoice.pk).net == D("100.00")


def test_bl8_invoice_lines_are_immutable(catalog):
    org, _ = org_with_rep()
    line = _invoice(org).lines.get()
    line.net_amount = D("0.01")
    with pytest.raises(ImmutableError):
        line.save()
    assert InvoiceLine.objects.get(pk=line.pk).net_amount == D("100.00")


def test_bl8_status_may_change_through_the_service(catalog):
    org, user = org_with_rep()
    invoice = _invoice(org)
    services.invoice_pay(access=own_access(user, org), invoice=invoice, card_number="4242 4242 4242 4242")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at is not None


def test_bl8_swiss_payer_pays_81_percent_vat(catalog):
    org, _ = org_with_rep(country="CH", vat_number="CHE116281710")
    invoice = _invoice(org)
    assert (invoice.vat_rate, invoice.vat_amount, invoice.gross) == (D("0.081"), D("8.10"), D("108.10"))
    assert not invoice.reverse_charge


def test_bl8_eu_business_with_vat_number_is_reverse_charged(catalog):
    org, _ = org_with_rep(country="DE", vat_number="DE136695976")
    invoice = _invoice(org)
    assert invoice.vat_rate == 0 and invoice.vat_amount == 0 and invoice.gross == D("100.00")
    assert invoice.reverse_charge
    assert "Reverse charge" in invoice.legal_text
    assert invoice.vat_number == "DE136695976"


def test_bl8_eu_consumer_pays_81_percent_vat(catalog):
    org, _ = org_with_rep(country="FR", kind="individual")
    invoice = _invoice(org)
    assert invoice.vat_rate == D("0.081") and not invoice.reverse_charge
    assert invoice.gross == D("108.10")


def test_bl8_eu_company_without_vat_number_pays_vat(catalog):
    org, _ = org_with_rep(country="FR", vat_number="")
    assert _invoice(org).vat_rate == D("0.081")


def test_org5_invoice_note_copied_and_overridable(catalog):
    org, user = org_with_rep(invoice_note="PO-DEFAULT")
    assert _invoice(org).invoice_note == "PO-DEFAULT"
    o = services.order_place(
        access=own_access(user, org),
        client=org,
        items=[services.OrderItem(product_type=ptype("mail-pro"), period="1y", name="m.ch")],
        invoice_note_override="PO-4711",
    )
    assert o.invoices.get().invoice_note == "PO-4711"


def test_bl8_invoice_issued_email_and_audit(catalog):
    org, user = org_with_rep()
    invoice = _invoice(org)
    assert OutboxEmail.objects.filter(key=f"invoice-issued:{invoice.pk}:{user.pk}").exists()
    assert AuditEvent.objects.filter(action="invoice.issued", org=org, target_id=str(invoice.pk)).exists()


def test_nt2_invoice_email_link_opens_in_the_payer_org(catalog):
    from portal.models import Notification

    org, user = org_with_rep()
    invoice = _invoice(org)

    email = OutboxEmail.objects.get(key=f"invoice-issued:{invoice.pk}:{user.pk}")
    notification = Notification.objects.get(user=user, subject=email.subject)
    assert f"/manager/billing/invoices/{invoice.pk}/?org={org.slug}" in email.body_text
    assert (notification.link, notification.org_slug) == (
        f"/manager/billing/invoices/{invoice.pk}/?org={org.slug}",
        org.slug,
    )


def test_bl8_credit_note_cancels_unpaid_invoice_and_reverses_pending_cashback(catalog):
    partner, _ = partner_org()
    client, user = org_with_rep()
    full(partner, client)
    o = order(own_access(user, client), client)
    invoice = o.invoices.get()
    note = services.invoice_credit(invoice=invoice, reason="test")
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"
    assert note.kind == "credit_note" and note.credit_of == invoice and note.gross == -invoice.gross
    original = CashbackEntry.objects.get(reverses__isnull=True)
    reversal = CashbackEntry.objects.get(reverses=original)
    assert reversal.amount == -original.amount and reversal.status == "reversed"
    assert original.status == "pending"  # untouched: append-only


def test_bl8_invoice_detail_page_and_download(client, catalog):
    org, user = org_with_rep()
    invoice = _invoice(org)
    client.force_login(user)
    page = client.get(f"/manager/billing/invoices/{invoice.pk}/")
    assert page.status_code == 200 and invoice.number in page.content.decode()
    download = client.get(f"/manager/billing/invoices/{invoice.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.html"'
    assert "108.10" in download.content.decode()


def test_bl8_invoice_shows_the_payer_vat_number_formatted_as_the_org_page(client, catalog):
    org, user = org_with_rep(country="CH", vat_number="CHE116281710MWST")
    invoice = _invoice(org)
    client.force_login(user)

    page = client.get(f"/manager/billing/invoices/{invoice.pk}/").content.decode()
    download = client.get(f"/manager/billing/invoices/{invoice.pk}/download/").content.decode()

    assert invoice.vat_number == "CHE116281710MWST"  # stored compact (ORG-2)
    assert invoice.vat_number_display == org.vat_number_display == "CHE-116.281.710 MWST"
    assert "CHE-116.281.710 MWST" in page and "CHE-116.281.710 MWST" in download
    assert "CHE116281710MWST" not in page


def test_org5_client_reference_refused_on_the_invoice_its_partner_pays(catalog):
    partner, _ = partner_org()
    customer, user = org_with_rep(invoice_note="CLIENT-PO")
    full(partner, customer, payment_method="partner_pays")

    with pytest.raises(InvalidInput) as refused:
        services.order_place(
            access=own_access(user, customer),
            client=customer,
            items=[services.OrderItem(product_type=ptype("mail-pro"), period="1y", name="m.ch")],
            invoice_note_override="CLIENT-4711",
        )

    assert refused.value.code == "invoice_note_not_yours"
    assert not Invoice.objects.exists() and not CashbackEntry.objects.exists()


@pytest.mark.parametrize("view", ["", "download/"])
def test_bl8_invoice_vat_rate_is_formatted_for_the_language(client, catalog, view):
    org, user = org_with_rep(country="CH")
    user.language = "es"
    user.save()
    invoice = _invoice(org)
    client.force_login(user)

    response = client.get(f"/manager/billing/invoices/{invoice.pk}/{view}")
    page = response.content.decode()

    assert response.status_code == 200
    assert "IVA 8,1\xa0%" in page and "8.1%" not in page
    assert Invoice.objects.get(pk=invoice.pk).vat_rate == D("0.081")
