// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// The provider under load, with OpenTofu as a reader runs it: many users applied at once,
// through two provider blocks (two processes) for one server, and across a restart of
// OctoPrint. RELIABILITY.md reports their figures; make stress repeats the first.

// OctoPrint >= 1.10 loses users when writes overlap (a deleted user comes back, a new one
// goes missing). OpenTofu applies many resources at once: with the provider's serialized
// and checked writes, 100 users applied with -parallelism=20 must all be on the server,
// exactly as declared, settings included, after OctoPrint restarts; and all gone after
// the destroy.
func TestAccUser_parallelApply(t *testing.T) {
	skipUnlessAcceptance(t)
	const count = 100
	srv, r, prefix := manyUsersOnOwnServer(t, "tf-acc-par", count, `
  active      = count.index % 5 != 0
  groups      = count.index % 2 == 0 ? ["users"] : ["readonly", octoprint_group.many[count.index % 5].key]
  permissions = count.index % 3 == 0 ? ["WEBCAM"] : []
`)
	// Five groups that the odd users join, an API key for every fourth user, and an
	// application key for every fourth user of the others.
	writeFile(t, r.dir+"/access.tf", fmt.Sprintf(`
resource "octoprint_group" "many" {
  count       = 5
  key         = "%[1]s-g${count.index}"
  name        = "Group ${count.index}"
  permissions = count.index %% 2 == 0 ? ["PRINT"] : ["WEBCAM", "STATUS"]
}

resource "octoprint_user_api_key" "many" {
  count = %[2]d
  user  = octoprint_user.many[count.index * 4].name
}

resource "octoprint_application_key" "many" {
  count = %[2]d
  user  = octoprint_user.many[count.index * 4 + 1].name
  app   = "FDM Monster"
}
`, prefix, count/4))
	// Each user also gets settings: twice the writes, all serialized with the users' own.
	writeFile(t, r.dir+"/settings.tf", fmt.Sprintf(`
resource "octoprint_user_settings" "many" {
  count    = %d
  user     = octoprint_user.many[count.index].name
  settings = jsonencode({ interface = { language = "de" }, slot = count.index })
}
`, count))
	want := func(i int) octoprint.User {
		u := octoprint.User{Name: fmt.Sprintf("%s-%d", prefix, i), Active: i%5 != 0, Groups: []string{"readonly"}, Permissions: []string{},
			Settings: fmt.Appendf(nil, `{"interface":{"language":"de"},"slot":%d}`, i)}
		if i%2 == 0 {
			u.Groups = []string{"users"}
		} else {
			u.Groups = append(u.Groups, fmt.Sprintf("%s-g%d", prefix, i%5))
		}
		if i%3 == 0 {
			u.Permissions = []string{"WEBCAM"}
		}
		return u
	}

	r.apply(nil, "-parallelism=20")
	srv.Kill()
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := serverUsers(t, srv, prefix)
	lost, stale := 0, 0
	for i := range count {
		w := want(i)
		got, ok := found[w.Name]
		switch {
		case !ok:
			lost++
			t.Errorf("user %q is lost", w.Name)
		case got.Active != w.Active || !sameSet(got.Groups, w.Groups) || !sameSet(got.Permissions, w.Permissions) ||
			!sameJSON(got.Settings, w.Settings):
			stale++
			t.Errorf("user %q is active=%v groups=%v permissions=%v settings=%s, want %v %v %v %s",
				w.Name, got.Active, got.Groups, got.Permissions, got.Settings, w.Active, w.Groups, w.Permissions, w.Settings)
		}
	}
	extra := len(found) - (count - lost)
	keysLost := keysNotHeld(t, r, found, count/4)
	appKeysLost := appKeysNotHeld(t, srv, r, count/4)
	groupsLost := 5 - len(serverGroups(t, srv, prefix))

	r.destroy(nil, "-parallelism=20")
	left := len(serverUsers(t, srv, prefix)) + len(serverGroups(t, srv, prefix)) + len(serverAppKeys(t, srv, prefix))
	if left != 0 || extra != 0 || keysLost != 0 || appKeysLost != 0 || groupsLost != 0 {
		t.Errorf("%d unexpected users after the apply, %d keys, %d application keys and %d groups lost, %d users, groups and "+
			"application keys left after the destroy", extra, keysLost, appKeysLost, groupsLost, left)
	}
	// Read by .ci/stress.sh.
	t.Logf("stress: applied=%d lost=%d stale=%d extra=%d left_after_destroy=%d keys_lost=%d app_keys_lost=%d groups_lost=%d",
		count, lost, stale, extra, left, keysLost, appKeysLost, groupsLost)
}

// appKeysNotHeld counts the application keys in state that do not act as their user on
// the server, and those missing from state.
func appKeysNotHeld(t *testing.T, srv *testserver.Server, r *tofuRunner, want int) int {
	t.Helper()
	keys := r.stateAttributes()["octoprint_application_key"]
	lost := want - len(keys)
	for _, k := range keys {
		user, _ := k["user"].(string)
		key, _ := k["api_key"].(string)
		if me, err := keyOwnerAt(srv.URL, key); err != nil || me.Name != user {
			lost++
			t.Errorf("the application key of user %q in state does not act as the user (%v)", user, err)
		}
	}
	return lost
}

// serverAppKeys returns the application keys of users with the prefix that the server lists.
func serverAppKeys(t *testing.T, srv *testserver.Server, prefix string) []octoprint.AppKey {
	t.Helper()
	client, err := serverClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := client.ListAppKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(keys, func(k octoprint.AppKey) bool { return !strings.HasPrefix(k.User, prefix+"-") })
}

// serverGroups returns the keys of the groups with the prefix that the server lists.
func serverGroups(t *testing.T, srv *testserver.Server, prefix string) []string {
	t.Helper()
	client, err := serverClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := client.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range groups {
		if strings.HasPrefix(g.Key, prefix+"-") {
			keys = append(keys, g.Key)
		}
	}
	return keys
}

// OpenTofu runs each provider block in a process of its own: two blocks for one server
// write at the same time unless the lock spans processes, and spans the spellings of the
// server's URL. 2 x 30 users through two provider blocks, applied and destroyed with
// -parallelism=20, must all arrive and all go. (With the lock keyed by the URL's
// spelling, the second case fails.)
func TestAccUser_twoProviderBlocksOneServer(t *testing.T) {
	skipUnlessAcceptance(t)
	u, err := url.Parse(testURL())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, urlA, urlB string }{
		{"one spelling", testURL(), testURL()},
		{"two spellings", "http://localhost:" + u.Port(), "HTTP://LOCALHOST:" + u.Port() + "/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const perBlock = 30
			prefix := acctest.RandomWithPrefix("tf-acc-blocks")
			r := newTofuRunner(t)
			writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

provider "octoprint" {
  alias = "a"
  url   = %[3]q
}

provider "octoprint" {
  alias = "b"
  url   = %[4]q
}

resource "octoprint_user" "a" {
  provider    = octoprint.a
  count       = %[1]d
  name        = "%[2]s-a${count.index}"
  password_wo = "secret"
}

resource "octoprint_user" "b" {
  provider    = octoprint.b
  count       = %[1]d
  name        = "%[2]s-b${count.index}"
  password_wo = "secret"
}
`, perBlock, prefix, tc.urlA, tc.urlB))
			srv := &testserver.Server{URL: os.Getenv(EnvURL), APIKey: os.Getenv(EnvAPIKey)}
			r.apply(nil, "-parallelism=20")
			if n := len(serverUsers(t, srv, prefix)); n != 2*perBlock {
				t.Errorf("the server holds %d of the %d users", n, 2*perBlock)
			}
			r.destroy(nil, "-parallelism=20")
			if n := len(serverUsers(t, srv, prefix)); n != 0 {
				t.Errorf("%d users left after the destroy", n)
			}
		})
	}
}

// OctoPrint killed in the middle of an apply and started again 6 seconds later: the
// provider's retries carry the apply through, and the server ends up with exactly the
// declared users, none lost and none twice.
func TestAccUser_serverRestartDuringApply(t *testing.T) {
	skipUnlessAcceptance(t)
	const count = 60
	srv, r, prefix := manyUsersOnOwnServer(t, "tf-acc-restart", count, `  groups      = ["users"]
`)
	// Settings for every user, and an API key and an application key for every third:
	// writes of every kind are under way when the server goes down.
	writeFile(t, r.dir+"/more.tf", fmt.Sprintf(`
resource "octoprint_user_settings" "many" {
  count    = %[1]d
  user     = octoprint_user.many[count.index].name
  settings = jsonencode({ interface = { language = "fr" } })
}

resource "octoprint_user_api_key" "many" {
  count = %[1]d / 3
  user  = octoprint_user.many[count.index * 3].name
}

resource "octoprint_application_key" "many" {
  count = %[1]d / 3
  user  = octoprint_user.many[count.index * 3 + 1].name
  app   = "OctoFarm"
}
`, count))

	applied := make(chan int, 1)
	go func() { applied <- r.tofu(nil, "apply", "-auto-approve", "-input=false", "-no-color") }()

	// Kill the server once the apply is well under way.
	deadline := time.Now().Add(2 * time.Minute)
	for usersOn(srv, prefix) < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the apply did not get under way")
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.Kill()
	killedWith := usersOnDisk(t, srv, prefix)
	time.Sleep(6 * time.Second)
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}

	if code := <-applied; code != 0 {
		t.Fatalf("the apply failed with exit code %d across the restart", code)
	}
	found := serverUsers(t, srv, prefix)
	if len(found) != count {
		t.Errorf("the server holds %d of the %d users after the apply", len(found), count)
	}
	if lost := keysNotHeld(t, r, found, count/3); lost != 0 {
		t.Errorf("%d API keys lost", lost)
	}
	if lost := appKeysNotHeld(t, srv, r, count/3); lost != 0 {
		t.Errorf("%d application keys lost", lost)
	}
	t.Logf("killed with %d of %d users stored; after the restart the apply completed them", killedWith, count)
	if code := r.plan(nil); code != 0 {
		t.Errorf("the plan after the apply is not empty (exit code %d)", code)
	}
	r.destroy(nil)
	if n := usersOn(srv, prefix); n != 0 {
		t.Errorf("%d users are left after destroy", n)
	}
	if keys := serverAppKeys(t, srv, prefix); len(keys) != 0 {
		t.Errorf("%d application keys are left after destroy", len(keys))
	}
}

// A restart of OctoPrint ends every session: a client that logs in with a password logs
// in again at its next request, reads and writes alike, and carries on.
func TestAccProvider_loginAgainAfterRestart(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	srv := startServers(t, 1)[0]
	var logins atomic.Int32
	logger := func(_ context.Context, _ string, fields ...map[string]any) {
		if url, _ := fields[0]["url"].(string); fields[0]["method"] == http.MethodPost && strings.HasSuffix(url, "/api/login") {
			logins.Add(1)
		}
	}
	client, err := octoprint.New(octoprint.Config{URL: srv.URL, Username: srv.AdminName, Password: srv.AdminPassword,
		Retries: octoprint.DefaultRetries, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if me, err := client.CurrentUser(ctx); err != nil || me.Name != srv.AdminName {
		t.Errorf("after the restart the client reads as %+v (%v), want %s", me, err, srv.AdminName)
	}
	if _, err := client.AddUser(ctx, octoprint.NewUser{Name: "after-restart", Password: "x", Active: true}); err != nil {
		t.Errorf("a write after the restart: %v", err)
	}
	if n := logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2: one before the restart, one after it", n)
	}
}

// usersOn counts the users with the prefix that the server lists, -1 while it cannot.
func usersOn(srv *testserver.Server, prefix string) int {
	users, err := listServerUsers(srv, prefix)
	if err != nil {
		return -1
	}
	return len(users)
}

// usersOnDisk counts the users with the prefix in the server's users.yaml.
func usersOnDisk(t *testing.T, srv *testserver.Server, prefix string) int {
	t.Helper()
	data := readFile(t, srv.Dir+"/users.yaml")
	return strings.Count(string(data), "\n"+prefix+"-")
}

// manyUsersOnOwnServer starts an OctoPrint of its own (the test restarts it, which the
// other tests must not see) and a tofuRunner pointed at it, with a configuration of
// count users named prefix-N with the given attributes. It returns the name prefix.
func manyUsersOnOwnServer(t *testing.T, prefix string, count int, attributes string) (*testserver.Server, *tofuRunner, string) {
	t.Helper()
	srv, err := testserver.Start(context.Background(), testserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	prefix = acctest.RandomWithPrefix(prefix)
	r := newTofuRunner(t)
	r.env = append(r.env, EnvURL+"="+srv.URL, EnvAPIKey+"="+srv.APIKey)
	writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

resource "octoprint_user" "many" {
  count       = %d
  name        = "%s-${count.index}"
  password_wo = "secret"
%s}
`, count, prefix, attributes))
	return srv, r, prefix
}

// keysNotHeld counts the API keys in state that their user does not hold on the server,
// and those missing from state.
func keysNotHeld(t *testing.T, r *tofuRunner, users map[string]octoprint.User, want int) int {
	t.Helper()
	keys := r.stateAttributes()["octoprint_user_api_key"]
	lost := want - len(keys)
	for _, k := range keys {
		name, _ := k["user"].(string)
		if held := users[name].APIKey; held == "" || held != k["api_key"] {
			lost++
			t.Errorf("user %q does not hold the key in state", name)
		}
	}
	return lost
}
