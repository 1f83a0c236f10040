#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Two clones installing the same tool at once must both succeed.
# First the helpers of .ci/lib.sh alone, in a second: two processes put the same directory
# in place at once (as the OctoPrint virtualenv is), once into an empty place and once over
# a broken copy. Then two real installs of TOOL (default tfplugindocs, the cheapest:
# seconds with a warm Go cache) side by side into an empty tools directory. Each time both
# must exit 0, the result must work, and no scratch directory may be left behind.
#   bash .ci/test-install-race.sh [tfplugindocs|octoprint|golangci-lint|goreleaser|tofu]
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

tool=${1:-tfplugindocs}
case "$tool" in
tfplugindocs | octoprint | goreleaser) version_args=(--version) ;;
golangci-lint | tofu) version_args=(version) ;;
*) die "unknown tool $tool" ;;
esac
[[ -f .ci/install-$tool.sh ]] || die "no installer .ci/install-$tool.sh"

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export OCTOPRINT_TOOLS_DIR="$work/tools"

# fake_install DEST ID: what an installer does with a directory, with a slow build.
fake_install() {
  (
    scratch_beside "$1"
    mkdir "$scratch/dir"
    echo "$2" >"$scratch/dir/id"
    sleep 0.5
    place_dir "$scratch/dir" "$1" test -s "$1/id"
  )
}
for before in nothing broken; do
  dest="$work/helpers-$before/tool"
  mkdir -p "$(dirname "$dest")"
  if [[ $before == broken ]]; then
    mkdir "$dest" && touch "$dest/half-written"
  fi
  fake_install "$dest" 1 & one=$!
  fake_install "$dest" 2 & two=$!
  wait "$one" || die "place_dir over $before: the first process failed"
  wait "$two" || die "place_dir over $before: the second process failed"
  [[ $(cat "$dest/id" 2>/dev/null) == [12] && ! -e "$dest/half-written" ]] ||
    die "place_dir over $before: $dest is not one process's copy: $(ls -A "$dest")"
  left=$(find "$(dirname "$dest")" -mindepth 1 -maxdepth 1 -name '.tmp-*')
  [[ -z $left ]] || die "place_dir over $before: scratch left behind: $left"
done
log "place_dir: two processes at once both succeeded, over nothing and over a broken copy"

start=$(date +%s)
pids=()
for i in 1 2; do
  bash ".ci/install-$tool.sh" >"$work/out.$i" 2>"$work/err.$i" &
  pids+=($!)
done
failed=0
for i in 1 2; do
  if ! wait "${pids[i - 1]}"; then
    echo "install $i of $tool failed:" >&2
    sed 's/^/    /' "$work/err.$i" >&2
    failed=1
  fi
done
((failed == 0)) || die "two installs of $tool at once did not both succeed"

bin=$(cat "$work/out.1")
[[ -n $bin && $bin == "$(cat "$work/out.2")" ]] ||
  die "the installs printed different paths: '$bin' and '$(cat "$work/out.2")'"
"$bin" "${version_args[@]}" >"$work/version" 2>&1 || { cat "$work/version" >&2; die "$bin does not run"; }
left=$(find "$OCTOPRINT_TOOLS_DIR" -maxdepth 2 -name '.tmp-*')
[[ -z $left ]] || die "scratch left behind: $left"
log "two installs of $tool at once: both succeeded in $(($(date +%s) - start))s; $(head -1 "$work/version")"
