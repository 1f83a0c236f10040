#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The tests of `make test`: `go test` once per cell of a matrix, each cell an OctoPrint
# version and the command line that drives the provider (tofu or terraform), each against
# a fresh server of that version that the tests start themselves. The checks are
# .ci/check.sh.
#   bash .ci/test.sh            CI's matrix, in this order:
#                                 the full suite on 1.11.8 and on 2.0.0rc7 with OpenTofu,
#                                 the lifecycle tests on 1.9.3 and on 1.10.3 with OpenTofu,
#                                 the lifecycle tests on 1.11.8 with Terraform
#   RUN=REGEX bash .ci/test.sh  one cell: the tests REGEX names, on $OCTOPRINT_VERSION
#                               (default 1.11.8) driven by $TEST_CLI (default tofu)
#   bash .ci/test.sh lifecycle  one cell: the lifecycle tests (below), on $OCTOPRINT_VERSION
#                               driven by $TEST_CLI
#   bash .ci/test.sh compat     the full suite on every version of OCTOPRINT_VERSIONS, with
#                               each command line (make compat; not part of CI)
# Installs what a cell needs first (OctoPrint, OpenTofu); Terraform is not installed: it is
# taken from PATH or TERRAFORM_BIN, and without it its cells are left out with a notice,
# except under CI=true, where that fails the run. Each cell's full -v log goes to
# build/test-<version>-<cli>.log, the console gets results and failures only. Ends with a
# table of the cells, then "tests: N passed, N failed, N skipped" summed over them; fails
# when a cell fails, a test is skipped, or a cell runs no test.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

# The lifecycle tests: create, update, import and delete of every resource (its _lifecycle
# test), the read of every data source, the run of the ephemeral resource, and the
# print-farm and new-printer examples, which applies every resource with the command line itself
# (dev_overrides) rather than through terraform-plugin-testing. They cover each version's
# API in a few minutes.
LIFECYCLE_RUN='^(TestAcc(User|Group|UserSettings|UserAPIKey|ApplicationKey)_lifecycle|TestAcc(User|Users|Groups|Permissions|UserSettings|ApplicationKeys)DataSource|TestAccApplicationKeyEphemeral|TestAccExample_(printFarm|newPrinter))$'

# Each cell: VERSION CLI SCOPE, SCOPE being full, lifecycle, or run (the tests RUN names).
cells=()
case "${1:-}" in
"")
  if [[ -n ${RUN:-} ]]; then
    cells=("$OCTOPRINT_VERSION $TEST_CLI run")
  else
    cells=("1.11.8 tofu full" "2.0.0rc7 tofu full" "1.9.3 tofu lifecycle" "1.10.3 tofu lifecycle"
      "1.11.8 terraform lifecycle")
  fi
  ;;
lifecycle) cells=("$OCTOPRINT_VERSION $TEST_CLI lifecycle") ;;
compat)
  for version in "${OCTOPRINT_VERSIONS[@]}"; do
    cells+=("$version tofu full" "$version terraform full")
  done
  ;;
*) die "usage: [RUN=REGEX] bash .ci/test.sh [lifecycle|compat]" ;;
esac

mkdir -p build
total_passed=0 total_failed=0 total_skipped=0 status=0

# add_row FIELD... adds a row to the table printed at the end.
rows=()
add_row() {
  local IFS=$'\t'
  rows+=("$*")
}
add_row cell tests result passed failed skipped seconds

# run_cell VERSION CLI SCOPE runs one cell and adds its row to the table.
run_cell() {
  local version=$1 cli=$2 scope=$3 run="" tests
  local name="$version-$cli" file="build/test-$1-$2.log"
  case "$scope" in
  full) tests="all" ;;
  lifecycle) tests="lifecycle" run=$LIFECYCLE_RUN ;;
  run) tests="-run $RUN" run=$RUN ;;
  esac
  if [[ $cli == terraform ]] && ! terraform_bin >/dev/null; then
    if [[ ${CI:-} == true || ${#cells[@]} == 1 ]]; then
      echo "error: cell $name: no usable terraform (set TERRAFORM_BIN)" >&2
      add_row "$name" "$tests" "FAIL: no terraform" 0 0 0 0
      status=1
    else
      echo "notice: cell $name left out: no usable terraform (set TERRAFORM_BIN; CI=true fails instead)" >&2
      add_row "$name" "$tests" "left out: no terraform" - - - -
    fi
    return
  fi

  log "cell $name: OctoPrint $version, $cli, tests: $tests (log: $file)"
  local start=$SECONDS code
  set +e
  (
    set -e # not inherited from above, where a failing cell must not end the run
    export OCTOPRINT_VERSION=$version TEST_CLI=$cli
    acceptance_env
    log "$("$TF_ACC_TERRAFORM_PATH" version | head -1) at $TF_ACC_TERRAFORM_PATH; OctoPrint at $OCTOPRINT_BIN"
    go test -count=1 -v -timeout 30m ${run:+-run "$run"} ./...
  ) 2>&1 | tee "$file" | grep -E '^(==> |error: |=== NAME|--- |ok |FAIL|PASS|panic|\s+\S+_test\.go:)'
  code=${PIPESTATUS[0]}
  set -e
  local seconds=$((SECONDS - start)) passed failed skipped result=ok
  passed=$(grep -cE '^\s*--- PASS' "$file" || true)
  failed=$(grep -cE '^\s*--- FAIL' "$file" || true)
  skipped=$(grep -cE '^\s*--- SKIP' "$file" || true)
  if ((code != 0)); then
    result="FAIL"
    if ((failed > 0)); then
      echo "cell $name: failed tests:" >&2
      grep -E '^\s*--- FAIL' "$file" | sed -E 's/^\s*--- FAIL: /  /' >&2
    fi
  fi
  if ((skipped > 0)); then
    grep -E -A2 '^\s*--- SKIP' "$file" >&2
    echo "error: cell $name: $skipped tests were skipped; every test must run" >&2
    result="FAIL: $skipped skipped"
  fi
  if ((passed + failed == 0)); then
    echo "error: cell $name: no test ran" >&2
    result="FAIL: no test ran"
  fi
  [[ $result == ok ]] || status=1
  echo "cell $name: $result in ${seconds}s: $passed passed, $failed failed, $skipped skipped" >&2
  add_row "$name" "$tests" "$result" "$passed" "$failed" "$skipped" "$seconds"
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
}

if ((${#cells[@]} > 1)); then
  log "installing the OctoPrint versions the cells need, side by side"
  bash .ci/install-octoprint.sh all >/dev/null || log "an install failed: its cells will say why"
fi
for cell in "${cells[@]}"; do
  # shellcheck disable=SC2086 # the three words of a cell
  run_cell $cell
done

echo
printf '%s\n' "${rows[@]}" | column -t -s $'\t'
if ((total_passed + total_failed == 0)); then
  echo "error: no test ran" >&2
  status=1
fi
echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$status"
