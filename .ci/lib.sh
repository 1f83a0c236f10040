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
