"""/healthz, /readyz and the error pages when the database is unreachable.

Here the database "goes down" by making the connection refuse to connect (works on
SQLite too); tests/integration/test_database_down.py does it for real on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def refuse():
        raise OperationalError("connection refused (test)")

    def down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)

    return down


@pytest.fixture
def logged_in_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


def test_healthz_answers_without_the_database(client, database_down):
    database_down()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_200_when_the_database_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] is True


def test_readyz_503_when_the_database_is_unreachable(client, database_down):
    database_down()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": False, "broker": True}}


def test_page_shows_the_error_page_not_a_traceback_when_the_database_is_down(logged_in_client, database_down):
    database_down()

    response = logged_in_client.get("/manager/")

    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "Content-Security-Policy" in response.headers


def test_api_answers_the_json_error_shape_when_the_database_is_down(logged_in_client, database_down):
    database_down()

    response = logged_in_client.get("/api/v1/orgs/")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert set(response.json()["error"]) == {"code", "message", "fields"}
