#!/usr/bin/env bash
# Serve the platform with daphne and run the background task worker beside it; Ctrl-C stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$PY" manage.py db_worker --interval 1 --no-reload --no-startup-delay &
worker=$!
cleanup() { kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

echo
echo "平台已启动: http://$HOST:$PORT/   (Ctrl-C 停止)"
echo "演示账号见上方列表，或 demo_accounts.csv"
"$PY" -m daphne -b "$HOST" -p "$PORT" quizsite.asgi:application
