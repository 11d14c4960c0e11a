#!/usr/bin/env bash
# Every test tier of both projects, in order, each run even when an earlier one failed;
# then one summary. Exit 1 if any tier failed (pytest's "no tests ran" counts as a
# failure: every tier is expected to run tests).
#
#   TIERS="main-fast support-fast" bash scripts/ci/test_tiers.sh   # a subset
#   XDIST_WORKERS=4 bash scripts/ci/test_tiers.sh                 # more parallelism
#
# The tiers (docs/testing.md says what belongs where):
#   main-fast     movie API unit, API, GraphQL and parity tests, in parallel (pytest-xdist)
#   main-slow     movie API tests that start processes, inject faults or scan (serial)
#   support-fast  customer_support's own tests without servers
#   support-slow  customer_support against a real movie API / browsers (serial)
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
PYTEST="$ROOT/.venv/bin/pytest"
WORKERS=${XDIST_WORKERS:-2}
TIERS=${TIERS:-main-fast main-slow support-fast support-slow}

declare -a summary=()
failed=0

run_tier() {
  local name=$1 dir=$2
  shift 2
  echo
  echo "======== $name: pytest $*"
  local started=$SECONDS rc
  (cd "$dir" && "$PYTEST" "$@")
  rc=$?
  local took=$((SECONDS - started)) verdict
  case $rc in
    0) verdict="passed" ;;
    5) verdict="FAILED (no tests ran)"; failed=1 ;;
    *) verdict="FAILED (pytest exit $rc)"; failed=1 ;;
  esac
  summary+=("$(printf '%-14s %-26s %4ss' "$name" "$verdict" "$took")")
}

for tier in $TIERS; do
  case $tier in
    main-fast) run_tier "$tier" "$ROOT" -m "not slow and not perf" -n "$WORKERS" -p no:cacheprovider ;;
    main-slow) run_tier "$tier" "$ROOT" -m "slow and not perf" -p no:cacheprovider ;;
    support-fast) run_tier "$tier" "$ROOT/customer_support" -m "not slow" -p no:cacheprovider ;;
    support-slow) run_tier "$tier" "$ROOT/customer_support" -m "slow" -p no:cacheprovider ;;
    *) echo "unknown tier: $tier" >&2; summary+=("$(printf '%-14s %s' "$tier" "FAILED (unknown tier)")"); failed=1 ;;
  esac
done

echo
if [ -n "${DATABASE_URL:-}" ]; then backend="PostgreSQL + Redis"; else backend="SQLite + local memory"; fi
echo "======== summary ($backend)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: all tiers passed"
