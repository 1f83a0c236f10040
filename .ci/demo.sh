#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# `make demo`: a local OctoPrint out of the box (first run, no users, no API key), the
# provider built from this tree, and the new-printer example applied to it with OpenTofu:
# it claims the server (its first admin, the setup wizard finished) and sets up its users,
# logging in as that admin. The server keeps running; `make demo-down` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

demo=$PWD/.demo
server_dir=$demo/octoprint
env_file=$demo/server.env

stop_server() {
  [[ -f $env_file ]] || return 0
  # shellcheck disable=SC1090
  . "$env_file"
  if kill -0 "$OCTOPRINT_PID" 2>/dev/null; then
    log "stopping OctoPrint (PID $OCTOPRINT_PID)"
    kill -TERM -- "-$OCTOPRINT_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$OCTOPRINT_PID" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$server_dir" "$env_file" "$demo/work"
}

if [[ ${1:-} == down ]]; then
  stop_server
  exit 0
fi

tofu=$(bash .ci/install-tofu.sh)
export OCTOPRINT_BIN; OCTOPRINT_BIN=$(bash .ci/install-octoprint.sh)

stop_server
mkdir -p "$demo/bin"
log "starting a local OctoPrint $OCTOPRINT_VERSION, as it comes out of the box"
go run ./internal/testserver/octoprint-server -unclaimed -dir "$server_dir" -env "$env_file" -port "${DEMO_PORT:-0}"
# shellcheck disable=SC1090
. "$env_file"
export OCTOPRINT_URL
unset OCTOPRINT_API_KEY OCTOPRINT_USERNAME OCTOPRINT_PASSWORD

log "building the provider"
go build -o "$demo/bin/terraform-provider-octoprint" .

# OpenTofu uses the provider just built instead of looking for it in a registry.
cat > "$demo/tofurc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.opentofu.org/octoprint-terraform/octoprint"   = "$demo/bin"
    "registry.terraform.io/octoprint-terraform/octoprint" = "$demo/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE=$demo/tofurc CHECKPOINT_DISABLE=1
export TF_VAR_initial_password; TF_VAR_initial_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export TF_VAR_admin_password; TF_VAR_admin_password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "OCTOPRINT_ADMIN_PASSWORD=$TF_VAR_admin_password" >>"$env_file"

rm -rf "$demo/work" && cp -r examples/new-printer "$demo/work"
log "applying examples/new-printer with OpenTofu: claiming the server, then its users"
"$tofu" -chdir="$demo/work" apply -auto-approve -input=false
log "planning again: nothing should change"
"$tofu" -chdir="$demo/work" plan -detailed-exitcode -input=false >/dev/null && echo "No changes: the server matches the configuration."

log "the users as OctoPrint reports them to its admin (a password login, as the provider's)"
OCTOPRINT_USER=farm-admin python3 -c '
import http.cookiejar, json, os, sys, urllib.request
base = os.environ["OCTOPRINT_URL"]
port = base.rsplit(":", 1)[1].strip("/")
jar = http.cookiejar.CookieJar()
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
web.open(base + "/login").read()
token = next(c.value for c in jar if c.name.startswith("csrf_token"))
login = json.dumps({"user": os.environ["OCTOPRINT_USER"], "pass": os.environ["TF_VAR_admin_password"]}).encode()
web.open(urllib.request.Request(base + "/api/login", login, {"Content-Type": "application/json", "X-CSRF-Token": token})).read()
row = "%-12s %-7s %-6s %-18s %s"
print(row % ("name", "active", "admin", "groups", "permissions"))
for u in sorted(json.load(web.open(base + "/api/access/users"))["users"], key=lambda u: u["name"]):
    admin = "admin" in u["needs"].get("role", [])
    print(row % (u["name"], str(u["active"]).lower(), str(admin).lower(),
                 ",".join(sorted(u["groups"])), ",".join(sorted(u["permissions"]))))
'
log "the slicer bot's API key, as OctoPrint sees it"
slicer_key=$("$tofu" -chdir="$demo/work" output -raw slicer_api_key)
curl -fsS -H "X-Api-Key: $slicer_key" "$OCTOPRINT_URL/api/currentuser" | python3 -c '
import json, sys
me = json.load(sys.stdin)
print("acts as %s, with %s" % (me["name"], ", ".join(sorted(me["permissions"]))))
'

cat <<MSG

OctoPrint is running at $OCTOPRINT_URL (PID $OCTOPRINT_PID), base directory $server_dir.
It was claimed by octoprint_setup: no API key was made by hand.
  web login of its admin: farm-admin / $TF_VAR_admin_password
  new users' password:    $TF_VAR_initial_password
  slicer bot's API key:   $tofu -chdir=$demo/work output -raw slicer_api_key
To use it with OpenTofu yourself:
  export OCTOPRINT_URL=$OCTOPRINT_URL TF_CLI_CONFIG_FILE=$demo/tofurc TF_VAR_admin_password=$TF_VAR_admin_password TF_VAR_initial_password=$TF_VAR_initial_password
  $tofu -chdir=$demo/work plan
Stop it with: make demo-down
MSG
