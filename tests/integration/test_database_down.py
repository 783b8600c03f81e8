"""The database really unreachable (PostgreSQL on a closed port): /readyz and pages."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from portal.tests.factories import UserFactory
from tests.integration.conftest import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@contextmanager
def database_on_closed_port():
    """Point the connection at a port nobody listens on, as if the server were gone."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_readyz_503_when_postgres_is_unreachable_and_200_when_back():
    client = Client()
    with database_on_closed_port():
        down = client.get("/readyz")
    back = client.get("/readyz")

    assert down.status_code == 503
    assert down.json()["checks"]["database"] is False
    assert back.status_code == 200


def test_pages_answer_a_clean_error_page_when_postgres_is_unreachable():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    with database_on_closed_port():
        page = client.get("/manager/")
        api = client.get("/api/v1/orgs/")

    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "server_error"
