"""`get_FOO_display()` without rebuilding a dict of every choice on each call (issue 9).

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on
every call; hashing a lazily translated label translates it, so showing one status
translates every label of the field (a country column: all of them) — about a
third of the tender inbox's rendering time. The models whose choices are shown in
lists inherit this mixin: the value → label map is built once per field, labels stay
lazy, and only the label shown is translated, in the active language.
"""

from __future__ import annotations

from django.utils.encoding import force_str

_labels: dict = {}


class ChoicesDisplayMixin:
    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name
        value = getattr(self, field.attname)
        labels = _labels.get(field)
        if labels is None:
            labels = _labels[field] = dict(field.flatchoices)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: as Django, show it as it is
            label = value
        return force_str(label, strings_only=True)
