package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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

// The table of permission keys on octoprint_group's page lists exactly what the OctoPrint
// the tests run (a stock server of the supported version) reports: every key, whether it
// is dangerous, and the built-in groups that hold it by default.
func TestAccPermissionsDocumented(t *testing.T) {
	skipUnlessAcceptance(t)
	documented := documentedPermissions(t, filepath.Join("..", "..", "docs", "resources", "group.md"))
	permissions, err := testClient(t).ListPermissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]string{}
	for _, p := range permissions {
		groups := slices.Clone(p.DefaultGroups)
		slices.Sort(groups)
		served[p.Key] = fmt.Sprintf("dangerous=%v groups=%s", p.Dangerous, strings.Join(groups, ", "))
	}
	for key, want := range served {
		got, ok := documented[key]
		switch {
		case !ok && testServer == nil && strings.HasPrefix(key, "PLUGIN_"):
			// A server given by OCTOPRINT_URL may have plugins of its own.
			t.Logf("%s is not in the table: a plugin of the server the tests were given", key)
		case !ok:
			t.Errorf("%s (%s) is missing from the table", key, want)
		case got != want:
			t.Errorf("%s: the table says %s, OctoPrint says %s", key, got, want)
		}
	}
	for key := range documented {
		if _, ok := served[key]; !ok {
			t.Errorf("the table lists %s, which OctoPrint does not know", key)
		}
	}
}

// documentedPermissions reads the rows of the permissions table between its markers.
func documentedPermissions(t *testing.T, page string) map[string]string {
	t.Helper()
	text := string(readFile(t, page))
	_, table, found := strings.Cut(text, "<!-- permissions: begin")
	table, _, closed := strings.Cut(table, "<!-- permissions: end -->")
	if !found || !closed {
		t.Fatalf("%s has no permissions table between its markers", page)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (yes|) \\| ([a-z, ]*) \\| [^|]+ \\|$")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		documented[m[1]] = fmt.Sprintf("dangerous=%v groups=%s", m[2] == "yes", m[3])
	}
	if len(documented) == 0 {
		t.Fatalf("no rows read from the permissions table of %s", page)
	}
	return documented
}
