// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

func TestAccProvider_invalidConfiguration(t *testing.T) {
	skipUnlessAcceptance(t)
	// A user whose key works but lacks admin rights.
	operator := acctest.RandomWithPrefix("tf-acc-operator")
	addUserOutside(t, octoprint.NewUser{Name: operator, Password: "x", Active: true, Groups: []string{"users"}})
	operatorKey, err := testClient(t).GenerateAPIKey(context.Background(), operator)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, provider, err string
	}{
		{"empty url", `url = ""`, `(?s)Missing\s+OctoPrint\s+URL.*OCTOPRINT_URL`},
		{"url without scheme", `url = "octopi.local"`, `(?s)Invalid\s+OctoPrint\s+URL.*http://`},
		{"url with query", `url = "http://octopi.local/?x=1"`, `(?s)Invalid\s+OctoPrint\s+URL.*query`},
		{"empty api key", `api_key = ""`, `(?s)Missing\s+OctoPrint\s+API\s+key.*OCTOPRINT_API_KEY`},
		{"bad timeout", `request_timeout = "soon"`, `(?s)request_timeout`},
		{"negative timeout", `request_timeout = "-1s"`, `(?s)Invalid\s+request\s+timeout.*positive`},
		{"garbage CA", `ca_certificate = "not a certificate"`, `(?s)ca_certificate.*no\s+PEM-encoded\s+certificate`},
		{"unknown key", `api_key = "not-a-key"`, `(?s)403.*does\s+not\s+recognize\s+the\s+API\s+key`},
		{"key without admin rights", fmt.Sprintf(`api_key = %q`, operatorKey),
			fmt.Sprintf(`(?s)403.*%s.*lacks\s+admin\s+rights.*admins\s+group`, regexp.QuoteMeta(operator))},
		{"unreachable server", "url = \"http://127.0.0.1:9\"\nmax_retries = 1", `(?s)Error\s+reading\s+OctoPrint\s+users.*2\s+tries.*connection\s+refused`},
		{"negative retries", `max_retries = -1`, `(?s)max_retries.*between\s+0\s+and\s+100`},
		{"url without host", `url = "http://:5000"`, `(?s)Invalid\s+OctoPrint\s+URL.*has\s+no\s+host`},
		{"url of the API", `url = "http://127.0.0.1:5000/api/"`, `(?s)Invalid\s+OctoPrint\s+URL.*ends\s+in\s+/api.*\(http://127.0.0.1:5000/\)`},
		{"https to plain http", fmt.Sprintf("url = %q", strings.Replace(testURL(), "http://", "https://", 1)),
			`(?s)speaks\s+plain\s+HTTP,\s+not\s+HTTPS;\s+start\s+the\s+URL\s+with\s+http://`},
		{"api key with a line break", `api_key = "0123456789abcdef\n"`, `(?s)Invalid\s+OctoPrint\s+API\s+key.*white\s+space`},
		{"header name", `headers = { "X Proxy Auth" = "v" }`, `(?s)Invalid\s+HTTP\s+header.*"X\s+Proxy\s+Auth"\s+is\s+not\s+a\s+valid\s+HTTP\s+header\s+name`},
		{"header value", `headers = { "X-Proxy-Auth" = "a\nb" }`, `(?s)Invalid\s+HTTP\s+header.*"X-Proxy-Auth"\s+holds\s+a\s+line\s+break`},
		{"api key and username", "api_key = \"k\"\nusername = \"admin\"\npassword = \"x\"", `(?s)Conflicting\s+OctoPrint\s+credentials.*either\s+an\s+admin's\s+API\s+key,\s+or\s+the\s+username\s+and\s+password`},
		{"username without password", `username = "admin"`, `(?s)Missing\s+OctoPrint\s+password.*logs\s+in\s+as\s+user\s+"admin".*OCTOPRINT_PASSWORD`},
		{"password without username", `password = "x"`, `(?s)Missing\s+OctoPrint\s+username.*OCTOPRINT_USERNAME`},
		{"username with white space", "username = \" admin\"\npassword = \"x\"", `(?s)Invalid\s+OctoPrint\s+username.*white\s+space`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      readUsersWith(tc.provider),
					ExpectError: regexp.MustCompile(tc.err),
				}},
			})
		})
	}
}

// A value from the environment that the provider refuses is named with its variable.
func TestAccProvider_invalidEnvironment(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Setenv(EnvAPIKey, os.Getenv(EnvAPIKey)+"\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      readUsersWith(""),
			ExpectError: regexp.MustCompile(`(?s)Invalid\s+OctoPrint\s+API\s+key.*white\s+space.*comes\s+from\s+the\s+OCTOPRINT_API_KEY\s+environment\s+variable`),
		}},
	})
}

// Credentials from the environment: an API key and a username at once are refused, naming
// both variables; a username and password log in.
func TestAccProvider_credentialsFromEnvironment(t *testing.T) {
	skipUnlessAcceptance(t)
	t.Setenv(EnvUsername, "admin")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      readUsersWith(""),
			ExpectError: regexp.MustCompile(`(?s)Conflicting\s+OctoPrint\s+credentials.*OCTOPRINT_API_KEY\s+and\s+OCTOPRINT_USERNAME`),
		}},
	})
	if testServer == nil {
		return // an existing server: its admin's password is not known
	}
	t.Setenv(EnvAPIKey, "")
	t.Setenv(EnvPassword, testServer.AdminPassword)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: readUsersWith("") + `
output "admin_listed" { value = contains([for u in data.octoprint_users.all.users : u.name], "admin") }
`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("admin_listed", knownvalue.Bool(true))},
		}},
	})
}

func TestAccProvider_fullConfiguration(t *testing.T) {
	skipUnlessAcceptance(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: readUsersWith(fmt.Sprintf(`
  url                  = %q
  api_key              = %q
  request_timeout      = "45s"
  insecure_skip_verify = false
  headers              = { "X-Forwarded-User" = "terraform" }
  max_retries          = 3
`, testURL(), os.Getenv(EnvAPIKey))) + `
output "admin_listed" { value = contains([for u in data.octoprint_users.all.users : u.name], "admin") }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("admin_listed", knownvalue.Bool(true)),
			},
		}},
	})
}

// The provider's URL may come from a resource that does not exist yet: plan must work
// with the configuration unknown, and apply then creates the user.
func TestAccProvider_unknownAtPlan(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-unknown")
	config := func(url, extra string) string {
		return extra + fmt.Sprintf(`
resource "terraform_data" "server" {
  input = %[1]q
}

provider "octoprint" {
  url = terraform_data.server.output
}

resource "octoprint_group" "test" {
  key         = %[2]q
  name        = "Unknown at plan"
  permissions = ["STATUS"]
}

resource "octoprint_user" "test" {
  name     = %[2]q
  password = "secret"
  groups   = ["readonly", octoprint_group.test.key]
}

resource "octoprint_user_api_key" "test" {
  user = octoprint_user.test.name
}

resource "octoprint_user_settings" "test" {
  user     = octoprint_user.test.name
  settings = jsonencode({ interface = { language = "de" } })
}
`, url, name)
	}
	const dataSource = `
data "octoprint_users" "all" {
  depends_on = [octoprint_user.test]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkUsersDestroyed(t),
			checkGroupsGone(t, name),
		),
		Steps: []resource.TestStep{
			{
				// A data source depending on the resources is read at apply, once the
				// provider is configured.
				Config:            config(testURL(), dataSource),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "groups", stringSet("readonly", name))},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, true, []string{"readonly", name}, []string{}),
					checkStateKeyOwner(name),
				),
			},
			{
				// The URL unknown again while the resources exist: they keep their state
				// until the provider is configured, and nothing changes.
				Config: config(testURL()+"/", ""),
				Check:  checkServerUser(t, name, true, []string{"readonly", name}, []string{}),
			},
			{
				// A data source to read while the provider cannot be: a clear error.
				Config:      config(testURL(), dataSource),
				ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+provider\s+not\s+configured.*not\s+known\s+yet`),
			},
		},
	})
}
