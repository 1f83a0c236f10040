// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// The helpers that the tests of several files share: the test server and what the tests
// do on it beside Terraform, configurations, plan and state checks, checks of what the
// server holds, and OpenTofu run as a reader runs it.

// The test server, and what the tests do on it beside Terraform.

// skipUnlessAcceptance skips an acceptance test when TF_ACC is not set, as plain
// `go test` runs. `make test` sets it, and fails on any skipped test.
func skipUnlessAcceptance(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does) to run it against a real OctoPrint")
	}
}

// testURL is the address of the OctoPrint the acceptance tests run against.
func testURL() string {
	if testServer != nil {
		return testServer.URL
	}
	return os.Getenv(EnvURL)
}

// testClient is a client of the test server, for checks made beside Terraform. It tries
// a request again after a dropped connection: OctoPrint 1.9 closes every connection
// after its answer, and a write sent on a connection closed meanwhile is reset.
func testClient(t *testing.T) *octoprint.Client {
	t.Helper()
	client, err := octoprint.New(octoprint.Config{URL: os.Getenv(EnvURL), APIKey: os.Getenv(EnvAPIKey), UserAgent: "acceptance-tests",
		Retries: 3, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// serverClient is a new client of srv, with retries: a client's snapshots know nothing of
// writes by other processes.
func serverClient(srv *testserver.Server) (*octoprint.Client, error) {
	return octoprint.New(octoprint.Config{URL: srv.URL, APIKey: srv.APIKey, Retries: 3, Timeout: 10 * time.Second})
}

// proxyToTestServer starts a proxy in front of the test server, stopped when the test
// ends. Tests through it are not parallel: see testserver.Proxy.
func proxyToTestServer(t *testing.T, opts testserver.ProxyOptions) *testserver.Proxy {
	t.Helper()
	proxy, err := testserver.StartProxy(testURL(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	return proxy
}

// addUserOutside creates a user beside Terraform and deletes it when the test ends,
// unless a test has destroyed it by then.
func addUserOutside(t *testing.T, u octoprint.NewUser) {
	t.Helper()
	client := testClient(t)
	if _, err := client.AddUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := client.DeleteUser(context.Background(), u.Name); err != nil && !errors.Is(err, octoprint.ErrNotFound) {
			t.Errorf("deleting %q: %v", u.Name, err)
		}
	})
}

// userWithSettings creates a user beside Terraform, with settings given as JSON text per
// key, and returns its name.
func userWithSettings(t *testing.T, prefix string, settings map[string]string) string {
	t.Helper()
	name := acctest.RandomWithPrefix(prefix)
	addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true})
	if len(settings) > 0 {
		saveSettingsOutside(t, name, settings)
	}
	return name
}

func saveSettingsOutside(t *testing.T, user string, settings map[string]string) {
	t.Helper()
	body := map[string]json.RawMessage{}
	for key, value := range settings {
		body[key] = json.RawMessage(value)
	}
	if err := testClient(t).SaveUserSettings(context.Background(), user, body); err != nil {
		t.Fatal(err)
	}
}

// Configurations.

const (
	userAddress   = "octoprint_user.test"
	groupAddress  = "octoprint_group.test"
	apiKeyAddress = "octoprint_user_api_key.test" //nolint:gosec // G101: a resource address, not a key
)

// userConfig renders an octoprint_user "test" with the given extra attributes.
func userConfig(name, attributes string) string {
	return fmt.Sprintf(`
resource "octoprint_user" "test" {
  name = %q
%s
}
`, name, attributes)
}

// groupConfig renders an octoprint_group "test" with the given extra attributes.
func groupConfig(key, name, attributes string) string {
	return fmt.Sprintf(`
resource "octoprint_group" "test" {
  key  = %q
  name = %q
%s
}
`, key, name, attributes)
}

// readUsersWith renders a provider block with the given body and a read of every user.
func readUsersWith(providerBody string) string {
	return fmt.Sprintf(`
provider "octoprint" {
%s
}

data "octoprint_users" "all" {}
`, providerBody)
}

// Plan and state checks.

// preApply checks the plan before it is applied.
func preApply(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: checks}
}

// expectAction demands that the plan does action to the resource at address.
func expectAction(address string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return preApply(plancheck.ExpectResourceAction(address, action))
}

// expectValue checks an attribute of the resource (or data source) at address in state.
func expectValue(address, attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attr), value)
}

// stringSet expects a set of exactly these strings.
func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// sameSet tells whether a list that OctoPrint reports holds exactly the wanted strings,
// in any order: the check stringSet makes of a set in state.
func sameSet(got, want []string) bool {
	values := make([]any, len(got))
	for i, v := range got {
		values[i] = v
	}
	return stringSet(want...).CheckValue(values) == nil
}

// What the server holds.

// checkServerUser compares what OctoPrint itself reports of a user with what is expected.
func checkServerUser(t *testing.T, name string, active bool, groups, permissions []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, err := testClient(t).GetUser(context.Background(), name)
		if err != nil {
			return err
		}
		if u.Active != active || !sameSet(u.Groups, groups) || !sameSet(u.Permissions, permissions) {
			return fmt.Errorf("server has user %q active=%v groups=%v permissions=%v; want active=%v groups=%v permissions=%v",
				name, u.Active, u.Groups, u.Permissions, active, groups, permissions)
		}
		return nil
	}
}

// checkServerGroup compares what OctoPrint itself reports of a group with what is expected.
func checkServerGroup(t *testing.T, want octoprint.Group) resource.TestCheckFunc {
	return func(*terraform.State) error {
		g, err := testClient(t).GetGroup(context.Background(), want.Key)
		if err != nil {
			return err
		}
		if g.Name != want.Name || g.Description != want.Description || g.Default != want.Default ||
			!sameSet(g.Permissions, want.Permissions) || !sameSet(g.Subgroups, want.Subgroups) {
			return fmt.Errorf("server has group %+v, want %+v", *g, want)
		}
		return nil
	}
}

// checkServerSettings demands that OctoPrint holds each key with the value given as JSON
// text ("null" included: OctoPrint keeps a key set to null).
func checkServerSettings(t *testing.T, user string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := testClient(t).GetUserSettings(context.Background(), user)
		if err != nil {
			return err
		}
		for key, value := range want {
			if v, ok := got[key]; !ok || !sameJSON(v, []byte(value)) {
				return fmt.Errorf("user %q has setting %q = %s (present: %v) on the server, want %s", user, key, v, ok, value)
			}
		}
		return nil
	}
}

// checkLogin demands that the test server accepts (or refuses) a password for a user.
func checkLogin(name, password string, accepted bool) resource.TestCheckFunc {
	return checkLoginAt(testURL(), name, password, accepted)
}

// checkLoginAt is checkLogin for the OctoPrint at baseURL.
func checkLoginAt(baseURL, name, password string, accepted bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		err := testserver.Login(context.Background(), baseURL, name, password)
		switch {
		case accepted && err != nil:
			return fmt.Errorf("expected OctoPrint to accept the password of %q: %w", name, err)
		case !accepted && err == nil:
			return fmt.Errorf("expected OctoPrint to refuse the password of %q, it accepted it", name)
		}
		return nil
	}
}

// checkPassword demands that the OctoPrint at baseURL accepts the user's current
// password and refuses the old one.
func checkPassword(baseURL, name, current, old string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(checkLoginAt(baseURL, name, current, true), checkLoginAt(baseURL, name, old, false))
}

// checkUsersDestroyed demands a real 404 from the server for every octoprint_user in state.
func checkUsersDestroyed(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "octoprint_user" {
				continue
			}
			if err := checkUserGone(t, rs.Primary.ID); err != nil {
				return err
			}
		}
		return nil
	}
}

// checkUserGone demands a real 404 from the server for the user.
func checkUserGone(t *testing.T, name string) error {
	_, err := testClient(t).GetUser(context.Background(), name)
	return wantNotFound(fmt.Sprintf("user %q", name), err)
}

// checkGroupsGone demands a real 404 from the server for each group key.
func checkGroupsGone(t *testing.T, keys ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, key := range keys {
			_, err := testClient(t).GetGroup(context.Background(), key)
			if err := wantNotFound(fmt.Sprintf("group %q", key), err); err != nil {
				return err
			}
		}
		return nil
	}
}

// wantNotFound turns the outcome of reading what must be gone into an error, unless the
// server answered 404.
func wantNotFound(what string, err error) error {
	switch {
	case err == nil:
		return fmt.Errorf("%s still exists on the server", what)
	case !errors.Is(err, octoprint.ErrNotFound):
		return fmt.Errorf("expected 404 for %s, got: %w", what, err)
	}
	return nil
}

// apiKeyIn returns the key of octoprint_user_api_key.test in state.
func apiKeyIn(s *terraform.State) string {
	return keyAt(s, apiKeyAddress)
}

// keyAt returns the api_key of the resource at address in state, "" when there is none.
func keyAt(s *terraform.State, address string) string {
	if rs, ok := s.RootModule().Resources[address]; ok {
		return rs.Primary.Attributes["api_key"]
	}
	return ""
}

// keyOwner asks OctoPrint whose key it is: "" when OctoPrint does not know the key.
func keyOwner(key string) (*octoprint.CurrentUser, error) {
	return keyOwnerAt(testURL(), key)
}

// keyOwnerAt is keyOwner for the OctoPrint at baseURL.
func keyOwnerAt(baseURL, key string) (*octoprint.CurrentUser, error) {
	client, err := octoprint.New(octoprint.Config{URL: baseURL, APIKey: key, UserAgent: "acceptance-tests"})
	if err != nil {
		return nil, err
	}
	return client.CurrentUser(context.Background())
}

// checkKeyOwner demands that an API key acts as the named user (works), or that
// OctoPrint no longer knows it.
func checkKeyOwner(key, name string, works bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		me, err := keyOwner(key)
		switch {
		case err != nil:
			return err
		case works && me.Name != name:
			return fmt.Errorf("the key acts as %q, want %q", me.Name, name)
		case !works && me.Name != "":
			return fmt.Errorf("the key still works, as user %q", me.Name)
		}
		return nil
	}
}

// checkStateKeyOwner demands that the key of octoprint_user_api_key.test in state acts as
// the named user.
func checkStateKeyOwner(name string) resource.TestCheckFunc {
	return func(s *terraform.State) error { return checkKeyOwner(apiKeyIn(s), name, true)(s) }
}

// serverUsers returns the users with the prefix that the server lists, read with a new
// client. An empty prefix returns every user.
func serverUsers(t *testing.T, srv *testserver.Server, prefix string) map[string]octoprint.User {
	t.Helper()
	users, err := listServerUsers(srv, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func listServerUsers(srv *testserver.Server, prefix string) (map[string]octoprint.User, error) {
	client, err := serverClient(srv)
	if err != nil {
		return nil, err
	}
	users, err := client.ListUsers(context.Background())
	if err != nil {
		return nil, err
	}
	out := map[string]octoprint.User{}
	for _, u := range users {
		if prefix == "" || strings.HasPrefix(u.Name, prefix+"-") {
			out[u.Name] = u
		}
	}
	return out, nil
}

// OpenTofu, run as a reader runs it: the provider binary built from this tree, found
// through a dev_overrides CLI configuration, and the configuration's own provider block
// and required_providers. (terraform-plugin-testing cannot destroy resources made with
// for_each, which the examples use.)

// tofuRunner runs OpenTofu in a directory of its own, with the provider binary built
// from this tree.
type tofuRunner struct {
	t   *testing.T
	dir string
	env []string
	// output is what the last command printed.
	output string
}

// providerBinDir holds the provider binary once built; TestMain removes it.
var providerBinDir string

var buildProvider = sync.OnceValues(func() (string, error) {
	bin, err := os.MkdirTemp("", "provider-bin-")
	if err != nil {
		return "", err
	}
	providerBinDir = bin
	out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(bin, "terraform-provider-octoprint"), "../..").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return bin, nil
})

func newTofuRunner(t *testing.T) *tofuRunner {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the OpenTofu or Terraform binary (make test sets it)")
	}
	bin, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The examples' source "octoprint-terraform/octoprint" means the first address to
	// OpenTofu, the second to Terraform.
	tofurc := filepath.Join(dir, ".tofurc")
	writeFile(t, tofurc, `provider_installation {
  dev_overrides {
    "registry.opentofu.org/octoprint-terraform/octoprint" = "`+bin+`"
    "registry.terraform.io/octoprint-terraform/octoprint" = "`+bin+`"
  }
  direct {}
}
`)
	return &tofuRunner{t: t, dir: dir, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+tofurc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
}

// examplesDir returns the absolute path of examples/, or of a file or folder in it.
func examplesDir(t *testing.T, elem ...string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "examples"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// newExampleRunner runs OpenTofu in a copy of examples/<example>, its modules included.
func newExampleRunner(t *testing.T, example string) *tofuRunner {
	t.Helper()
	r := newTofuRunner(t)
	source := examplesDir(t, example)
	var files []string
	err := filepath.WalkDir(source, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".tf" {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in examples/%s (%v)", example, err)
	}
	for _, f := range files {
		rel, err := filepath.Rel(source, f)
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(r.dir, rel)
		if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dest, string(readFile(t, f)))
	}
	return r
}

// tofu runs OpenTofu with the given variables and arguments and returns its exit code.
func (r *tofuRunner) tofu(vars map[string]string, args ...string) int {
	r.t.Helper()
	env := append([]string{}, r.env...)
	for k, v := range vars {
		env = append(env, "TF_VAR_"+k+"="+v)
	}
	// Not t.Context(): the destroy in a test's cleanup runs after it is canceled.
	cmd := exec.CommandContext(context.Background(), os.Getenv("TF_ACC_TERRAFORM_PATH"), append([]string{"-chdir=" + r.dir}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	r.output = string(out)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		r.t.Logf("tofu %v exited %d:\n%s", args, exit.ExitCode(), out)
		return exit.ExitCode()
	}
	r.t.Fatalf("tofu %v: %v\n%s", args, err, out)
	return -1
}

// apply applies and then demands that a second plan is empty. output holds both.
func (r *tofuRunner) apply(vars map[string]string, args ...string) {
	r.t.Helper()
	if code := r.tofu(vars, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...); code != 0 {
		r.t.Fatalf("apply failed with exit code %d", code)
	}
	applied := r.output
	if code := r.plan(vars); code != 0 {
		r.t.Fatalf("the plan after apply is not empty (exit code %d)", code)
	}
	r.output = applied + r.output
}

// plan plans and returns the exit code of -detailed-exitcode: 0 for an empty plan, 2 for
// changes, 1 for an error.
func (r *tofuRunner) plan(vars map[string]string) int {
	r.t.Helper()
	return r.tofu(vars, "plan", "-detailed-exitcode", "-input=false", "-no-color")
}

// destroy destroys, and fails the test when it cannot.
func (r *tofuRunner) destroy(vars map[string]string, args ...string) {
	r.t.Helper()
	if code := r.tofu(vars, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, args...)...); code != 0 {
		r.t.Fatalf("destroy failed with exit code %d", code)
	}
}

// destroyWhenDone destroys what is left when the test ends, with vars as they are then.
func (r *tofuRunner) destroyWhenDone(vars map[string]string) {
	r.t.Cleanup(func() { r.tofu(vars, "destroy", "-auto-approve", "-input=false", "-no-color") })
}

// outputRaw returns an output's value, sensitive ones included.
func (r *tofuRunner) outputRaw(name string) string {
	r.t.Helper()
	if code := r.tofu(nil, "output", "-raw", name); code != 0 || r.output == "" {
		r.t.Fatalf("tofu output %s: exit code %d, %d bytes", name, code, len(r.output))
	}
	return r.output
}

// stateIDs returns the ids of the managed resources in state, by resource type.
func (r *tofuRunner) stateIDs() map[string][]string {
	r.t.Helper()
	ids := map[string][]string{}
	for typ, instances := range r.stateAttributes() {
		for _, attrs := range instances {
			id, _ := attrs["id"].(string)
			ids[typ] = append(ids[typ], id)
		}
	}
	return ids
}

// stateAttributes returns the attributes of every managed resource instance in state,
// by resource type.
func (r *tofuRunner) stateAttributes() map[string][]map[string]any {
	r.t.Helper()
	data := readFile(r.t, filepath.Join(r.dir, "terraform.tfstate"))
	var state struct {
		Resources []struct {
			Mode, Type string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		r.t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, res := range state.Resources {
		if res.Mode != "managed" {
			continue
		}
		for _, inst := range res.Instances {
			out[res.Type] = append(out[res.Type], inst.Attributes)
		}
	}
	return out
}

// readFile and writeFile read and write the examples and the files of the tests' own
// temporary directories.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name) //nolint:gosec // G304: see above
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil { //nolint:gosec // G703: see above
		t.Fatal(err)
	}
}
