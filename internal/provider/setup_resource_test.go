// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// octoprint_setup claims a server out of the box; the provider logs in as the admin it
// creates, in the same apply.

// examples/new-printer on a server out of the box (first run, no users, no key): one apply
// claims it and sets up a group, users, their settings and a bot's key, logging in as the
// admin that octoprint_setup creates; the next plan is empty. Before it, the plans that
// would go wrong on such a server fail, naming why, and write nothing.
func TestAccExample_newPrinter(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	srv := startUnclaimed(t)
	const admin, adminPassword = "farm-admin", "admin-secret-pw"
	vars := map[string]string{"admin_password": adminPassword, "initial_password": "initial-secret-pw"}

	badPlansOnANewServer(t, srv, admin)

	r := newExampleRunner(t, "new-printer")
	r.env = append(withoutCredentials(r.env), EnvURL+"="+srv.URL)
	logFile := filepath.Join(t.TempDir(), "tofu.log")
	r.env = append(r.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	r.apply(vars)
	r.env = r.env[:len(r.env)-2]

	slicerKey := r.outputRaw("slicer_api_key")
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	checkLogHasNoSecrets(t, logFile, "X-Csrf-Token:***", adminPassword, "initial-secret-pw", slicerKey,
		"session_P"+port+"=", "csrf_token_P"+port+"=")
	if v := r.outputRaw("octoprint_version"); os.Getenv(testserver.EnvVersion) != "" && v != os.Getenv(testserver.EnvVersion) {
		t.Errorf("octoprint_version = %q, want %q", v, os.Getenv(testserver.EnvVersion))
	}

	// The server is claimed: the wizard finished, its online questions answered, the
	// admin an admin, and nobody can claim it again.
	client, err := octoprint.New(octoprint.Config{URL: srv.URL, Username: admin, Password: adminPassword, Retries: 3})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if me, err := client.CurrentUser(ctx); err != nil || me.Name != admin || !me.HasPermission(octoprint.PermissionAdmin) {
		t.Errorf("the admin logs in as %+v (%v), want %s with ADMIN", me, err, admin)
	}
	config := string(readFile(t, filepath.Join(srv.Dir, "config.yaml")))
	for _, want := range []string{"firstRun: false", "seenWizards:", "corewizard: "} {
		if !strings.Contains(config, want) {
			t.Errorf("config.yaml lacks %q:\n%s", want, config)
		}
	}
	if online, err := client.GetOnlineSettings(ctx); err != nil || online.OnlineCheck == nil || *online.OnlineCheck ||
		online.PluginBlacklist == nil || *online.PluginBlacklist {
		t.Errorf("online settings %+v (%v), want both answered false", online, err)
	}
	if wizards, err := client.RequiredWizards(ctx); err != nil || len(wizards) != 0 {
		t.Errorf("the web interface would still show the wizards %v (%v)", wizards, err)
	}
	anonymous, err := octoprint.New(octoprint.Config{URL: srv.URL, Username: "nobody", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if state, err := anonymous.SetupState(ctx); err != nil || state.Open || state.NeedsAdmin {
		t.Errorf("without a login the server answers %+v (%v), want it closed", state, err)
	}
	users, err := client.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"alice", "bob", admin, "slicer-bot"}) {
		t.Errorf("the server has users %v", names)
	}
	if settings, err := client.GetUserSettings(ctx, "bob"); err != nil || !sameJSON(settings["interface"], []byte(`{"language":"en"}`)) {
		t.Errorf("bob's settings %v (%v)", settings, err)
	}
	if err := testserver.Login(ctx, srv.URL, "alice", "initial-secret-pw"); err != nil {
		t.Errorf("alice cannot log in: %v", err)
	}
	bot, err := octoprint.New(octoprint.Config{URL: srv.URL, APIKey: slicerKey})
	if err != nil {
		t.Fatal(err)
	}
	if me, err := bot.CurrentUser(ctx); err != nil || me.Name != "slicer-bot" {
		t.Errorf("the slicer's key acts as %+v (%v)", me, err)
	}

	// Destroying forgets the server, and says so; the admin stays.
	r.destroy(vars)
	if !strings.Contains(r.output, "OctoPrint setup removed from state only") {
		t.Errorf("the destroy does not warn that the admin stays:\n%s", r.output)
	}
	if err := testserver.Login(ctx, srv.URL, admin, adminPassword); err != nil {
		t.Errorf("the admin is gone after the destroy: %v", err)
	}
}

// startUnclaimed starts a server out of the box for the test.
func startUnclaimed(t *testing.T) *testserver.Server {
	t.Helper()
	srv, err := testserver.Start(context.Background(), testserver.Options{Unclaimed: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// The plan-time checks that wait for the admin octoprint_setup creates run at apply, once
// it exists and before anything else is written: settings of a user the server lacks are
// refused as a plan would refuse them. Then the server is installed anew (no users): the
// refresh forgets the octoprint_setup, and the plan claims the server again.
func TestAccSetup_checksWaitForTheAdmin(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	srv := startUnclaimed(t)
	const admin, password = "farm-admin", "admin-secret-pw"
	r := newTofuRunner(t)
	r.env = append(withoutCredentials(r.env), EnvURL+"="+srv.URL)
	writeFile(t, filepath.Join(r.dir, "main.tf"), providersTF+loginProvider(admin, password)+fmt.Sprintf(`
resource "octoprint_setup" "printer" {
  admin_name        = %q
  admin_password_wo = %q
}

resource "octoprint_user_settings" "ghost" {
  depends_on = [octoprint_setup.printer]

  user     = "ghost"
  settings = jsonencode({ interface = { language = "en" } })
}
`, admin, password))
	if code := r.plan(nil); code != 2 {
		t.Fatalf("plan exited %d, want 2 (changes; the checks wait for the admin):\n%s", code, r.output)
	}
	code := r.tofu(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if want := `(?s)OctoPrint\s+user\s+not\s+found.*"ghost".*no\s+user\s+of\s+that\s+name\s+is\s+planned`; code != 1 || !regexp.MustCompile(want).MatchString(r.output) {
		t.Errorf("apply exited %d, want 1 with an error matching %s:\n%s", code, want, r.output)
	}
	// The server was claimed before the check refused the settings.
	ctx := context.Background()
	if err := testserver.Login(ctx, srv.URL, admin, password); err != nil {
		t.Errorf("the admin does not log in after the apply: %v", err)
	}

	srv.Kill()
	if err := os.Remove(filepath.Join(srv.Dir, "users.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if code := r.plan(nil); code != 2 || !strings.Contains(r.output, "octoprint_setup.printer will be created") {
		t.Errorf("plan on the server installed anew exited %d, want 2 with octoprint_setup to be created:\n%s", code, r.output)
	}
}

// badPlansOnANewServer plans what goes wrong on a server out of the box: each plan fails
// before anything is written, and the server stays unclaimed.
func badPlansOnANewServer(t *testing.T, srv *testserver.Server, admin string) {
	t.Helper()
	for _, tc := range []struct{ name, config, want string }{
		{
			"provider password differs from the admin's",
			loginProvider(admin, "another-password") + fmt.Sprintf(`
resource "octoprint_setup" "printer" {
  admin_name        = %[1]q
  admin_password_wo = "admin-secret-pw"
}
`, admin),
			`(?s)Provider\s+password\s+differs\s+from\s+the\s+admin's.*another\s+password`,
		},
		{
			"resources not depending on octoprint_setup",
			loginProvider(admin, "admin-secret-pw") + `
resource "octoprint_group" "operators" {
  key         = "operators"
  name        = "Operators"
  permissions = ["PRINT"]
}
`,
			`(?s)OctoPrint\s+login\s+failed.*refused\s+the\s+login\s+of\s+user\s+"farm-admin".*has\s+no\s+users\s+yet.*depends_on`,
		},
		{
			"the admin also an octoprint_user",
			loginProvider(admin, "admin-secret-pw") + fmt.Sprintf(`
resource "octoprint_setup" "printer" {
  admin_name        = %[1]q
  admin_password_wo = "admin-secret-pw"
}

resource "octoprint_user" "admin" {
  name        = octoprint_setup.printer.admin_name
  password_wo = "admin-secret-pw"
  groups      = ["admins"]
}
`, admin),
			`(?s)OctoPrint\s+user\s+created\s+by\s+octoprint_setup.*import`,
		},
		{
			"two octoprint_setup",
			loginProvider(admin, "admin-secret-pw") + fmt.Sprintf(`
resource "octoprint_setup" "printer" {
  count             = 2
  admin_name        = %[1]q
  admin_password_wo = "admin-secret-pw"
}
`, admin),
			`(?s)OctoPrint\s+server\s+claimed\s+twice`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTofuRunner(t)
			r.env = append(withoutCredentials(r.env), EnvURL+"="+srv.URL)
			writeFile(t, filepath.Join(r.dir, "main.tf"), providersTF+tc.config)
			if code := r.plan(nil); code != 1 || !regexp.MustCompile(tc.want).MatchString(r.output) {
				t.Errorf("plan exited %d, want 1 with an error matching %s:\n%s", code, tc.want, r.output)
			}
		})
	}
	client, err := octoprint.New(octoprint.Config{URL: srv.URL, Username: admin, Password: "unused"})
	if err != nil {
		t.Fatal(err)
	}
	if state, err := client.SetupState(context.Background()); err != nil || !state.NeedsAdmin {
		t.Fatalf("after the failed plans the server answers %+v (%v), want it still unclaimed", state, err)
	}
}

// loginProvider renders a provider block that logs in with a username and password.
func loginProvider(user, password string) string {
	return fmt.Sprintf(`
provider "octoprint" {
  username = %q
  password = %q
}
`, user, password)
}

// withoutCredentials drops the test server's credentials from an environment.
func withoutCredentials(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(v string) bool {
		return strings.HasPrefix(v, EnvAPIKey+"=") || strings.HasPrefix(v, EnvUsername+"=") || strings.HasPrefix(v, EnvPassword+"=") ||
			strings.HasPrefix(v, EnvURL+"=")
	})
}

// setupConfig renders an octoprint_setup "test" for the admin of the test server.
func setupConfig(password, attributes string) string {
	return fmt.Sprintf(`
resource "octoprint_setup" "test" {
  admin_name        = "admin"
  admin_password_wo = %q
%s
}
`, password, attributes)
}

const setupAddress = "octoprint_setup.test"

// On a server set up already, octoprint_setup adopts it when the admin logs in, changes
// nothing of the admin, and is imported by the admin's name; a wrong password fails the
// plan. A new password version checks the login again.
func TestAccSetup_adopt(t *testing.T) {
	skipUnlessAcceptance(t)
	if testServer == nil {
		t.Skip("needs the admin's password of the test server") // never in CI: TestMain starts the server
	}
	password := testServer.AdminPassword
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      setupConfig("wrong-password", ""),
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+server\s+already\s+set\s+up.*user\s+"admin"\s+cannot\s+log\s+in.*Nothing\s+was\s+changed`),
			},
			{
				Config: setupConfig(password, ""),
				ConfigStateChecks: append(expectIdentity(setupAddress, "admin_name", "admin"),
					expectValue(setupAddress, "claimed", knownvalue.Bool(false)),
					expectValue(setupAddress, "online_check", knownvalue.Bool(false)),
					expectValue(setupAddress, "plugin_blacklist", knownvalue.Bool(false)),
					expectValue(setupAddress, "server_version", knownvalue.StringExact(testServer.Version)),
					expectValue(setupAddress, "admin_password_wo", knownvalue.Null())),
				Check: checkLogin("admin", password, true),
			},
			{
				ResourceName:            setupAddress,
				ImportState:             true,
				ImportStateId:           "admin",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"admin_password_wo", "timeouts"},
			},
			{
				ResourceName:       setupAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks:   resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(setupAddress, plancheck.ResourceActionNoop)}},
				ExpectNonEmptyPlan: false,
			},
			{
				Config:      setupConfig("wrong-password", "  admin_password_wo_version = 2"),
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+admin\s+cannot\s+log\s+in.*user\s+"admin"\s+cannot\s+log\s+in`),
			},
			{
				Config:            setupConfig(password, "  admin_password_wo_version = 2"),
				ConfigPlanChecks:  expectAction(setupAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: expectIdentity(setupAddress, "admin_name", "admin"),
			},
		},
	})
}

// octoprint_setup on a server set up already, with the provider logging in as its admin
// with the same wrong password: the plan fails, and OctoPrint sees one refused login, not
// one for octoprint_setup and one for the provider's other resources (it allows 3 a
// minute).
func TestAccSetup_wrongPasswordSentOnce(t *testing.T) {
	skipUnlessAcceptance(t)
	if testServer == nil {
		t.Skip("needs the log of the test server") // never in CI: TestMain starts the server
	}
	t.Parallel()
	name := acctest.RandomWithPrefix("tf-acc-setup")
	r := newTofuRunner(t)
	r.env = append(withoutCredentials(r.env), EnvURL+"="+testServer.URL)
	writeFile(t, filepath.Join(r.dir, "main.tf"), providersTF+loginProvider(name, "wrong-password")+fmt.Sprintf(`
resource "octoprint_setup" "printer" {
  admin_name        = %q
  admin_password_wo = "wrong-password"
}

resource "octoprint_group" "operators" {
  key         = %[1]q
  name        = "Operators"
  permissions = ["PRINT"]
}
`, name))
	if code := r.plan(nil); code != 1 || !strings.Contains(r.output, "OctoPrint server already set up") {
		t.Errorf("plan exited %d, want 1 with OctoPrint server already set up:\n%s", code, r.output)
	}
	authLog := string(readFile(t, filepath.Join(testServer.Dir, "logs", "auth.log")))
	if n := strings.Count(authLog, "Failed login attempt for user "+name+" "); n != 1 {
		t.Errorf("OctoPrint logged %d failed logins of %s, want 1", n, name)
	}
}

// A provider that logs in with a wrong password fails the first plan, naming the login,
// and writes nothing.
func TestAccProvider_wrongPassword(t *testing.T) {
	skipUnlessAcceptance(t)
	name := "tf-acc-never-created"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      loginProvider("admin", "wrong-password") + userConfig(name, `  password = "secret"`),
			ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+login\s+failed.*refused\s+the\s+login\s+of\s+user\s+"admin".*password\s+is\s+wrong.*username.*password`),
		}},
	})
	if err := checkUserGone(t, name); err != nil {
		t.Error(err)
	}
}
