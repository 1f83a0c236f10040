// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// Every key is listed, made outside Terraform or not, keys of deleted users included,
// sorted by user then application; a filter by user lists that user's alone; no key
// value reaches state.
func TestAccApplicationKeysDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	prefix := acctest.RandomWithPrefix("tf-acc-dskeys")
	alice, bob, gone := prefix+"-alice", prefix+"-bob", prefix+"-gone"
	var keys []string
	for _, u := range []string{alice, bob, gone} {
		addUserOutside(t, octoprint.NewUser{Name: u, Password: "x", Active: true})
	}
	for _, k := range []struct{ user, app string }{{bob, "OctoFarm"}, {alice, "Home Assistant"}, {alice, "Cura"}, {gone, "Cura"}} {
		var key string
		outsideAppKey(t, k.user, k.app, &key)
		keys = append(keys, key)
		t.Cleanup(func() {
			_, _ = testClient(t).RevokeAppKey(context.Background(), octoprint.AppKey{User: k.user, App: k.app})
		})
	}
	// Deleted outside Terraform (without the provider): OctoPrint keeps its key.
	if err := testClient(t).DeleteUser(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	ref := func(user, app string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"user": knownvalue.StringExact(user), "app": knownvalue.StringExact(app)})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "octoprint_application_keys" "all" {}

data "octoprint_application_keys" "alice" {
  user = %q
}

output "mine" {
  value = [for k in data.octoprint_application_keys.all.keys : k if startswith(k.user, %q)]
}
`, alice, prefix),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("mine", knownvalue.ListExact([]knownvalue.Check{
					ref(alice, "Cura"), ref(alice, "Home Assistant"), ref(bob, "OctoFarm"), ref(gone, "Cura"),
				})),
				expectValue("data.octoprint_application_keys.alice", "keys",
					knownvalue.ListExact([]knownvalue.Check{ref(alice, "Cura"), ref(alice, "Home Assistant")})),
				expectValue("data.octoprint_application_keys.alice", "id", knownvalue.StringExact(alice)),
				expectValue("data.octoprint_application_keys.all", "id", knownvalue.StringExact("application_keys")),
			},
			Check: func(s *terraform.State) error {
				for _, address := range []string{"data.octoprint_application_keys.all", "data.octoprint_application_keys.alice"} {
					for attr, value := range s.RootModule().Resources[address].Primary.Attributes {
						for _, key := range keys {
							if strings.Contains(value, key) {
								return fmt.Errorf("%s.%s holds a key", address, attr)
							}
						}
					}
				}
				return nil
			},
		}},
	})
}
