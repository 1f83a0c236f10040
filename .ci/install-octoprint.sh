#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Installs OctoPrint $OCTOPRINT_VERSION (default in lib.sh) from the Python package index
# into a virtualenv of its own in the per-user tools cache, with the pins that version
# needs. Prints the octoprint executable's path. Does nothing when it is there.
#   OCTOPRINT_VERSION=1.9.3 bash .ci/install-octoprint.sh
#   bash .ci/install-octoprint.sh all     every version the tests run (OCTOPRINT_VERSIONS),
#                                         side by side (mostly downloads)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ ${1:-} == all ]]; then
  pids=()
  for version in "${OCTOPRINT_VERSIONS[@]}"; do
    OCTOPRINT_VERSION=$version bash "$0" &
    pids+=($!)
  done
  failed=0
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  exit "$failed"
fi

# What each release line needs: the Python versions its package accepts (Requires-Python,
# lowest included, highest excluded), and packages pinned beside it in the same virtualenv.
# 1.9 and 1.10 name a rate-limit strategy that `limits` 4 dropped: with a newer one the
# server exits at start.
pins=()
case "$OCTOPRINT_VERSION" in
1.9.*) python_range=(3.7 3.12) pins=("limits<4") ;;
1.10.*) python_range=(3.7 3.13) pins=("limits<4") ;;
1.11.*) python_range=(3.7 3.14) ;;
2.0.*) python_range=(3.9 3.15) ;;
*) python_range=() ;; # another version: pip checks its Requires-Python
esac

# venv_ok VENV: OctoPrint $OCTOPRINT_VERSION is installed in VENV and importable.
venv_ok() {
  [[ -x "$1/bin/octoprint" ]] && "$1/bin/python" -c '
import sys, importlib.metadata, octoprint
sys.exit(importlib.metadata.version("octoprint") != sys.argv[1])' "$OCTOPRINT_VERSION" 2>/dev/null
}

# sed_escape TEXT prints TEXT quoted for either side of a sed s||| command.
sed_escape() {
  printf '%s' "$1" | sed 's/[][\\/.*^$&|]/\\&/g'
}

if venv_ok "$OCTOPRINT_VENV"; then
  echo "$OCTOPRINT_BIN"
  exit 0
fi

python=${PYTHON:-python3}
if ((${#python_range[@]})); then
  "$python" -c '
import sys
low, high = (tuple(map(int, v.split("."))) for v in sys.argv[1:])
sys.exit(not (low <= sys.version_info[:2] < high))' "${python_range[@]}" ||
    die "OctoPrint $OCTOPRINT_VERSION needs Python >= ${python_range[0]} and < ${python_range[1]}; $python is $("$python" -c 'import platform; print(platform.python_version())'); set PYTHON to such an interpreter"
fi

log "installing OctoPrint $OCTOPRINT_VERSION${pins[*]:+ with ${pins[*]}} into $OCTOPRINT_VENV"
scratch_beside "$OCTOPRINT_VENV"
venv=$scratch/venv
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "octoprint==$OCTOPRINT_VERSION" ${pins[@]+"${pins[@]}"}
# A venv's scripts carry its absolute path in their shebang: point them at the final path
# before the rename, so that the venv works from the moment it appears there.
grep -lF "$venv" "$venv"/bin/* "$venv/pyvenv.cfg" 2>/dev/null |
  xargs -r sed -i "s|$(sed_escape "$venv")|$(sed_escape "$OCTOPRINT_VENV")|g"
place_dir "$venv" "$OCTOPRINT_VENV" venv_ok "$OCTOPRINT_VENV"
"$OCTOPRINT_BIN" --version >&2
echo "$OCTOPRINT_BIN"
