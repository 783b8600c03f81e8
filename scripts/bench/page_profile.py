"""Where a page's time goes: its queries, slowest first (run against the bench database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
      .venv/bin/python scripts/bench/page_profile.py EMAIL [ACTING_ORG_SLUG] PATH [PATH...]

Uses Django's test client in-process (no gunicorn): prints the total time, the
number of queries and the five slowest with their SQL. With `PROFILE_PYTHON=1` it
also prints where the Python time goes (cProfile over `PROFILE_RUNS` requests,
default 20, the 25 costliest functions by own time and by cumulative time).
"""

import os
import sys
import time

from inprocess import client_for, setup

setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(email: str, org_slug: str, paths: list[str]) -> None:
    client = client_for(email, org_slug)
    for path in paths:
        client.get(path)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            total = (time.perf_counter() - started) * 1000
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(f"\n{path}: HTTP {response.status_code}, {total:.0f} ms, {len(ctx)} queries, {sql_ms:.0f} ms in SQL")
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(q['time']) * 1000:8.1f} ms  {q['sql'][:600]}")
        if os.environ.get("PROFILE_PYTHON") == "1":
            python_profile(client, path, int(os.environ.get("PROFILE_RUNS", "20")))


def python_profile(client, path: str, runs: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    print(f"  {runs} requests: {(time.perf_counter() - started) * 1000 / runs:.1f} ms each under cProfile")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    args = sys.argv[1:]
    email = args.pop(0)
    slug = args.pop(0) if args and not args[0].startswith("/") else ""
    main(email, slug, args)
