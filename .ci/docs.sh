#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Renders docs/ with tfplugindocs from the provider's schema, examples/ and templates/.
#   bash .ci/docs.sh          regenerate docs/
#   bash .ci/docs.sh check    fail when docs/ differs from what the sources render, when
#                             tfplugindocs validate refuses docs/, or when a link in docs/
#                             breaks on the registry or on GitHub (.ci/doc-links.py says why)
# The schema comes from OpenTofu (`providers schema -json`) with the provider built from
# this tree, so nothing is fetched from a registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

mode=${1:-generate}
tofu=$(bash .ci/install-tofu.sh)
tfplugindocs=$(bash .ci/install-tfplugindocs.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# OpenTofu finds the provider in a plugin directory laid out by its address.
address=registry.terraform.io/octoprint-terraform/octoprint
plugins="$work/plugins/$address/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugins" "$work/config"
go build -o "$plugins/terraform-provider-octoprint_v0.0.1" .
cat >"$work/config/main.tf" <<HCL
terraform {
  required_providers {
    octoprint = { source = "$address" }
  }
}
HCL
export TF_CLI_CONFIG_FILE="$PWD/.ci/empty.tfrc" CHECKPOINT_DISABLE=1
(cd "$work/config" && "$tofu" init -input=false -plugin-dir="$work/plugins" >"$work/init.log") ||
  { cat "$work/init.log" >&2; die "tofu init failed"; }
(cd "$work/config" && "$tofu" providers schema -json) >"$work/full-schema.json"
# tfplugindocs looks the schema up by the provider's short name.
python3 - "$work/full-schema.json" "$work/schema.json" "$address" <<'PY'
import json, sys
schemas = json.load(open(sys.argv[1]))
schemas["provider_schemas"] = {"octoprint": schemas["provider_schemas"][sys.argv[3]]}
json.dump(schemas, open(sys.argv[2], "w"))
PY

# run COMMAND ARGS... runs tfplugindocs, showing its chatter only when it fails.
run() {
  "$tfplugindocs" "$@" --provider-name octoprint --providers-schema "$work/schema.json" >"$work/tfplugindocs.log" 2>&1 ||
    { cat "$work/tfplugindocs.log" >&2; die "tfplugindocs $1 failed"; }
}

case "$mode" in
generate)
  run generate
  log "docs/ regenerated"
  ;;
check)
  rendered=build/docs-rendered
  rm -rf "$rendered"
  run generate --rendered-website-dir "$rendered"
  if ! diff -ru docs "$rendered" >"$work/docs.diff"; then
    head -100 "$work/docs.diff" >&2
    die "docs/ is stale: run 'make docs' and commit the result"
  fi
  rm -rf "$rendered"
  run validate
  python3 .ci/doc-links.py docs "$address" ||
    die "docs/ has links that break on the registry or on GitHub (above): fix them in templates/ or the schema descriptions"
  log "docs/ is current and valid, and its links work on the registry"
  ;;
*)
  die "unknown mode $mode (want generate or check)"
  ;;
esac
