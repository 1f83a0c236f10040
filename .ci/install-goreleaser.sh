#!/usr/bin/env bash
# Builds goreleaser from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$GORELEASER_BIN" ]]; then
  echo "$GORELEASER_BIN"
  exit 0
fi

log "building goreleaser v$GORELEASER_VERSION from the Go module proxy (several minutes the first time)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Its go.mod has no replace directives, so `go install` builds it as released.
mkdir -p "$(dirname "$GORELEASER_BIN")"
GOBIN="$work" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w -X main.version=$GORELEASER_VERSION" \
  "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION"
mv "$work/goreleaser" "$GORELEASER_BIN"
"$GORELEASER_BIN" --version >&2
echo "$GORELEASER_BIN"
