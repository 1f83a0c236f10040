// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// Two resources of one configuration for one object are refused at plan time, before
// anything reaches the server.
func TestAccPlan_twoResourcesForOneObject(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-twice")
	user := func(label string) string {
		return fmt.Sprintf(`
resource "octoprint_user" %q {
  name        = %q
  password_wo = "secret"
}
`, label, name)
	}
	group := func(label string) string {
		return fmt.Sprintf(`
resource "octoprint_group" %q {
  key         = %q
  name        = %q
  permissions = []
}
`, label, name, label)
	}
	cases := []struct {
		name, config, err string
	}{
		{"users", user("a") + user("b"), `(?s)OctoPrint\s+user\s+managed\s+twice.*manages\s+user\s+"` + name + `"\s+too`},
		{"groups", group("a") + group("b"), `(?s)OctoPrint\s+group\s+managed\s+twice.*manages\s+group\s+"` + name + `"\s+too`},
		{"API keys", user("a") + `
resource "octoprint_user_api_key" "one" {
  user = octoprint_user.a.name
}
resource "octoprint_user_api_key" "two" {
  user = octoprint_user.a.name
}
`, `(?s)OctoPrint\s+API\s+key\s+managed\s+twice.*A\s+user\s+has\s+one\s+API\s+key`},
		{"settings keys", user("a") + `
resource "octoprint_user_settings" "one" {
  user     = octoprint_user.a.name
  settings = jsonencode({ interface = { language = "de" }, a = 1 })
}
resource "octoprint_user_settings" "two" {
  user     = octoprint_user.a.name
  settings = jsonencode({ interface = { language = "fr" }, b = 2 })
}
`, `(?s)OctoPrint\s+user\s+settings\s+managed\s+twice.*settings\s+key\s+"interface"\s+of\s+user`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: regexp.MustCompile(tc.err)}},
				CheckDestroy: func(*terraform.State) error {
					if err := checkUserGone(t, name); err != nil {
						return err
					}
					return checkGroupsGone(t, name)(nil)
				},
			})
		})
	}
}

// A group whose resource leaves the configuration while a user or a group still names it
// by its key is not destroyed: OctoPrint would silently drop the membership.
func TestAccPlan_groupDestroyedWhileNamed(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-named")
	user, parent := key+"-user", key+"-parent"
	config := func(withGroup bool, names string) string {
		group := ""
		if withGroup {
			group = fmt.Sprintf(`
resource "octoprint_group" "named" {
  key         = %q
  name        = "Named"
  permissions = ["PRINT"]
}
`, key)
		}
		return group + fmt.Sprintf(`
resource "octoprint_user" "member" {
  name        = %[1]q
  password_wo = "secret"
  groups      = %[3]s
}

resource "octoprint_group" "parent" {
  key         = %[2]q
  name        = "Parent"
  permissions = []
  subgroups   = %[3]s
}
`, user, parent, names)
	}
	literal := fmt.Sprintf("[%q]", key)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			// The group first, then the literal names of it.
			{Config: config(true, "[]")},
			{Config: config(true, literal)},
			{
				Config:      config(false, literal),
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+group\s+destroyed\s+while\s+still\s+named.*"` + key + `"`),
			},
			{
				// Nothing was lost on the server.
				Config: config(true, literal),
				Check: func(*terraform.State) error {
					u, err := testClient(t).GetUser(context.Background(), user)
					if err != nil {
						return err
					}
					if !slices.Contains(u.Groups, key) {
						return fmt.Errorf("user %q is no longer in group %q: %v", user, key, u.Groups)
					}
					return nil
				},
			},
			// Named no more, it goes.
			{Config: config(false, "[]")},
		},
		CheckDestroy: checkGroupsGone(t, key, parent),
	})
}

// A cycle of subgroups, through planned groups and groups on the server, is refused at
// plan time; OctoPrint 1.11 would save it and fail every later listing of its groups.
func TestAccPlan_subgroupCycle(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-cycle")
	a, b, c, outside := prefix+"-a", prefix+"-b", prefix+"-c", prefix+"-outside"
	groups := func(subA, subB, subC string) string {
		return fmt.Sprintf(`
resource "octoprint_group" "a" {
  key         = %q
  name        = "A"
  permissions = []
  subgroups   = %s
}
resource "octoprint_group" "b" {
  key         = %q
  name        = "B"
  permissions = []
  subgroups   = %s
}
resource "octoprint_group" "c" {
  key         = %q
  name        = "C"
  permissions = []
  subgroups   = %s
}
`, a, subA, b, subB, c, subC)
	}
	list := func(keys ...string) string { return hclList(keys) }
	cycleError := regexp.MustCompile(`(?s)Cycle\s+of\s+OctoPrint\s+subgroups.*→`)
	serverHasNoCycle := func(*terraform.State) error {
		all, err := testClient(t).ListGroups(context.Background())
		if err != nil {
			return fmt.Errorf("listing the groups after the refusal: %w", err)
		}
		for _, key := range []string{a, b, c, outside} {
			if cycle := octoprint.SubgroupCycle(all, key); cycle != nil {
				return fmt.Errorf("the server holds the cycle %v", cycle)
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: groups("[]", "[]", "[]")},
			{Config: groups(list(a), "[]", "[]"), ExpectError: regexp.MustCompile(`(?s)cannot\s+contain\s+itself`)},
			// Three groups, each naming the next by a literal key, in one plan.
			{Config: groups(list(b), list(c), list(a)), ExpectError: cycleError},
			{Config: groups(list(b), list(c), "[]"), Check: serverHasNoCycle},
			// A cycle through a group made outside Terraform: outside -> a, then c -> outside.
			{
				PreConfig: func() {
					if _, err := testClient(t).AddGroup(context.Background(), octoprint.NewGroup{Key: outside, Name: "Outside",
						GroupUpdate: octoprint.GroupUpdate{Permissions: []string{}, Subgroups: []string{a}}}); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { _ = testClient(t).DeleteGroup(context.Background(), outside) })
				},
				Config:      groups(list(b), list(c), list(outside)),
				ExpectError: cycleError,
			},
			{Config: groups(list(b), list(c), "[]"), Check: serverHasNoCycle},
		},
		CheckDestroy: checkGroupsGone(t, a, b, c),
	})
}

// The provider never demotes, deactivates or deletes the user it acts as, through that
// user or through a group that gives it ADMIN: each would make OctoPrint refuse every
// later request, and the next plan would show nothing to repair.
func TestAccPlan_providerKeepsItsOwnRights(t *testing.T) {
	skipUnlessAcceptance(t)
	me, err := testClient(t).CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	admin := func(attributes string) string {
		return fmt.Sprintf(`
import {
  to = octoprint_user.admin
  id = %[1]q
}

resource "octoprint_user" "admin" {
  name        = %[1]q
  password_wo = "unused"
%[2]s
}
`, me.Name, attributes)
	}
	lockout := regexp.MustCompile(`(?s)The\s+provider\s+would\s+lock\s+itself\s+out.*` + regexp.QuoteMeta(fmt.Sprintf("%q", me.Name)))
	stillAdmin := func(*terraform.State) error {
		u, err := testClient(t).GetUser(context.Background(), me.Name)
		if err != nil {
			return err
		}
		if !u.Active || !slices.Contains(u.Groups, "admins") {
			return fmt.Errorf("the provider's own user changed: %+v", u)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: admin(`groups = ["admins", "users"]`)},
			{Config: admin(`groups = ["users"]`), ExpectError: lockout},
			{Config: admin("groups = []\npermissions = [\"PRINT\"]"), ExpectError: lockout},
			{Config: admin(`active = false`), ExpectError: lockout},
			// Its own ADMIN permission keeps the rights without the group: no lockout.
			{Config: admin(`groups = ["admins", "users"]` + "\npermissions = [\"ADMIN\"]"), Check: stillAdmin},
			{Config: admin(`groups = ["admins", "users"]`), Check: stillAdmin},
			{
				Config:      `# the admin is no longer declared`,
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+user\s+cannot\s+be\s+deleted.*refuses\s+to\s+delete\s+the\s+user\s+whose\s+API\s+key`),
			},
			{
				Config: `
removed {
  from = octoprint_user.admin
  lifecycle {
    destroy = false
  }
}
`,
				Check: stillAdmin,
			},
		},
	})
}

// A provider that acts as a user whose ADMIN comes from a custom group does not take
// ADMIN from that group, nor destroy it.
func TestAccPlan_providerKeepsTheGroupOfItsRights(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-superops")
	client := testClient(t)
	ctx := context.Background()
	if _, err := client.AddGroup(ctx, octoprint.NewGroup{Key: prefix, Name: "Super operators",
		GroupUpdate: octoprint.GroupUpdate{Permissions: []string{"ADMIN"}, Subgroups: []string{}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.DeleteGroup(ctx, prefix) })
	addUserOutside(t, octoprint.NewUser{Name: prefix, Password: "secret", Active: true, Groups: []string{prefix}})
	key, err := client.GenerateAPIKey(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	group := func(permissions string) string {
		return fmt.Sprintf(`
provider "octoprint" {
  api_key = %[1]q
}

import {
  to = octoprint_group.superops
  id = %[2]q
}

resource "octoprint_group" "superops" {
  key         = %[2]q
  name        = "Super operators"
  permissions = %[3]s
}
`, key, prefix, permissions)
	}
	lockout := regexp.MustCompile(`(?s)The\s+provider\s+would\s+lock\s+itself\s+out.*` + regexp.QuoteMeta(fmt.Sprintf("%q", prefix)))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: group(`["ADMIN"]`)},
			{Config: group(`["PRINT"]`), ExpectError: lockout},
			{Config: fmt.Sprintf("provider \"octoprint\" {\n  api_key = %q\n}\n", key), ExpectError: lockout},
			{
				Config: fmt.Sprintf("provider \"octoprint\" {\n  api_key = %q\n}\n", key) + `
removed {
  from = octoprint_group.superops
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(*terraform.State) error {
					g, err := client.GetGroup(ctx, prefix)
					if err != nil {
						return err
					}
					if !slices.Contains(g.Permissions, "ADMIN") {
						return fmt.Errorf("group %q lost ADMIN: %v", prefix, g.Permissions)
					}
					return nil
				},
			},
		},
	})
}

// Settings that OctoPrint cannot store are refused at plan time: a lone surrogate or a
// deep nesting would break every later write of users until a restart, and a body over
// 100 KiB is refused without a reason. Settings at the limits are stored.
func TestAccPlan_settingsOctoPrintCannotStore(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-limits")
	addUserOutside(t, octoprint.NewUser{Name: name, Password: "secret", Active: true})
	settings := func(json string) string {
		return fmt.Sprintf(`
resource "octoprint_user_settings" "test" {
  user     = %q
  settings = %q
}
`, name, json)
	}
	nested := func(levels int) string { // the settings object is the first level
		return `{"k":` + strings.Repeat(`{"a":`, levels-1) + "1" + strings.Repeat("}", levels-1) + "}"
	}
	sized := func(bytes int) string { return `{"k":"` + strings.Repeat("x", bytes-8) + `"}` }
	for _, tc := range []struct{ name, json, err string }{
		{"lone surrogate", `{"note": "x\ud800y"}`, `(?s)Invalid\s+Unicode\s+in\s+OctoPrint\s+user\s+settings.*\\ud800`},
		{"nested too deeply", nested(maxSettingsDepth + 1), `(?s)OctoPrint\s+user\s+settings\s+nested\s+too\s+deeply.*101\s+levels.*accepts\s+100`},
		{"too large", sized(octoprint.MaxRequestBytes + 1), `(?s)OctoPrint\s+user\s+settings\s+too\s+large.*102401\s+bytes`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: settings(tc.json), ExpectError: regexp.MustCompile(tc.err)}},
			})
		})
	}
	t.Run("at the limits", func(t *testing.T) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: settings(nested(maxSettingsDepth))},
				{Config: settings(sized(octoprint.MaxRequestBytes))},
				{
					// The server still takes writes of users.
					Config: settings(`{"k":"done"}`),
					Check: func(*terraform.State) error {
						got, err := testClient(t).GetUserSettings(context.Background(), name)
						if err != nil {
							return err
						}
						if string(got["k"]) != `"done"` {
							return fmt.Errorf("settings k = %s", got["k"])
						}
						return nil
					},
				},
			},
		})
	})
}

// Invalid Unicode cannot reach OctoPrint in a name: OpenTofu itself refuses the escape
// of half a surrogate pair, and Terraform's strings are valid UTF-8. (In settings, JSON
// text can carry one, and the provider refuses it: TestAccPlan_settingsOctoPrintCannotStore.)
func TestAccPlan_invalidUnicodeInNames(t *testing.T) {
	skipUnlessAcceptance(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "octoprint_group" "test" {
  key         = "x\ud800y"
  name        = "x\ud800y"
  permissions = []
}
`,
			ExpectError: regexp.MustCompile(`(?s)Invalid\s+escape\s+sequence.*Cannot\s+encode\s+character\s+U\+d800\s+in\s+UTF-8`),
		}, {
			Config: "# nothing was created",
		}},
	})
}

// Settings and a key of a user deleted by hand are already gone: destroying them
// succeeds, and a plan that keeps them warns that applying would fail; a user created
// again in the same configuration gets them back.
func TestAccPlan_userDeletedByHand(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-by-hand")
	config := fmt.Sprintf(`
resource "octoprint_user_settings" "test" {
  user     = %[1]q
  settings = jsonencode({ interface = { language = "de" } })
}

resource "octoprint_user_api_key" "test" {
  user = %[1]q
}
`, name)
	deleteByHand := func(*terraform.State) error { return testClient(t).DeleteUser(context.Background(), name) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		PreCheck:                 func() { addUserOutside(t, octoprint.NewUser{Name: name, Password: "secret", Active: true}) },
		Steps: []resource.TestStep{
			{Config: config, Check: deleteByHand, ExpectNonEmptyPlan: true},
			{
				// The plan warns; applying fails on the missing user, at apply, as it must.
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)no\s+user`),
			},
			{Config: config, Destroy: true},
		},
		CheckDestroy: func(*terraform.State) error { return checkUserGone(t, name) },
	})
}
