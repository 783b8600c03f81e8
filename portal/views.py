from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

logger = logging.getLogger(__name__)


def home(request):
    if request.user.is_authenticated:
        return redirect("manager:dashboard")
    return render(request, "portal/home.html")


def healthz(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    if not settings.REDIS_URL:
        return True
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except Exception:
        return False


def readyz(request):
    """200 only when the database and, if configured, the broker answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ok = all(checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


def error_500(request):
    """The error page must work when nothing else does (e.g. the database is down).

    The request context runs context processors that read the session and the user
    from the database, so the page falls back to a context-free rendering, then
    to plain HTML: never a traceback, never a second error.
    """
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("An unexpected error occurred."), "fields": {}}},
            status=500,
        )
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.warning("error page: rendering with the request failed", exc_info=True)
    try:
        return HttpResponseServerError(render_to_string("500.html"))
    except Exception:
        logger.warning("error page: rendering the template failed", exc_info=True)
        return HttpResponseServerError(
            "<!DOCTYPE html><title>Server error</title><h1>Something went wrong</h1>"
            "<p>Please try again in a moment.</p>"
        )


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": _("You do not have permission."), "fields": {}}}, status=403
        )
    return render(request, "403.html", status=403)


def error_400(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "bad_request", "message": _("Bad request."), "fields": {}}}, status=400)
    return render(request, "400.html", status=400)


def admin_login(request):
    """`/admin/login/` hands over to allauth's login (rate limits, MFA) instead of
    Django admin's own password form, which would bypass both."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        return error_403(request)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def set_language(request):
    """Django's language switch, which also stores the choice on the signed-in user
    (UserLanguageMiddleware applies `user.language` on every request)."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
