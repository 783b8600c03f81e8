"""Measure the benchmark's pages with wrk and write docs/benchmarks.md (called by scripts/bench.sh).

Environment: BENCH_URL (http://127.0.0.1:PORT), DURATION (15s), WARMUP (3s, unmeasured, before
each page), THREADS (2), BENCH_ONLY
(page keys, e.g. floor,admin,clients: measure only those),
CONNECTIONS (2), and the session keys SESSION_BIG, SESSION_BIG_CLIENT,
SESSION_SMALL, SESSION_SMALL_CLIENT, SESSION_ADMIN; MACHINE (one line).
Every page gets the same wrk run; the table gives req/s, p50, p99, errors,
the ratio of its throughput to the floor's and to the admin changelist's, and
the growth of p50 from the 100-client partner to the 10,000-client one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"

BASE = os.environ.get("BENCH_URL", "http://127.0.0.1:8799")
DURATION = os.environ.get("DURATION", "15s")
THREADS = os.environ.get("THREADS", "2")
CONNECTIONS = os.environ.get("CONNECTIONS", "2")
WARMUP = os.environ.get("WARMUP", "3s")  # an unmeasured wrk run before each page ("" or "0" = none)
WARMUP = "" if WARMUP in {"", "0", "0s"} else WARMUP

# (key, label, path, session variable); the "@" pages exist for both partners.
PAGES = [
    ("floor", "floor: trivial authenticated view", "/bench/floor/", "SESSION_BIG"),
    ("admin", "admin changelist (partnerships)", "/admin/partners/partnership/", "SESSION_ADMIN"),
    ("directory", "public directory", "/directory/", ""),
    ("clients@", "clients under management (PS-16)", "/manager/partners/clients/", "SESSION_{S}"),
    ("products@", "a client's products, acting for it", "/manager/partners/products/", "SESSION_{S}_CLIENT"),
    ("invoices@", "invoice list", "/manager/billing/invoices/", "SESSION_{S}"),
    ("revenue@", "revenue console (BL-7)", "/manager/billing/revenue/", "SESSION_{S}"),
    ("inbox@", "tender inbox (TD-2)", "/manager/tenders/", "SESSION_{S}"),
    # Beyond the list (fifth session): pages a big partner opens that once grew with its ledger.
    ("dashboard@", "+ dashboard", "/manager/", "SESSION_{S}"),
    ("topay@", "+ invoices to pay (BL-9)", "/manager/billing/to-pay/", "SESSION_{S}"),
    ("cashback@", "+ cashback ledger and balance (BL-6)", "/manager/billing/cashback/", "SESSION_{S}"),
    ("console@", "+ partner console", "/manager/partners/", "SESSION_{S}"),
]
SCALES = [("small", "100 clients"), ("big", "10,000 clients")]  # small first: a slow page leaves no backlog
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def probe(path: str, cookie: str) -> int:
    headers = {"Cookie": cookie} if cookie else {}
    req = urllib.request.Request(BASE + path, headers=headers)  # noqa: S310 - our own http:// server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wrk(path: str, cookie: str, duration: str = "") -> dict:
    duration = duration or DURATION
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}", "--timeout", "10s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, BASE + path], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if total == 0:  # nothing came back within the timeout: every request failed
        errors = max(errors, 1)
    return {"rps": rps, "p50": ms(lat.get("50", "nan")), "p99": ms(lat.get("99", "nan")), "errors": errors, "n": total}


def wait_idle(limit: float = 120.0) -> None:
    """Let the server finish requests wrk gave up on (timeouts) before the next page."""
    import time

    deadline = time.monotonic() + limit
    fast = 0
    while fast < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        probe("/healthz", "")
        fast = fast + 1 if time.monotonic() - started < 0.5 else 0
        time.sleep(0.2)


def main() -> int:
    rows = []  # dict(key, scale, label, path, status, rps, p50, p99, errors)
    only = {k for k in os.environ.get("BENCH_ONLY", "").split(",") if k}  # e.g. floor,admin,clients
    for key, label, path, var in PAGES:
        if only and key.rstrip("@") not in only:
            continue
        scales = SCALES if key.endswith("@") else [("", "")]
        for scale, scale_label in scales:
            env = var.replace("{S}", scale.upper())
            session = os.environ.get(env, "") if env else ""
            cookie = f"sessionid={session}" if session else ""
            status = probe(path, cookie)
            row = {"key": key.rstrip("@"), "scale": scale, "label": label, "path": path, "status": status}
            row["name"] = f"{label} — {scale_label}" if scale else label
            if status != 200:
                row.update(rps=0.0, p50=float("nan"), p99=float("nan"), errors=-1, n=0)
            else:
                if WARMUP:  # every gunicorn worker compiles its templates and loads its catalogs first
                    wrk(path, cookie, duration=WARMUP)
                    wait_idle()
                row.update(wrk(path, cookie))
                wait_idle()
            rows.append(row)
            print(
                f"{row['name']:<58} {status} {row['rps']:>8.1f} req/s  p50 {row['p50']:7.1f} ms  "
                f"p99 {row['p99']:7.1f} ms  errors {row['errors']}",
                flush=True,
            )
    by = {(r["key"], r["scale"]): r for r in rows}
    empty = {"rps": 0.0}
    floor, admin = by.get(("floor", ""), empty), by.get(("admin", ""), empty)
    lines = [
        f"Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.environ.get('MACHINE', '?')}.",
        f"wrk {THREADS} threads, {CONNECTIONS} connections, {DURATION} per page after {WARMUP or 'no'} of warm-up, "
        f"`--latency`; gunicorn "
        f"{os.environ.get('GUNICORN_DESC', '')}, production settings, DEBUG off, persistent database connections, "
        f"{os.environ.get('CACHE_DESC', 'per-process cache')}.",
        "",
        "| page | req/s | p50 ms | p99 ms | errors | × floor req/s | × admin req/s | growth p50 (10,000 / 100) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        growth = ""
        if r["scale"] == "big" and (r["key"], "small") in by:
            small = by[(r["key"], "small")]
            ok = r["n"] and small["n"] and small["p50"] > 0
            growth = f"{r['p50'] / small['p50']:.2f}" if ok else "n/a"
        err = f"HTTP {r['status']}" if r["errors"] < 0 else str(r["errors"])
        lines.append(
            f"| {r['name']} (`{r['path']}`) | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {err} | "
            f"{r['rps'] / floor['rps']:.2f} | {r['rps'] / admin['rps']:.2f} | {growth} |"
            if floor["rps"] and admin["rps"]
            else f"| {r['name']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {err} | | | {growth} |"
        )
    block = "\n".join(lines)
    print("\n" + block)
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n## Latest run\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOC.write_text(f"{head}{START}\n{block}\n{END}{tail}")
    print(f"\nwritten to {DOC.relative_to(ROOT)}")
    return 0 if all(r["status"] == 200 and r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
