#!/usr/bin/env bash
# make smoke: the portal as in production, on this machine, without Docker (docs/operations.md,
# "Smoke run"). Production settings (DEBUG off, collected static files, a throwaway secret key;
# plain HTTP on loopback by DJANGO_INSECURE_LOOPBACK only), gunicorn with two processes, a Celery
# worker and beat, against the local PostgreSQL (a database of its own, redegov_smoke, seeded
# with the demo) and Redis (database 13: not the demo's 0, not the tests' 1-12 and 14).
# scripts/smoke_check.py then logs in as each role over HTTP and checks the pages, a statement,
# PDFs, /metrics and a recorded poll cycle. Everything started here is stopped on exit; the exit
# status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
BIN=$(dirname "$PY")
run=$(mktemp -d /tmp/redegov-smoke.XXXXXX)
pids=()

stop() {
  status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if ((status != 0)); then
    echo "smoke: FAILED (exit $status); the processes' last lines:" >&2
    for log in "$run"/*.log; do echo "== $log" >&2; tail -n 25 "$log" >&2; done
  fi
  rm -rf "$run"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

db=${SMOKE_DATABASE:-redegov_smoke}
port=${SMOKE_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
unset DJANGO_ENV DJANGO_DEBUG DJANGO_SETTINGS_MODULE
export DJANGO_SETTINGS_MODULE=redegov.settings
export DJANGO_SECRET_KEY="smoke-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_INSECURE_LOOPBACK=true
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/13}
export CELERY_BROKER_URL=$REDIS_URL CELERY_RESULT_BACKEND=$REDIS_URL
export MONITORING_CYCLE_SECONDS=${SMOKE_CYCLE_SECONDS:-10}
export METRICS_TOKEN="metrics-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export PROMETHEUS_MULTIPROC_DIR=$run/prometheus
export PORTAL_URL="http://127.0.0.1:$port"
export DJANGO_LOG_FORMAT=json
# The second factor is switched off for the demo users here (its own tests drive it).
export SECOND_FACTOR_REQUIRED=false
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

echo "smoke: database $db, Redis $REDIS_URL, http://127.0.0.1:$port/ (files in $run)"
redis-cli -u "$REDIS_URL" flushdb >/dev/null
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$db"
createdb -h 127.0.0.1 -U postgres "$db"
"$PY" manage.py check --deploy --fail-level ERROR >"$run/check.log" 2>&1
"$PY" manage.py migrate --noinput >"$run/migrate.log"
"$PY" manage.py seed_demo --links 60 >"$run/seed.log"
"$PY" manage.py collectstatic --noinput --clear >"$run/collectstatic.log"
echo "smoke: migrated, seeded (60 links), static files collected"

"$BIN/gunicorn" redegov.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
  --access-logfile - >"$run/web.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A redegov worker -l info --concurrency 2 -Q celery,poll -n "smoke-$$@%h" \
  >"$run/worker.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A redegov beat -l info --schedule "$run/beat-schedule" >"$run/beat.log" 2>&1 &
pids+=($!)

SMOKE_URL="http://127.0.0.1:$port" SMOKE_RUN_DIR=$run "$PY" scripts/smoke_check.py
echo "smoke: passed"
