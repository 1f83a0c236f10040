#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# The license identifier at the top of every Go and shell source file.
#   bash .ci/spdx.sh check   list the git-tracked files without it and fail when there are any
#   bash .ci/spdx.sh add     write it into those files; running it again changes nothing
# Go: "// SPDX-License-Identifier: MPL-2.0" as the first line, then a blank line, so that a
# //go:build line or a package comment below keeps its place. Shell: "# SPDX-..." right after
# the #! line, or first when there is none.
# The files are those git tracks named *.go or *.sh, and those whose first line is #!.
# examples/ is left out: its files are shown as they are in docs/ (import.sh as a resource's
# import command), where the identifier would only be noise.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

mode=${1:-}
[[ $mode == add || $mode == check ]] || die "usage: bash .ci/spdx.sh add|check"

identifier="SPDX-License-Identifier: MPL-2.0"

# shebang FILE succeeds when FILE starts with #!.
shebang() {
  [[ $(LC_ALL=C head -c 2 -- "$1" | tr -d '\0') == '#!' ]]
}

# sources prints the files to look at, one a line.
sources() {
  local file
  git ls-files -z | while IFS= read -r -d '' file; do
    if [[ $file == examples/* || ! -f $file || -L $file ]]; then
      continue
    fi
    if [[ $file == *.go || $file == *.sh ]] || shebang "$file"; then
      printf '%s\n' "$file"
    fi
  done
}

# header FILE prints the line FILE should have, and the line number it belongs on.
header() {
  case $1 in
  *.go) printf '// %s 1\n' "$identifier" ;;
  *)
    if shebang "$1"; then
      printf '# %s 2\n' "$identifier"
    else
      printf '# %s 1\n' "$identifier"
    fi
    ;;
  esac
}

# has_header FILE succeeds when the identifier is on its line (in Go, with a blank line after
# it, or it would become part of a package comment that follows).
has_header() {
  local want line
  want=$(header "$1")
  line=${want##* }
  want=${want% *}
  [[ $(sed -n "${line}p" -- "$1") == "$want" ]] || return 1
  [[ $1 != *.go || -z $(sed -n "$((line + 1))p" -- "$1") ]]
}

# add_header FILE writes the identifier onto its line. A copy of the line elsewhere in the
# first lines of the file (put there by hand, in the wrong place) is moved, not doubled.
add_header() {
  local file=$1 want line tmp
  want=$(header "$file")
  line=${want##* }
  want=${want% *}
  tmp=$(mktemp "$file.spdx-XXXXXX")
  awk -v want="$want" -v at="$line" -v go="$([[ $file == *.go ]] && echo 1 || echo 0)" '
    # Drop a misplaced copy among the leading comment lines (and, in Go, the blank after it).
    NR <= 10 && $0 == want { dropped = 1; next }
    dropped && go && $0 == "" { dropped = 0; next }
    { dropped = 0 }
    { lines[++n] = $0 }
    END {
      for (i = 1; i <= n + 1; i++) {
        if (i == at) {
          print want
          if (go && lines[i] != "") print ""
        }
        if (i <= n) print lines[i]
      }
    }
  ' "$file" >"$tmp"
  chmod --reference="$file" "$tmp"
  mv -f -- "$tmp" "$file"
}

missing=()
while IFS= read -r file; do
  has_header "$file" || missing+=("$file")
done < <(sources)

case $mode in
check)
  if ((${#missing[@]})); then
    printf '%s\n' "${missing[@]}" >&2
    die "${#missing[@]} files lack '$identifier' at the top: run 'bash .ci/spdx.sh add'"
  fi
  log "every Go and shell source file carries '$identifier'"
  ;;
add)
  for file in "${missing[@]}"; do
    add_header "$file"
    printf '%s\n' "$file"
  done
  log "added '$identifier' to ${#missing[@]} files"
  ;;
esac
