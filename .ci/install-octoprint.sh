#!/usr/bin/env bash
# Installs OctoPrint from the Python package index into a virtualenv in the per-user
# tools cache. Prints the octoprint executable's path. Does nothing when it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [[ -x "$OCTOPRINT_BIN" ]] && "$OCTOPRINT_VENV/bin/python" -c 'import octoprint' 2>/dev/null; then
  echo "$OCTOPRINT_BIN"
  exit 0
fi

python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(not ((3, 7) <= sys.version_info[:2] < (3, 14)))' ||
  die "OctoPrint $OCTOPRINT_VERSION needs Python >= 3.7 and < 3.14; set PYTHON to such an interpreter"

log "installing OctoPrint $OCTOPRINT_VERSION into $OCTOPRINT_VENV"
rm -rf "$OCTOPRINT_VENV.tmp"
"$python" -m venv "$OCTOPRINT_VENV.tmp"
"$OCTOPRINT_VENV.tmp/bin/pip" install --quiet --disable-pip-version-check "octoprint==$OCTOPRINT_VERSION"
rm -rf "$OCTOPRINT_VENV"
mv "$OCTOPRINT_VENV.tmp" "$OCTOPRINT_VENV"
# A venv's scripts carry its absolute path in their shebang: rewrite it after the move.
grep -l "$OCTOPRINT_VENV.tmp" "$OCTOPRINT_VENV"/bin/* 2>/dev/null | xargs -r sed -i "s|$OCTOPRINT_VENV.tmp|$OCTOPRINT_VENV|g"
"$OCTOPRINT_BIN" --version >&2
echo "$OCTOPRINT_BIN"
