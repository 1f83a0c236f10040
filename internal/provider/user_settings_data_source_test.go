// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccUserSettingsDataSource(t *testing.T) {
	skipUnlessAcceptance(t)
	configured := userWithSettings(t, "tf-acc-settings-ds", map[string]string{
		"interface": `{"language":"de"}`, "reset": "null", "name": `"Jürgen ✓"`,
	})
	fresh := userWithSettings(t, "tf-acc-settings-ds-fresh", nil)
	const address = "data.octoprint_user_settings.test"
	config := func(user string) string {
		return fmt.Sprintf(`
data "octoprint_user_settings" "test" {
  user = %q
}

output "language" {
  value = try(jsondecode(data.octoprint_user_settings.test.settings).interface.language, "none")
}
`, user)
	}
	cases := []struct {
		name, user, settings, language string
	}{
		{"with settings", configured, `{"interface":{"language":"de"},"name":"Jürgen ✓","reset":null}`, "de"},
		{"fresh user", fresh, `{}`, "none"},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: config(tc.user),
			ConfigStateChecks: []statecheck.StateCheck{
				expectValue(address, "id", knownvalue.StringExact(tc.user)),
				expectValue(address, "settings", knownvalue.StringExact(tc.settings)),
				statecheck.ExpectKnownOutputValue("language", knownvalue.StringExact(tc.language)),
			},
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      config(configured + "-missing"),
		ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+user\s+not\s+found.*` + regexp.QuoteMeta(configured+`-missing"`) + `.*no\s+user\s+of\s+that\s+name`),
	})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}
