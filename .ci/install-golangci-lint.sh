#!/usr/bin/env bash
# Builds golangci-lint from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$GOLANGCI_LINT_BIN" ]]; then
  echo "$GOLANGCI_LINT_BIN"
  exit 0
fi

log "building golangci-lint v$GOLANGCI_LINT_VERSION from the Go module proxy (a few minutes the first time)"
dir=$(dirname "$GOLANGCI_LINT_BIN")
mkdir -p "$dir"
# Into a scratch directory first, so that an interrupted build never leaves a binary behind.
work=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Outside the project's module, so that its go.mod plays no part in the build.
(cd "$work" && GOBIN="$work" go install \
  "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION")
mv "$work/golangci-lint" "$GOLANGCI_LINT_BIN"
"$GOLANGCI_LINT_BIN" version >&2
echo "$GOLANGCI_LINT_BIN"
