#!/usr/bin/env bash
# `make run`'s last step: serve the portal on 127.0.0.1:$PORT in the foreground.
# With REDIS_URL a Celery worker (with the beat scheduler embedded) runs
# alongside and is stopped with the web server; without it tasks run eagerly
# in the web process (CELERY_TASK_ALWAYS_EAGER defaults to "no REDIS_URL").
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PORT=${PORT:-8000}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

if [ -n "${REDIS_URL:-}" ]; then
  "$VENV/bin/celery" -A portal worker --beat -l warning --concurrency 2 \
    --schedule "var/celerybeat-schedule" &
  pids+=($!)
fi

"$VENV/bin/gunicorn" -c python:portal.gunicorn_conf portal.wsgi:application --bind "127.0.0.1:$PORT" \
  --workers 2 --threads 4 --access-logfile - --timeout 60 --graceful-timeout 10 &
pids+=($!)

# Stop everything as soon as one of the processes ends (e.g. a crash).
set +e
wait -n "${pids[@]}"
status=$?
stop
exit "$status"
