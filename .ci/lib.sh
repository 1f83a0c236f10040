# Shared settings for the project's scripts. Source it; it defines no side effects
# beyond variables and a few helpers.

TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
OCTOPRINT_VERSION="${OCTOPRINT_VERSION:-1.11.8}"

# Built tools and the OctoPrint virtualenv live in a per-user cache, keyed by version,
# so that every clone on the machine (CI uses a fresh one) reuses them.
TOOLS_DIR="${OCTOPRINT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-octoprint}"
TOFU_BIN="$TOOLS_DIR/tofu-$TOFU_VERSION/tofu"
OCTOPRINT_VENV="$TOOLS_DIR/octoprint-$OCTOPRINT_VERSION"
OCTOPRINT_BIN="$OCTOPRINT_VENV/bin/octoprint"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
