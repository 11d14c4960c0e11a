#!/usr/bin/env bash
# HTTP benchmark (H1-H5 in docs/performance.md): gunicorn on 127.0.0.1, wrk for a bounded
# time against R1 (REST list), G1 (GraphQL list) and B1 (bare baseline), in the same
# gunicorn process after a warm-up, with the response cache off; then R1 under gthread
# (2 workers x 4 threads) for H4; then, with the cache on, C1 (the anonymous list from
# the response cache) against B0 and B1 (H6-H8), the way the scale-out issue measured
# them: 2 sync workers, wrk -c16, in ROUNDS rounds (B0, B1, C1 in turn), each gate
# judged on the median of the rounds, every round printed.
# Only ratios matter: wrk shares the machine's cores with the server.
#
#   bash bench/http.sh                 # SQLite size S (seeded and cached by bench/run.py)
#   WARMUP=5 DURATION=20 CONNECTIONS=8 bash bench/http.sh
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg bash bench/http.sh
#   REDIS_URL=redis://127.0.0.1:6379/9 BENCH_DATABASE_URL=... bash bench/http.sh  # as deployed
#   REDIS_URL="unix:///run/redis.sock?db=9" BENCH_DATABASE_URL=... bash bench/http.sh  # Redis on this host
#
# Writes bench-results-http.json; exit status 1 when a gate fails. Needs `wrk`
# (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PORT=${PORT:-8765}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-8}
SIZE=${SIZE:-S}
CACHE_WORKERS=${CACHE_WORKERS:-2}
CACHE_CONNECTIONS=${CACHE_CONNECTIONS:-16}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-bench-results-http.json}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

export DJANGO_SETTINGS_MODULE=bench.settings
if [[ -n "${BENCH_DATABASE_URL:-}" ]]; then
  "$PY" -c "from bench.run import prepare_other; prepare_other('$BENCH_DATABASE_URL', '$SIZE', 42)"
  export DATABASE_URL=$BENCH_DATABASE_URL
else
  DATABASE_URL=$("$PY" -c "from bench.run import prepare_sqlite; print(prepare_sqlite('$SIZE', 42))" | tail -1)
  export DATABASE_URL
fi

tmp=$(mktemp -d)
pidfile="$tmp/gunicorn.pid"
stop_server() {
  if [[ -f "$pidfile" ]]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    for _ in $(seq 50); do [[ -f "$pidfile" ]] || break; sleep 0.1; done
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT

"$PY" -c 'import django, json, sys; django.setup(); from bench.variants import G1_QUERY
json.dump({"query": G1_QUERY}, open(sys.argv[1], "w"))' "$tmp/g1.json"

start_server() {  # $1 = extra gunicorn options
  # gunicorn also reads ./gunicorn.conf.py. Its max_requests was once 2000 (+- 200) and
  # recycled all three workers together every few seconds at these rates: seconds with
  # no worker booted (wrk timeouts), then every new worker's cold first requests and
  # empty local-memory response cache. It is 0 now (workers are recycled by memory), and
  # stays 0 here even if GUNICORN_MAX_REQUESTS is set: measure steady state.
  # shellcheck disable=SC2086
  .venv/bin/gunicorn movie_api.wsgi --bind "127.0.0.1:$PORT" --pid "$pidfile" \
    --max-requests 0 --log-level warning $1 >"$tmp/gunicorn.log" 2>&1 &
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/__bench__/b0/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$tmp/gunicorn.log" >&2
  echo "gunicorn did not start" >&2
  exit 2
}

run_wrk() {  # $1 = label, $2 = path, $3 = body file or "", $4 = connections
  local connections=${4:-$CONNECTIONS}
  WRK_BODY_FILE=$3 wrk -t1 -c"$connections" -d"${WARMUP}s" -s bench/wrk.lua \
    "http://127.0.0.1:$PORT$2" >/dev/null
  WRK_BODY_FILE=$3 wrk -t1 -c"$connections" -d"${DURATION}s" --latency -s bench/wrk.lua \
    "http://127.0.0.1:$PORT$2" | sed -n "s/^WRKJSON /{\"label\": \"$1\", \"data\": /p" \
    | sed 's/$/}/' >>"$tmp/results.jsonl"
  tail -1 "$tmp/results.jsonl"
}

# The uncached path first: with the response cache on, R1 and G1 would be cache hits.
export RESPONSE_CACHE_ENABLED=false
echo "== gunicorn sync, 3 workers; wrk -t1 -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s"
start_server "--workers 3 --worker-class sync"
run_wrk B1 /__bench__/b1/ ""
run_wrk R1 /api/movies/ ""
run_wrk G1 /graphql/ "$tmp/g1.json"
stop_server

echo "== gunicorn gthread, 2 workers x 4 threads"
start_server "--workers 2 --threads 4 --worker-class gthread"
run_wrk R1_gthread /api/movies/ ""
stop_server

# Anonymous list page 20 from the response cache (C1) against B0 and B1 in one server.
# One wrk run's p99 is one sample of a noisy figure on a shared 2-core machine (the
# scheduler's slices), so each target runs ROUNDS times, interleaved.
export RESPONSE_CACHE_ENABLED=true
echo "== response cache on: gunicorn sync, $CACHE_WORKERS workers; wrk -c$CACHE_CONNECTIONS, $ROUNDS rounds"
start_server "--workers $CACHE_WORKERS --worker-class sync"
for round in $(seq "$ROUNDS"); do
  run_wrk "B0_cache#$round" /__bench__/b0/ "" "$CACHE_CONNECTIONS"
  run_wrk "B1_cache#$round" /__bench__/b1/ "" "$CACHE_CONNECTIONS"
  run_wrk "C1#$round" /api/movies/ "" "$CACHE_CONNECTIONS"
done
stop_server

status=0
"$PY" - "$tmp/results.jsonl" "$OUT" <<'PYEOF' || status=$?
import json, sys
from statistics import median

rows = {}
for line in open(sys.argv[1]):
    item = json.loads(line)
    rows[item["label"]] = item["data"]

def rps(label):
    return rows[label]["rps"]


def rounds(label):
    return [rows[key] for key in rows if key.split("#")[0] == label]


def rps_ratio(label, other):
    """Median over the rounds of rps(label) / rps(other), each pair from one round."""
    pairs = zip(rounds(label), rounds(other), strict=True)
    return median([a["rps"] / b["rps"] for a, b in pairs])


def tail(row):
    return row["p99_ms"] / row["p50_ms"]

errors = sum(
    rows[label][kind]
    for label in rows
    for kind in ("connect", "read", "write", "status", "timeout")
)
gates = {
    "H1": ("rps(R1) / rps(B1)", rps("R1") / rps("B1"), ">=", 0.40, 0.55),
    "H2": ("rps(G1) / rps(B1)", rps("G1") / rps("B1"), ">=", 0.30, 0.40),
    "H3 R1": ("p99/p50 R1", tail(rows["R1"]), "<=", 3.0, 2.0),
    "H3 G1": ("p99/p50 G1", tail(rows["G1"]), "<=", 3.0, 2.0),
    "H4": ("rps(R1 gthread 2x4) / rps(R1 sync 3)", rps("R1_gthread") / rps("R1"), None, None, None),
    "H5": ("non-2xx + socket errors", errors, "<=", 0, 0),
    "H6": ("rps(C1 cached) / rps(B1), median", rps_ratio("C1", "B1_cache"), ">=", 3.0, 3.0),
    "H7": ("rps(C1 cached) / rps(B0), median", rps_ratio("C1", "B0_cache"), ">=", 0.7, 0.7),
    "H8": ("p99/p50 C1, median", median([tail(r) for r in rounds("C1")]), "<=", 2.0, 2.0),
    "H8 B0": ("p99/p50 B0 (the floor), median", median([tail(r) for r in rounds("B0_cache")]),
              None, None, None),
}
result = {"runs": rows, "gates": {}}
print(f"\n{'label':<11} {'rps':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>8} {'errors':>7}")
for label, r in rows.items():
    errs = sum(r[k] for k in ("connect", "read", "write", "status", "timeout"))
    print(f"{label:<11} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
          f"{tail(r):>8.2f} {errs:>7}")
print(f"\n{'metric':<7} {'what':<38} {'measured':>9} {'gate':>7} {'goal':>6}  result")
failed = False
for metric, (what, value, op, gate, goal) in gates.items():
    if op is None:
        verdict = "report"
        passed = True
    else:
        passed = value >= gate if op == ">=" else value <= gate
        verdict = "PASS" if passed else "FAIL"
    failed |= not passed
    result["gates"][metric] = {
        "what": what, "measured": round(value, 3), "op": op, "gate": gate, "goal": goal,
        "pass": passed,
    }
    gate_text = "-" if op is None else f"{op}{gate}"
    print(f"{metric:<7} {what:<38} {value:>9.3f} {gate_text:>7} {str(goal or '-'):>6}  {verdict}")
json.dump(result, open(sys.argv[2], "w"), indent=2)
print(f"\nwrote {sys.argv[2]}")
sys.exit(1 if failed else 0)
PYEOF
# requests/s per target against B0/B1. The committed chart (bench/README.md) holds both
# panels, so it is redrawn only when bench.run's in-process results are here too;
# otherwise this run's chart goes next to its results file.
if [[ -f bench-results.json && "$OUT" == bench-results-http.json ]]; then
  "$PY" -m bench.chart --http "$OUT" || true
else
  "$PY" -m bench.chart --inproc "" --http "$OUT" --output "${OUT%.json}.png" || true
fi
exit "$status"
