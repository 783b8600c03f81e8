"""A confirmation step for destructive actions that works without JavaScript.

A form whose action cannot be undone carries `{% confirm_step "key" %}` (two hidden
fields) and its button `data-confirm="{% confirm_message "key" %}"`. With JavaScript,
app.js asks `window.confirm()` and marks the form confirmed (`_confirmed=1`); without
it, the POST arrives unconfirmed and `ConfirmStepMiddleware` answers a page that says
what will happen, with the same fields and a Confirm button, instead of running the
view. Requests without `_confirm` (API clients, scripts, tests) are not affected.

Messages are registered server-side by the app that owns the action (its AppConfig),
so a page never shows text that came from the request. The middleware sits after
CsrfViewMiddleware, so an unconfirmed POST has passed the CSRF check before its fields
are echoed back; the action's own authorization runs when the confirmed POST reaches
the view, and the page says nothing about the object (the same for one that does not exist).
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

_messages: dict[str, object] = {}  # key -> lazy translated message
GENERIC = _("Do you really want to do this? It cannot be undone.")


def register_confirmation(key: str, message) -> None:
    """`message` (a lazy translation) is what the user is asked before the action `key`."""
    _messages[key] = message


def confirmation_message(key: str):
    return _messages.get(key, GENERIC)


def _back_url(request) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/manager/" if request.user.is_authenticated else "/"


class ConfirmStepMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Views exempt from CSRF (the API) are for scripts, not forms: their bodies are left unread.
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        key = request.POST.get("_confirm")
        if not key or request.POST.get("_confirmed") == "1":
            return None
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in {"csrfmiddlewaretoken", "_confirmed"}
            for value in values
        ]
        return render(
            request,
            "portal/confirm.html",
            {
                "message": confirmation_message(key),
                "fields": fields,
                "action": request.get_full_path(),
                "back": _back_url(request),
                # The language switcher returns to the page the user came from, not to the
                # POST-only address of the action.
                "language_next": _back_url(request),
            },
        )
