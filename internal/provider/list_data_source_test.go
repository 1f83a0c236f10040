// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// The data sources that read one of OctoPrint's lists whole: users, groups, permissions.

func TestAccUsersDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-list")
	// Names that sort in this order: the data source lists users by name.
	addUserOutside(t, octoprint.NewUser{Name: prefix + "-a", Password: "x", Active: true, Permissions: []string{"WEBCAM"}})
	addUserOutside(t, octoprint.NewUser{Name: prefix + "-b", Password: "x", Active: false, Groups: []string{}})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "octoprint_users" "all" {}

locals {
  mine = [for u in data.octoprint_users.all.users : u if startswith(u.name, %q)]
  names = [for u in data.octoprint_users.all.users : u.name]
}

output "mine" { value = local.mine }
output "sorted" { value = jsonencode(local.names) == jsonencode(sort(local.names)) }
output "admin_listed" { value = contains(local.names, "admin") }
`, prefix),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("mine", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":         knownvalue.StringExact(prefix + "-a"),
						"active":       knownvalue.Bool(true),
						"admin":        knownvalue.Bool(false),
						"has_password": knownvalue.Bool(true),
						"groups":       stringSet("users"),
						"permissions":  stringSet("WEBCAM"),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":         knownvalue.StringExact(prefix + "-b"),
						"active":       knownvalue.Bool(false),
						"admin":        knownvalue.Bool(false),
						"has_password": knownvalue.Bool(true),
						"groups":       stringSet(),
						"permissions":  stringSet(),
					}),
				})),
				statecheck.ExpectKnownOutputValue("sorted", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("admin_listed", knownvalue.Bool(true)),
			},
		}},
	})
}

func TestAccGroupsDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	key := acctest.RandomWithPrefix("tf-acc-dsgroup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkGroupsGone(t, key),
		Steps: []resource.TestStep{{
			Config: groupConfig(key, "Lab crew", `
  description = "Lab 2"
  permissions = ["PRINT", "SETTINGS"]
  subgroups   = ["readonly"]
`) + `
data "octoprint_groups" "all" {
  depends_on = [octoprint_group.test]
}
`,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.octoprint_groups.all", "id", "groups"),
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_groups.all", "groups.*", map[string]string{
					"key": key, "name": "Lab crew", "description": "Lab 2", "default": "false", "dangerous": "true",
					"permissions.#": "2", "subgroups.#": "1", "subgroups.0": "readonly",
					"changeable": "true", "removable": "true", "toggleable": "true",
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_groups.all", "groups.*", map[string]string{
					"key": "admins", "changeable": "false", "removable": "false", "toggleable": "true", "dangerous": "true",
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_groups.all", "groups.*", map[string]string{
					"key": "guests", "removable": "false", "toggleable": "false",
				}),
				checkSortedBy("data.octoprint_groups.all", "groups", "key"),
			),
		}},
	})
}

func TestAccPermissionsDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "octoprint_permissions" "all" {}`,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.octoprint_permissions.all", "id", "permissions"),
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_permissions.all", "permissions.*", map[string]string{
					"key": "ADMIN", "name": "Admin", "dangerous": "true", "default_groups.#": "1", "default_groups.0": "admins",
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_permissions.all", "permissions.*", map[string]string{
					"key": "PRINT", "dangerous": "false",
				}),
				// Plugins' permissions are listed too.
				resource.TestCheckTypeSetElemNestedAttrs("data.octoprint_permissions.all", "permissions.*", map[string]string{
					"key": "PLUGIN_PLUGINMANAGER_INSTALL", "dangerous": "true",
				}),
				checkSortedBy("data.octoprint_permissions.all", "permissions", "key"),
			),
		}},
	})
}

// checkSortedBy demands that a list attribute's objects are sorted by one of their attributes.
func checkSortedBy(address, list, attr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		n, err := strconv.Atoi(rs.Primary.Attributes[list+".#"])
		if err != nil || n < 2 {
			return fmt.Errorf("%s.%s has %q elements, want at least 2", address, list, rs.Primary.Attributes[list+".#"])
		}
		values := make([]string, n)
		for i := range values {
			values[i] = rs.Primary.Attributes[fmt.Sprintf("%s.%d.%s", list, i, attr)]
		}
		if !slices.IsSorted(values) {
			return fmt.Errorf("%s.%s not sorted by %s: %v", address, list, attr, values)
		}
		return nil
	}
}
