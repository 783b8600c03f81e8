#!/usr/bin/env bash
# `make bench`: requests/second and latency of a few public pages, measured with
# wrk against gunicorn configured as `make run` does (DJANGO_SETTINGS_MODULE,
# DATABASE_URL, REDIS_URL from the environment; SQLite by default).
#   DURATION=10s CONNECTIONS=20 BENCH_PORT=8799 make bench
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PORT=${BENCH_PORT:-8799}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-20}
PATHS=${BENCH_PATHS:-/healthz /readyz / /accounts/login/ /directory/ /api/schema/}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
"$VENV/bin/python" manage.py migrate --noinput >/dev/null
"$VENV/bin/python" manage.py demo_data >/dev/null

"$VENV/bin/gunicorn" portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 \
  --timeout 60 --log-level warning &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 1; done

echo "wrk: $CONNECTIONS connections, $DURATION per path, $(nproc) cores, ${DATABASE_URL:-SQLite}"
printf '%-22s %10s %10s %10s %8s\n' path req/s p50 p99 non-2xx
for path in $PATHS; do
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  printf '%-22s %10s %10s %10s %8s\n' "$path" "$rps" "$p50" "$p99" "${bad:-0}"
done
