# SPDX-License-Identifier: MPL-2.0
# Shared settings for the project's scripts. Source it; it defines no side effects
# beyond variables and a few helpers.

TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
# The OctoPrint the tests and the demo run by default; .ci/test.sh also tests the others
# of OCTOPRINT_VERSIONS. Exported, so that the tests can check which one they run.
export OCTOPRINT_VERSION="${OCTOPRINT_VERSION:-1.11.8}"
OCTOPRINT_VERSIONS=(1.9.3 1.10.3 1.11.8 2.0.0rc7)
# The command line that drives the acceptance tests: tofu (OpenTofu, built into the tools
# cache) or terraform (HashiCorp's, found on PATH or at TERRAFORM_BIN; not installed by us).
TEST_CLI="${TEST_CLI:-tofu}"
TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-0.25.0}"
GOLANGCI_LINT_VERSION="${GOLANGCI_LINT_VERSION:-2.15.0}"
# Releases only. 2.15.0 and 2.15.1 put the signature of the SHA256SUMS file into that file,
# which breaks the signature; 2.18 and later need a newer Go than ours.
GORELEASER_VERSION="${GORELEASER_VERSION:-2.15.2}"

# Built tools and the OctoPrint virtualenv live in a per-user cache, keyed by version,
# so that every clone on the machine (CI uses a fresh one) reuses them.
TOOLS_DIR="${OCTOPRINT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-octoprint}"
TOFU_BIN="$TOOLS_DIR/tofu-$TOFU_VERSION/tofu"
OCTOPRINT_VENV="$TOOLS_DIR/octoprint-$OCTOPRINT_VERSION"
OCTOPRINT_BIN="$OCTOPRINT_VENV/bin/octoprint"
TFPLUGINDOCS_BIN="$TOOLS_DIR/tfplugindocs-$TFPLUGINDOCS_VERSION/tfplugindocs"
GOLANGCI_LINT_BIN="$TOOLS_DIR/golangci-lint-$GOLANGCI_LINT_VERSION/golangci-lint"
GORELEASER_BIN="$TOOLS_DIR/goreleaser-$GORELEASER_VERSION/goreleaser"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installers build into a scratch directory of their own and rename the result into place,
# so that clones installing the same tool at once both succeed and no one ever sees half a
# tool: a rename within one file system is atomic.
#
# scratch_beside PATH makes that directory next to PATH (same file system), sets $scratch
# to it, and removes it when the script exits.
scratch_beside() {
  mkdir -p "$(dirname "$1")"
  scratch=$(mktemp -d "$(dirname "$1")/.tmp-$(basename "$1")-XXXXXX")
  # Copies of Go modules are read-only: make them writable to remove them.
  trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
}

# place_file FILE PATH renames FILE (in $scratch) to PATH. When another install got there
# first, its identical file is replaced; a process running it keeps the old one.
place_file() {
  mv -f -T "$1" "$2"
}

# place_dir DIR PATH CHECK... renames the directory DIR (in $scratch) to PATH. When PATH
# appeared meanwhile and the command CHECK accepts it, DIR is dropped (the other install
# won); when CHECK refuses it, the broken PATH is moved aside and removed.
place_dir() {
  local dir=$1 path=$2
  shift 2
  local _
  for _ in 1 2 3 4 5; do
    mv -T "$dir" "$path" 2>/dev/null && return 0
    "$@" && return 0
    mv -T "$path" "$dir.old" 2>/dev/null && rm -rf "$dir.old"
  done
  die "could not put $path in place"
}

# terraform_bin prints the path of a Terraform that can drive the tests ($TERRAFORM_BIN,
# else terraform on PATH), or fails saying why not. Write-only attributes need 1.11.
terraform_bin() {
  local bin=${TERRAFORM_BIN:-$(command -v terraform || true)} version
  if [[ -z $bin ]]; then
    log "no terraform: none on PATH, and TERRAFORM_BIN is not set"
    return 1
  fi
  [[ -x $bin ]] || { log "no terraform at TERRAFORM_BIN=$bin"; return 1; }
  version=$(TF_CLI_CONFIG_FILE="$PWD/.ci/empty.tfrc" "$bin" version -json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])') ||
    { log "$bin version -json failed"; return 1; }
  python3 -c 'import sys; sys.exit(tuple(map(int, sys.argv[1].split("-")[0].split(".")[:2])) < (1, 11))' "$version" ||
    { log "$bin is Terraform $version; write-only attributes need 1.11 or newer"; return 1; }
  echo "$bin"
}

# acceptance_env installs OctoPrint $OCTOPRINT_VERSION and (with TEST_CLI=tofu) OpenTofu
# when missing, and exports what the acceptance tests and the benchmark need to find them.
acceptance_env() {
  export OCTOPRINT_VERSION TEST_CLI
  export OCTOPRINT_BIN; OCTOPRINT_BIN=$(bash .ci/install-octoprint.sh)
  export TF_ACC_TERRAFORM_PATH TF_ACC_PROVIDER_HOST
  # terraform-plugin-testing serves the provider in-process under the address
  # TF_ACC_PROVIDER_HOST/hashicorp/octoprint: the CLI's own registry host, and a namespace
  # both accept (OpenTofu refuses the legacy "-").
  case "$TEST_CLI" in
  tofu) TF_ACC_TERRAFORM_PATH=$(bash .ci/install-tofu.sh) TF_ACC_PROVIDER_HOST=registry.opentofu.org ;;
  terraform) TF_ACC_TERRAFORM_PATH=$(terraform_bin) TF_ACC_PROVIDER_HOST=registry.terraform.io ;;
  *) die "TEST_CLI is $TEST_CLI: tofu or terraform" ;;
  esac
  export TF_ACC=1 TF_ACC_PROVIDER_NAMESPACE=hashicorp
  export TF_CLI_CONFIG_FILE="$PWD/.ci/empty.tfrc"
  export CHECKPOINT_DISABLE=1
}
