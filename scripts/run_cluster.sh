#!/usr/bin/env bash
# Try-out of several server processes: two daphne processes behind Debian's nginx on localhost, sharing
# sessions, answers (the database) and live leaderboards (Redis). Ctrl-C stops everything.
#   make run-cluster            (or: bash scripts/run_cluster.sh)
# Needs: nginx (apt-get install -y nginx) and a Redis server (REDIS_URL, default redis://127.0.0.1:6379/0).
# Try: open the big screen through nginx, then `kill -9` one daphne pid: its viewers reconnect to the other.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8080}
A=${DAPHNE_A_PORT:-8001}
B=${DAPHNE_B_PORT:-8002}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-quizsite.settings.local}
export MEDIA_ROOT=${MEDIA_ROOT:-$PWD/media}
# videos are handed to nginx after the permission check, as in production
export MEDIA_ACCEL_REDIRECT=${MEDIA_ACCEL_REDIRECT:-/_protected_media/}

if ! command -v nginx >/dev/null 2>&1; then
  echo "需要 nginx：apt-get install -y nginx" >&2
  exit 1
fi
if ! "$PY" -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).ping()" 2>/dev/null; then
  echo "无法连接 Redis（$REDIS_URL）。请先启动 redis-server。" >&2
  exit 1
fi

RUN=$(mktemp -d /tmp/quizsite-cluster.XXXXXX)
mkdir -p "$RUN"/{body,proxy,fastcgi,uwsgi,scgi}
sed -e "s#__RUN__#$RUN#g" -e "s#__PORT__#$PORT#g" -e "s#__A__#$A#g" -e "s#__B__#$B#g" -e "s#__MEDIA__#$MEDIA_ROOT#g" \
  deploy/nginx-cluster.conf > "$RUN/nginx.conf"
nginx -t -q -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/error.log"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

"$PY" -m daphne -v 0 -b 127.0.0.1 -p "$A" quizsite.asgi:application & pids+=($!)
echo "daphne A: pid $! on 127.0.0.1:$A"
"$PY" -m daphne -v 0 -b 127.0.0.1 -p "$B" quizsite.asgi:application & pids+=($!)
echo "daphne B: pid $! on 127.0.0.1:$B"
"$PY" manage.py db_worker --interval 1 & pids+=($!)
nginx -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/error.log" & pids+=($!)

echo
echo "集群已启动: http://127.0.0.1:$PORT/   (nginx → daphne :$A / :$B，Redis $REDIS_URL)"
echo "日志: $RUN/access.log（不记录查询字符串中的令牌）   Ctrl-C 停止"
wait -n "${pids[@]}"
