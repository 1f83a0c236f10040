// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

const (
	appKeyAddress  = "octoprint_application_key.test" //nolint:gosec // G101: a resource address, not a key
	curaKeyAddress = "octoprint_application_key.cura" //nolint:gosec // G101: a resource address, not a key
	testApp        = "FDM Monster"
)

// appKeyConfig renders a group with two permissions, a bot user in it, its application
// key for FDM Monster with the given rotation, and a second key, for Cura, that never
// changes.
func appKeyConfig(name, rotation string) string {
	return apiKeyUserConfig(name) + fmt.Sprintf(`
resource "octoprint_application_key" "test" {
  user     = octoprint_user.bot.name
  app      = %q
  triggers = { rotation = %q }
}

resource "octoprint_application_key" "cura" {
  user = octoprint_user.bot.name
  app  = "Cura"
}
`, testApp, rotation)
}

// listsKeyValues tells whether the test server lists the values of application keys,
// as OctoPrint 1.9 does.
func listsKeyValues(t *testing.T) bool {
	t.Helper()
	v, err := testClient(t).ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return !v.AtLeast(1, 10)
}

// checkAppKeyGone demands that OctoPrint lists no application key of user for app.
func checkAppKeyGone(t *testing.T, user, app string) error {
	keys, err := appKeysOf(t, user)
	if err == nil && octoprint.FindAppKey(keys, user, app) != nil {
		err = fmt.Errorf("OctoPrint still lists the application key of user %q for %q", user, app)
	}
	return err
}

// checkNoAppKeysOf demands that OctoPrint lists no application key of the user.
func checkNoAppKeysOf(t *testing.T, user string) error {
	keys, err := appKeysOf(t, user)
	if err == nil && len(keys) > 0 {
		err = fmt.Errorf("OctoPrint still lists the application keys of user %q: %+v", user, keys)
	}
	return err
}

// appKeysOf returns the application keys OctoPrint lists for the user.
func appKeysOf(t *testing.T, user string) ([]octoprint.AppKey, error) {
	keys, err := testClient(t).ListAppKeys(context.Background())
	return slices.DeleteFunc(keys, func(k octoprint.AppKey) bool { return k.User != user }), err
}

// outsideAppKey generates an application key beside Terraform, as a farm tool would.
func outsideAppKey(t *testing.T, user, app string, key *string) {
	t.Helper()
	var err error
	if *key, err = testClient(t).GenerateAppKey(context.Background(), user, app); err != nil {
		t.Fatal(err)
	}
}

// revokeOutside revokes the application key of user for app beside Terraform.
func revokeOutside(t *testing.T, user, app string) {
	t.Helper()
	if revoked, err := testClient(t).RevokeAppKey(context.Background(), octoprint.AppKey{User: user, App: app}); err != nil || !revoked {
		t.Fatalf("revoking the key of %q for %q: %v, %v", user, app, revoked, err)
	}
}

// The key acts as its user, with the user's rights; a rotation revokes the old key and
// leaves the user's other keys alone; a key revoked outside Terraform (or, where
// OctoPrint lists the keys' values, made again outside) is planned again.
func TestAccApplicationKey_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-appkey")
	var first, second, cura, last, outside string
	steps := []resource.TestStep{
		{
			Config: appKeyConfig(name, "1"),
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(appKeyAddress, "id", name+"/"+testApp),
				resource.TestCheckResourceAttr(appKeyAddress, "user", name),
				resource.TestCheckResourceAttr(appKeyAddress, "app", testApp),
				resource.TestMatchResourceAttr(appKeyAddress, "api_key", regexp.MustCompile(`^\S{20,}$`)),
				checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
				checkKeyAtActsAs(curaKeyAddress, name, "STATUS", "FILES_LIST"),
				recordKeyAt(appKeyAddress, &first),
				recordKeyAt(curaKeyAddress, &cura),
			),
		},
		{
			ResourceName:            appKeyAddress,
			ImportState:             true,
			ImportStateId:           name + "/" + testApp,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"triggers"},
		},
		{
			// Rotation: the old key stops working, the user's key for Cura goes on.
			Config:           appKeyConfig(name, "2"),
			ConfigPlanChecks: expectAction(appKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeTestCheckFunc(
				checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
				checkKeyDead(&first),
				checkKeyStillAt(curaKeyAddress, &cura, name),
				recordKeyAt(appKeyAddress, &second),
			),
		},
		{
			// Revoked outside Terraform: the plan shows a new key.
			PreConfig:        func() { revokeOutside(t, name, testApp) },
			Config:           appKeyConfig(name, "2"),
			ConfigPlanChecks: expectAction(appKeyAddress, plancheck.ResourceActionCreate),
			Check: resource.ComposeTestCheckFunc(
				checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
				checkKeyDead(&second),
				checkKeyStillAt(curaKeyAddress, &cura, name),
				recordKeyAt(appKeyAddress, &last),
			),
		},
	}
	if listsKeyValues(t) {
		// Revoked and made again outside Terraform: OctoPrint 1.9 lists the new key's value,
		// so the plan replaces it, and the key made outside stops working.
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				revokeOutside(t, name, testApp)
				outsideAppKey(t, name, testApp, &outside)
			},
			Config:           appKeyConfig(name, "2"),
			ConfigPlanChecks: expectAction(appKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeTestCheckFunc(
				checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
				checkKeyDead(&last),
				checkKeyDead(&outside),
				recordKeyAt(appKeyAddress, &last),
			),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkKeyDead(&last),
			checkKeyDead(&cura),
			func(*terraform.State) error { return checkNoAppKeysOf(t, name) },
			checkUsersDestroyed(t),
			checkGroupsGone(t, name),
		),
		Steps: steps,
	})
}

// No key outlives its user: a user replaced, or deleted outside Terraform and created
// again, takes its keys with it (those of farm tools too), and a destroyed user leaves
// none behind for the next user of its name.
func TestAccApplicationKey_noKeyOutlivesItsUser(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-appkeyuser")
	var first, farmTool, second, last, lastFarmTool string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkUsersDestroyed(t),
			func(*terraform.State) error { return checkNoAppKeysOf(t, name) },
			// The next user of the name inherits nothing.
			func(s *terraform.State) error {
				addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true})
				return resource.ComposeTestCheckFunc(checkKeyDead(&last), checkKeyDead(&lastFarmTool))(s)
			},
		),
		Steps: []resource.TestStep{
			{
				Config: appKeyConfig(name, "1"),
				Check:  recordKeyAt(appKeyAddress, &first),
			},
			{
				// The user replaced: its keys go, a farm tool's included; the key is made
				// again for the new user.
				PreConfig: func() { outsideAppKey(t, name, "OctoFarm", &farmTool) },
				Config:    appKeyConfig(name, "1"),
				Taint:     []string{"octoprint_user.bot"},
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction("octoprint_user.bot", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(appKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(curaKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				),
				Check: resource.ComposeTestCheckFunc(
					checkKeyDead(&first),
					checkKeyDead(&farmTool),
					checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
					recordKeyAt(appKeyAddress, &second),
				),
			},
			{
				// The user deleted outside Terraform, which leaves its keys behind: the plan
				// creates the user again and replaces its keys, so that the old ones die.
				PreConfig: func() {
					outsideAppKey(t, name, "OctoFarm", &lastFarmTool)
					if err := testClient(t).DeleteUser(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config: appKeyConfig(name, "1"),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction("octoprint_user.bot", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(appKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				),
				Check: resource.ComposeTestCheckFunc(
					checkKeyDead(&second),
					checkKeyDead(&lastFarmTool),
					checkKeyAtActsAs(appKeyAddress, name, "STATUS", "FILES_LIST"),
					recordKeyAt(appKeyAddress, &last),
				),
			},
			{
				// A farm tool's key made beside the managed ones: the destroy takes it too.
				PreConfig: func() { outsideAppKey(t, name, "OctoFarm", &lastFarmTool) },
				Config:    appKeyConfig(name, "1"),
			},
		},
	})
}

// A user that no resource creates, deleted outside Terraform: the plan warns, and the
// apply revokes the key the user left behind, then fails to make a new one. The next
// user of the name inherits nothing.
func TestAccApplicationKey_userDeletedOutside(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-appkeygone")
	config := fmt.Sprintf(`
resource "octoprint_application_key" "test" {
  user = %q
  app  = %q
}
`, name, testApp)
	var key string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true}) },
				Config:    config,
				Check:     recordKeyAt(appKeyAddress, &key),
			},
			{
				PreConfig: func() {
					if err := testClient(t).DeleteUser(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+user\s+not\s+found.*` + regexp.QuoteMeta(name)),
			},
			{
				Config: `locals {}`,
				Check: func(s *terraform.State) error {
					if err := checkAppKeyGone(t, name, testApp); err != nil {
						return err
					}
					addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true})
					return checkKeyDead(&key)(s)
				},
			},
		},
	})
}

func TestAccApplicationKey_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	user := acctest.RandomWithPrefix("tf-acc-appkeybad")
	missing := acctest.RandomWithPrefix("tf-acc-nobody")
	var outside string
	addUserOutside(t, octoprint.NewUser{Name: user, Password: "x", Active: true})
	outsideAppKey(t, user, "OctoFarm", &outside)
	keyConfig := func(address, user, app, extra string) string {
		return fmt.Sprintf("resource \"octoprint_application_key\" %q {\n  user = %q\n  app  = %q\n  %s\n}\n", address, user, app, extra)
	}
	cases := []struct {
		name, config, err string
	}{
		{"empty app", keyConfig("test", user, "", ""), `(?s)Invalid\s+OctoPrint\s+application\s+name.*must\s+not\s+be\s+empty`},
		{"app with white space", keyConfig("test", user, "Cura ", ""), `(?s)Invalid\s+OctoPrint\s+application\s+name.*white\s+space`},
		{"no such user", keyConfig("test", missing, "Cura", ""), `(?s)OctoPrint\s+user\s+not\s+found.*"` + missing + `"`},
		{"bad user name", keyConfig("test", " "+user, "Cura", ""), `(?s)Invalid\s+OctoPrint\s+user\s+name`},
		{"empty triggers", keyConfig("test", user, "Cura", "triggers = {}"), `(?s)triggers\s+map\s+must\s+contain\s+at\s+least\s+1`},
		{"key made outside", keyConfig("test", user, "octofarm", ""), `(?s)OctoPrint\s+application\s+key\s+already\s+exists.*"OctoFarm".*Import\s+it`},
		{"managed twice", keyConfig("test", user, "Cura", "") + keyConfig("other", user, "CURA", ""), `(?s)OctoPrint\s+application\s+key\s+managed\s+twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.err)}},
				CheckDestroy: func(s *terraform.State) error {
					if err := checkAppKeyGone(t, user, "Cura"); err != nil {
						return err
					}
					return checkKeyStillAt(appKeyAddress, &outside, user)(s)
				},
			})
		})
	}
}

// Imports: an ID that is not USER/APP, a pair without a key, and the key the provider
// itself uses are refused.
func TestAccApplicationKey_invalidImport(t *testing.T) {
	skipUnlessAcceptance(t)
	user := acctest.RandomWithPrefix("tf-acc-appkeyimp")
	addUserOutside(t, octoprint.NewUser{Name: user, Password: "x", Active: true})
	me, err := testClient(t).CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// An application key of the admin, for a provider block of its own.
	var adminKey string
	outsideAppKey(t, me.Name, "terraform-"+user, &adminKey)
	t.Cleanup(func() { revokeOutside(t, me.Name, "terraform-"+user) })
	importConfig := func(provider, id, user, app string) string {
		return fmt.Sprintf(`%s
import {
  to = octoprint_application_key.test
  id = %q
}

resource "octoprint_application_key" "test" {
  user = %q
  app  = %q
}
`, provider, id, user, app)
	}
	cases := []struct{ name, config, err string }{
		{"no slash", importConfig("", user, user, "Cura"), `(?s)Invalid\s+import\s+ID.*USER/APP`},
		{"no key", importConfig("", user+"/Cura", user, "Cura"), `(?s)No\s+OctoPrint\s+application\s+key\s+to\s+import.*"Cura"`},
		{"provider's own key", importConfig(fmt.Sprintf("provider \"octoprint\" {\n  api_key = %q\n}\n", adminKey),
			me.Name+"/terraform-"+user, me.Name, "terraform-"+user), `(?s)Application\s+key\s+of\s+the\s+provider\s+itself`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.err)}},
			})
		})
	}
}

// Import by ID of an application whose name holds "/" and spaces: the first "/" ends the
// user's name.
func TestAccApplicationKey_importSlashInApp(t *testing.T) {
	skipUnlessAcceptance(t)
	user := acctest.RandomWithPrefix("tf-acc-appkeyslash")
	const app = "Farm/Lobby Screen"
	var outside string
	config := fmt.Sprintf(`
import {
  to = octoprint_application_key.test
  id = "%[1]s/%[2]s"
}

resource "octoprint_application_key" "test" {
  user = %[1]q
  app  = %[2]q
}
`, user, app)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkAppKeyGone(t, user, app); err != nil {
				return err
			}
			return checkKeyDead(&outside)(s)
		},
		Steps: []resource.TestStep{{
			PreConfig: func() {
				addUserOutside(t, octoprint.NewUser{Name: user, Password: "x", Active: true})
				outsideAppKey(t, user, app, &outside)
			},
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(appKeyAddress, "id", user+"/"+app),
				resource.TestCheckResourceAttr(appKeyAddress, "app", app),
				checkKeyStillAt(appKeyAddress, &outside, user),
			),
		}},
	})
}

// errPluginDisabled is what every use of application keys says on a server whose
// Application Keys plugin is disabled.
var errPluginDisabled = regexp.MustCompile(`(?s)Application\s+Keys\s+plugin\s+is\s+disabled`)

// A server whose Application Keys plugin is disabled: the resource, the data source and
// the ephemeral resource each say so, at plan time, and nothing is written.
func TestAccApplicationKey_pluginDisabled(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Parallel()
	srv, err := testserver.Start(context.Background(), testserver.Options{DisabledPlugins: []string{"appkeys"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	provider := fmt.Sprintf("provider \"octoprint\" {\n  url     = %q\n  api_key = %q\n}\n", srv.URL, srv.APIKey)
	for name, config := range map[string]string{
		"resource": fmt.Sprintf(`
resource "octoprint_application_key" "test" {
  user = %q
  app  = "Cura"
}
`, srv.AdminName),
		"data source": `
data "octoprint_application_keys" "all" {}
`,
		"ephemeral resource": fmt.Sprintf(`
ephemeral "octoprint_application_key" "run" {
  user = %q
  app  = "Cura"
}

provider "octoprint" {
  alias   = "run"
  url     = %q
  api_key = ephemeral.octoprint_application_key.run.api_key
}

data "octoprint_users" "all" {
  provider = octoprint.run
}
`, srv.AdminName, srv.URL),
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: provider + config, ExpectError: errPluginDisabled}},
			})
		})
	}
}
