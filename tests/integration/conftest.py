"""Real services for the integration tests: a Celery worker subprocess, extra Redis servers.

Each xdist worker uses its own Redis database number (10 + worker index) and its
own spare Redis port, so that two integration tests never share a queue.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def xdist_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = re.sub(r"\D", "", worker)
    return int(digits) if digits else 0


def wait_for(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.2, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def test_database_url() -> str:
    """DATABASE_URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{s['NAME']}"


def mails_with_key(maildir: Path, key: str) -> int:
    """How many messages with this idempotency key the file backend wrote."""
    header = f"X-Portal-Idempotency-Key: {key}"
    return sum(p.read_text(errors="replace").count(header) for p in maildir.glob("*") if p.is_file())


class RedisServer:
    """A throw-away redis-server on its own port (no persistence)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


class Worker:
    """`celery -A portal worker` as a subprocess against the test database."""

    def __init__(self, *, broker_url: str, maildir: Path, logdir: Path, **env: str):
        self.broker_url = broker_url
        self.maildir = maildir
        self.logdir = logdir
        self.extra_env = env
        self.proc: subprocess.Popen | None = None
        self.log: Path | None = None
        self.starts = 0

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.integration.worker_settings",
            DATABASE_URL=test_database_url(),
            REDIS_URL=self.broker_url,
            MAIL_DIR=str(self.maildir),
            EMAIL_URL=f"filemail:///{self.maildir}",
            PYTHONPATH=str(ROOT),
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def start(self, **env: str) -> Worker:
        self.starts += 1
        self.log = self.logdir / f"worker-{self.starts}.log"
        name = f"itest-{uuid.uuid4().hex[:8]}@%h"
        cmd = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "info", "-n", name]
        cmd += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env(**env), stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: " ready." in self.log_text() or self.proc.poll() is not None, timeout=60, what="worker")
        assert self.proc.poll() is None, f"the worker died:\n{self.log_text()}"
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


@contextmanager
def app_broker(url: str):
    """Make this process's Celery app publish to a real broker (tests run eagerly otherwise)."""
    from portal.celery import app

    def reset_pools():
        from kombu import pools

        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()  # the global producer pools are keyed by broker URL

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset_pools()


@pytest.fixture
def maildir(tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def broker_url() -> str:
    """A Redis database of its own for this xdist worker, emptied first."""
    import redis

    url = with_db(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", 10 + xdist_index())
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def worker(broker_url, maildir, tmp_path):
    w = Worker(broker_url=broker_url, maildir=maildir, logdir=tmp_path)
    yield w
    w.stop()


@pytest.fixture
def spare_redis():
    """A second redis-server, on a port of its own, that a test may stop and start."""
    server = RedisServer(6390 + xdist_index())
    yield server
    server.stop()
