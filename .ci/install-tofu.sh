#!/usr/bin/env bash
# Builds OpenTofu from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$TOFU_BIN" ]]; then
  echo "$TOFU_BIN"
  exit 0
fi

log "building OpenTofu v$TOFU_VERSION from the Go module proxy (a few minutes the first time)"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# `go install` refuses modules with replace directives, so build inside a copy of the module.
dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$(dirname "$TOFU_BIN")"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$TOFU_BIN.tmp" ./cmd/tofu)
mv "$TOFU_BIN.tmp" "$TOFU_BIN"
"$TOFU_BIN" version >&2
echo "$TOFU_BIN"
