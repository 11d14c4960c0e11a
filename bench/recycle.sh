#!/usr/bin/env bash
# Worker recycling against the cached rate: the anonymous list page from the response
# cache (C1) served by gunicorn with the repository's gunicorn.conf.py, once per mode and
# round, interleaved: every mode is an environment for that config (its worker recycling
# settings), "off" is `--max-requests 0` on top of the config. Prints requests/s, worker
# boots during the timed run (gunicorn's "Booting worker" lines) and the workers' RSS at
# the end of each run. Only the comparison within one run means anything.
#
#   bash bench/recycle.sh                         # SQLite size S, local-memory cache
#   DURATION=20 ROUNDS=5 bash bench/recycle.sh
#   MODES="config off count2000" bash bench/recycle.sh
#
# Needs `wrk` (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PORT=${PORT:-8766}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-16}
MODES=${MODES:-config off count2000}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

export DJANGO_SETTINGS_MODULE=bench.settings
DATABASE_URL=$("$PY" -c "from bench.run import prepare_sqlite; print(prepare_sqlite('S', 42))" | tail -1)
export DATABASE_URL RESPONSE_CACHE_ENABLED=true HOST=127.0.0.1 PORT WEB_CONCURRENCY=$WORKERS
export GUNICORN_LOG_LEVEL=info

tmp=$(mktemp -d)
pidfile="$tmp/gunicorn.pid"
stop_server() {
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 100); do [[ -f "$pidfile" ]] || break; sleep 0.1; done
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT

mode_env() {  # the environment and extra options of a mode
  case $1 in
    config) echo "" ;;  # gunicorn.conf.py's defaults as shipped
    off) echo "--max-requests 0" ;;
    count2000) echo "GUNICORN_MAX_REQUESTS=2000 GUNICORN_MAX_REQUESTS_JITTER=200" ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}

printf '%-6s %-10s %10s %7s %8s %s\n' round mode "requests/s" boots errors "worker RSS (MB)"
for round in $(seq "$ROUNDS"); do
  for mode in $MODES; do
    spec=$(mode_env "$mode")
    options="" envs=()
    for item in $spec; do
      if [[ $item == --* || $item =~ ^[0-9]+$ ]]; then options+=" $item"; else envs+=("$item"); fi
    done
    # shellcheck disable=SC2086
    env "${envs[@]}" .venv/bin/gunicorn -c gunicorn.conf.py movie_api.wsgi --pid "$pidfile" \
      $options >"$tmp/gunicorn.log" 2>&1 &
    for _ in $(seq 200); do
      curl -fsS "http://127.0.0.1:$PORT/__bench__/b0/" >/dev/null 2>&1 && break
      sleep 0.1
    done
    wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/api/movies/" >/dev/null
    before=$(grep -c "Booting worker" "$tmp/gunicorn.log" || true)
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/api/movies/")
    after=$(grep -c "Booting worker" "$tmp/gunicorn.log" || true)
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    errors=$(awk '/Socket errors/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i}
                  /Non-2xx/ {n += $NF} END {print n + 0}' <<<"$out")
    rss=$(ps --ppid "$(cat "$pidfile")" -o rss= | awk '{printf "%s%d", sep, $1 / 1024; sep = ","}')
    printf '%-6s %-10s %10s %7s %8s %s\n' "$round" "$mode" "$rps" $((after - before)) "$errors" "$rss"
    stop_server
  done
done
