"""The real Celery worker of the browser journeys (BROWSER_WORKER=1).

One queue per test database: pytest-django gives each xdist worker (gw0, gw1, ...) a
database of its own (`test_<name>_gw0`), and the tasks a journey queues name rows of
that database only. So the queue is named after it (`portal-test-test_portal_ci_gw0`):
the `celery -A portal worker -Q <queue>` subprocess of gw0 never takes gw1's tasks, nor
those of another checkout running the same suite against the same Redis.
"""

from __future__ import annotations

import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.integration.conftest import ROOT, Worker, wait_for

BROKER_DB = 14  # the integration tests use 10 + xdist index; this one is shared, queues keep apart
WORKER_SETTINGS = "tests.browser.worker_settings"
MESSAGE_ID = re.compile(r"^Message-ID: <([^@>]+)@partner-portal>", re.M)  # portal.outbox.outbox_send


def queue_name(database_name: str) -> str:
    return "portal-test-" + re.sub(r"[^A-Za-z0-9_.-]", "-", database_name)


def purge_queue(broker_url: str, queue: str) -> int:
    """Drop what a previous, interrupted run left in this queue (only this queue: no FLUSHDB)."""
    from kombu import Connection

    with Connection(broker_url, connect_timeout=2) as conn:
        return conn.default_channel.queue_purge(queue) or 0


class BrowserWorker(Worker):
    """`celery -A portal worker -Q <queue>` against the test database, mail written to `maildir`."""

    def __init__(self, *, queue: str, broker_url: str, maildir: Path, logdir: Path):
        super().__init__(
            broker_url=broker_url,
            maildir=maildir,
            logdir=logdir,
            DJANGO_SETTINGS_MODULE=WORKER_SETTINGS,
            CELERY_TASK_DEFAULT_QUEUE=queue,
        )
        self.queue = queue

    def start(self, **env: str) -> BrowserWorker:
        self.starts += 1
        self.log = self.logdir / f"worker-{self.starts}.log"
        cmd = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "info"]
        cmd += ["-n", f"{self.queue}@%h", "-Q", self.queue, "--without-mingle", "--without-gossip"]
        cmd += ["--without-heartbeat"]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env(**env), stdout=out, stderr=subprocess.STDOUT)
        wait_for(lambda: " ready." in self.log_text() or self.proc.poll() is not None, timeout=60, what="worker")
        assert self.proc.poll() is None, f"the worker died:\n{self.log_text()}"
        return self

    def sent_message_ids(self) -> set[str]:
        """The outbox ids of the messages this worker wrote to its mail store (`Message-ID: <id@...>`)."""
        ids: set[str] = set()
        for path in self.maildir.glob("*"):
            if path.is_file():
                ids.update(MESSAGE_ID.findall(path.read_text(errors="replace")))
        return ids

    def wait_for_message(self, email_id: str, timeout: float = 10) -> None:
        what = f"email {email_id} in the worker's mail store"
        wait_for(lambda: email_id in self.sent_message_ids(), timeout=timeout, what=what)


@contextmanager
def app_default_queue(queue: str):
    """Make this process's Celery app (the live server's) send tasks to `queue`.

    `app.amqp` caches the queues and the router built from the configuration: it is
    dropped so that it is built again from the new default queue, and again afterwards.
    """
    from portal.celery import app

    saved = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    app.__dict__.pop("amqp", None)
    try:
        yield app
    finally:
        app.conf.task_default_queue = saved
        app.__dict__.pop("amqp", None)
