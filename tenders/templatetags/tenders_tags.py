"""Template helpers of the tenders pages: labels for stored codes, nav/dashboard counts."""

from __future__ import annotations

from django import template

from clients.models import ProductType
from partners.models import DirectoryLanguage
from portal.templatetags.portal_format import capped_count

from .. import selectors
from ..models import TenderLanguage

register = template.Library()

_CATEGORIES = dict(ProductType.Category.choices)
# A request's languages and a profile's (TD-5: also Italian and Portuguese), named in the reader's language.
_LANGUAGES = {**dict(TenderLanguage.choices), **dict(DirectoryLanguage.choices)}


@register.filter
def category_labels(codes) -> list[str]:
    return [str(_CATEGORIES.get(c, c)) for c in codes or [] if isinstance(c, str)]


@register.filter
def language_labels(codes) -> list[str]:
    return [str(_LANGUAGES.get(c, c)) for c in codes or [] if isinstance(c, str)]


@register.filter
def capped(count) -> str:
    """A count from `tender_inbox_new_count`: "99+" once it reaches the cap."""
    return capped_count(count, selectors.NEW_COUNT_CAP)


@register.filter
def http_url(value) -> str:
    """Only http(s) links are rendered (a stored `javascript:` URL never becomes a link)."""
    value = str(value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


@register.simple_tag(takes_context=True)
def tenders_info(context) -> dict:
    """Whether the acting org has a tender inbox, how many new requests it holds,
    and whether the person may submit requests. Computed once per request."""
    request = context.get("request")
    cached = getattr(request, "_tenders_info", None) if request is not None else None
    if cached is not None:
        return cached
    access = context.get("acting")
    partner = selectors.tender_inbox_allowed(access=access)
    info = {
        "partner": partner,
        "new_count": selectors.tender_inbox_new_count(access=access) if partner else 0,
        "requester": bool(access) and not access.is_acting_for_client and access.can("tenders.request"),
    }
    if info["requester"]:
        # Only the dashboard shows it: counted when a template asks (callables are called), not on every page.
        info["open_requests"] = lambda: access.remember(
            "tenders.open_requests",
            lambda: selectors.tender_requests_of(access=access).filter(status="published").count(),
        )
    if request is not None:
        request._tenders_info = info
    return info
