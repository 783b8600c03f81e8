"""`make run`'s SQLite under concurrent writers: transactions that read and then write wait for
each other instead of failing at once with "database is locked" (a 500 for the second user)."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.django_db  # lifts pytest-django's block on opening connections


def _wrapper(path) -> DatabaseWrapper:
    """A connection to a file database with the options `make run` gives SQLite (whatever this run's database)."""
    conf = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": dict(settings.SQLITE_OPTIONS),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    return DatabaseWrapper(conf, alias=f"sqlite-{threading.get_ident()}-{time.monotonic_ns()}")


def _read_then_write(path, pause: float, errors: list) -> None:
    """A transaction that reads, then writes `pause` seconds later (a view reading before saving)."""
    db = _wrapper(path)
    try:
        db.ensure_connection()
        db._start_transaction_under_autocommit()  # what `transaction.atomic()` runs: BEGIN <transaction_mode>
        with db.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM t")
            time.sleep(pause)
            cursor.execute("INSERT INTO t (v) VALUES (1)")
        db.commit()
    except Exception as exc:  # noqa: BLE001 - collected and asserted below
        errors.append(exc)
    finally:
        db.close()


def test_sqlite_transactions_that_read_then_write_wait_for_each_other(tmp_path):
    """The first reads and writes half a second later; the second starts in between and writes at once.
    Without IMMEDIATE the first fails ("database is locked": its read is stale once the second committed)."""
    path = tmp_path / "concurrent.sqlite3"
    setup = _wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (v integer)")
    setup.close()
    errors: list = []

    first = threading.Thread(target=_read_then_write, args=(path, 0.5, errors))
    second = threading.Thread(target=_read_then_write, args=(path, 0.0, errors))
    first.start()
    time.sleep(0.1)
    second.start()
    first.join(timeout=30)
    second.join(timeout=30)

    assert errors == []
    check = _wrapper(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t")
        assert cursor.fetchone()[0] == 2
    check.close()
