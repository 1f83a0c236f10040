// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// The examples in examples/ are applied as a reader applies them, with OpenTofu and the
// provider binary built from this tree (see tofuRunner).

func TestAccExample_printFarm(t *testing.T) {
	skipUnlessAcceptance(t)
	r := newExampleRunner(t, "print-farm")
	users := []string{"farm-admin", "alice", "bob", "carol", "dave", "lobby-screen", "slicer-bot", "farm-manager"}
	r.destroyWhenDone(map[string]string{"initial_password": "unused"})

	// The first apply logs at TRACE level, to show that no secret reaches the log.
	logFile := filepath.Join(t.TempDir(), "tofu.log")
	r.env = append(r.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	r.apply(map[string]string{"initial_password": "first-password"})
	r.env = r.env[:len(r.env)-2]
	applied := r.output
	slicerKey := r.outputRaw("slicer_api_key")
	managerKey := r.outputRaw("fdm_monster_api_key")
	checkLogHasNoSecrets(t, logFile, "X-Api-Key:***", "first-password", os.Getenv(EnvAPIKey), slicerKey, managerKey)
	if strings.Contains(applied, slicerKey) || strings.Contains(applied, managerKey) {
		t.Error("the apply output holds an API key")
	}
	// Nor the plan output of that apply, nor the state: the password is write-only.
	state := readFile(t, filepath.Join(r.dir, "terraform.tfstate"))
	for where, text := range map[string]string{"the plan output": applied, "the state": string(state)} {
		if strings.Contains(text, "first-password") || strings.Contains(text, os.Getenv(EnvAPIKey)) {
			t.Errorf("%s holds a secret", where)
		}
	}
	if !strings.Contains(string(state), `"password_wo": null`) {
		t.Error("the state does not show password_wo as null")
	}
	runChecks(t,
		checkServerUser(t, "farm-admin", true, []string{"admins", "users"}, []string{}),
		checkServerUser(t, "alice", true, []string{"operators"}, []string{}),
		checkServerUser(t, "dave", false, []string{"operators"}, []string{}),
		checkServerGroup(t, octoprint.Group{Key: "operators", Name: "Operators", Description: "Run print jobs",
			Permissions: []string{"CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "FILES_DELETE", "PRINT"}, Subgroups: []string{"readonly"}}),
		checkKeyOwner(slicerKey, "slicer-bot", true),
		checkKeyOwner(managerKey, "farm-manager", true),
		checkServerUser(t, "lobby-screen", true, []string{"readonly"}, []string{}),
		checkLogin("carol", "first-password", true),
		checkLogin("dave", "first-password", false),
	)
	for _, operator := range []string{"alice", "bob", "carol"} {
		runChecks(t, checkServerSettings(t, operator, map[string]string{
			"interface": `{"language":"en"}`,
			"plugins":   `{"dashboard":{"showWebCam":true,"temperatureSensors":["tool0","bed"]}}`,
		}))
	}

	// A new password_version sends the new initial password to every account.
	r.apply(map[string]string{"initial_password": "second-password", "password_version": "2"})
	runChecks(t, checkPassword(testURL(), "bob", "second-password", "first-password"))

	r.destroy(map[string]string{"initial_password": "unused"})
	for _, name := range users {
		if err := checkUserGone(t, name); err != nil {
			t.Error(err)
		}
	}
	runChecks(t, checkGroupsGone(t, "operators"), checkKeyOwner(slicerKey, "", false), checkKeyOwner(managerKey, "", false))
	if err := checkAppKeyGone(t, "farm-manager", "FDM Monster"); err != nil {
		t.Error(err)
	}
}

// checkLogHasNoSecrets demands that a TRACE log holds the provider's request records, with
// the header masked, and none of the secrets.
func checkLogHasNoSecrets(t *testing.T, logFile, masked string, secrets ...string) {
	t.Helper()
	data := readFile(t, logFile)
	log := string(data)
	if !strings.Contains(log, "OctoPrint API request") || !strings.Contains(log, masked) {
		t.Fatalf("the log (%d bytes) holds no masked OctoPrint request records", len(data))
	}
	for _, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("the TRACE log contains the secret %.3s...", secret)
		}
	}
}

// examples/farm-of-servers puts the same operators on every server of a farm through a
// provider configuration per server (provider for_each). Applied to two OctoPrint
// servers of the test's own, each must get the operators; a server retired as the
// example says must lose them while the other keeps them; destroy must remove the rest.
func TestAccExample_farmOfServers(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	if os.Getenv("TEST_CLI") == "terraform" {
		// Provider for_each is OpenTofu's: Terraform refuses the example, as its page
		// says, and terraform/ beside it is the farm for Terraform (farmOfServersAliases).
		r := newExampleRunner(t, "farm-of-servers")
		if code := r.tofu(nil, "validate", "-no-color"); code == 0 || !strings.Contains(r.output, `argument name "for_each" is reserved`) {
			t.Fatalf("terraform validate exited %d, want the refusal of provider for_each:\n%s", code, r.output)
		}
		return
	}
	servers := startServers(t, 2)
	r := newExampleRunner(t, "farm-of-servers")
	farm, keys := map[string]any{}, map[string]any{}
	for i, srv := range servers {
		name := fmt.Sprintf("printer%d", i+1)
		farm[name], keys[name] = map[string]string{"url": srv.URL}, srv.APIKey
	}
	vars := map[string]string{"servers": jsonValue(t, farm), "api_keys": jsonValue(t, keys), "initial_password": "first-password"}
	r.destroyWhenDone(vars)

	operators := applyFarmExample(t, r, servers, vars)

	// Retiring a server as the example says: marked retired, its users go; then removed
	// from the map, nothing is left to plan.
	farm["printer2"] = map[string]any{"url": servers[1].URL, "retired": true}
	vars["servers"] = jsonValue(t, farm)
	r.apply(vars)
	checkOperators(t, servers[0], operators, true)
	checkOperators(t, servers[1], operators, false)
	delete(farm, "printer2")
	vars["servers"] = jsonValue(t, farm)
	r.apply(vars)

	r.destroy(vars)
	checkOperators(t, servers[0], operators, false)
}

// examples/farm-of-servers/terraform does the same for Terraform, without provider
// for_each: an aliased provider block and a module block per server.
func TestAccExample_farmOfServersAliases(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	servers := startServers(t, 2)
	r := newExampleRunner(t, "farm-of-servers")
	r.dir = filepath.Join(r.dir, "terraform")
	urls, keys := map[string]any{}, map[string]any{}
	for i, srv := range servers {
		name := fmt.Sprintf("printer%d", i+1)
		urls[name], keys[name] = srv.URL, srv.APIKey
	}
	vars := map[string]string{"urls": jsonValue(t, urls), "api_keys": jsonValue(t, keys), "initial_password": "first-password"}
	r.destroyWhenDone(vars)

	operators := applyFarmExample(t, r, servers, vars)
	r.destroy(vars)
	for _, srv := range servers {
		checkOperators(t, srv, operators, false)
	}
}

// applyFarmExample applies a farm example and demands that every server has the
// operators, who can log in with the initial password. It returns their names.
func applyFarmExample(t *testing.T, r *tofuRunner, servers []*testserver.Server, vars map[string]string) []string {
	t.Helper()
	// Installs the local module (the provider comes from dev_overrides); provider for_each
	// needs the variables then already.
	if code := r.tofu(vars, "get", "-no-color"); code != 0 {
		t.Fatalf("get failed with exit code %d", code)
	}
	r.apply(vars)
	operators := []string{"alice", "bob", "carol"}
	for _, srv := range servers {
		checkOperators(t, srv, operators, true)
		if err := testserver.Login(context.Background(), srv.URL, "carol", vars["initial_password"]); err != nil {
			t.Errorf("%s: carol cannot log in: %v", srv.URL, err)
		}
	}
	return operators
}

// checkOperators demands that the operators are on the server as members of the
// operators group, or that none of them is.
func checkOperators(t *testing.T, srv *testserver.Server, operators []string, present bool) {
	t.Helper()
	users := serverUsers(t, srv, "")
	for _, name := range operators {
		u, ok := users[name]
		switch {
		case present && (!ok || !slices.Equal(u.Groups, []string{"operators"})):
			t.Errorf("%s: user %q is %+v (present %v), want a member of operators", srv.URL, name, u, ok)
		case !present && ok:
			t.Errorf("%s: user %q is still there", srv.URL, name)
		}
	}
}

// startServers starts n OctoPrint servers of the test's own at once.
func startServers(t *testing.T, n int) []*testserver.Server {
	t.Helper()
	servers := make([]*testserver.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() { servers[i], errs[i] = testserver.Start(context.Background(), testserver.Options{}) })
	}
	wg.Wait()
	for i, srv := range servers {
		if srv != nil {
			t.Cleanup(func() { _ = srv.Stop() })
		}
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	return servers
}

// jsonValue writes a value for a TF_VAR_ variable (JSON is valid HCL).
func jsonValue(t *testing.T, m map[string]any) string {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// examples/adopt-accounts imports the accounts a server already has: the first apply
// sets their groups and leaves every password as it was; raising password_version then
// sends the new one.
func TestAccExample_adoptAccounts(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	srv := startServers(t, 1)[0]
	client, err := serverClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	operators := []string{"alice", "bob", "carol"}
	for _, name := range operators {
		u := octoprint.NewUser{Name: name, Password: name + "-own", Active: true, Groups: []string{"readonly"}}
		if _, err := client.AddUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	r := newExampleRunner(t, "adopt-accounts")
	r.env = append(r.env, EnvURL+"="+srv.URL, EnvAPIKey+"="+srv.APIKey)
	vars := map[string]string{"initial_password": "initial-password"}
	r.destroyWhenDone(vars)

	r.apply(vars)
	if !strings.Contains(r.output, "3 imported") {
		t.Errorf("the apply imported no 3 users:\n%s", r.output)
	}
	for _, name := range operators {
		if u := serverUsers(t, srv, "")[name]; !slices.Equal(u.Groups, []string{"users"}) {
			t.Errorf("%s is in %v, want [users]", name, u.Groups)
		}
		runChecks(t, checkPassword(srv.URL, name, name+"-own", "initial-password"))
	}

	vars["password_version"] = "2"
	r.apply(vars)
	for _, name := range operators {
		runChecks(t, checkPassword(srv.URL, name, "initial-password", name+"-own"))
	}
}

// runChecks runs server checks outside a terraform-plugin-testing step.
func runChecks(t *testing.T, checks ...resource.TestCheckFunc) {
	t.Helper()
	for _, check := range checks {
		if err := check(nil); err != nil {
			t.Error(err)
		}
	}
}
