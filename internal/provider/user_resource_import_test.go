// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// Users that exist before Terraform manages them: imported with an import command or an
// import block, the provider's own user included.

// A user made outside Terraform, imported: the configuration's password, unknown to the
// imported state, is then set in place.
func TestAccUser_importHandMade(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-import")
	config := userConfig(name, `
  password = "managed-secret"
  groups   = ["readonly"]
`)
	imported := importOutsideStep(t, octoprint.NewUser{Name: name, Password: "hand-made", Active: true, Groups: []string{"readonly"}}, config)
	imported.ImportStateCheck = func(states []*terraform.InstanceState) error {
		if len(states) != 1 || states[0].Attributes["groups.0"] != "readonly" || states[0].Attributes["password"] != "" {
			return fmt.Errorf("unexpected imported state: %v", states)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			imported,
			{
				Config:           config,
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				Check:            checkPassword(testURL(), name, "managed-secret", "hand-made"),
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
			importOutsideStep(t, octoprint.NewUser{Name: name, Password: "own-secret", Active: true, Groups: []string{"users"}}, config(1)),
			{
				Config:           config(1),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					checkPassword(testURL(), name, "own-secret", "initial-secret"),
					checkServerUser(t, name, true, []string{"readonly"}, []string{}),
				),
			},
			{
				Config:           config(2),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				Check:            checkPassword(testURL(), name, "initial-secret", "own-secret"),
			},
		},
	})
}

// importOutsideStep creates u beside Terraform, then imports it as octoprint_user.test
// with config, and keeps the imported state for the next steps.
func importOutsideStep(t *testing.T, u octoprint.NewUser, config string) resource.TestStep {
	return resource.TestStep{
		PreConfig:          func() { addUserOutside(t, u) },
		Config:             config,
		ResourceName:       userAddress,
		ImportState:        true,
		ImportStateId:      u.Name,
		ImportStatePersist: true,
	}
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

// The user whose API key the provider uses, imported with a write-only password: the
// first password_wo_version after the import is adopted, leaving the password alone; a
// new version sends password_wo, which OctoPrint refuses without the user's current
// password, and the error says why.
func TestAccUser_importOwnUserWriteOnlyPassword(t *testing.T) {
	testOwnUser(t, func(me string) []resource.TestStep {
		return []resource.TestStep{
			{Config: ownUserConfig(me, "1"), ConfigPlanChecks: expectAction("octoprint_user.admin", plancheck.ResourceActionUpdate)},
			{
				Config:      ownUserConfig(me, "2"),
				ExpectError: regexp.MustCompile(`(?s)Could\s+not\s+change\s+the\s+password.*asks\s+for\s+its\s+current\s+password`),
			},
		}
	})
}

// OctoPrint refuses to delete the user whose API key the provider uses: the error says
// so, and the user stays.
func TestAccUser_deleteOwnUser(t *testing.T) {
	testOwnUser(t, func(string) []resource.TestStep {
		return []resource.TestStep{{
			Config:      `# the admin is no longer declared`,
			ExpectError: regexp.MustCompile(`(?s)Could\s+not\s+delete\s+user.*refuses\s+to\s+delete\s+the\s+user\s+whose\s+API\s+key`),
		}}
	})
}

// testOwnUser runs steps on the user whose API key the provider uses: imported first as
// octoprint_user.admin, with a write-only password of version null, and let go of last
// without being deleted, which the last step checks. Not parallel: it manages the admin
// every test uses.
func testOwnUser(t *testing.T, steps func(me string) []resource.TestStep) {
	t.Helper()
	skipUnlessAcceptance(t)
	me := ownUser(t)
	all := append([]resource.TestStep{{Config: ownUserConfig(me, "null")}}, steps(me)...)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    append(all, forgetOwnUser(t, me)),
	})
}

// ownUser returns the name of the user whose API key the provider uses.
func ownUser(t *testing.T) string {
	t.Helper()
	me, err := testClient(t).CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return me.Name
}

// ownUserConfig imports the provider's own user as octoprint_user.admin, with a
// write-only password of the given version (an HCL expression).
func ownUserConfig(name, version string) string {
	return fmt.Sprintf(`
import {
  to = octoprint_user.admin
  id = %[1]q
}

resource "octoprint_user" "admin" {
  name                = %[1]q
  password_wo         = "unused"
  password_wo_version = %[2]s
  groups              = ["admins", "users"]
}
`, name, version)
}

// forgetOwnUser is the step that stops managing the provider's own user without deleting
// it, and demands that the user is still on the server.
func forgetOwnUser(t *testing.T, name string) resource.TestStep {
	return resource.TestStep{
		Config: `
removed {
  from = octoprint_user.admin
  lifecycle {
    destroy = false
  }
}
`,
		Check: func(*terraform.State) error {
			_, err := testClient(t).GetUser(context.Background(), name)
			return err
		},
	}
}
