#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `make release`: publishes the version tagged at HEAD (vX.Y.Z, pushed) as a GitHub release,
# which the registry's GitHub app then picks up. goreleaser builds every platform, signs
# SHA256SUMS with the key GPG_FINGERPRINT names (the one registered with the registry, in
# this user's GnuPG keyring), and creates the release with GITHUB_TOKEN; its notes are the
# version's section of CHANGELOG.md, which must carry the release date instead of Unreleased.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

[[ -n ${GPG_FINGERPRINT:-} ]] || die "set GPG_FINGERPRINT to the fingerprint of the key registered with the registry"
[[ -n ${GITHUB_TOKEN:-} ]] || die "set GITHUB_TOKEN to a token that may create releases in the repository"
tag=$(git describe --exact-match --tags --match 'v[0-9]*.[0-9]*.[0-9]*' HEAD 2>/dev/null) ||
  die "HEAD carries no version tag: tag it (git tag v$(bash .ci/changelog.sh version)) and push the tag"
version=${tag#v}
[[ -z $(git status --porcelain) ]] || die "the working tree has changes: release a clean checkout of $tag"
date=$(bash .ci/changelog.sh date "$version")
[[ $date != Unreleased ]] ||
  die "CHANGELOG.md still says '## $version (Unreleased)': put the release date there, commit, and tag that commit"
git ls-remote --exit-code --tags origin "refs/tags/$tag" >/dev/null || die "push the tag first: git push origin $tag"

mkdir -p build
export RELEASE_NOTES="build/release-notes-$version.md"
bash .ci/changelog.sh notes "$version" >"$RELEASE_NOTES"
goreleaser=$(bash .ci/install-goreleaser.sh)
log "releasing $tag ($date)"
"$goreleaser" release --clean --release-notes "$RELEASE_NOTES"
