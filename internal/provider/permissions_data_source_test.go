package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

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
