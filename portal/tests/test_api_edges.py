"""SPEC §9: every API answer is the one JSON error shape, whatever is wrong with the request."""

from __future__ import annotations

import pytest
from django.test import override_settings

from clients.models import Organization
from clients.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(role="legal_representative")
    client.force_login(membership.user)
    return membership


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_sec_json_nested_deeper_than_the_recursion_limit_is_a_parse_error(client, member):
    body = "[" * 100_000 + "]" * 100_000

    response = client.patch(f"/api/v1/orgs/{member.org.slug}/", body, content_type="application/json")

    assert response.status_code == 400
    assert _error(response)["code"] == "parse_error"


@pytest.mark.parametrize("debug", [True, False])
def test_sec_post_without_the_trailing_slash_is_a_json_404_naming_the_path(client, member, debug):
    before = Organization.objects.count()

    with override_settings(DEBUG=debug):
        response = client.post("/api/v1/orgs", {"name": "New AG", "country": "CH"}, content_type="application/json")

    assert response.status_code == 404
    assert "/api/v1/orgs/" in _error(response)["message"]
    assert Organization.objects.count() == before  # not redirected to a GET that looks like success


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nope/", "/api/v1/orgs/x/nope/", "/api/v1/orgs/x/invoices/-1/"])
def test_sec_unknown_api_paths_are_the_json_404_even_with_debug(client, member, path):
    with override_settings(DEBUG=True):
        response = client.get(path)

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_sec_a_body_over_the_size_limit_is_a_413_in_the_error_shape(client, member):
    body = '{"name": "' + "x" * 5000 + '"}'

    response = client.patch(f"/api/v1/orgs/{member.org.slug}/", body, content_type="application/json")

    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"
    member.org.refresh_from_db()
    assert member.org.name != "x" * 5000


@pytest.mark.parametrize("first", ["portal.api", "portal.tasks", "rest_framework.views"])
def test_sec_api_modules_import_first_in_a_fresh_process(first):
    """A Celery worker may import the API base before anything else touched DRF's settings: the parser
    DRF's settings name must not live in a module that is still importing `rest_framework.views`."""
    import os
    import subprocess
    import sys

    code = f"import django; django.setup(); import {first}; from rest_framework.settings import api_settings; "
    code += "print(api_settings.DEFAULT_PARSER_CLASSES[0].__name__)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "JSONParser"


def test_sec_get_without_the_trailing_slash_is_redirected_like_the_rest_of_the_site(client):
    response = client.get("/api/docs?x=1")

    assert response.status_code == 301 and response["Location"] == "/api/docs/?x=1"
