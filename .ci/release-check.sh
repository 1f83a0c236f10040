#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `make release-check`: the next release rehearsed for this machine's platform, under its
# own version: the newest section of CHANGELOG.md (0.1.0), or RELEASE_VERSION when set.
# `goreleaser check`, then a snapshot release of that version into dist/ (zip, SHA256SUMS
# covering the registry manifest, a signature by a throwaway GPG key), then checks that what
# it made is what the Terraform Registry takes: the zip's name and contents (the binary and
# LICENSE), the binary's name and embedded version, the checksums and the signature.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

export RELEASE_VERSION
RELEASE_VERSION=${RELEASE_VERSION:-$(bash .ci/changelog.sh version)}
bash .ci/changelog.sh notes "$RELEASE_VERSION" >/dev/null

goreleaser=$(bash .ci/install-goreleaser.sh)
"$goreleaser" check

tmp=$(mktemp -d)
export GNUPGHOME="$tmp/gnupg"
trap 'gpgconf --kill all 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'octoprint release check' ed25519 sign never
export GPG_FINGERPRINT
GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')

# `goreleaser release` has no --single-target: the same configuration with each build's
# `targets` set to this platform, which replaces its goos x goarch matrix and its ignores.
# Plain text, no YAML parser: every build is a block mapping starting "  - KEY:" under
# "builds:"; the checks below catch a configuration this no longer fits.
os=$(go env GOOS) arch=$(go env GOARCH)
awk -v target="${os}_$arch" '
  /^[^[:space:]#]/ { in_builds = /^builds:/ }
  in_builds && /^  - [a-z_]+:/ { sub(/^  - /, "  - targets: [" target "]\n    "); n++ }
  { print }
  END { exit n == 0 }
' .goreleaser.yml >"$tmp/goreleaser.yml" || die "found no build in .goreleaser.yml to narrow to ${os}_$arch"
"$goreleaser" check --config "$tmp/goreleaser.yml" >/dev/null 2>&1 ||
  die "the configuration narrowed to ${os}_$arch is not valid: $goreleaser check --config $tmp/goreleaser.yml"
"$goreleaser" release --snapshot --clean --config "$tmp/goreleaser.yml"

log "checking the release files"
version=$(python3 -c 'import json; print(json.load(open("dist/metadata.json"))["version"])')
[[ $version == "$RELEASE_VERSION" ]] || die "goreleaser made version $version, not $RELEASE_VERSION"
name="terraform-provider-octoprint_$version"
zip="${name}_${os}_$arch.zip" sums="${name}_SHA256SUMS" manifest="${name}_manifest.json"
bin="terraform-provider-octoprint_v$version$(go env GOEXE)"

# The files of a release, as they would be published, in one place.
rel="$tmp/release"
mkdir "$rel"
cp "dist/$zip" "dist/$sums" "dist/$sums.sig" "$rel/" || die "a release file is missing in dist/"
zips=$(cd dist && ls -- *.zip)
[[ $zips == "$zip" ]] || die "the snapshot should hold $zip alone, not: ${zips//$'\n'/ }"
cp terraform-registry-manifest.json "$rel/$manifest"
size=$(du -h "dist/$zip" | cut -f1)
# A binary built like the release's but with another version, to tell the version's string
# from the same digits elsewhere in the binary.
reference=$tmp/reference$(go env GOEXE)
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=none" -o "$reference" .
cp LICENSE "$tmp/LICENSE"
cd "$rel"

contents=$(unzip -Z1 "$zip" | sort | xargs)
[[ $contents == "$(printf '%s\n' LICENSE "$bin" | sort | xargs)" ]] ||
  die "$zip should hold $bin and LICENSE, not: $contents"
unzip -p "$zip" LICENSE | cmp -s - "$tmp/LICENSE" || die "the LICENSE in $zip is not the repository's"
for file in "$zip" "$manifest"; do
  awk -v f="$file" '$2 == f { found = 1 } END { exit !found }' "$sums" || die "$sums does not list $file"
done
sha256sum --strict -c "$sums" || die "$sums does not match the files"
gpg --batch --status-fd 1 --verify "$sums.sig" "$sums" 2>/dev/null | grep -q "^\[GNUPG:\] VALIDSIG $GPG_FINGERPRINT " ||
  die "$sums.sig is not a good signature of $sums"

unzip -q "$zip" "$bin"
# -X main.version=... is not recorded in the build info (-trimpath leaves -ldflags out); the
# string is in the binary once more than in the reference only when main.version took it.
count() { grep -aoF -- "$version" "$1" | wc -l; }
(($(count "$bin") > $(count "$reference"))) || die "$bin does not embed its version $version"
info=$(go version -m "$bin")
for setting in -trimpath=true CGO_ENABLED=0 "GOOS=$os" "GOARCH=$arch"; do
  grep -qxF "$(printf '\tbuild\t%s' "$setting")" <<<"$info" || die "$bin was not built with $setting"
done

log "release check passed: $zip ($size) holds $bin (version $version) and LICENSE; SHA256SUMS signed by a throwaway key"
