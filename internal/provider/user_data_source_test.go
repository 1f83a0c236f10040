// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

func TestAccUserDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-ds Jürgen")
	addUserOutside(t, octoprint.NewUser{
		Name: name, Password: "x", Active: false, Groups: []string{"admins", "readonly"}, Permissions: []string{"PRINT"},
	})
	const address = "data.octoprint_user.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`data "octoprint_user" "test" { name = %q }`, name),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(address, "id", knownvalue.StringExact(name)),
					expectValue(address, "active", knownvalue.Bool(false)),
					expectValue(address, "admin", knownvalue.Bool(true)),
					expectValue(address, "groups", stringSet("admins", "readonly")),
					expectValue(address, "permissions", stringSet("PRINT")),
				},
			},
			{
				Config:      `data "octoprint_user" "test" { name = "no such user, surely" }`,
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+user\s+not\s+found.*no\s+user\s+named`),
			},
		},
	})
}

// Reads in the same run as a write see the write: the provider's shared snapshot of the
// user list is replaced by what each write returns.
func TestAccUserDataSource_readAfterWriteInOneRun(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-raw")
	config := func(groups string) string {
		return fmt.Sprintf(`
resource "octoprint_user" "test" {
  name     = %q
  password = "secret"
  groups   = %s
}

data "octoprint_user" "test" {
  name       = octoprint_user.test.name
  depends_on = [octoprint_user.test]
}

data "octoprint_users" "all" {
  depends_on = [octoprint_user.test]
}

output "listed_groups" {
  value = one([for u in data.octoprint_users.all.users : u.groups if u.name == %q])
}
`, name, groups, name)
	}
	const address = "data.octoprint_user.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(`["users"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(address, "groups", stringSet("users")),
					statecheck.ExpectKnownOutputValue("listed_groups", stringSet("users")),
				},
			},
			{
				Config: config(`["readonly"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(address, "groups", stringSet("readonly")),
					statecheck.ExpectKnownOutputValue("listed_groups", stringSet("readonly")),
				},
			},
		},
	})
}
