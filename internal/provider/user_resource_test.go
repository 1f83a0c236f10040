package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

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

const userAddress = "octoprint_user.test"

// userConfig renders an octoprint_user "test" with the given extra attributes.
func userConfig(name, attributes string) string {
	return fmt.Sprintf(`
resource "octoprint_user" "test" {
  name = %q
%s
}
`, name, attributes)
}

func expectUser(attr string, value knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(userAddress, tfjsonpath.New(attr), value)
}

func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userAddress, action)}}
}

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

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, v := range a {
		seen[v] = true
	}
	for _, v := range b {
		if !seen[v] {
			return false
		}
	}
	return true
}

// checkLogin demands that OctoPrint accepts (or refuses) a password for a user.
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

func TestAccUser_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-user")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password    = "first-secret"
  groups      = ["users"]
  permissions = ["WEBCAM"]
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("id", knownvalue.StringExact(name)),
					expectUser("name", knownvalue.StringExact(name)),
					expectUser("active", knownvalue.Bool(true)),
					expectUser("admin", knownvalue.Bool(false)),
					expectUser("groups", stringSet("users")),
					expectUser("permissions", stringSet("WEBCAM")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, true, []string{"users"}, []string{"WEBCAM"}),
					checkLogin(name, "first-secret", true),
				),
			},
			{
				ResourceName:            userAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			{
				// Deactivate, change groups and permissions: all in place.
				Config: userConfig(name, `
  password    = "first-secret"
  active      = false
  groups      = ["readonly"]
  permissions = []
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("active", knownvalue.Bool(false)),
					expectUser("groups", stringSet("readonly")),
					expectUser("permissions", stringSet()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, false, []string{"readonly"}, []string{}),
					checkLogin(name, "first-secret", false),
				),
			},
			{
				// Promote to admin through the admins group: admin follows.
				Config: userConfig(name, `
  password = "first-secret"
  groups   = ["admins", "users"]
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("active", knownvalue.Bool(true)),
					expectUser("admin", knownvalue.Bool(true)),
					expectUser("groups", stringSet("admins", "users")),
				},
				Check: checkServerUser(t, name, true, []string{"admins", "users"}, []string{}),
			},
		},
	})
}

func testURL() string {
	if testServer != nil {
		return testServer.URL
	}
	return os.Getenv(EnvURL)
}

func TestAccUser_passwordChange(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-pw")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `password = "old-secret"`),
				Check:  checkLogin(name, "old-secret", true),
			},
			{
				Config:           userConfig(name, `password = "new-secret"`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "new-secret", true),
					checkLogin(name, "old-secret", false),
				),
			},
		},
	})
}

func TestAccUser_passwordWriteOnly(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-wo")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password_wo         = "wo-secret-1"
  password_wo_version = 1
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("password_wo", knownvalue.Null()),
					expectUser("password", knownvalue.Null()),
					expectUser("password_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: checkLogin(name, "wo-secret-1", true),
			},
			{
				// A new write-only value alone is invisible to Terraform: nothing changes.
				Config: userConfig(name, `
  password_wo         = "wo-secret-2"
  password_wo_version = 1
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "wo-secret-1", true),
					checkLogin(name, "wo-secret-2", false),
				),
			},
			{
				// Bumping the version sends it.
				Config: userConfig(name, `
  password_wo         = "wo-secret-2"
  password_wo_version = 2
`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("password_wo", knownvalue.Null()),
					expectUser("password_wo_version", knownvalue.Int64Exact(2)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "wo-secret-2", true),
					checkLogin(name, "wo-secret-1", false),
				),
			},
		},
	})
}

func TestAccUser_defaults(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-defaults")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				// No groups: OctoPrint's default group; no permissions: none.
				Config: userConfig(name, `password = "secret"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("active", knownvalue.Bool(true)),
					expectUser("admin", knownvalue.Bool(false)),
					expectUser("groups", stringSet("users")),
					expectUser("permissions", stringSet()),
				},
				Check: checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
			{
				// An empty set means no groups at all.
				Config: userConfig(name, `
  password = "secret"
  groups   = []
`),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectUser("groups", stringSet())},
				Check:             checkServerUser(t, name, true, []string{}, []string{}),
			},
		},
	})
}

func TestAccUser_deletedOutsideTerraform(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-gone")
	config := userConfig(name, `password = "secret"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					return testClient(t).DeleteUser(context.Background(), name)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				Check:            checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
		},
	})
}

func TestAccUser_driftCorrected(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-drift")
	config := userConfig(name, `
  password = "secret"
  groups   = ["users"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					inactive := false
					// Deactivated, made an admin, and given dangerous rights of its own, by hand.
					_, err := testClient(t).UpdateUser(context.Background(), name,
						octoprint.UserUpdate{Active: &inactive, Groups: []string{"admins"}, Permissions: []string{"SETTINGS", "SYSTEM"}})
					return err
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectUser("active", knownvalue.Bool(true)),
					expectUser("admin", knownvalue.Bool(false)),
				},
				Check: checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
		},
	})
}

func TestAccUser_rename(t *testing.T) {
	skipUnlessAcceptance(t)
	first, second := acctest.RandomWithPrefix("tf-acc-old"), acctest.RandomWithPrefix("tf-acc-new")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{Config: userConfig(first, `password = "secret"`)},
			{
				Config:            userConfig(second, `password = "secret"`),
				ConfigPlanChecks:  expectAction(plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{expectUser("name", knownvalue.StringExact(second))},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return checkUserGone(t, first) },
					checkServerUser(t, second, true, []string{"users"}, []string{}),
				),
			},
		},
	})
}

func TestAccUser_unusualNames(t *testing.T) {
	skipUnlessAcceptance(t)
	for _, name := range []string{
		"print operator " + acctest.RandString(6),
		"Jürgen Groß ✓ " + acctest.RandString(6),
		"50% + more&more?" + acctest.RandString(6),
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             checkUsersDestroyed(t),
				Steps: []resource.TestStep{
					{
						Config:            userConfig(name, `password = "pässwörd ✓"`),
						ConfigStateChecks: []statecheck.StateCheck{expectUser("id", knownvalue.StringExact(name))},
						Check: resource.ComposeTestCheckFunc(
							checkServerUser(t, name, true, []string{"users"}, []string{}),
							checkLogin(name, "pässwörd ✓", true),
						),
					},
					{
						ResourceName:            userAddress,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"password"},
					},
				},
			})
		})
	}
}

// A user made outside Terraform, imported: the configuration's password, unknown to the
// imported state, is then set in place.
func TestAccUser_importHandMade(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-import")
	config := userConfig(name, `
  password = "managed-secret"
  groups   = ["readonly"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					addUserOutside(t, octoprint.NewUser{Name: name, Password: "hand-made", Active: true, Groups: []string{"readonly"}})
				},
				Config:             config,
				ResourceName:       userAddress,
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["groups.0"] != "readonly" || states[0].Attributes["password"] != "" {
						return fmt.Errorf("unexpected imported state: %v", states)
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "managed-secret", true),
					checkLogin(name, "hand-made", false),
				),
			},
		},
	})
}

// A farm's existing account, imported with a write-only initial password: the first apply
// adopts password_wo_version and leaves the user's own password alone; raising the
// version then sends the configured one.
func TestAccUser_importHandMadeWriteOnly(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-importwo")
	config := func(version int) string {
		return userConfig(name, fmt.Sprintf(`
  password_wo         = "initial-secret"
  password_wo_version = %d
  groups              = ["readonly"]
`, version))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					addUserOutside(t, octoprint.NewUser{Name: name, Password: "own-secret", Active: true, Groups: []string{"users"}})
				},
				Config:             config(1),
				ResourceName:       userAddress,
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
			},
			{
				Config:           config(1),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "own-secret", true),
					checkLogin(name, "initial-secret", false),
					checkServerUser(t, name, true, []string{"readonly"}, []string{}),
				),
			},
			{
				Config:           config(2),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					checkLogin(name, "initial-secret", true),
					checkLogin(name, "own-secret", false),
				),
			},
		},
	})
}

// An import block adopts a user as a no-op when the configuration matches the server:
// with a write-only password nothing about the password is in state to differ.
func TestAccUser_importBlock(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-importblock")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password_wo = "secret"
  groups      = ["users", "readonly"]
  permissions = ["WEBCAM", "PRINT"]
`),
			},
			{
				ResourceName:    userAddress,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// Bad input is refused at plan time and leaves nothing on the server.
func TestAccUser_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-invalid")
	cases := []struct {
		name, config, err string
	}{
		{"unknown group", userConfig(name, "password = \"x\"\ngroups = [\"users\", \"no-such-group\"]"), `(?s)Unknown OctoPrint group.*"no-such-group"`},
		{"group in the wrong case", userConfig(name, "password = \"x\"\ngroups = [\"Users\"]"), `(?s)Unknown OctoPrint group.*"Users".*Did\s+you\s+mean\s+"users"\?`},
		{"guests group", userConfig(name, "password = \"x\"\ngroups = [\"guests\"]"), `(?s)OctoPrint group cannot be assigned.*"guests"`},
		{"unknown permission", userConfig(name, "password = \"x\"\npermissions = [\"print\"]"), `(?s)Unknown OctoPrint permission.*"print"`},
		{"no password", userConfig(name, ""), `(?s)Missing password.*password_wo`},
		{"empty password", userConfig(name, `password = ""`), `(?s)Attribute password UTF-8 character count must be between 1 and 4096`},
		{"password too long for OctoPrint", userConfig(name, `password_wo = "${join("", [for i in range(820) : "12345"])}"`),
			`(?s)Attribute password_wo UTF-8 character count must be between 1 and 4096`},
		{"name OctoPrint strips", fmt.Sprintf("resource \"octoprint_user\" \"test\" {\n  name     = \"%s\\u001f\"\n  password = \"x\"\n}\n", name),
			`(?s)Invalid OctoPrint user name.*white\s+space`},
		{"group key with a slash", userConfig(name, "password = \"x\"\ngroups = [\"a/b\"]"), `(?s)Invalid OctoPrint group key.*"/"`},
		{"both passwords", userConfig(name, "password = \"x\"\npassword_wo = \"y\""), `(?s)Invalid Attribute Combination`},
		{"version without password_wo", userConfig(name, "password = \"x\"\npassword_wo_version = 1"), `(?s)password_wo_version.*password_wo`},
		{"leading space", userConfig(" "+name, `password = "x"`), `(?s)Invalid OctoPrint user name.*white\s+space`},
		{"slash", userConfig("a/"+name, `password = "x"`), `(?s)Invalid OctoPrint user name.*"/"`},
		{"empty name", userConfig("", `password = "x"`), `(?s)Invalid OctoPrint user name.*must not be empty`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					ExpectError: regexp.MustCompile(tc.err),
				}},
				CheckDestroy: func(*terraform.State) error { return checkUserGone(t, name) },
			})
		})
	}
}

func TestAccUser_duplicateName(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-dup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if _, err := testClient(t).AddUser(context.Background(), octoprint.NewUser{Name: name, Password: "x", Active: true}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = testClient(t).DeleteUser(context.Background(), name) })
			},
			Config:      userConfig(name, `password = "secret"`),
			ExpectError: regexp.MustCompile(`(?s)already exists.*import`),
		}},
	})
}

func TestAccUser_timeouts(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-timeouts")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password = "secret"
  timeouts {
    create = "1ns"
  }
`),
				ExpectError: regexp.MustCompile(`(?s)deadline exceeded`),
			},
			{
				// The timed-out create left nothing on the server.
				PreConfig: func() {
					if err := checkUserGone(t, name); err != nil {
						t.Fatal(err)
					}
				},
				Config: userConfig(name, `
  password = "secret"
  timeouts {
    create = "2m"
    update = "2m"
    delete = "2m"
  }
`),
				ConfigStateChecks: []statecheck.StateCheck{expectUser("name", knownvalue.StringExact(name))},
				Check:             checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
		},
	})
}

func TestAccUser_badTimeout(t *testing.T) {
	skipUnlessAcceptance(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: userConfig(acctest.RandomWithPrefix("tf-acc-badtimeout"), `
  password = "secret"
  timeouts {
    create = "soon"
  }
`),
			ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Time Duration.*"soon"`),
		}},
	})
}
