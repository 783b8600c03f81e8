"""ORG-2: VAT and commercial-register numbers, validated by country with
python-stdnum (check digits included), stored compact and shown formatted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.ch import uid as ch_uid
from stdnum.ch import vat as ch_vat
from stdnum.de import handelsregisternummer as de_hr
from stdnum.eu import vat as eu_vat
from stdnum.fr import siret as fr_siret
from stdnum.gb import vat as gb_vat

EU_COUNTRIES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip

COUNTRY_CHOICES = [
    ("CH", _("Switzerland")),
    ("LI", _("Liechtenstein")),
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("CY", _("Cyprus")),
    ("CZ", _("Czechia")),
    ("DE", _("Germany")),
    ("DK", _("Denmark")),
    ("EE", _("Estonia")),
    ("ES", _("Spain")),
    ("FI", _("Finland")),
    ("FR", _("France")),
    ("GR", _("Greece")),
    ("HR", _("Croatia")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("LV", _("Latvia")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("RO", _("Romania")),
    ("SE", _("Sweden")),
    ("SI", _("Slovenia")),
    ("SK", _("Slovakia")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
]
COUNTRIES = {code for code, _label in COUNTRY_CHOICES}


class InvalidNumber(ValueError):
    """The number is refused; the message names the expected format."""


def _vat_format_hint(country: str) -> str:
    if country in ("CH", "LI"):
        return str(_("a Swiss UID with its VAT suffix, e.g. CHE-123.456.789 MWST (or TVA / IVA)"))
    if country in EU_COUNTRIES:
        prefix = "EL" if country == "GR" else country
        return str(_("an EU VAT number with its country prefix, e.g. %(prefix)s followed by the number")) % {
            "prefix": prefix
        }
    if country == "GB":
        return str(_("a UK VAT number, e.g. GB 980 7806 84"))
    return str(_("a VAT number of 4 to 20 letters and digits"))


def _register_format_hint(country: str) -> str:
    if country in ("CH", "LI"):
        return str(_("a Swiss UID, e.g. CHE-123.456.789"))
    if country == "FR":
        return str(_("a SIRET number of 14 digits, e.g. 732 829 320 00074"))
    if country == "DE":
        return str(_("a Handelsregister number, e.g. Aachen HRA 11223"))
    return str(_("a register number of 4 to 40 characters"))


def _reason(exc: stdnum_exceptions.ValidationError) -> str:
    """Why python-stdnum refused a number, in the reader's language (its own messages are English)."""
    if isinstance(exc, stdnum_exceptions.InvalidChecksum):
        return str(_("its check digit is wrong"))
    if isinstance(exc, stdnum_exceptions.InvalidLength):
        return str(_("it has the wrong number of characters"))
    if isinstance(exc, stdnum_exceptions.InvalidFormat):
        return str(_("it is not in the right format"))
    if isinstance(exc, stdnum_exceptions.InvalidComponent):
        return str(_("a part of it does not exist"))
    return str(_("it is not a valid number"))


def clean_vat(number: str, country: str) -> str:
    """Validate a VAT number for `country`; return it compact or raise InvalidNumber."""
    number = (number or "").strip()
    country = (country or "").upper()
    if not number:
        return ""
    try:
        if country in ("CH", "LI"):
            # ORG-2: the UID with or without its MWST/TVA/IVA suffix.
            if ch_uid.is_valid(number):
                return ch_uid.compact(number)
            return ch_vat.validate(number)
        if country in EU_COUNTRIES:
            compact = eu_vat.validate(number)
            expected = "EL" if country == "GR" else country
            if not compact.upper().startswith(expected):
                raise InvalidNumber(
                    _("This VAT number is not from the organization's country. Expected %(hint)s.")
                    % {"hint": _vat_format_hint(country)}
                )
            return compact
        if country == "GB":
            return gb_vat.validate(number)
    except stdnum_exceptions.ValidationError as exc:
        raise InvalidNumber(
            _("This VAT number is not valid (%(reason)s). Expected %(hint)s.")
            % {"reason": _reason(exc), "hint": _vat_format_hint(country)}
        ) from exc
    compact = "".join(ch for ch in number if ch.isalnum()).upper()
    if not 4 <= len(compact) <= 20:
        raise InvalidNumber(_("This VAT number is not valid. Expected %(hint)s.") % {"hint": _vat_format_hint(country)})
    return compact


def clean_register(number: str, country: str) -> str:
    """Validate a commercial-register number for `country`; return it compact."""
    number = (number or "").strip()
    country = (country or "").upper()
    if not number:
        return ""
    try:
        if country in ("CH", "LI"):
            return ch_uid.validate(number)
        if country == "FR":
            return fr_siret.validate(number)
        if country == "DE":
            return de_hr.validate(number)
    except stdnum_exceptions.ValidationError as exc:
        raise InvalidNumber(
            _("This register number is not valid (%(reason)s). Expected %(hint)s.")
            % {"reason": _reason(exc), "hint": _register_format_hint(country)}
        ) from exc
    if not 4 <= len(number) <= 40:
        raise InvalidNumber(
            _("This register number is not valid. Expected %(hint)s.") % {"hint": _register_format_hint(country)}
        )
    return number


def format_vat(compact: str, country: str) -> str:
    country = (country or "").upper()
    try:
        if country in ("CH", "LI"):
            if compact[-1:].isdigit():  # a UID given without its VAT suffix
                return ch_uid.format(compact)
            return ch_vat.format(compact)
        if country in EU_COUNTRIES:
            return eu_vat.compact(compact)
        if country == "GB":
            return gb_vat.format(compact)
    except Exception:  # a stored number always formats; fall back to compact
        return compact
    return compact


def format_register(compact: str, country: str) -> str:
    country = (country or "").upper()
    try:
        if country in ("CH", "LI"):
            return ch_uid.format(compact)
        if country == "FR":
            return fr_siret.format(compact)
    except Exception:
        return compact
    return compact
