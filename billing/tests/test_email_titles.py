"""NT-2: every billing email's HTML part has a title (its subject), as other apps' emails do."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from billing import services
from billing.models import BalanceEntry
from clients.models import Product
from portal.models import OutboxEmail

from .factories import D, full, hosting, order, org_with_rep, own_access, partner_org

pytestmark = pytest.mark.django_db
CARD = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
TEMPLATES = [
    "billing/invoice_issued",
    "billing/payment_received",
    "billing/payment_failed",
    "billing/cashback_earned",
    "billing/renewal_notice",
    "billing/payout_requested",
    "billing/payout_settled",
]


@pytest.fixture
def billing_emails(catalog):
    """One of each billing email, from the services that send them."""
    partner, partner_user = partner_org()
    customer, user = org_with_rep()
    full(partner, customer)
    access = own_access(user, customer)
    paid = order(access, customer).invoices.get()
    services.invoice_pay(access=access, invoice=paid, card_number=CARD)  # payment received, cashback earned
    unpaid = order(access, customer, slug="mail-pro", name="m.ch").invoices.get()
    with pytest.raises(services.RuleViolation):
        services.invoice_pay(access=access, invoice=unpaid, card_number=DECLINED)
    today = timezone.localdate()
    expiring = hosting(customer, name="expiring.example.ch")
    Product.objects.filter(pk=expiring.pk).update(expires_at=today + datetime.timedelta(days=30))
    services.renewal_notices_send(today=today)
    account = services.prepaid_account_for(org=partner, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=D("50"))
    payout = services.payout_request_create(
        access=own_access(partner_user, partner), amount=D("10"), currency="CHF", method="paypal", paypal_email="p@x.ch"
    )
    services.payout_settle(payout=payout, by=None, paid=False, note="test")
    return OutboxEmail.objects.all()


@pytest.mark.parametrize("template", TEMPLATES)
def test_nt2_billing_email_html_title_is_its_subject(billing_emails, template):
    email = billing_emails.filter(template=template).first()
    assert email is not None, template
    title = re.search(r"<title>(.*?)</title>", email.body_html, re.S).group(1)
    assert html.unescape(title).strip() == email.subject


def test_nt2_every_billing_email_template_fills_the_title_block():
    folder = Path(settings.BASE_DIR) / "templates" / "emails" / "billing"
    missing = [p.name for p in sorted(folder.glob("*.html")) if "{% block subject %}" not in p.read_text()]
    assert missing == []
