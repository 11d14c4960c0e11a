#!/usr/bin/env bash
# Every test tier of both projects, in order, each run even when an earlier one failed;
# then one summary. Exit 1 if any tier failed (pytest's "no tests ran" counts as a
# failure: every tier is expected to run tests).
#
#   TIERS="main-fast support-fast" bash scripts/ci/test_tiers.sh   # a subset
#   XDIST_WORKERS=4 bash scripts/ci/test_tiers.sh                 # more parallelism
#   COVERAGE=0 bash scripts/ci/test_tiers.sh                      # without coverage
#
# Coverage: every tier of a project appends to that project's data file; after the
# tiers, `coverage report` prints line and branch coverage of the product code and,
# when every tier ran, fails under the floor its config sets (pyproject.toml for the movie API,
# customer_support/.coveragerc for the desk). It counts as one more step of the summary.
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
ALL_TIERS="main-fast main-slow support-fast support-slow"
TIERS=${TIERS:-$ALL_TIERS}
COVERAGE=${COVERAGE:-1}
MAIN_COV="$ROOT/.coverage"
SUPPORT_COV="$ROOT/customer_support/.coverage"
declare -a main_cov=() support_cov=()
if [ "$COVERAGE" = 1 ]; then
  rm -f "$MAIN_COV" "$MAIN_COV".* "$SUPPORT_COV" "$SUPPORT_COV".*
  # --cov-report= and --cov-fail-under=0: no per-tier report or floor (one tier alone
  # covers less); the one report, with the floor, comes after the last tier.
  main_cov=(--cov --cov-append --cov-report= --cov-fail-under=0 --cov-config="$ROOT/pyproject.toml")
  support_cov=(--cov --cov-append --cov-report= --cov-fail-under=0 --cov-config="$ROOT/customer_support/.coveragerc")
fi

declare -a summary=()
failed=0

run_tier() {
  local name=$1 dir=$2 cov_file=$3
  shift 3
  echo
  echo "======== $name: pytest $*"
  local started=$SECONDS rc
  (cd "$dir" && COVERAGE_FILE="$cov_file" "$PYTEST" "$@")
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
    main-fast) run_tier "$tier" "$ROOT" "$MAIN_COV" -m "not slow and not perf" -n "$WORKERS" -p no:cacheprovider "${main_cov[@]}" ;;
    main-slow) run_tier "$tier" "$ROOT" "$MAIN_COV" -m "slow and not perf" -p no:cacheprovider "${main_cov[@]}" ;;
    support-fast) run_tier "$tier" "$ROOT/customer_support" "$SUPPORT_COV" -m "not slow" -p no:cacheprovider "${support_cov[@]}" ;;
    support-slow) run_tier "$tier" "$ROOT/customer_support" "$SUPPORT_COV" -m "slow" -p no:cacheprovider "${support_cov[@]}" ;;
    *) echo "unknown tier: $tier" >&2; summary+=("$(printf '%-14s %s' "$tier" "FAILED (unknown tier)")"); failed=1 ;;
  esac
done

# One coverage report per project that ran, over all of its tiers.
cov_report() {
  local name=$1 dir=$2 data=$3 config=$4 report rc total
  [ -f "$data" ] || return 0
  echo
  echo "======== $name: line and branch coverage (floor: fail_under in ${config#"$ROOT"/})"
  # The floor is for the whole suite: a subset of tiers (make test-fast) only prints.
  local floor=()
  [ "$TIERS" = "$ALL_TIERS" ] || floor=(--fail-under=0)
  report=$(cd "$dir" && "$ROOT/.venv/bin/coverage" report --data-file="$data" --rcfile="$config" "${floor[@]}")
  rc=$?
  printf '%s\n' "$report" | tail -n 4
  total=$(cd "$dir" && "$ROOT/.venv/bin/coverage" report --data-file="$data" --rcfile="$config" --format=total --fail-under=0)
  if [ "$rc" -eq 0 ] && [ ${#floor[@]} -gt 0 ]; then
    summary+=("$(printf '%-14s %-26s' "$name" "${total} % (subset of tiers: no floor)")")
  elif [ "$rc" -eq 0 ]; then
    summary+=("$(printf '%-14s %-26s' "$name" "passed, ${total} %")")
  else
    summary+=("$(printf '%-14s %-26s' "$name" "FAILED, ${total} % < floor")")
    failed=1
  fi
}
if [ "$COVERAGE" = 1 ]; then
  cov_report coverage-main "$ROOT" "$MAIN_COV" "$ROOT/pyproject.toml"
  cov_report coverage-desk "$ROOT/customer_support" "$SUPPORT_COV" "$ROOT/customer_support/.coveragerc"
fi

echo
if [ -n "${DATABASE_URL:-}" ]; then backend="PostgreSQL + Redis"; else backend="SQLite + local memory"; fi
echo "======== summary ($backend)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: all tiers passed"
