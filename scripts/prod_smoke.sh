#!/usr/bin/env bash
# Prove the production install: a fresh venv from requirements.txt ONLY (as deploy/systemd/quizsite-release.sh
# installs), every non-test module imported, `check --deploy` with production settings, and daphne with
# production settings answering each app's main page and API without a 5xx. A module that needs a dev-only
# package fails here instead of on a school's morning. Runs locally too: `bash scripts/prod_smoke.sh`.
# Uses the embedded default (SQLite file, no Redis), the configuration the missing-dependency bug hit.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/quizsite-prod-smoke.XXXXXX")
VENV=${PROD_SMOKE_VENV:-$WORK/venv}
daphne_pid=""
cleanup() {
  if [ -n "$daphne_pid" ]; then kill "$daphne_pid" 2>/dev/null || true; wait "$daphne_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "--- fresh venv from requirements.txt only ($VENV)"
"$PYTHON" -m venv --clear "$VENV"
# pip's own cache (~/.cache/pip) is reused; only the runtime requirements are installed
if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt >"$WORK/pip.log" 2>&1; then
  cat "$WORK/pip.log"; exit 1
fi
PY="$VENV/bin/python"

export DJANGO_SETTINGS_MODULE=quizsite.settings.production
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export CSRF_TRUSTED_ORIGINS=https://127.0.0.1
export SITE_URL=https://127.0.0.1
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export MEDIA_ROOT="$WORK/media" STATIC_ROOT="$WORK/static"
export PYTHONPATH="$PWD"
unset REDIS_URL DEBUG

echo "--- import every non-test module"
"$PY" scripts/prod_smoke.py imports

echo "--- check --deploy"
"$PY" manage.py check --deploy --fail-level WARNING

echo "--- migrate, seed, collectstatic"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed_demo --students 5 --accounts-csv "$WORK/accounts.csv" >/dev/null
"$PY" manage.py collectstatic --noinput -v 0

echo "--- daphne with production settings"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PY" -m daphne -b 127.0.0.1 -p "$port" quizsite.asgi:application >"$WORK/daphne.log" 2>&1 &
daphne_pid=$!
for _ in $(seq 1 100); do
  if "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=0.2)" 2>/dev/null; then break; fi
  if ! kill -0 "$daphne_pid" 2>/dev/null; then cat "$WORK/daphne.log"; exit 1; fi
  sleep 0.2
done
if ! "$PY" scripts/prod_smoke.py serve "http://127.0.0.1:$port" "$WORK/accounts.csv"; then
  echo "--- daphne log"; tail -n 80 "$WORK/daphne.log"
  exit 1
fi
echo "production install smoke: passed"
