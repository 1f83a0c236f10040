#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `make bench`: the provider against a local OctoPrint at farm scale, beside the simplest
# sequential HTTP loop doing the same work. Prints markdown tables. Not part of CI: it
# takes about 8 minutes for the default sizes, most of it OctoPrint hashing passwords.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

acceptance_env
go run ./internal/bench -sizes "${BENCH_SIZES:-10,100,500}"
