package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// addUserOutside creates a user beside Terraform and deletes it when the test ends,
// unless a test has destroyed it by then.
func addUserOutside(t *testing.T, u octoprint.NewUser) {
	t.Helper()
	client := testClient(t)
	if _, err := client.AddUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := client.DeleteUser(context.Background(), u.Name); err != nil && !errors.Is(err, octoprint.ErrNotFound) {
			t.Errorf("deleting %q: %v", u.Name, err)
		}
	})
}

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
					statecheck.ExpectKnownValue(address, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("admin"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("groups"), stringSet("admins", "readonly")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("permissions"), stringSet("PRINT")),
				},
			},
			{
				Config:      `data "octoprint_user" "test" { name = "no such user, surely" }`,
				ExpectError: regexp.MustCompile(`(?s)OctoPrint user not found.*no user named`),
			},
		},
	})
}

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
						"name":        knownvalue.StringExact(prefix + "-a"),
						"active":      knownvalue.Bool(true),
						"admin":       knownvalue.Bool(false),
						"groups":      stringSet("users"),
						"permissions": stringSet("WEBCAM"),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name":        knownvalue.StringExact(prefix + "-b"),
						"active":      knownvalue.Bool(false),
						"admin":       knownvalue.Bool(false),
						"groups":      stringSet(),
						"permissions": stringSet(),
					}),
				})),
				statecheck.ExpectKnownOutputValue("sorted", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("admin_listed", knownvalue.Bool(true)),
			},
		}},
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
					statecheck.ExpectKnownValue(address, tfjsonpath.New("groups"), stringSet("users")),
					statecheck.ExpectKnownOutputValue("listed_groups", stringSet("users")),
				},
			},
			{
				Config: config(`["readonly"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(address, tfjsonpath.New("groups"), stringSet("readonly")),
					statecheck.ExpectKnownOutputValue("listed_groups", stringSet("readonly")),
				},
			},
		},
	})
}
