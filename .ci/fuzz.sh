#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `make fuzz`: runs each fuzz target of the API client for a bounded time (FUZZTIME,
# default 60s each) and prints the executions. Not part of CI. Corpus entries that
# fail are kept under internal/octoprint/testdata/fuzz/ and rerun by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in FuzzMaskJSON FuzzDecodeAnswer; do
  out=$(go test -run '^$' -fuzz "^$target\$" -fuzztime "${FUZZTIME:-60s}" ./internal/octoprint 2>&1) || { echo "$out"; exit 1; }
  execs=$(echo "$out" | grep -o 'execs: [0-9]*' | tail -1 | cut -d' ' -f2)
  echo "$target: ${execs:-0} executions in ${FUZZTIME:-60s}, no failure"
done
