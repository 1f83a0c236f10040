#!/usr/bin/env bash
# `make bench`: the provider against a local OctoPrint at farm scale, beside the simplest
# sequential HTTP loop doing the same work. Prints markdown tables. Not part of CI: it
# takes about 8 minutes for the default sizes, most of it OctoPrint hashing passwords.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

export TF_ACC_TERRAFORM_PATH; TF_ACC_TERRAFORM_PATH=$(bash .ci/install-tofu.sh)
export OCTOPRINT_BIN; OCTOPRINT_BIN=$(bash .ci/install-octoprint.sh)
export CHECKPOINT_DISABLE=1
go run ./internal/bench -sizes "${BENCH_SIZES:-10,100,500}"
