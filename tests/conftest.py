"""Fixtures shared by the cross-app suites: the SEC-1 scenario (authorization matrix, API fuzzing)."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.authz.scenario import build


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """One scenario per module, rolled back at the end; each test runs in a savepoint
    inside it (pytest-django's `db`), so a request that changes state can't leak
    into the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        s = build()
        yield s
        transaction.set_rollback(True)
