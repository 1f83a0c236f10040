#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Builds OpenTofu from its Go module (the module proxy is the only source we can reach)
# into the per-user tools cache. Prints the binary's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$TOFU_BIN" ]]; then
  echo "$TOFU_BIN"
  exit 0
fi

log "building OpenTofu v$TOFU_VERSION from the Go module proxy (a few minutes the first time)"
scratch_beside "$TOFU_BIN"

# `go install` refuses modules with replace directives, so build inside a copy of the module.
dir=$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$dir" "$scratch/src"
chmod -R u+w "$scratch/src"
(cd "$scratch/src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$scratch/tofu" ./cmd/tofu)
"$scratch/tofu" version >&2
place_file "$scratch/tofu" "$TOFU_BIN"
echo "$TOFU_BIN"
