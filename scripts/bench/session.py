"""Print a logged-in session key for the benchmark (run with the bench's settings).

    python scripts/bench/session.py EMAIL [ACTING_ORG_SLUG]

The session is what `django.contrib.auth.login` stores (user id, backend, auth
hash) plus the acting org (`clients.tenancy.SESSION_ORG_KEY`); with a client's
slug, the partner person acts for that client (PS-12). wrk then sends it in the
`Cookie` header itself, so `SESSION_COOKIE_SECURE` needs no change over plain HTTP.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from clients.models import Organization  # noqa: E402
from clients.tenancy import SESSION_ORG_KEY  # noqa: E402
from portal.models import User  # noqa: E402


def main(email: str, org_slug: str = "") -> str:
    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if org_slug:
        store[SESSION_ORG_KEY] = Organization.objects.get(slug=org_slug).pk
    store.create()
    return store.session_key


if __name__ == "__main__":
    print(main(*sys.argv[1:3]))
