"""Money in the reader's language: `{% load portal_format %}` then `{{ amount|money:currency }}`.

The number comes from Django's localized formats (`number_format`, grouped, two decimals),
the currency code goes where the language puts it (CLDR): before in English
("CHF 1,234.50"), after in Spanish, French and German ("1.234,50 CHF"), joined by a
non-breaking space so that a line never breaks between them. A negative amount gets a
real minus sign (U+2212) in front of everything: "−CHF 12.00", "−12,00 CHF".
"""

from __future__ import annotations

import functools
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
    language_code = translation.get_language() or "en"
    number = _number(abs(value), language_code)
    code = str(currency or "").strip().upper()
    lang = language_code.split("-")[0].lower()
    if not code:
        text = number
    elif lang in CURRENCY_AFTER:
        text = f"{number}{NBSP}{code}"
    else:
        text = f"{code}{NBSP}{number}"
    return f"{MINUS}{text}" if negative else text


@functools.lru_cache(maxsize=64)
def _separators(language_code: str) -> tuple[str, str, object]:
    """The language's decimal separator, thousand separator and grouping (Django's formats)."""
    with translation.override(language_code):
        return (
            formats.get_format("DECIMAL_SEPARATOR", use_l10n=True),
            formats.get_format("THOUSAND_SEPARATOR", use_l10n=True),
            formats.get_format("NUMBER_GROUPING", use_l10n=True),
        )


def _number(value: Decimal, language_code: str) -> str:
    """`formats.number_format(value, decimal_pos=2, force_grouping=True)` for a value >= 0,
    without looking the formats up again for each amount (a list page shows a hundred):
    the same digits (Django truncates to two places, it doesn't round), the same separators."""
    decimal_sep, thousand_sep, grouping = _separators(language_code)
    if not isinstance(grouping, int) or grouping <= 0:  # a non-uniform grouping: Django's own code
        return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    if value < Decimal("0.01"):
        value = Decimal("0")
    int_part, _, dec_part = f"{value:f}".partition(".")
    dec_part = (dec_part[:2]).ljust(2, "0")
    if grouping == 3:
        int_part = f"{int(int_part):,}".replace(",", "\x00")
    else:
        digits = int_part[::-1]
        int_part = "\x00".join(digits[i : i + grouping] for i in range(0, len(digits), grouping))[::-1]
    return int_part.replace("\x00", thousand_sep) + decimal_sep + dec_part


# Languages that put a (non-breaking) space before the percent sign (CLDR): "8,1 %"; others "8.1%".
PERCENT_SPACED = {"es", "fr", "de"}


def format_percent(fraction) -> str:
    """A rate stored as a fraction, in the reader's language: 0.081 → "8.1%" / "8,1 %",
    0.15 → "15%" / "15 %" (at most two decimals, no trailing zeros). `None` or "" gives "";
    a value that is not a number is returned unchanged rather than raising in a page."""
    if fraction is None or fraction == "":
        return ""
    try:
        value = (Decimal(str(fraction)) * 100).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return str(fraction)
    # `normalize` drops the trailing zeros ("15.00" → "15"); `:f` keeps it out of exponent form.
    number = formats.number_format(Decimal(f"{value.normalize():f}"), use_l10n=True)
    language = (translation.get_language() or "en").split("-")[0].lower()
    return f"{number}{NBSP}%" if language in PERCENT_SPACED else f"{number}%"


@register.filter
def percent(fraction) -> str:
    """`{{ rate|percent }}` → "8.1%" / "8,1 %": a rate stored as a fraction (VAT, cashback, commission)."""
    return format_percent(fraction)


@register.filter
def money(amount, currency: str = "") -> str:
    """`{{ invoice.gross|money:invoice.currency }}` → "CHF 1,234.50" / "1.234,50 CHF"."""
    return format_money(amount, currency)


@register.filter
def capped_count(count, cap) -> str:
    """A count taken up to `cap` rows (so that it costs the same for 100 or 10,000): "99+" once
    it reaches the cap, else the count (issue 9: the unread quote requests, the invoices to pay)."""
    if isinstance(count, int) and isinstance(cap, int) and count >= cap:
        return f"{cap - 1}+"
    return str(count)
