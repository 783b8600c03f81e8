"""Row links in long lists: `{% load portal_urls %}` then `{{ "app:view"|pk_url:obj.pk }}`.

The same URL as `{% url "app:view" obj.pk %}` for a view that takes one integer, but
reversed once per URL name (and URLconf and script prefix) and then filled in with each
row's key: a 50-row list asked Django's resolver 50 to 100 times per page (issue 9).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_MARKER = 2_147_483_647  # an integer no row has: it stands for the key in the reversed URL


@functools.lru_cache(maxsize=256)
def _filler(name: str, urlconf, prefix: str) -> Callable[[int], str]:
    url = reverse(name, urlconf=urlconf, args=[_MARKER])
    head, marker, tail = url.partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:  # the marker is not one clean segment: reverse each time
        return lambda pk: reverse(name, urlconf=urlconf, args=[pk])
    return lambda pk: f"{head}{pk}{tail}"


@register.filter
def pk_url(name: str, pk) -> str:
    """`reverse(name, args=[pk])` for an integer `pk`, from a URL reversed once."""
    if isinstance(pk, bool) or not isinstance(pk, int):
        return reverse(name, args=[pk])  # anything but an integer: Django's own answer (or error)
    return _filler(name, get_urlconf(), get_script_prefix())(pk)
