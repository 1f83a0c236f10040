package provider

import (
	"context"
	"fmt"
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
	return func(*terraform.State) error {
		err := testserver.Login(context.Background(), testURL(), name, password)
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
	return getenv(EnvURL)
}

var _ = octoprint.ErrNotFound
var _ = regexp.MustCompile
