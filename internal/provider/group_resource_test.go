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
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

func TestAccGroup_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-group")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkGroupsGone(t, key),
		Steps: []resource.TestStep{
			{
				Config: groupConfig(key, "Operators", `
  description = "Print crew"
  permissions = ["CONNECTION", "FILES_LIST"]
  subgroups   = ["readonly"]
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(groupAddress, "id", knownvalue.StringExact(key)),
					expectValue(groupAddress, "key", knownvalue.StringExact(key)),
					expectValue(groupAddress, "name", knownvalue.StringExact("Operators")),
					expectValue(groupAddress, "description", knownvalue.StringExact("Print crew")),
					expectValue(groupAddress, "permissions", stringSet("CONNECTION", "FILES_LIST")),
					expectValue(groupAddress, "subgroups", stringSet("readonly")),
					expectValue(groupAddress, "default", knownvalue.Bool(false)),
					expectValue(groupAddress, "dangerous", knownvalue.Bool(false)),
					expectValue(groupAddress, "changeable", knownvalue.Bool(true)),
					expectValue(groupAddress, "removable", knownvalue.Bool(true)),
					expectValue(groupAddress, "toggleable", knownvalue.Bool(true)),
				},
				Check: checkServerGroup(t, octoprint.Group{Key: key, Name: "Operators", Description: "Print crew",
					Permissions: []string{"CONNECTION", "FILES_LIST"}, Subgroups: []string{"readonly"}}),
			},
			{
				ResourceName:      groupAddress,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Permissions updated in place; a dangerous one makes the group dangerous.
				Config: groupConfig(key, "Operators", `
  description = "Print crew, with settings"
  permissions = ["CONNECTION", "FILES_LIST", "PRINT", "SETTINGS"]
`),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(groupAddress, "permissions", stringSet("CONNECTION", "FILES_LIST", "PRINT", "SETTINGS")),
					expectValue(groupAddress, "subgroups", knownvalue.SetExact(nil)),
					expectValue(groupAddress, "dangerous", knownvalue.Bool(true)),
				},
				Check: checkServerGroup(t, octoprint.Group{Key: key, Name: "Operators", Description: "Print crew, with settings",
					Permissions: []string{"CONNECTION", "FILES_LIST", "PRINT", "SETTINGS"}, Subgroups: []string{}}),
			},
			{
				// Permissions changed outside Terraform are drift, corrected in place.
				PreConfig: func() {
					_, err := testClient(t).UpdateGroup(context.Background(), key, octoprint.GroupUpdate{
						Description: "hand-edited", Permissions: []string{"STATUS"}, Subgroups: []string{"users"},
					})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: groupConfig(key, "Operators", `
  description = "Print crew"
  permissions = ["CONNECTION", "FILES_LIST"]
`),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionUpdate),
				Check: checkServerGroup(t, octoprint.Group{Key: key, Name: "Operators", Description: "Print crew",
					Permissions: []string{"CONNECTION", "FILES_LIST"}, Subgroups: []string{}}),
			},
			{
				// OctoPrint cannot rename a group: a new name replaces it.
				Config:           groupConfig(key, "Print operators", `permissions = ["CONNECTION"]`),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionDestroyBeforeCreate),
				Check: checkServerGroup(t, octoprint.Group{Key: key, Name: "Print operators",
					Permissions: []string{"CONNECTION"}, Subgroups: []string{}}),
			},
			{
				// Deleted outside Terraform: created again.
				PreConfig: func() {
					if err := testClient(t).DeleteGroup(context.Background(), key); err != nil {
						t.Fatal(err)
					}
				},
				Config:           groupConfig(key, "Print operators", `permissions = ["CONNECTION"]`),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionCreate),
				Check: checkServerGroup(t, octoprint.Group{Key: key, Name: "Print operators",
					Permissions: []string{"CONNECTION"}, Subgroups: []string{}}),
			},
		},
	})
}

// A group and its members in one configuration: the group is created first, its
// members then join it, and destroy runs in the opposite order. A subgroup planned in
// the same run passes the plan-time check too.
func TestAccGroup_withMembers(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-members")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkUsersDestroyed(t)(s); err != nil {
				return err
			}
			return checkGroupsGone(t, prefix+"-viewers", prefix+"-operators")(s)
		},
		Steps: []resource.TestStep{
			{
				Config: membersConfig(prefix, "Operators"),
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, prefix+"-0", true, []string{prefix + "-operators"}, []string{}),
					checkServerUser(t, prefix+"-2", true, []string{prefix + "-operators"}, []string{}),
					checkServerGroup(t, octoprint.Group{Key: prefix + "-operators", Name: "Operators",
						Permissions: []string{"CONNECTION", "PRINT"}, Subgroups: []string{prefix + "-viewers"}}),
				),
			},
			{
				// A new name replaces the group, which OctoPrint removes from its members:
				// the same apply makes them members again.
				Config: membersConfig(prefix, "Print crew"),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction("octoprint_group.operators", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(`octoprint_user.operator[0]`, plancheck.ResourceActionUpdate),
				),
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, prefix+"-0", true, []string{prefix + "-operators"}, []string{}),
					checkServerUser(t, prefix+"-2", true, []string{prefix + "-operators"}, []string{}),
					checkServerGroup(t, octoprint.Group{Key: prefix + "-operators", Name: "Print crew",
						Permissions: []string{"CONNECTION", "PRINT"}, Subgroups: []string{prefix + "-viewers"}}),
				),
			},
		},
	})
}

// membersConfig renders a group with a subgroup, both managed, and three members.
func membersConfig(prefix, name string) string {
	return fmt.Sprintf(`
resource "octoprint_group" "viewers" {
  key         = "%[1]s-viewers"
  name        = "Viewers"
  permissions = ["STATUS", "WEBCAM"]
}

resource "octoprint_group" "operators" {
  key         = "%[1]s-operators"
  name        = %[2]q
  permissions = ["CONNECTION", "PRINT"]
  subgroups   = [octoprint_group.viewers.key]
}

resource "octoprint_user" "operator" {
  count    = 3
  name     = "%[1]s-${count.index}"
  password = "secret"
  groups   = [octoprint_group.operators.key]
}
`, prefix, name)
}

// Bad input is refused at plan time, before anything is written.
func TestAccGroup_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-badgroup")
	cases := []struct {
		name, config, err string
	}{
		{"unknown permission", groupConfig(key, "G", `permissions = ["PRINT", "print", "NO_SUCH"]`),
			`(?s)Unknown\s+OctoPrint\s+permission.*"print",\s+"NO_SUCH".*Did\s+you\s+mean\s+"PRINT"\?`},
		{"unknown subgroup", groupConfig(key, "G", "permissions = []\nsubgroups = [\"no-such-group\"]"),
			`(?s)Unknown\s+OctoPrint\s+group.*"no-such-group".*subgroup`},
		{"guests as subgroup", groupConfig(key, "G", "permissions = []\nsubgroups = [\"guests\"]"),
			`(?s)cannot\s+be\s+a\s+subgroup.*"guests"`},
		{"itself as subgroup", groupConfig(key, "G", fmt.Sprintf("permissions = []\nsubgroups = [%q]", key)),
			`(?s)cannot\s+contain\s+itself`},
		{"key with slash", groupConfig("a/"+key, "G", "permissions = []"), `(?s)Invalid\s+OctoPrint\s+group\s+key.*contains\s+"/"`},
		{"key with space", groupConfig(key+" ", "G", "permissions = []"), `(?s)Invalid\s+OctoPrint\s+group\s+key.*white\s+space`},
		{"subgroup with slash", groupConfig(key, "G", "permissions = []\nsubgroups = [\"a/b\"]"), `(?s)Invalid\s+OctoPrint\s+group\s+key.*contains\s+"/"`},
		{"empty name", groupConfig(key, "", "permissions = []"), `(?s)name\s+string\s+length\s+must\s+be\s+at\s+least\s+1`},
		{"no permissions", groupConfig(key, "G", ""), `(?s)"permissions"\s+is\s+required`},
		{"built-in", groupConfig("users", "Operator", "permissions = []"), `(?s)built-in\s+groups.*cannot\s+be\s+created.*import`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					ExpectError: regexp.MustCompile(tc.err),
				}},
				CheckDestroy: checkGroupsGone(t, key),
			})
		})
	}
}

func TestAccGroup_duplicateKey(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-dupgroup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if _, err := testClient(t).AddGroup(context.Background(), octoprint.NewGroup{Key: key, Name: "Hand-made"}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = testClient(t).DeleteGroup(context.Background(), key) })
			},
			Config:      groupConfig(key, "Hand-made", "permissions = []"),
			ExpectError: regexp.MustCompile(`(?s)already\s+exists.*import`),
		}},
	})
}

// Built-in groups are imported, changed where OctoPrint allows it, and left on the
// server on destroy. Not parallel: it changes `guests`, which every test shares.
func TestAccGroup_builtIn(t *testing.T) {
	skipUnlessAcceptance(t)
	ctx := context.Background()
	guests, err := testClient(t).GetGroup(ctx, "guests")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, err := testClient(t).UpdateGroup(ctx, "guests", octoprint.GroupUpdate{
			Description: guests.Description, Permissions: guests.Permissions, Subgroups: guests.Subgroups, Default: guests.Default,
		})
		if err != nil {
			t.Error(err)
		}
	})
	guestsConfig := func(attributes string) string {
		return `
import {
  to = octoprint_group.test
  id = "guests"
}
` + groupConfig("guests", guests.Name, attributes)
	}
	changed := append(slices.Clone(guests.Permissions), "WEBCAM")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Still there, as Terraform left it.
		CheckDestroy: checkServerGroup(t, octoprint.Group{Key: "guests", Name: guests.Name, Description: guests.Description,
			Permissions: changed, Subgroups: guests.Subgroups}),
		Steps: []resource.TestStep{
			{
				// An import block with the server's values is a no-op; the description
				// may be left out.
				Config:           guestsConfig("permissions = " + hclList(guests.Permissions)),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionNoop),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(groupAddress, "description", knownvalue.StringExact(guests.Description)),
					expectValue(groupAddress, "removable", knownvalue.Bool(false)),
					expectValue(groupAddress, "toggleable", knownvalue.Bool(false)),
				},
			},
			{
				Config:           guestsConfig("permissions = " + hclList(changed)),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionUpdate),
				Check: checkServerGroup(t, octoprint.Group{Key: "guests", Name: guests.Name, Description: guests.Description,
					Permissions: changed, Subgroups: guests.Subgroups}),
			},
			{
				Config:      guestsConfig("description = \"Visitors\"\npermissions = " + hclList(changed)),
				ExpectError: regexp.MustCompile(`(?s)description\s+cannot\s+be\s+changed.*"guests"`),
			},
			{
				// What OctoPrint silently drops from guests is refused at plan time.
				Config:      guestsConfig("permissions = " + hclList(append(slices.Clone(changed), "SETTINGS"))),
				ExpectError: regexp.MustCompile(`(?s)Dangerous\s+permission\s+for\s+anonymous\s+visitors.*"SETTINGS"`),
			},
			{
				Config:      guestsConfig("permissions = " + hclList(changed) + "\nsubgroups = [\"admins\"]"),
				ExpectError: regexp.MustCompile(`(?s)Dangerous\s+subgroup\s+for\s+anonymous\s+visitors.*"admins"`),
			},
		},
	})
}

// An imported built-in group keeps OctoPrint's description and default flag when the
// configuration leaves them out, and its name cannot change.
func TestAccGroup_importBuiltInKeepsItsValues(t *testing.T) {
	skipUnlessAcceptance(t)
	users, err := testClient(t).GetGroup(context.Background(), "users")
	if err != nil {
		t.Fatal(err)
	}
	if !users.Default {
		t.Fatalf("the users group is not the default group: %+v", users)
	}
	config := func(name string) string {
		return `
import {
  to = octoprint_group.test
  id = "users"
}
` + groupConfig("users", name, "permissions = "+hclList(users.Permissions))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkServerGroup(t, *users),
		Steps: []resource.TestStep{
			{
				Config:           config(users.Name),
				ConfigPlanChecks: expectAction(groupAddress, plancheck.ResourceActionNoop),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(groupAddress, "default", knownvalue.Bool(true)),
					expectValue(groupAddress, "description", knownvalue.StringExact(users.Description)),
				},
			},
			{
				Config:      config("Users"),
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+group\s+cannot\s+be\s+renamed.*"users".*` + regexp.QuoteMeta(fmt.Sprintf("%q", users.Name))),
			},
		},
	})
}

// OctoPrint refuses every change to admins and readonly: the plan says so.
func TestAccGroup_unchangeableBuiltIn(t *testing.T) {
	skipUnlessAcceptance(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
import {
  to = octoprint_group.test
  id = "admins"
}
resource "octoprint_group" "test" {
  key         = "admins"
  name        = "Admins"
  permissions = ["ADMIN"]
  default     = true
}
`,
			ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+group\s+cannot\s+be\s+changed.*"admins"`),
		}},
	})
}

// OctoPrint computes dangerous from the subgroups too: a group updated in the apply that
// makes its subgroup dangerous reports the new value without an inconsistent result.
func TestAccGroup_dangerousThroughSubgroup(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-dangerous")
	config := func(innerPermissions, description string) string {
		return fmt.Sprintf(`
resource "octoprint_group" "inner" {
  key         = "%[1]s-inner"
  name        = "Inner"
  permissions = %[2]s
}

resource "octoprint_group" "outer" {
  key         = "%[1]s-outer"
  name        = "Outer"
  description = %[3]q
  permissions = []
  subgroups   = [octoprint_group.inner.key]
}
`, prefix, innerPermissions, description)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkGroupsGone(t, prefix+"-inner", prefix+"-outer"),
		Steps: []resource.TestStep{
			{
				Config: config(`["STATUS"]`, "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue("octoprint_group.outer", "dangerous", knownvalue.Bool(false)),
				},
			},
			{
				Config: config(`["STATUS", "SETTINGS"]`, "second"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue("octoprint_group.inner", "dangerous", knownvalue.Bool(true)),
					expectValue("octoprint_group.outer", "dangerous", knownvalue.Bool(true)),
				},
			},
		},
	})
}

// hclList renders strings as an HCL list.
func hclList(values []string) string {
	return "[" + quoteAll(values) + "]"
}

// Group keys follow what OctoPrint accepts: letters beyond ASCII, upper case and spaces
// inside, named alike by a group and by its members.
func TestAccGroup_keyOctoPrintAccepts(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("Grüppe Ä")
	user := acctest.RandomWithPrefix("tf-acc-grüppe")
	config := fmt.Sprintf(`
resource "octoprint_group" "test" {
  key         = %[1]q
  name        = "Grüppe"
  permissions = ["PRINT"]
}

resource "octoprint_user" "member" {
  name        = %[2]q
  password_wo = "secret"
  groups      = [%[1]q]
  depends_on  = [octoprint_group.test]
}
`, key, user)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					u, err := testClient(t).GetUser(context.Background(), user)
					if err != nil {
						return err
					}
					if !slices.Contains(u.Groups, key) || !slices.Contains(octoprint.EffectivePermissions(mustGroups(t), u.Groups, u.Permissions), "PRINT") {
						return fmt.Errorf("user %q is not in group %q with its rights: %+v", user, key, u)
					}
					return nil
				},
			},
			{ResourceName: "octoprint_group.test", ImportState: true, ImportStateId: key, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"}},
		},
		CheckDestroy: checkGroupsGone(t, key),
	})
}

func mustGroups(t *testing.T) []octoprint.Group {
	t.Helper()
	groups, err := testClient(t).ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return groups
}

// On OctoPrint 2.0 a group with ADMIN holds every permission and keeps no other one
// beside it: the plan says so. Older servers keep both.
func TestAccGroup_adminBesideOtherPermissions(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-admins2")
	v, err := testClient(t).ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	step := resource.TestStep{Config: groupConfig(key, "Admins too", `permissions = ["ADMIN", "PRINT"]`)}
	if v.AtLeast(2, 0) {
		step.ExpectError = regexp.MustCompile(`(?s)ADMIN\s+holds\s+every\s+permission.*list\s+ADMIN\s+alone`)
	} else {
		step.Check = checkServerGroup(t, octoprint.Group{Key: key, Name: "Admins too", Permissions: []string{"ADMIN", "PRINT"}, Subgroups: []string{}})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{step},
		CheckDestroy:             checkGroupsGone(t, key),
	})
}
