#!/usr/bin/env bash
# The tests of `make test`: the API client's unit tests and the acceptance tests against
# a real OctoPrint (started by the tests themselves) driven by a real OpenTofu, all of them
# or those RUN names. Installs OpenTofu and OctoPrint first when they are missing. Ends
# with "tests: N passed, N failed, N skipped" and fails when any test fails, any test is
# skipped, or no test ran. The checks are .ci/check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

acceptance_env

mkdir -p build
log "go test (OpenTofu $("$TF_ACC_TERRAFORM_PATH" version | head -1 | cut -d' ' -f2), OctoPrint $OCTOPRINT_VERSION)"
start=$(date +%s)
# The full -v log goes to a file; the console gets results and failures only.
set +e
go test -count=1 -v -timeout 30m ${RUN:+-run "$RUN"} ./... 2>&1 | tee build/test.log |
  grep -E '^(=== NAME|--- |ok |FAIL|PASS|panic|\s+\S+_test\.go:)'
status=${PIPESTATUS[0]}
set -e

passed=$(grep -cE '^\s*--- PASS' build/test.log || true)
failed=$(grep -cE '^\s*--- FAIL' build/test.log || true)
skipped=$(grep -cE '^\s*--- SKIP' build/test.log || true)
echo "go test took $(( $(date +%s) - start ))s; full log: build/test.log"
if (( skipped > 0 )); then
  grep -E -A2 '^\s*--- SKIP' build/test.log >&2
  echo "error: $skipped tests were skipped; every test must run" >&2
  status=1
fi
if (( passed == 0 )); then
  echo "error: no test ran" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
