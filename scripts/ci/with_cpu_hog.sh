#!/usr/bin/env bash
# Run a command while one busy loop per core (HOG_PROCESSES to change) keeps the CPU
# saturated, as on a shared CI machine; the loops are stopped however the command ends.
#   bash scripts/ci/with_cpu_hog.sh make test
set -u
n=${HOG_PROCESSES:-$(nproc)}
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; }
trap cleanup EXIT INT TERM
for _ in $(seq "$n"); do
  # Same priority as the tests: they get no head start.
  python3 -c 'while True: pass' &
  pids+=($!)
done
echo "== $n CPU hog(s) running (pids ${pids[*]}): $*"
"$@"
