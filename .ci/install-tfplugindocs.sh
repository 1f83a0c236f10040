#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Installs tfplugindocs, which renders docs/ from the provider's schema, examples/ and
# templates/, into the per-user tools cache. Prints its path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$TFPLUGINDOCS_BIN" ]]; then
  echo "$TFPLUGINDOCS_BIN"
  exit 0
fi

log "installing tfplugindocs v$TFPLUGINDOCS_VERSION from the Go module proxy"
scratch_beside "$TFPLUGINDOCS_BIN"
GOBIN="$scratch" go install \
  "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v$TFPLUGINDOCS_VERSION"
place_file "$scratch/tfplugindocs" "$TFPLUGINDOCS_BIN"
echo "$TFPLUGINDOCS_BIN"
