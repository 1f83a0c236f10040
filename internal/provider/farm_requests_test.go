// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// A plan of a farm refreshes every user, group, setting and key from a few shared list
// requests, not one request per resource: a no-op plan of 40 users with their settings,
// 10 API keys and 2 groups makes no more than 3 requests. Not parallel: it writes through
// a proxy, another URL for the test server (the write lock is per URL).
func TestAccFarm_noOpPlanRequests(t *testing.T) {
	skipUnlessAcceptance(t)
	const users = 40
	prefix := acctest.RandomWithPrefix("tf-acc-farm")
	proxy := proxyToTestServer(t, testserver.ProxyOptions{})
	r := newTofuRunner(t)
	r.env = append(r.env, EnvURL+"="+proxy.URL)
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
	r.destroyWhenDone(nil)

	r.apply(nil) // applies, then demands that a plan is empty
	proxy.Reset()
	if code := r.plan(nil); code != 0 {
		t.Fatalf("the plan is not empty (exit code %d)", code)
	}
	requests := proxy.Requests()
	t.Logf("a no-op plan of %d users, %d settings, %d API keys and 2 groups made %d requests: %v", users, users, users/4, len(requests), requests)
	if len(requests) > 3 {
		t.Errorf("a no-op plan made %d requests, want at most 3: %v", len(requests), requests)
	}
	r.destroy(nil)
	if err := checkGroupsGone(t, prefix+"-crew0", prefix+"-crew1")(nil); err != nil {
		t.Error(err)
	}
}

// A no-op plan of 50 application keys adds one request to the plan of their 10 users:
// the list of every key, which all of them share. Parallel: the applies go to the
// server's own URL, and only the plans, which write nothing, through the counting proxy.
func TestAccFarm_noOpPlanApplicationKeys(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	const users, keys = 10, 50
	prefix := acctest.RandomWithPrefix("tf-acc-farmkeys")
	proxy := proxyToTestServer(t, testserver.ProxyOptions{})
	r := newTofuRunner(t)
	writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

resource "octoprint_user" "farm" {
  count       = %d
  name        = "%s-${count.index}"
  password_wo = "secret"
}
`, users, prefix))
	r.destroyWhenDone(nil)
	planRequests := func() []string {
		t.Helper()
		proxy.Reset()
		r.env = append(r.env, EnvURL+"="+proxy.URL)
		defer func() { r.env = r.env[:len(r.env)-1] }()
		if code := r.plan(nil); code != 0 {
			t.Fatalf("the plan is not empty (exit code %d)", code)
		}
		return proxy.Requests()
	}

	r.apply(nil)
	without := planRequests()
	writeFile(t, r.dir+"/keys.tf", fmt.Sprintf(`
resource "octoprint_application_key" "farm" {
  count = %d
  user  = octoprint_user.farm[count.index %% %d].name
  app   = "App ${floor(count.index / %d)}"
}
`, keys, users, users))
	r.apply(nil)
	with := planRequests()
	t.Logf("a no-op plan of %d users made %d requests %v; with %d application keys, %d requests %v", users, len(without), without, keys, len(with), with)
	if len(with)-len(without) > 1 {
		t.Errorf("%d application keys added %d requests to a no-op plan, want at most 1", keys, len(with)-len(without))
	}
	r.destroy(nil)
	for i := range users {
		if err := checkNoAppKeysOf(t, fmt.Sprintf("%s-%d", prefix, i)); err != nil {
			t.Error(err)
		}
	}
}
