"""SEC-3 (rate limits, admin login through allauth) and SEC-4 (deploy check, headers, cookies)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "test-" + "k3y-not-used-anywhere-" * 4,
    "ALLOWED_HOSTS": "portal.example.ch",
    "SITE_URL": "https://portal.example.ch",
    "EMAIL_URL": "smtp://mail.example.ch:587",
}


def production_settings(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        if name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(name, value)
    module = importlib.import_module("portal.settings.production")
    return importlib.reload(module)


def parameterless_paths() -> list[str]:
    """Every URL of the project that takes no argument."""
    paths: list[str] = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if "<" in route or "(?P" in route or "\\" in route:
                continue
            route = route.lstrip("^").rstrip("$")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                paths.append("/" + prefix + route)

    walk(get_resolver().url_patterns)
    return sorted(set(paths))


def test_sec4_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sec4_every_page_carries_csp_frame_and_nosniff_headers():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    paths = parameterless_paths()
    assert {"/", "/manager/", "/healthz", "/api/docs/", "/accounts/login/"} <= set(paths)

    missing = {}
    for path in paths:
        response = client.get(path)
        headers = response.headers
        problems = [
            name
            for name, ok in [
                ("CSP", "default-src 'self'" in headers.get("Content-Security-Policy", "")),
                ("X-Frame-Options", headers.get("X-Frame-Options") == "DENY"),
                ("nosniff", headers.get("X-Content-Type-Options") == "nosniff"),
            ]
            if not ok
        ]
        if problems:
            missing[f"{path} ({response.status_code})"] = problems

    assert missing == {}


def test_sec4_csp_forbids_inline_scripts_and_framing(client):
    csp = client.get("/accounts/login/").headers["Content-Security-Policy"]

    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_sec4_api_docs_have_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert "<script>" not in page
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_perf_production_keeps_database_connections_without_touching_base(monkeypatch):
    from portal.settings import base

    before = dict(base.DATABASES["default"])
    production = production_settings(monkeypatch)

    assert production.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert production.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert base.DATABASES["default"] == before  # the test and dev settings (the same dict) keep theirs


def test_sec4_production_sends_hsts_and_secure_httponly_cookies(monkeypatch, settings):
    production = production_settings(monkeypatch)
    for name in (
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
    ):
        setattr(settings, name, getattr(production, name))
    user = UserFactory()
    client = Client()

    insecure = client.get("/accounts/login/")
    login_page = client.get("/accounts/login/", secure=True)
    logged_in = client.post("/accounts/login/", {"login": user.email, "password": "Tr0ub4dor&3-horse"}, secure=True)

    assert insecure.status_code == 301
    assert insecure.headers["Location"].startswith("https://")
    assert login_page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    session, csrf = logged_in.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"]
    assert csrf["secure"] and csrf["httponly"]
    assert session["samesite"] == "Lax"


def test_sec4_production_probes_are_not_redirected_to_https(monkeypatch, settings):
    production = production_settings(monkeypatch)
    settings.SECURE_SSL_REDIRECT = production.SECURE_SSL_REDIRECT
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT

    assert Client().get("/healthz").status_code == 200
    assert Client().get("/readyz").status_code == 200


def test_sec3_repeated_failed_logins_are_refused_with_429(client):
    UserFactory(email="target@example.com")
    statuses = [
        client.post("/accounts/login/", {"login": "target@example.com", "password": f"wrong-{i}"}).status_code
        for i in range(35)
    ]

    assert statuses[0] == 200
    assert 429 in statuses
    assert set(statuses[statuses.index(429) :]) == {429}


def test_sec3_failed_logins_for_one_account_are_refused_even_with_the_right_password(client):
    UserFactory(email="target@example.com")
    for i in range(5):
        client.post("/accounts/login/", {"login": "target@example.com", "password": f"wrong-{i}"})

    response = client.post("/accounts/login/", {"login": "target@example.com", "password": "Tr0ub4dor&3-horse"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_sec3_signup_is_rate_limited(client):
    password = "Tr0ub4dor&3-horse-battery"
    statuses = []
    for i in range(25):
        email = f"bulk{i}@example.com"
        data = {"email": email, "email2": email, "password1": password, "password2": password}
        statuses.append(client.post("/accounts/signup/", data).status_code)

    assert statuses[0] == 302
    assert statuses[-1] == 429


def test_sec3_admin_login_sends_visitors_to_the_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/portal/user/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=%2Fadmin%2Fportal%2Fuser%2F"


def test_sec3_admin_login_form_cannot_be_posted_to(client):
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": staff.email, "password": "Tr0ub4dor&3-horse"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_sec3_admin_index_sends_visitors_through_allauth(client):
    first = client.get("/admin/")
    second = client.get(first.headers["Location"])

    assert first.status_code == 302
    assert second.headers["Location"].startswith("/accounts/login/?next=")


def test_sec3_admin_login_lets_staff_through_and_refuses_others(client):
    client.force_login(UserFactory(is_staff=True))
    staff = client.get("/admin/login/?next=/admin/")
    other = Client()
    other.force_login(UserFactory())
    member = other.get("/admin/login/?next=/admin/")
    evil = client.get("/admin/login/?next=https://evil.example/")

    assert staff.headers["Location"] == "/admin/"
    assert member.status_code == 403
    assert evil.headers["Location"] == "/admin/"


def test_sec3_user_lists_sessions_and_signs_out_the_other_ones():
    from allauth.usersessions.models import UserSession
    from django.test import Client

    from clients.tests.factories import UserFactory

    user = UserFactory()
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        response = browser.post("/accounts/login/", {"login": user.email, "password": "Tr0ub4dor&3-horse"})
        assert response.status_code == 302
    assert UserSession.objects.filter(user=user).count() == 2
    page = here.get("/accounts/sessions/")
    assert page.status_code == 200
    assert here.post("/accounts/sessions/").status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert here.get("/manager/").status_code == 200
    assert elsewhere.get("/manager/").status_code == 302  # signed out
