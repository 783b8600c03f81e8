"""The API's JSON parser (a module of its own: DRF's settings import it while `rest_framework.views` loads,
so it can't live in `portal.api`, which imports that module)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's parser, with JSON nested deeper than Python's recursion limit (`[[[[…]]]]`)
    refused as a parse error like any other malformed body, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
