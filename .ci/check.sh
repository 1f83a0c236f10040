#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The checks of `make test`, before any test runs: the license identifier in every source
# file (.ci/spdx.sh), go vet, golangci-lint, docs/ against what tfplugindocs renders and its
# links, a snapshot release for this platform (make release-check), and two installs of one
# tool at once. Installs the tools that are missing first. Stops at the first check that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

mkdir -p build
log "check: license identifiers"
bash .ci/spdx.sh check
log "check: go vet"
go vet ./...
log "check: golangci-lint"
golangci_lint=$(bash .ci/install-golangci-lint.sh)
"$golangci_lint" run ./...
log "check: docs"
bash .ci/docs.sh check
log "check: release (log: build/release-check.log)"
bash .ci/release-check.sh >build/release-check.log 2>&1 || { tail -30 build/release-check.log >&2; exit 1; }
log "check: installs at once"
bash .ci/test-install-race.sh
log "checks passed"
