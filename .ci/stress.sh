#!/usr/bin/env bash
# `make stress`: runs the load test (100 users applied with -parallelism=20, OctoPrint
# killed and restarted, every user checked, then destroyed with -parallelism=20) RUNS
# times (default 5) and prints the counts of each run. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

acceptance_env

runs=${RUNS:-5}
mkdir -p build
set +e
go test -count="$runs" -v -timeout 60m -run '^TestAccUser_parallelApply$' ./internal/provider/ > build/stress.log 2>&1
status=$?
set -e
grep -o 'stress: .*' build/stress.log | nl -w2 -s'. '
read -r lost stale extra left keys groups < <(grep -o 'stress: .*' build/stress.log |
  awk -F'[ =]' '{l+=$5; s+=$7; e+=$9; r+=$11; k+=$13; g+=$15} END {print l+0, s+0, e+0, r+0, k+0, g+0}')
echo "runs: $(grep -c 'stress: ' build/stress.log) of $runs; users lost: $lost, stale: $stale, extra: $extra, left after destroy: $left; API keys lost: $keys, groups lost: $groups"
exit "$status"
