#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
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
# Each run that gets to the end prints a line of key=value counts: sum them by key, and
# fail when a line lacks a key that the summary reads.
grep -o 'stress: .*' build/stress.log >build/stress.lines || true
nl -w2 -s'. ' build/stress.lines
summary=$(awk -v runs="$runs" '
  {
    for (i = 2; i <= NF; i++) {
      if (split($i, kv, "=") == 2) { sum[kv[1]] += kv[2]; seen[kv[1]]++ }
    }
  }
  END {
    n = split("lost stale extra left_after_destroy keys_lost app_keys_lost groups_lost", keys, " ")
    for (i = 1; i <= n; i++) {
      if (seen[keys[i]] != NR) { printf "error: %d of %d stress lines lack %s=\n", NR - seen[keys[i]], NR, keys[i]; exit 1 }
    }
    printf "runs: %d of %d; users lost: %d, stale: %d, extra: %d, left after destroy: %d; API keys lost: %d, application keys lost: %d, groups lost: %d\n",
      NR, runs, sum["lost"], sum["stale"], sum["extra"], sum["left_after_destroy"], sum["keys_lost"], sum["app_keys_lost"], sum["groups_lost"]
  }' build/stress.lines) || { echo "$summary" >&2; exit 1; }
echo "$summary"
exit "$status"
