// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// An ephemeral key serves a second provider block during the run, acting as its user,
// and is revoked when the run ends; it reaches neither state, nor the log, nor the
// output. A key the user holds already for the application is refused, not revoked.
func TestAccApplicationKeyEphemeral(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	name := acctest.RandomWithPrefix("tf-acc-ephemeral")
	const app = "terraform-run"
	// The second provider block goes through a proxy, which records the keys it sends.
	// It only reads, so its requests may overlap with the other tests' writes.
	var mu sync.Mutex
	var sent []string
	proxy := proxyToTestServer(t, testserver.ProxyOptions{Answer: func(_ http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		defer mu.Unlock()
		if key := r.Header.Get("X-Api-Key"); !slices.Contains(sent, key) {
			sent = append(sent, key)
		}
		return false
	}})
	r := newTofuRunner(t)
	config := func(userAttr string) string {
		return providersTF + apiKeyUserConfig(name) + fmt.Sprintf(`
ephemeral "octoprint_application_key" "run" {
  user = octoprint_user.bot.%s
  app  = %q
}

provider "octoprint" {
  alias   = "bot"
  url     = %q
  api_key = ephemeral.octoprint_application_key.run.api_key
}

# Only the bot's own key may read the bot: another key is refused.
data "octoprint_user" "me" {
  provider = octoprint.bot
  name     = octoprint_user.bot.name
}

output "me" {
  value = data.octoprint_user.me.name
}
`, userAttr, app, proxy.URL)
	}
	r.destroyWhenDone(nil)

	// The user's name is known at plan time. OpenTofu waits for the user all the same;
	// Terraform opens the key at once, and is told to refer to the user's id.
	writeFile(t, r.dir+"/main.tf", config("name"))
	code := r.plan(nil)
	if os.Getenv("TEST_CLI") == "terraform" {
		if code != 1 || !strings.Contains(r.output, "OctoPrint user not created yet") {
			t.Errorf("terraform plan exited %d, want the advice to refer to the user's id:\n%s", code, r.output)
		}
	} else if code != 2 {
		t.Errorf("tofu plan exited %d, want 2 (changes, the key opened after the user)", code)
	}

	writeFile(t, r.dir+"/main.tf", config("id"))

	logFile := filepath.Join(t.TempDir(), "tofu.log")
	r.env = append(r.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	r.apply(nil) // the apply, then a plan, which must be empty: each opens a key and closes it
	r.env = r.env[:len(r.env)-2]
	printed := r.output
	if me := r.outputRaw("me"); me != name {
		t.Errorf("the bot's provider block read user %q, want %q", me, name)
	}

	mu.Lock()
	keys := slices.Clone(sent)
	mu.Unlock()
	t.Logf("the second provider block sent %d ephemeral keys", len(keys))
	if len(keys) < 2 || slices.Contains(keys, "") || slices.Contains(keys, os.Getenv(EnvAPIKey)) {
		t.Fatalf("the second provider block sent %d keys (the apply's and the plan's, each its own), want 2 or more ephemeral ones", len(keys))
	}
	if err := checkAppKeyGone(t, name, app); err != nil {
		t.Error(err)
	}
	for _, key := range keys {
		runChecks(t, checkKeyOwner(key, "", false))
	}
	checkLogHasNoSecrets(t, logFile, "X-Api-Key:***", keys...)
	state := string(readFile(t, filepath.Join(r.dir, "terraform.tfstate")))
	for where, text := range map[string]string{"the output": printed, "the state": state} {
		for _, key := range keys {
			if strings.Contains(text, key) {
				t.Errorf("%s holds an ephemeral key", where)
			}
		}
	}
	if strings.Contains(state, "octoprint_application_key") {
		t.Error("the state holds the ephemeral resource")
	}

	// A key made outside Terraform for the same application is refused, and kept.
	var outside string
	outsideAppKey(t, name, app, &outside)
	if code := r.plan(nil); code != 1 || !strings.Contains(r.output, "OctoPrint application key already exists") {
		t.Errorf("the plan exited %d, want 1 and a refusal of the existing key:\n%s", code, r.output)
	}
	runChecks(t, checkKeyOwner(outside, name, true))
	revokeOutside(t, name, app)

	r.destroy(nil)
	if err := checkUserGone(t, name); err != nil {
		t.Error(err)
	}
}
