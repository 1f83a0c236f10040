// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// Resource identity: every resource is identified by one name (an application key by
// two: its user's and its application's), set on create, kept through updates, and
// accepted by an import block's `identity` as well as its `id`.
// Identity needs OpenTofu or Terraform 1.12 or later, so these tests are not among the
// lifecycle tests that .ci/test.sh also runs with Terraform 1.11.

// expectIdentity demands the resource's identity: the one attribute, with the value
// the resource's attribute of the same name holds.
func expectIdentity(address, attr, value string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectIdentity(address, map[string]knownvalue.Check{attr: knownvalue.StringExact(value)}),
		statecheck.ExpectIdentityValueMatchesState(address, tfjsonpath.New(attr)),
		expectValue(address, "id", knownvalue.StringExact(value)),
	}
}

// identitySteps are the steps every resource's identity test takes: create, import by
// identity, import by ID (both as import blocks, whose plans are checked but not
// applied), then an update, which keeps the identity. importAction is what the plan of
// either import does beside importing: no-op, or an update that adopts the configuration.
func identitySteps(address, attr, value, create, update string, importAction plancheck.ResourceActionType) []resource.TestStep {
	importChecks := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, importAction)}}
	return []resource.TestStep{
		{Config: create, ConfigStateChecks: expectIdentity(address, attr, value)},
		{
			ResourceName:       address,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithResourceIdentity,
			ImportPlanChecks:   importChecks,
			ExpectNonEmptyPlan: importAction != plancheck.ResourceActionNoop,
		},
		{
			ResourceName:       address,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ImportStateId:      value,
			ImportPlanChecks:   importChecks,
			ExpectNonEmptyPlan: importAction != plancheck.ResourceActionNoop,
		},
		{
			Config:            update,
			ConfigPlanChecks:  expectAction(address, plancheck.ResourceActionUpdate),
			ConfigStateChecks: expectIdentity(address, attr, value),
		},
	}
}

// importByIdentity renders an import block that names the object by its identity.
func importByIdentity(address, attr, value string) string {
	return fmt.Sprintf(`
import {
  to       = %s
  identity = { %s = %q }
}
`, address, attr, value)
}

func TestAccIdentity_user(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-identity")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: identitySteps(userAddress, "name", name,
			userConfig(name, `  password_wo = "secret"`),
			userConfig(name, `
  password_wo = "secret"
  active      = false
`), plancheck.ResourceActionNoop),
	})
}

// A user made outside Terraform, imported by identity and applied: as after an import by
// ID, the first apply adopts password_wo_version and leaves the user's password alone.
func TestAccIdentity_userImportApplied(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-identityimp")
	config := userConfig(name, `
  password_wo         = "initial-secret"
  password_wo_version = 1
  groups              = ["readonly"]
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					addUserOutside(t, octoprint.NewUser{Name: name, Password: "own-secret", Active: true, Groups: []string{"users"}})
				},
				Config:            config + importByIdentity(userAddress, "name", name),
				ConfigPlanChecks:  expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: expectIdentity(userAddress, "name", name),
				Check: resource.ComposeTestCheckFunc(
					checkPassword(testURL(), name, "own-secret", "initial-secret"),
					checkServerUser(t, name, true, []string{"readonly"}, []string{}),
				),
			},
		},
	})
}

// An import by identity makes the checks an import by ID makes: the name, and for a key,
// that it is not the provider's own.
func TestAccIdentity_invalidImport(t *testing.T) {
	skipUnlessAcceptance(t)
	me, err := testClient(t).CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      userConfig("tf-acc-x", "") + importByIdentity(userAddress, "name", " spaced "),
				ExpectError: regexp.MustCompile(`(?s)Invalid\s+import\s+identity.*white\s+space`),
			},
			{
				Config:      groupConfig("tf-acc-x", "X", `  permissions = []`) + importByIdentity(groupAddress, "key", "a/b"),
				ExpectError: regexp.MustCompile(`(?s)Invalid\s+import\s+identity.*contains\s+"/"`),
			},
			{
				Config: fmt.Sprintf(`
resource "octoprint_user_api_key" "test" {
  user = %q
}
`, me.Name) + importByIdentity(apiKeyAddress, "user", me.Name),
				ExpectError: regexp.MustCompile(`(?s)API\s+key\s+of\s+the\s+provider\s+itself.*Managing\s+it\s+would\s+let\s+a\s+rotation`),
			},
			{
				Config: `
resource "octoprint_application_key" "test" {
  user = "tf-acc-x"
  app  = "Cura"
}

import {
  to       = octoprint_application_key.test
  identity = { user = "tf-acc-x", app = " Cura" }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid\s+import\s+identity.*white\s+space`),
			},
		},
	})
}

func TestAccIdentity_group(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-identity")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkGroupsGone(t, key),
		Steps: identitySteps(groupAddress, "key", key,
			groupConfig(key, "Crew", `  permissions = ["STATUS"]`),
			groupConfig(key, "Crew", `  permissions = ["STATUS", "FILES_LIST"]`),
			plancheck.ResourceActionNoop),
	})
}

func TestAccIdentity_userSettings(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-identity", map[string]string{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSettingsDestroyed(t, map[string]string{}),
		Steps: identitySteps(settingsAddress, "user", name,
			settingsConfig(name, `jsonencode({ interface = { language = "de" } })`),
			settingsConfig(name, `jsonencode({ interface = { language = "fr" } })`),
			plancheck.ResourceActionNoop),
	})
}

// apiKeyUserConfig renders a group with two permissions and a bot user in it.
func apiKeyUserConfig(name string) string {
	return fmt.Sprintf(`
resource "octoprint_group" "bots" {
  key         = %[1]q
  name        = "Bots"
  permissions = ["STATUS", "FILES_LIST"]
}

resource "octoprint_user" "bot" {
  name     = %[1]q
  password = "unused-secret"
  groups   = [octoprint_group.bots.key]
}
`, name)
}

func TestAccIdentity_userAPIKey(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-identity")
	// The key's only in-place update is a change of its timeouts.
	update := apiKeyUserConfig(name) + `
resource "octoprint_user_api_key" "test" {
  user     = octoprint_user.bot.name
  triggers = { rotation = "1" }
  timeouts {
    create = "2m"
  }
}
`
	steps := identitySteps(apiKeyAddress, "user", name, botConfig(name, "1"), update, plancheck.ResourceActionUpdate)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps:                    steps,
	})
}

// A key made outside Terraform, imported by identity and applied: as after an import by
// ID, the first apply adopts the configured triggers and keeps the key.
func TestAccIdentity_userAPIKeyImportApplied(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-identityimp")
	var outside string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{Config: apiKeyUserConfig(name)},
			{
				PreConfig: func() {
					key, err := testClient(t).GenerateAPIKey(context.Background(), name)
					if err != nil {
						t.Fatal(err)
					}
					outside = key
				},
				Config:            botConfig(name, "1") + importByIdentity(apiKeyAddress, "user", name),
				ConfigPlanChecks:  expectAction(apiKeyAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: expectIdentity(apiKeyAddress, "user", name),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						if got := s.RootModule().Resources[apiKeyAddress].Primary.Attributes["api_key"]; got != outside {
							return fmt.Errorf("the imported key was replaced")
						}
						return nil
					},
					checkKeyActsAs(name, "STATUS", "FILES_LIST"),
				),
			},
		},
	})
}

// The identity of an application key is two names, the user's and the application's;
// its import ID is USER/APP.
func TestAccIdentity_applicationKey(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-identity")
	expect := []statecheck.StateCheck{
		statecheck.ExpectIdentity(appKeyAddress, map[string]knownvalue.Check{
			"user": knownvalue.StringExact(name), "app": knownvalue.StringExact(testApp),
		}),
		statecheck.ExpectIdentityValueMatchesState(appKeyAddress, tfjsonpath.New("user")),
		statecheck.ExpectIdentityValueMatchesState(appKeyAddress, tfjsonpath.New("app")),
		expectValue(appKeyAddress, "id", knownvalue.StringExact(name+"/"+testApp)),
	}
	// An import adopts the configured triggers: an update.
	importChecks := resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appKeyAddress, plancheck.ResourceActionUpdate)}}
	// The key's only in-place update is a change of its timeouts.
	update := strings.Replace(appKeyConfig(name, "1"), `triggers = { rotation = "1" }`, `triggers = { rotation = "1" }
  timeouts {
    create = "2m"
  }`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{Config: appKeyConfig(name, "1"), ConfigStateChecks: expect},
			{
				ResourceName:       appKeyAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ImportPlanChecks:   importChecks,
				ExpectNonEmptyPlan: true,
			},
			{
				ResourceName:       appKeyAddress,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      name + "/" + testApp,
				ImportPlanChecks:   importChecks,
				ExpectNonEmptyPlan: true,
			},
			{Config: update, ConfigPlanChecks: expectAction(appKeyAddress, plancheck.ResourceActionUpdate), ConfigStateChecks: expect},
		},
	})
}
