"""Money in the reader's language: `{% load portal_format %}` then `{{ amount|money:currency }}`.

The number comes from Django's localized formats (`number_format`, grouped, two decimals),
the currency code goes where the language puts it (CLDR): before in English
("CHF 1,234.50"), after in Spanish, French and German ("1.234,50 CHF"), joined by a
non-breaking space so that a line never breaks between them. A negative amount gets a
real minus sign (U+2212) in front of everything: "−CHF 12.00", "−12,00 CHF".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, translation

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"
# Languages that write the currency after the amount; any other puts it first.
CURRENCY_AFTER = {"es", "fr", "de", "it", "pt"}


def format_money(amount, currency: str = "", *, language: str | None = None) -> str:
    """The localized text of `amount` in `currency` (a code such as CHF or EUR).

    `None` or an empty value gives "" (the template shows its own placeholder);
    a value that is not a number is returned unchanged rather than raising in a page.
    """
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    if language:
        with translation.override(language):
            return format_money(value, currency)
    negative = value < 0 and value.quantize(Decimal("0.01")) != 0
    number = formats.number_format(abs(value), decimal_pos=2, use_l10n=True, force_grouping=True)
    code = str(currency or "").strip().upper()
    lang = (translation.get_language() or "en").split("-")[0].lower()
    if not code:
        text = number
    elif lang in CURRENCY_AFTER:
        text = f"{number}{NBSP}{code}"
    else:
        text = f"{code}{NBSP}{number}"
    return f"{MINUS}{text}" if negative else text


@register.filter
def money(amount, currency: str = "") -> str:
    """`{{ invoice.gross|money:invoice.currency }}` → "CHF 1,234.50" / "1.234,50 CHF"."""
    return format_money(amount, currency)
