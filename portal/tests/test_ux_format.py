"""Issue 8 (usability): money and dates in the reader's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from billing.models import Invoice
from billing.tests.factories import order, org_with_rep, own_access
from portal.outbox import email_enqueue
from portal.templatetags.portal_format import format_money

NB = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("lang", "amount", "currency", "expected"),
    [
        ("en", Decimal("0"), "CHF", f"CHF{NB}0.00"),
        ("es", Decimal("0"), "CHF", f"0,00{NB}CHF"),
        ("en", Decimal("1234.5"), "CHF", f"CHF{NB}1,234.50"),
        ("es", Decimal("1234.5"), "CHF", f"1.234,50{NB}CHF"),
        ("en", Decimal("1234567.5"), "EUR", f"EUR{NB}1,234,567.50"),
        ("es", Decimal("1234567.5"), "EUR", f"1.234.567,50{NB}EUR"),
        ("en", Decimal("-12"), "EUR", f"{MINUS}EUR{NB}12.00"),
        ("es", Decimal("-1234.56"), "CHF", f"{MINUS}1.234,56{NB}CHF"),
        ("en", Decimal("-0.001"), "CHF", f"CHF{NB}0.00"),
        ("en", "99.9", "chf", f"CHF{NB}99.90"),
    ],
)
def test_ux_money_filter_follows_the_language(lang, amount, currency, expected):
    with translation.override(lang):
        assert Template("{% load portal_format %}{{ a|money:c }}").render(Context({"a": amount, "c": currency})) == (
            expected
        )


def test_ux_money_filter_leaves_missing_and_broken_values_alone():
    assert format_money(None, "CHF") == ""
    assert format_money("n/a", "CHF") == "n/a"
    assert format_money(Decimal("5"), "", language="es") == "5,00"


def test_ux_dates_en_day_first_and_es_month_names():
    day = datetime.date(2026, 11, 27)
    tpl = Template('{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("en"):
        assert tpl.render(Context({"d": day})) == "27 Nov 2026|27 Nov 2026"
    with translation.override("es"):
        assert tpl.render(Context({"d": day})) == "27 de noviembre de 2026|27/11/2026"


def _invoice_page(client, lang: str) -> tuple[Invoice, str]:
    org, user = org_with_rep()
    user.language = lang
    user.save(update_fields=["language"])
    order(own_access(user, org), org)
    invoice = Invoice.objects.get(org=org)
    client.force_login(user)
    response = client.get(f"/manager/billing/invoices/{invoice.pk}/")
    assert response.status_code == 200
    return invoice, response.content.decode()


@pytest.mark.django_db
def test_ux_invoice_page_money_and_date_in_english(client, catalog):
    invoice, page = _invoice_page(client, "en")
    assert format_money(invoice.gross, invoice.currency, language="en") in page
    assert f"CHF{NB}" in page
    assert invoice.issued_at.astimezone(datetime.UTC).strftime("%b %Y") in page


@pytest.mark.django_db
def test_ux_invoice_page_money_and_date_in_spanish(client, catalog):
    invoice, page = _invoice_page(client, "es")
    gross = format_money(invoice.gross, invoice.currency, language="es")
    assert gross.endswith(f"{NB}CHF") and "," in gross
    assert gross in page
    with translation.override("es"):
        month = translation.gettext(invoice.issued_at.strftime("%B"))
    assert f"de {month.lower()} de" in page


@pytest.mark.django_db
def test_ux_dashboard_balance_in_each_language(client, catalog):
    from billing.models import BalanceEntry, PrepaidAccount

    org, user = org_with_rep()
    account = PrepaidAccount.objects.create(org=org, currency="CHF")
    BalanceEntry.objects.create(account=account, kind="adjustment", amount=Decimal("1234.50"))
    client.force_login(user)
    assert f"CHF{NB}1,234.50" in client.get("/manager/").content.decode()
    user.language = "es"
    user.save(update_fields=["language"])
    assert f"1.234,50{NB}CHF" in client.get("/manager/").content.decode()


@pytest.mark.django_db
def test_ux_invoice_email_money_in_the_recipient_language(catalog):
    org, user = org_with_rep()
    user.language = "es"
    user.save(update_fields=["language"])
    order(own_access(user, org), org)
    invoice = Invoice.objects.get(org=org)
    row = email_enqueue(
        key=f"ux-test-{invoice.pk}",
        to=user,
        template="billing/invoice_issued",
        context={"invoice": invoice, "org": org},
        link="/manager/billing/invoices/",
    )
    assert format_money(invoice.gross, invoice.currency, language="es") in row.body_text
