from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Use the language stored on the user (set from the language switcher)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class UserSessionActivityMiddleware:
    """allauth's session activity tracking (SEC-3: the sessions list), throttled.

    allauth's own middleware (``USERSESSIONS_TRACK_ACTIVITY``) rewrites the
    session's row in a transaction on every request: a COMMIT, so an fsync, per
    page view. This one does the same at most once per
    ``USERSESSIONS_ACTIVITY_INTERVAL`` seconds per session, and at once when the
    session's IP address or browser changes (the key includes them), so the
    sessions list stays right to the minute and a client change is still seen.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None and session.session_key:
            self._track(request, user, session)
        return self.get_response(request)

    def _track(self, request, user, session) -> None:
        import hashlib

        from allauth.account.adapter import get_adapter
        from allauth.usersessions.models import UserSession
        from django.core.cache import cache

        ip = get_adapter().get_client_ip(request) or ""
        agent = request.META.get("HTTP_USER_AGENT", "")
        digest = hashlib.sha256(f"{session.session_key}|{ip}|{agent}".encode()).hexdigest()
        try:
            due = cache.add(f"usersession-seen:{digest}", 1, timeout=settings.USERSESSIONS_ACTIVITY_INTERVAL)
        except Exception:  # cache down: track as allauth would
            due = True
        if due:
            UserSession.objects.create_from_request(request, user=user, session=session)
