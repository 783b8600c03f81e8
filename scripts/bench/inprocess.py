"""Django in process against the bench database, for the scripts beside it (no gunicorn).

`setup()` before importing models: production settings with the defaults a bench run needs
(`DATABASE_URL` and `REDIS_URL` come from the environment). `client_for(email, org_slug)`:
a test client signed in as that person, acting in that org when one is given.
"""

import os
import sys
from pathlib import Path


def setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdefghij")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("EMAIL_URL", "consolemail://")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

    import django

    django.setup()


def client_for(email: str, org_slug: str = ""):
    from django.test import Client

    from clients.models import Organization
    from clients.tenancy import SESSION_ORG_KEY
    from portal.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    if org_slug:
        session = client.session
        session[SESSION_ORG_KEY] = Organization.objects.get(slug=org_slug).pk
        session.save()
    return client
