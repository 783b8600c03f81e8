#!/usr/bin/env bash
# `make bench`: the list pages of the portal under load (issue 9, docs/benchmarks.md).
#
#  1. PostgreSQL database $BENCH_DB (default portal_bench) on $BENCH_PG
#     (default postgres://postgres@127.0.0.1:5432): created and migrated when missing,
#     loaded by `manage.py bench_data` (10,000-client partner with 100,000 products and
#     1,000,000 invoice lines, a 100-client partner of the same shape, 2,000 directory
#     partners); skipped when already loaded.
#  2. gunicorn with production settings, one sync worker per CPU,
#     SECURE_SSL_REDIRECT=0, BENCH_FLOOR_ENABLED=1 (the /bench/floor/ page), and the
#     cache on Redis as in production ($BENCH_REDIS, default redis://127.0.0.1:6379/5,
#     emptied first; without a reachable Redis the per-process cache, with a warning).
#  3. Sessions made server-side (scripts/bench/session.py); wrk sends the cookie in a
#     `Cookie` header, so SESSION_COOKIE_SECURE stays on.
#  4. wrk on every page, same settings for all (scripts/bench/run.py), results printed
#     and written to docs/benchmarks.md with the machine.
#
#   DURATION=15s THREADS=2 CONNECTIONS=2 WARMUP=3s BENCH_PORT=8799 make bench
#   BENCH_RELOAD=1 make bench     # drop and reload the data set
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PORT=${BENCH_PORT:-8799}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-portal_bench}
export DURATION=${DURATION:-15s} THREADS=${THREADS:-2} CONNECTIONS=${CONNECTIONS:-2}  # one per CPU
export BENCH_URL="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk >/dev/null; else sudo apt-get install -y wrk >/dev/null; fi
fi
command -v psql >/dev/null || { echo "bench: psql (PostgreSQL client) is needed" >&2; exit 1; }

export DJANGO_SETTINGS_MODULE=portal.settings.production
export DATABASE_URL="$PG/$DB"
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdefghij}
export ALLOWED_HOSTS=127.0.0.1,localhost
export EMAIL_URL=${EMAIL_URL:-filemail:///$(pwd)/var/mail}
export SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 BENCH_FLOOR_ENABLED=1 LOG_LEVEL=WARNING
# Production's cache is Redis (sessions stay in PostgreSQL). The pages only read, so no
# Celery task is queued; a database of its own, emptied, so no earlier fragment is served.
BENCH_REDIS=${BENCH_REDIS:-redis://127.0.0.1:6379/5}
if "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).flushdb()" "$BENCH_REDIS" 2>/dev/null; then
  export REDIS_URL="$BENCH_REDIS"
  export CACHE_DESC="Redis cache"
else
  echo "bench: no Redis at $BENCH_REDIS: the per-process cache is used instead" >&2
  unset REDIS_URL
  export CACHE_DESC="per-process cache (no Redis)"
fi
mkdir -p var/mail

if [ "${BENCH_RELOAD:-0}" = 1 ]; then psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" >/dev/null; fi
if ! psql -qtA "$PG/postgres" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  psql -q "$PG/postgres" -c "CREATE DATABASE $DB" >/dev/null
fi
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py bench_data --clients 10000 --products 100000 --invoice-lines 1000000 --small-orgs 2000 \
  --scale-label big
"$PY" manage.py bench_data --clients 100 --products 1000 --invoice-lines 10000 --scale-label small
# Fresh statistics after loads and backfill migrations, and the visibility map set as autovacuum
# keeps it in production: without it a count by index (the console's active clients) reads
# every heap row it counts (6 ms instead of 1.8 ms for 10,000 here). Seconds once loaded.
psql -q "$PG/$DB" -c "VACUUM ANALYZE" >/dev/null
"$PY" manage.py collectstatic --noinput -v0

session() { "$PY" scripts/bench/session.py "$@"; }
export SESSION_BIG=$(session bench@bench.example bench-big-partner)
export SESSION_BIG_CLIENT=$(session bench@bench.example bench-big-c1)   # a full, client-pays client
export SESSION_SMALL=$(session bench-small@bench.example bench-small-partner)
export SESSION_SMALL_CLIENT=$(session bench-small@bench.example bench-small-c1)
export SESSION_ADMIN=$(session bench-admin@bench.example)

# Sync workers, one per CPU by default: each request goes to an idle process. With
# gthread workers and wrk's keep-alive connections, both connections could stay on one
# process for a whole page (the GIL then halves its throughput), and did on some pages
# and not others: the same page measured 2× apart from one run to the next.
WORKERS=${BENCH_WORKERS:-$(nproc)}
WORKER_CLASS=${BENCH_WORKER_CLASS:-sync}
if [ "$WORKER_CLASS" = sync ]; then
  export GUNICORN_DESC="$WORKERS sync workers"
  threads=()
else
  GTHREADS=${BENCH_GUNICORN_THREADS:-4}
  export GUNICORN_DESC="$WORKERS $WORKER_CLASS workers × $GTHREADS threads"
  threads=(--threads "$GTHREADS")
fi
"$VENV/bin/gunicorn" -c python:portal.gunicorn_conf portal.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --worker-class "$WORKER_CLASS" "${threads[@]}" --timeout 60 --log-level warning &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 60); do curl -fsS -o /dev/null "$BENCH_URL/healthz" 2>/dev/null && break; sleep 1; done

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
ram=$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo)
pgv=$(psql -qtA "$PG/$DB" -c "SHOW server_version" | awk '{print $1}')
export MACHINE="$(nproc) CPUs ($cpu), $ram RAM, PostgreSQL $pgv, Python $("$PY" -c 'import platform; print(platform.python_version())')"
"$PY" scripts/bench/run.py
