"""CPU per request of a page, in the Django process and in its PostgreSQL backend (bench database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/5 \
      .venv/bin/python scripts/bench/cpu_per_request.py EMAIL PATH [PATH...]

Uses Django's test client in-process (no gunicorn): after 20 warm-up requests, `N` requests
(default 300) per path; prints the Python process's CPU time (`time.process_time`), the
PostgreSQL backend's (its `/proc/<pid>/stat`, so the server must run on this machine) and the
wall time, each per request. Steadier than wrk's throughput on a noisy machine for comparing
two versions of the code: run it on each, alternately.
"""

import os
import sys
import time
from pathlib import Path

from inprocess import client_for, setup

setup()

from django.db import connection  # noqa: E402


def main(email: str, paths: list[str]) -> None:
    client = client_for(email)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def backend_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    runs = int(os.environ.get("N", "300"))
    for path in paths:
        for _ in range(20):
            assert client.get(path).status_code == 200, path
        cpu, pg, wall = time.process_time(), backend_cpu(), time.perf_counter()
        for _ in range(runs):
            client.get(path)
        py_ms = (time.process_time() - cpu) / runs * 1000
        pg_ms = (backend_cpu() - pg) / runs * 1000
        wall_ms = (time.perf_counter() - wall) / runs * 1000
        print(f"{path:45s} python {py_ms:6.2f} ms  postgresql {pg_ms:5.2f} ms  wall {wall_ms:6.2f} ms")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
