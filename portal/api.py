"""API base: the one JSON error shape and pagination.

Every error is `{"error": {"code", "message", "fields"}}` (SPEC §9).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import RuleViolation
from .ids import MAX_ID


def id_field(**kwargs) -> serializers.IntegerField:
    """An object id sent by the client: a bad one is a 400 on its field, never a database error."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten_fields(detail) -> dict:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten_fields(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[key] = [str(v) for v in value if not isinstance(v, dict)] or [str(value)]
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, RuleViolation):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", _("The input is not valid."), fields), status=400)
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(_("The request body is too large."))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten_fields(exc.detail)
        first = next(iter(fields.values()), [_("The input is not valid.")])
        message = first[0] if first else _("The input is not valid.")
        response.data = error_body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        detail = exc.detail if hasattr(exc, "detail") else str(exc)
        if isinstance(detail, (list, dict)):
            detail = str(detail)
        response.data = error_body(str(getattr(detail, "code", None) or code), str(detail))
    return response


def json_error(request, code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)


def api_not_found(request, exception=None):
    return json_error(request, "not_found", _("Not found."), status.HTTP_404_NOT_FOUND)


@csrf_exempt  # it changes nothing: a POST to a wrong path is told so, not refused for its CSRF token
def api_unknown_path(request, path=""):
    """Every path under /api/ that no API route takes: the JSON 404, in every setting (Django's
    debug page is HTML). A GET without its trailing slash is redirected as APPEND_SLASH would
    (`/api/docs` in a browser); any other method is told the path instead, since a redirect
    turned a POST to `/api/v1/orgs` into a GET of the list (a script saw success, nothing was created)."""
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
            message = _("Not found. Did you mean %(path)s (with a trailing slash)?") % {"path": request.path + "/"}
            return json_error(request, "not_found", message, status.HTTP_404_NOT_FOUND)
    return api_not_found(request)
