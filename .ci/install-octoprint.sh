#!/usr/bin/env bash
# Installs OctoPrint from the Python package index into a virtualenv in the per-user
# tools cache. Prints the octoprint executable's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# venv_ok VENV: OctoPrint is installed in VENV and importable.
venv_ok() {
  [[ -x "$1/bin/octoprint" ]] && "$1/bin/python" -c 'import octoprint' 2>/dev/null
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
"$python" -c 'import sys; sys.exit(not ((3, 7) <= sys.version_info[:2] < (3, 14)))' ||
  die "OctoPrint $OCTOPRINT_VERSION needs Python >= 3.7 and < 3.14; set PYTHON to such an interpreter"

log "installing OctoPrint $OCTOPRINT_VERSION into $OCTOPRINT_VENV"
scratch_beside "$OCTOPRINT_VENV"
venv=$scratch/venv
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "octoprint==$OCTOPRINT_VERSION"
# A venv's scripts carry its absolute path in their shebang: point them at the final path
# before the rename, so that the venv works from the moment it appears there.
grep -lF "$venv" "$venv"/bin/* "$venv/pyvenv.cfg" 2>/dev/null |
  xargs -r sed -i "s|$(sed_escape "$venv")|$(sed_escape "$OCTOPRINT_VENV")|g"
place_dir "$venv" "$OCTOPRINT_VENV" venv_ok "$OCTOPRINT_VENV"
"$OCTOPRINT_BIN" --version >&2
echo "$OCTOPRINT_BIN"
