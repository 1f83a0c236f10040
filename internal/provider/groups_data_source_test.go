package provider

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

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
