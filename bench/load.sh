#!/usr/bin/env bash
# Load test (docs/performance.md): gunicorn on PostgreSQL + Redis with the production-like
# bench settings, on 127.0.0.1 only, driven by Locust headless (bench/locustfile.py) for a
# bounded time. Not part of CI. Prints fail ratio, avg and p95 overall and for catalog reads,
# worker RSS and PostgreSQL connections at start and end; exit 1 when a load threshold fails
# (fail ratio <= 1 %, avg <= 200 ms, p95 <= 800 ms, catalog p95 <= 300 ms).
#
#   bash bench/load.sh                         # USERS=200 DURATION=5m
#   USERS=50 DURATION=3m bash bench/load.sh
#
# Env: USERS, SPAWN_RATE (default USERS/10), DURATION (locust -t), PORT (8766), WORKERS
# (2 x cores + 1), LOAD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/load_pg, seeded
# with `seed_bench --size S --seed 42` when its movie count differs), LOAD_REDIS_URL
# (redis://127.0.0.1:6379/11, flushed first), OUT_DIR (CSV, summary, logs; default a new
# /tmp/load-* directory), LOAD_WAIT_MIN/LOAD_WAIT_MAX (think time, s).
# Locust is not a project dependency (its pytest plugin and gevent would enter the dev
# venv): it lives in its own venv, LOCUST_VENV (/tmp/locust-venv), created on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
USERS=${USERS:-200}
SPAWN_RATE=${SPAWN_RATE:-$(( USERS / 10 > 0 ? USERS / 10 : 1 ))}
DURATION=${DURATION:-5m}
PORT=${PORT:-8766}
WORKERS=${WORKERS:-$(( 2 * $(nproc) + 1 ))}
LOCUST_VERSION=2.47.0
LOCUST_VENV=${LOCUST_VENV:-/tmp/locust-venv}
LOAD_DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/load_pg}
LOAD_REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/11}
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/load-XXXXXX)}
mkdir -p "$OUT_DIR"
DB_NAME=${LOAD_DATABASE_URL##*/}

if [[ ! -x "$LOCUST_VENV/bin/locust" ]]; then
  echo "installing locust==$LOCUST_VERSION into $LOCUST_VENV (separate from .venv)"
  python3 -m venv "$LOCUST_VENV"
  "$LOCUST_VENV/bin/pip" install --quiet "locust==$LOCUST_VERSION"
fi

export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL=$LOAD_DATABASE_URL REDIS_URL=$LOAD_REDIS_URL
# Everything comes from one address (127.0.0.1): raise the per-address account scopes too.
export THROTTLE_ANON=100000000/min THROTTLE_USER=100000000/min THROTTLE_LOGIN=100000000/min \
  THROTTLE_TOKEN_REFRESH=100000000/min LOG_LEVEL=WARNING

# The database: created when missing, migrated, seeded with size S unless it already is.
"$PY" - "$LOAD_DATABASE_URL" <<'PYEOF'
import sys
import psycopg2
url = sys.argv[1]
base, name = url.rsplit("/", 1)
conn = psycopg2.connect(base + "/postgres")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(f'CREATE DATABASE "{name}"')
PYEOF
"$PY" -c "from bench.run import prepare_other; prepare_other('$LOAD_DATABASE_URL', 'S', 42)"
"$PY" -c "import redis; redis.Redis.from_url('$LOAD_REDIS_URL').flushdb()"

db_connections() {
  "$PY" - "$LOAD_DATABASE_URL" "$DB_NAME" <<'PYEOF'
import sys
import psycopg2
conn = psycopg2.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres")
with conn.cursor() as cur:
    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [sys.argv[2]])
    print(cur.fetchone()[0])
PYEOF
}
worker_rss() {  # "pid:kB ..." of the gunicorn workers (children of the master) and the sum
  local total=0 out="" pid kb
  for pid in $(pgrep -P "$(cat "$pidfile")"); do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    out+="$pid:${kb}kB "
    total=$(( total + kb ))
  done
  echo "${out}sum=${total}kB"
}

pidfile="$OUT_DIR/gunicorn.pid"
sampler_pid=""
stop_all() {
  [[ -n "$sampler_pid" ]] && kill "$sampler_pid" 2>/dev/null || true
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 100); do [[ -f "$pidfile" ]] || break; sleep 0.1; done
  fi
}
trap stop_all EXIT

.venv/bin/gunicorn movie_api.wsgi --bind "127.0.0.1:$PORT" --pid "$pidfile" \
  --workers "$WORKERS" --worker-class sync --timeout 30 --log-level warning \
  >"$OUT_DIR/gunicorn.log" 2>&1 &
for _ in $(seq 150); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || {
  cat "$OUT_DIR/gunicorn.log" >&2; echo "gunicorn did not start" >&2; exit 2; }
sleep 2  # let every worker finish booting before the first RSS sample

rss_start=$(worker_rss)
db_start=$(db_connections)
echo "== load: $USERS users (spawn $SPAWN_RATE/s) for $DURATION; gunicorn sync x$WORKERS"
echo "   on 127.0.0.1:$PORT, $LOAD_DATABASE_URL, $LOAD_REDIS_URL; output in $OUT_DIR"
echo "start: worker RSS $rss_start; PostgreSQL connections to $DB_NAME: $db_start"
# A sample every 30 s (RSS, connections), to see growth under load and not only boot->end.
( while sleep 30; do echo "$(date +%T) rss $(worker_rss) db $(db_connections)"; done ) \
  >"$OUT_DIR/samples.log" 2>&1 &
sampler_pid=$!

set +e
LOAD_SUMMARY="$OUT_DIR/summary.json" LOAD_ERRORS="$OUT_DIR/server-errors.jsonl" \
  timeout --kill-after=30 "$(( $("$PY" -c "
import re,sys; m=re.fullmatch(r'(\d+)([smh]?)', sys.argv[1]); n=int(m[1])
print(n*{'':1,'s':1,'m':60,'h':3600}[m[2]])" "$DURATION") + 120 ))" \
  "$LOCUST_VENV/bin/locust" -f bench/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" \
  -t "$DURATION" --stop-timeout 10 --host "http://127.0.0.1:$PORT" --csv "$OUT_DIR/locust" \
  --only-summary --loglevel WARNING >"$OUT_DIR/locust.log" 2>&1
locust_status=$?
set -e

rss_end=$(worker_rss)
db_end=$(db_connections)
kill "$sampler_pid" 2>/dev/null || true
sampler_pid=""
stop_all
echo "end:   worker RSS $rss_end; PostgreSQL connections to $DB_NAME: $db_end"
echo "samples (every 30 s):"; sed 's/^/  /' "$OUT_DIR/samples.log"
[[ -f "$OUT_DIR/summary.json" ]] || {
  tail -30 "$OUT_DIR/locust.log" >&2; echo "locust wrote no summary (exit $locust_status)" >&2
  exit 2; }

"$PY" - "$OUT_DIR" <<'PYEOF'
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
summary = json.loads((out / "summary.json").read_text())
total, groups = summary["total"], summary["groups"]
print(f"\n{'group':<9} {'requests':>9} {'fails':>6} {'fail %':>7} {'avg ms':>7} {'p50':>6} "
      f"{'p95':>6} {'p99':>6} {'max':>7} {'rps':>6}")
for name, f in [*groups.items(), ("ALL", total)]:
    print(f"{name:<9} {f['requests']:>9} {f['failures']:>6} {100 * f['fail_ratio']:>6.2f}% "
          f"{f['avg_ms']:>7.1f} {f['p50_ms']:>6.0f} {f['p95_ms']:>6.0f} {f['p99_ms']:>6.0f} "
          f"{f['max_ms']:>7.0f} {f['rps']:>6.1f}")
if summary["failures"]:
    print("\nfailures:")
    for f in sorted(summary["failures"], key=lambda f: -f["occurrences"]):
        print(f"  {f['occurrences']:>6} x {f['method']} {f['name']}: {f['error'][:160]}")
errors = out / "server-errors.jsonl"
if errors.exists():
    lines = errors.read_text().splitlines()
    print(f"\n{len(lines)} server errors (5xx), first ones (all in {errors}):")
    for line in lines[:5]:
        print("  " + line[:300])
catalog = groups.get("catalog", {"p95_ms": float("inf")})
checks = [
    ("fail ratio", 100 * total["fail_ratio"], 1.0, "%"),
    ("avg", total["avg_ms"], 200, "ms"),
    ("p95", total["p95_ms"], 800, "ms"),
    ("catalog p95", catalog["p95_ms"], 300, "ms"),
]
print("\nLoad thresholds:")
failed = False
for name, value, limit, unit in checks:
    ok = value <= limit
    failed |= not ok
    print(f"  {name:<12} {value:>8.2f} {unit:<2} <= {limit:<5} {'PASS' if ok else 'FAIL'}")
print("load:", "FAIL" if failed else "PASS")
sys.exit(1 if failed else 0)
PYEOF
