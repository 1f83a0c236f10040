// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// botConfig renders a group with two permissions, a bot user in it, and its API key.
func botConfig(name, rotation string) string {
	return apiKeyUserConfig(name) + fmt.Sprintf(`
resource "octoprint_user_api_key" "test" {
  user     = octoprint_user.bot.name
  triggers = { rotation = %q }
}
`, rotation)
}

// statusWith returns the status of a GET made with the key.
func statusWith(key, path string) (int, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, testURL()+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Api-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close() // only the status matters
	return resp.StatusCode, nil
}

// checkKeyActsAs demands that the key of octoprint_user_api_key.test in state acts as
// the user with exactly the given permissions: see checkKeyAtActsAs.
func checkKeyActsAs(name string, permissions ...string) resource.TestCheckFunc {
	return checkKeyAtActsAs(apiKeyAddress, name, permissions...)
}

// checkKeyAtActsAs demands that the key of the resource at address in state acts as the
// user with exactly the given permissions: it may list files, and may neither read
// settings nor list users.
func checkKeyAtActsAs(address, name string, permissions ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		key := keyAt(s, address)
		me, err := keyOwner(key)
		if err != nil {
			return err
		}
		if me.Name != name || !sameSet(me.Permissions, permissions) {
			return fmt.Errorf("key acts as %q with %v, want %q with %v", me.Name, me.Permissions, name, permissions)
		}
		for path, want := range map[string]int{"/api/files": 200, "/api/settings": 403, "/api/access/users": 403} {
			got, err := statusWith(key, path)
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("GET %s with the key answered %d, want %d", path, got, want)
			}
		}
		return nil
	}
}

// checkKeyDead demands that OctoPrint no longer knows the key.
func checkKeyDead(key *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if *key == "" {
			return fmt.Errorf("no key recorded")
		}
		return checkKeyOwner(*key, "", false)(s)
	}
}

// checkKeyStill demands that the recorded key still works as the user and, when the
// state holds a key of octoprint_user_api_key.test, that it is the recorded one.
func checkKeyStill(key *string, name string) resource.TestCheckFunc {
	return checkKeyStillAt(apiKeyAddress, key, name)
}

// checkKeyStillAt is checkKeyStill for the resource at address.
func checkKeyStillAt(address string, key *string, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if got := keyAt(s, address); got != "" && got != *key {
			return fmt.Errorf("the key of %s in state changed", address)
		}
		return checkKeyOwner(*key, name, true)(s)
	}
}

func recordKey(key *string) resource.TestCheckFunc {
	return recordKeyAt(apiKeyAddress, key)
}

// recordKeyAt records the key of the resource at address in state.
func recordKeyAt(address string, key *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if *key = keyAt(s, address); *key == "" {
			return fmt.Errorf("no key of %s in state", address)
		}
		return nil
	}
}

func TestAccUserAPIKey_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-bot")
	var first, second, outside, last string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkKeyDead(&last),
			checkUsersDestroyed(t),
			checkGroupsGone(t, name),
		),
		Steps: []resource.TestStep{
			{
				Config: botConfig(name, "1"),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(apiKeyAddress, "id", name),
					resource.TestCheckResourceAttr(apiKeyAddress, "user", name),
					resource.TestMatchResourceAttr(apiKeyAddress, "api_key", regexp.MustCompile(`^\S{20,}$`)),
					checkKeyActsAs(name, "STATUS", "FILES_LIST"),
					recordKey(&first),
				),
			},
			{
				ResourceName:            apiKeyAddress,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers"},
			},
			{
				// Rotation: the old key stops working.
				Config:           botConfig(name, "2"),
				ConfigPlanChecks: expectAction(apiKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeTestCheckFunc(
					checkKeyActsAs(name, "STATUS", "FILES_LIST"),
					checkKeyDead(&first),
					recordKey(&second),
				),
			},
			{
				// Forgotten without being destroyed...
				Config: strings.Replace(botConfig(name, "2"), `resource "octoprint_user_api_key" "test"`, `locals`, 1) + `
removed {
  from = octoprint_user_api_key.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: checkKeyStill(&second, name),
			},
			{
				// ...then imported: it adopts the key, and the configuration's triggers
				// without rotating it.
				Config:             botConfig(name, "2"),
				ResourceName:       apiKeyAddress,
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
			},
			{
				Config:           botConfig(name, "2"),
				ConfigPlanChecks: expectAction(apiKeyAddress, plancheck.ResourceActionUpdate),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(apiKeyAddress, "triggers.rotation", "2"),
					checkKeyStill(&second, name),
				),
			},
			{
				// Regenerated outside Terraform: the plan shows a new key, and the one made
				// outside stops working.
				PreConfig: func() {
					var err error
					if outside, err = testClient(t).GenerateAPIKey(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config:           botConfig(name, "2"),
				ConfigPlanChecks: expectAction(apiKeyAddress, plancheck.ResourceActionCreate),
				Check: resource.ComposeTestCheckFunc(
					checkKeyActsAs(name, "STATUS", "FILES_LIST"),
					checkKeyDead(&second),
					checkKeyDead(&outside),
					recordKey(&last),
				),
			},
			{
				// Removed outside Terraform: a new key again.
				PreConfig: func() {
					if err := testClient(t).ResetAPIKey(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config:           botConfig(name, "2"),
				ConfigPlanChecks: expectAction(apiKeyAddress, plancheck.ResourceActionCreate),
				Check: resource.ComposeTestCheckFunc(
					checkKeyActsAs(name, "STATUS", "FILES_LIST"),
					checkKeyDead(&last),
					recordKey(&last),
				),
			},
		},
	})
}

// Destroying the key alone (the user stays) makes it stop working.
func TestAccUserAPIKey_destroyKillsKey(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-botkey")
	ctx := context.Background()
	var key string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkKeyDead(&key)(s); err != nil {
				return err
			}
			u, err := testClient(t).GetUser(ctx, name)
			if err != nil {
				return err
			}
			if u.APIKey != "" {
				return fmt.Errorf("user %q still has an API key", name)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			PreConfig: func() { addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true}) },
			Config: fmt.Sprintf(`
resource "octoprint_user_api_key" "test" {
  user = %q
}
`, name),
			Check: recordKey(&key),
		}},
	})
}

func TestAccUserAPIKey_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	missing := acctest.RandomWithPrefix("tf-acc-nobody")
	admin := "admin"
	if testServer != nil {
		admin = testServer.AdminName
	}
	cases := []struct {
		name, user, extra, err string
	}{
		{"provider's own key", admin, "", `(?s)API\s+key\s+of\s+the\s+provider\s+itself.*"` + admin + `"`},
		{"no such user", missing, "", `(?s)OctoPrint\s+user\s+not\s+found.*"` + missing + `"`},
		{"bad name", " " + missing, "", `(?s)Invalid\s+OctoPrint\s+user\s+name`},
		{"empty triggers", admin, "triggers = {}", `(?s)triggers\s+map\s+must\s+contain\s+at\s+least\s+1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("resource \"octoprint_user_api_key\" \"test\" {\n  user = %q\n  %s\n}\n", tc.user, tc.extra),
					ExpectError: regexp.MustCompile(tc.err),
				}},
			})
		})
	}
}

// Importing a user without a key says so.
func TestAccUserAPIKey_importWithoutKey(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-nokey")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{Config: userConfig(name, `password = "x"`)},
			{
				Config: userConfig(name, `password = "x"`) + fmt.Sprintf(`
resource "octoprint_user_api_key" "test" {
  user = %q
}
`, name),
				ResourceName:  apiKeyAddress,
				ImportState:   true,
				ImportStateId: name,
				ExpectError:   regexp.MustCompile(`(?s)No\s+OctoPrint\s+API\s+key\s+to\s+import.*has\s+no\s+API\s+key`),
			},
		},
	})
}

// An import without triggers in the configuration adopts the key; triggers added later
// rotate it as usual. The provider's own key cannot be imported.
func TestAccUserAPIKey_importThenTriggers(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-keyimport")
	ctx := context.Background()
	var handMade string
	config := func(triggers string) string {
		return fmt.Sprintf(`
import {
  to = octoprint_user_api_key.test
  id = %[1]q
}

resource "octoprint_user_api_key" "test" {
  user = %[1]q
%[2]s}
`, name, triggers)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkKeyDead(&handMade),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true})
					var err error
					if handMade, err = testClient(t).GenerateAPIKey(ctx, name); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(""),
				Check:  checkKeyStill(&handMade, name),
			},
			{
				Config:           config("  triggers = { rotation = \"1\" }\n"),
				ConfigPlanChecks: expectAction(apiKeyAddress, plancheck.ResourceActionDestroyBeforeCreate),
				Check:            resource.ComposeTestCheckFunc(checkKeyDead(&handMade), checkStateKeyOwner(name)),
			},
		},
	})
}

func TestAccUserAPIKey_providerKeyNotImported(t *testing.T) {
	skipUnlessAcceptance(t)
	me, err := testClient(t).CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
import {
  to = octoprint_user_api_key.test
  id = %[1]q
}

resource "octoprint_user_api_key" "test" {
  user = %[1]q
}
`, me.Name),
			ExpectError: regexp.MustCompile(`(?s)API\s+key\s+of\s+the\s+provider\s+itself.*Managing\s+it\s+would\s+let\s+a\s+rotation`),
		}},
	})
}
