#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Builds golangci-lint from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$GOLANGCI_LINT_BIN" ]]; then
  echo "$GOLANGCI_LINT_BIN"
  exit 0
fi

log "building golangci-lint v$GOLANGCI_LINT_VERSION from the Go module proxy (a few minutes the first time)"
scratch_beside "$GOLANGCI_LINT_BIN"
# Outside the project's module, so that its go.mod plays no part in the build.
(cd "$scratch" && GOBIN="$scratch" go install \
  "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION")
"$scratch/golangci-lint" version >&2
place_file "$scratch/golangci-lint" "$GOLANGCI_LINT_BIN"
echo "$GOLANGCI_LINT_BIN"
