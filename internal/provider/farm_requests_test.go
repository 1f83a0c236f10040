package provider

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
)

// A plan of a farm refreshes every user, group, setting and key from a few shared list
// requests, not one request per resource: a no-op plan of 40 users with their settings,
// 10 API keys and 2 groups makes no more than 3 requests. Not parallel: it writes through
// a proxy, another URL for the test server (the write lock is per URL).
func TestAccFarm_noOpPlanRequests(t *testing.T) {
	skipUnlessAcceptance(t)
	const users = 40
	prefix := acctest.RandomWithPrefix("tf-acc-farm")
	proxy := newCountingProxy(t)
	r := newTofuRunner(t)
	r.env = append(r.env, EnvURL+"="+proxy.url)
	writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

resource "octoprint_group" "crew" {
  count       = 2
  key         = "%[1]s-crew${count.index}"
  name        = "Crew ${count.index}"
  permissions = ["PRINT"]
}

resource "octoprint_user" "farm" {
  count       = %[2]d
  name        = "%[1]s-${count.index}"
  password_wo = "secret"
  groups      = [octoprint_group.crew[count.index %% 2].key]
}

resource "octoprint_user_settings" "farm" {
  count    = %[2]d
  user     = octoprint_user.farm[count.index].name
  settings = jsonencode({ interface = { language = "de" } })
}

resource "octoprint_user_api_key" "farm" {
  count = %[2]d / 4
  user  = octoprint_user.farm[count.index * 4].name
}
`, prefix, users))
	t.Cleanup(func() { r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color") })

	r.apply(nil) // applies, then demands that a plan is empty
	proxy.reset()
	if code := r.tofu(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("the plan is not empty (exit code %d)", code)
	}
	requests := proxy.requests()
	t.Logf("a no-op plan of %d users, %d settings, %d API keys and 2 groups made %d requests: %v", users, users, users/4, len(requests), requests)
	if len(requests) > 3 {
		t.Errorf("a no-op plan made %d requests, want at most 3: %v", len(requests), requests)
	}
	if code := r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed with exit code %d", code)
	}
	if err := checkGroupsGone(t, prefix+"-crew0", prefix+"-crew1")(nil); err != nil {
		t.Error(err)
	}
}

// countingProxy forwards to the test server and records the requests it forwards.
type countingProxy struct {
	url  string
	mu   sync.Mutex
	seen []string
}

func newCountingProxy(t *testing.T) *countingProxy {
	t.Helper()
	p := &countingProxy{}
	p.url = proxyToTestServer(t, func(_ http.ResponseWriter, r *http.Request) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.seen = append(p.seen, r.Method+" "+r.URL.Path)
		return false
	})
	return p
}

func (p *countingProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = nil
}

func (p *countingProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}
