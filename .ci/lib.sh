# Shared settings for the project's scripts. Source it; it defines no side effects
# beyond variables and a few helpers.

TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
OCTOPRINT_VERSION="${OCTOPRINT_VERSION:-1.11.8}"
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

# acceptance_env installs OpenTofu and OctoPrint when missing and exports what the
# acceptance tests and the benchmark need to find them.
acceptance_env() {
  export TF_ACC_TERRAFORM_PATH; TF_ACC_TERRAFORM_PATH=$(bash .ci/install-tofu.sh)
  export OCTOPRINT_BIN; OCTOPRINT_BIN=$(bash .ci/install-octoprint.sh)
  export TF_ACC=1
  # terraform-plugin-testing serves the provider in-process under this address; OpenTofu's
  # registry host and a namespace it accepts (it refuses the legacy "-").
  export TF_ACC_PROVIDER_NAMESPACE=hashicorp TF_ACC_PROVIDER_HOST=registry.opentofu.org
  export TF_CLI_CONFIG_FILE="$PWD/.ci/empty.tfrc"
  export CHECKPOINT_DISABLE=1
}
