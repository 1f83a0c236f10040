#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Reads CHANGELOG.md, whose sections start "## VERSION (DATE)", newest first; DATE is
# "Unreleased" until the version is tagged.
#   bash .ci/changelog.sh version          the newest section's version (0.1.0)
#   bash .ci/changelog.sh date VERSION     that section's date, or Unreleased
#   bash .ci/changelog.sh notes VERSION    that section without its heading: the release notes
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

# heading VERSION prints the line that starts VERSION's section.
heading() {
  grep -m1 -E "^## ${1//./\\.} \(.+\)\$" CHANGELOG.md || die "CHANGELOG.md has no section '## $1 (DATE)'"
}

case ${1:-} in
version)
  line=$(grep -m1 -E '^## ' CHANGELOG.md) || die "CHANGELOG.md has no '## VERSION (DATE)' section"
  version=${line#\#\# }
  version=${version%% *}
  [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "CHANGELOG.md's newest section, '$line', does not start with a version"
  echo "$version"
  ;;
date)
  line=$(heading "${2:?usage: changelog.sh date VERSION}")
  line=${line#*(}
  echo "${line%)}"
  ;;
notes)
  line=$(heading "${2:?usage: changelog.sh notes VERSION}")
  # The lines after the heading up to the next section, without blank lines at either end.
  notes=$(awk -v start="$line" '
    $0 == start { inside = 1; next }
    inside && /^## / { exit }
    inside { print }
  ' CHANGELOG.md | sed -e '/./,$!d')
  [[ -n $notes ]] || die "CHANGELOG.md's section '$line' is empty"
  printf '%s\n' "$notes"
  ;;
*)
  die "usage: bash .ci/changelog.sh version | date VERSION | notes VERSION"
  ;;
esac
