#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Builds goreleaser from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$GORELEASER_BIN" ]]; then
  echo "$GORELEASER_BIN"
  exit 0
fi

log "building goreleaser v$GORELEASER_VERSION from the Go module proxy (several minutes the first time)"
scratch_beside "$GORELEASER_BIN"
# Its go.mod has no replace directives, so `go install` builds it as released.
GOBIN="$scratch" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X main.version=$GORELEASER_VERSION" \
  "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
"$scratch/goreleaser" --version >&2
place_file "$scratch/goreleaser" "$GORELEASER_BIN"
echo "$GORELEASER_BIN"
