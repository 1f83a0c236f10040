// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

const settingsAddress = "octoprint_user_settings.test"

// settingsConfig renders an octoprint_user_settings "test"; settings is an HCL expression,
// body more of the resource's body (a timeouts block).
func settingsConfig(user, settings string, body ...string) string {
	return fmt.Sprintf(`
resource "octoprint_user_settings" "test" {
  user     = %q
  settings = %s
%s
}
`, user, settings, strings.Join(body, "\n"))
}

// sameJSONAs checks a state value against JSON text, whatever its layout.
func sameJSONAs(want string) knownvalue.Check {
	return knownvalue.StringFunc(func(got string) error {
		if !sameJSON([]byte(got), []byte(want)) {
			return fmt.Errorf("got %s, want %s", got, want)
		}
		return nil
	})
}

// checkSettingsDestroyed demands that every key managed by an octoprint_user_settings in
// state is null on the server, and that the unmanaged keys are as given.
func checkSettingsDestroyed(t *testing.T, kept map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "octoprint_user_settings" {
				continue
			}
			managed, err := settingsObject([]byte(rs.Primary.Attributes["settings"]))
			if err != nil {
				return err
			}
			want := map[string]string{}
			for key := range managed {
				want[key] = "null"
			}
			for key, value := range kept {
				want[key] = value
			}
			if err := checkServerSettings(t, rs.Primary.Attributes["user"], want)(s); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestAccUserSettings_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-settings", map[string]string{"theme": `"dark"`})
	const (
		first   = `{"interface":{"language":"de"},"plugins":{"dashboard":{"enabled":true,"widgets":["temp","webcam"]}}}`
		updated = `{"interface":{"language":"fr"},"x":1}`
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSettingsDestroyed(t, map[string]string{"theme": `"light"`, "other": `{"a":1}`}),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(name, `jsonencode({
    interface = { language = "de" }
    plugins   = { dashboard = { enabled = true, widgets = ["temp", "webcam"] } }
  })`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(settingsAddress, "id", knownvalue.StringExact(name)),
					expectValue(settingsAddress, "user", knownvalue.StringExact(name)),
					expectValue(settingsAddress, "settings", sameJSONAs(first)),
					expectValue(settingsAddress, "all_settings", sameJSONAs(strings.TrimSuffix(first, "}")+`,"theme":"dark"}`)),
				},
				Check: checkServerSettings(t, name, map[string]string{
					"interface": `{"language":"de"}`,
					"plugins":   `{"dashboard":{"enabled":true,"widgets":["temp","webcam"]}}`,
					"theme":     `"dark"`,
				}),
			},
			{
				// Imported, every key the user has is managed: the unmanaged theme too.
				ResourceName:  settingsAddress,
				ImportState:   true,
				ImportStateId: name,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					want := strings.TrimSuffix(first, "}") + `,"theme":"dark"}`
					if len(states) != 1 {
						return fmt.Errorf("imported %d states, want 1", len(states))
					}
					if got := states[0].Attributes["settings"]; got != want {
						return fmt.Errorf("imported settings %q, want %q", got, want)
					}
					return nil
				},
			},
			{
				// A changed key, an added one, a removed one: one in-place update.
				Config: settingsConfig(name, `jsonencode({ interface = { language = "fr" }, x = 1 })`),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(settingsAddress, tfjsonpath.New("all_settings")),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(settingsAddress, "settings", sameJSONAs(updated)),
					expectValue(settingsAddress, "all_settings", sameJSONAs(`{"interface":{"language":"fr"},"plugins":null,"theme":"dark","x":1}`)),
				},
				Check: checkServerSettings(t, name, map[string]string{
					"interface": `{"language":"fr"}`, "x": "1", "plugins": "null", "theme": `"dark"`,
				}),
			},
			{
				// Another key order, layout and number spelling: nothing to do.
				Config: settingsConfig(name, `<<-EOT
    {
      "x" : 1.0,
      "interface" : { "language" : "fr" }
    }
  EOT`),
				ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
			},
			{
				// Keys the resource does not manage, changed outside Terraform: no diff, kept.
				PreConfig: func() {
					saveSettingsOutside(t, name, map[string]string{"theme": `"light"`, "other": `{"a":1}`})
				},
				Config:           settingsConfig(name, `jsonencode({ interface = { language = "fr" }, x = 1 })`),
				ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
				Check:            checkServerSettings(t, name, map[string]string{"theme": `"light"`, "other": `{"a":1}`, "x": "1"}),
			},
			{
				// A managed key changed outside Terraform, even inside its object, is drift:
				// the apply sends the whole object again, and leaves the other keys alone.
				PreConfig: func() {
					saveSettingsOutside(t, name, map[string]string{"interface": `{"language":"es","color":"red"}`})
				},
				Config: settingsConfig(name, `jsonencode({ interface = { language = "fr" }, x = 1 })`),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddress, tfjsonpath.New("settings"), sameJSONAs(updated)),
				),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(settingsAddress, "settings", sameJSONAs(updated))},
				Check: checkServerSettings(t, name, map[string]string{
					"interface": `{"language":"fr"}`, "theme": `"light"`, "other": `{"a":1}`,
				}),
			},
			{
				// A managed key missing on the server reads as null: here x, reset outside.
				PreConfig:        func() { saveSettingsOutside(t, name, map[string]string{"x": "null"}) },
				Config:           settingsConfig(name, `jsonencode({ interface = { language = "fr" }, x = 1 })`),
				ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate)),
				Check:            checkServerSettings(t, name, map[string]string{"x": "1"}),
			},
		},
	})
}

// Values survive the round trip through OctoPrint exactly: an import of what was applied
// matches the configuration byte for byte.
func TestAccUserSettings_values(t *testing.T) {
	skipUnlessAcceptance(t)
	large := map[string]any{}
	for i := range 100 {
		large[fmt.Sprintf("key%d", i)] = map[string]any{"index": i, "tags": []string{"a", "b"}, "nested": map[string]any{"deep": map[string]any{"value": fmt.Sprintf("v%d", i)}}}
	}
	largeJSON, err := json.Marshal(large)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, settings, want string
		verifyImport         bool
	}{
		{"unicode", `jsonencode({ greeting = "Grüße, 日本語 ✓ 🖨", markup = "<b>&amp;</b>", "clé" = "valeur", quote = "say \"hi\"\n" })`,
			`{"greeting":"Grüße, 日本語 ✓ 🖨","markup":"<b>&amp;</b>","clé":"valeur","quote":"say \"hi\"\n"}`, true},
		{"large", `jsonencode({ for i in range(100) : "key${i}" => { index = i, tags = ["a", "b"], nested = { deep = { value = "v${i}" } } } })`,
			string(largeJSON), true},
		{"scalars", `jsonencode({ on = true, off = false, zero = 0, ratio = 1.5, empty = {}, none = [], nothing = null })`,
			`{"on":true,"off":false,"zero":0,"ratio":1.5,"empty":{},"none":[],"nothing":null}`, true},
		// OctoPrint answers 1000.0 for 1e3: the same number, so no diff after the apply.
		{"number spelling", `"{\"big\": 1e3, \"small\": 2.50}"`, `{"big":1000,"small":2.5}`, false},
		// jsonencode writes every digit; OctoPrint keeps integers exactly and the rest as float64.
		{"number precision", `jsonencode({ third = 1/3, tiny = 1e-400, huge = 1e400, id = 9007199254740993 })`,
			`{"third":0.3333333333333333,"tiny":0.0,"huge":1` + strings.Repeat("0", 400) + `,"id":9007199254740993}`, false},
		{"empty object", `jsonencode({})`, `{}`, true},
		{"null value", `jsonencode({ a = null })`, `{"a":null}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := userWithSettings(t, "tf-acc-values", nil)
			var want map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			server := map[string]string{}
			for key, value := range want {
				server[key] = string(value)
			}
			steps := []resource.TestStep{{
				Config: settingsConfig(name, tc.settings),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(settingsAddress, "settings", sameJSONAs(tc.want)),
					expectValue(settingsAddress, "all_settings", sameJSONAs(tc.want)),
				},
				Check: checkServerSettings(t, name, server),
			}}
			if tc.verifyImport {
				steps = append(steps, resource.TestStep{
					ResourceName: settingsAddress, ImportState: true, ImportStateId: name, ImportStateVerify: true,
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             checkSettingsDestroyed(t, nil),
				Steps:                    steps,
			})
		})
	}
}

// Bad input is refused at plan time, on the attribute, and nothing reaches the server; a
// user that does not exist is named, and nothing is left in state.
func TestAccUserSettings_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-settings-bad", map[string]string{"theme": `"dark"`})
	onAttribute := `.*with\s+octoprint_user_settings\.test.*settings\s+=.*`
	cases := []struct {
		user, settings, err string
	}{
		{name, `"{not json"`, `(?s)Invalid\s+JSON\s+String\s+Value.*settings\s+=`},
		{name, `jsonencode([1, 2])`, `(?s)Invalid\s+OctoPrint\s+user\s+settings` + onAttribute + `not\s+an\s+array`},
		{name, `jsonencode("dark")`, `(?s)Invalid\s+OctoPrint\s+user\s+settings` + onAttribute + `not\s+a\s+string`},
		{name, `"null"`, `(?s)Invalid\s+OctoPrint\s+user\s+settings` + onAttribute + `not\s+null`},
		{name, `"42"`, `(?s)Invalid\s+OctoPrint\s+user\s+settings` + onAttribute + `not\s+a\s+number`},
		{name, `"{\"a\": {\"b\": [1, -1e400]}}"`, `(?s)Number\s+too\s+large\s+for\s+OctoPrint` + onAttribute +
			`settings\["a"\]\["b"\]\[1\]\s+\(-1e400\)`},
		{name, `"{\"theme\": \"light\", \"theme\": \"dark\"}"`, `(?s)Duplicate\s+key\s+in\s+OctoPrint\s+user\s+settings` + onAttribute +
			`"theme"\s+appears\s+twice`},
		{" " + name, `jsonencode({ theme = "light" })`, `(?s)Invalid\s+OctoPrint\s+user\s+name.*white\s+space`},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		// Not plan-only: were the refusal to come at apply time, the last step would see the write.
		steps = append(steps, resource.TestStep{
			Config: settingsConfig(tc.user, tc.settings), ExpectError: regexp.MustCompile(tc.err),
		})
	}
	// The user's settings are exactly as before: no step wrote any.
	steps = append(steps, resource.TestStep{
		Config: fmt.Sprintf("data \"octoprint_user_settings\" \"check\" {\n  user = %q\n}\n", name),
		ConfigStateChecks: []statecheck.StateCheck{
			expectValue("data.octoprint_user_settings.check", "settings", knownvalue.StringExact(`{"theme":"dark"}`)),
		},
	})
	// Last: CheckDestroy gets the state it left, unrefreshed.
	missing := name + "-missing"
	steps = append(steps, resource.TestStep{
		Config: settingsConfig(missing, `jsonencode({ theme = "light" })`),
		ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+user\s+not\s+found.*no\s+user\s+named\s+` + regexp.QuoteMeta(fmt.Sprintf("%q", missing)) +
			`.*no\s+user\s+of\s+that\s+name\s+is\s+planned`),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    steps,
		// Called with the state after the last step (if not empty): the failed create must
		// have left nothing.
		CheckDestroy: func(s *terraform.State) error {
			if _, ok := s.RootModule().Resources[settingsAddress]; ok {
				return fmt.Errorf("%s left in state", settingsAddress)
			}
			return nil
		},
	})
}

// A user deleted outside Terraform takes its settings and its API key with it: the plan
// creates the user again, sets its settings again and gives it a new key, without an error.
func TestAccUserSettings_userDeletedOutside(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-settings-gone")
	config := userConfig(name, `password = "secret"`) + `
resource "octoprint_user_settings" "test" {
  user     = octoprint_user.test.name
  settings = jsonencode({ interface = { language = "de" } })
}

resource "octoprint_user_api_key" "test" {
  user = octoprint_user.test.name
}
`
	var key string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					checkServerSettings(t, name, map[string]string{"interface": `{"language":"de"}`}),
					recordKey(&key),
					func(*terraform.State) error { return testClient(t).DeleteUser(context.Background(), name) },
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(userAddress, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(apiKeyAddress, plancheck.ResourceActionUpdate),
				),
				Check: resource.ComposeTestCheckFunc(
					checkServerSettings(t, name, map[string]string{"interface": `{"language":"de"}`}),
					func(s *terraform.State) error { return checkKeyOwner(apiKeyIn(s), name, true)(s) },
					checkKeyDead(&key),
				),
			},
		},
	})
}

// A change no float64 tells apart is still a change: integers are compared exactly.
func TestAccUserSettings_largeInteger(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-settings-int", nil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSettingsDestroyed(t, nil),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(name, `jsonencode({ id = 9007199254740992 })`),
				Check:  checkServerSettings(t, name, map[string]string{"id": "9007199254740992"}),
			},
			{
				Config:           settingsConfig(name, `jsonencode({ id = 9007199254740993 })`),
				ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate)),
				Check:            checkServerSettings(t, name, map[string]string{"id": "9007199254740993"}),
			},
		},
	})
}

// settingsProxy stands between the provider and OctoPrint: it fails reads of user
// settings while failReads is set, and counts their writes. Tests through it are not
// parallel (see testserver.Proxy).
type settingsProxy struct {
	*testserver.Proxy
	failReads atomic.Bool
}

func newSettingsProxy(t *testing.T) *settingsProxy {
	t.Helper()
	p := &settingsProxy{}
	p.Proxy = proxyToTestServer(t, testserver.ProxyOptions{Answer: func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/settings") || !p.failReads.Load() {
			return false
		}
		http.Error(w, `{"error": "refused by the test proxy"}`, http.StatusInternalServerError)
		return true
	}})
	return p
}

// settingsWrites counts the writes of user settings since the proxy started or was Reset.
func (p *settingsProxy) settingsWrites() int {
	n := 0
	for _, r := range p.Requests() {
		if strings.HasPrefix(r, http.MethodPatch+" ") && strings.HasSuffix(r, "/settings") {
			n++
		}
	}
	return n
}

// config renders a provider block using the proxy, without retries, before the resource.
func (p *settingsProxy) config(resource string) string {
	return fmt.Sprintf("provider \"octoprint\" {\n  url         = %q\n  max_retries = 0\n}\n", p.URL) + resource
}

// A read-back failing after a successful write says the settings were saved, and state
// records them: the next plan is empty, not a second attempt to null a removed key.
func TestAccUserSettings_readBackFails(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-settings-readback", nil)
	proxy := newSettingsProxy(t)
	failReads := func(fail bool) func() { return func() { proxy.failReads.Store(fail) } }
	saved := func(op string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Error\s+` + op + `\s+OctoPrint\s+user\s+settings.*` + regexp.QuoteMeta(fmt.Sprintf("%q", name)) +
			`\s+were\s+saved,\s+but\s+could\s+not\s+be\s+read\s+back`)
	}
	first := proxy.config(settingsConfig(name, `jsonencode({ a = "1", b = "2" })`))
	second := proxy.config(settingsConfig(name, `jsonencode({ a = "3" })`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSettingsDestroyed(t, nil),
		Steps: []resource.TestStep{
			{PreConfig: failReads(true), Config: first, ExpectError: saved("creating")},
			{
				// Created but not read back: tainted, so written again.
				PreConfig:        failReads(false),
				Config:           first,
				ConfigPlanChecks: preApply(plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionReplace)),
				Check:            checkServerSettings(t, name, map[string]string{"a": `"1"`, "b": `"2"`}),
			},
			{PreConfig: failReads(true), Config: second, ExpectError: saved("updating")},
			{
				PreConfig:         failReads(false),
				Config:            second,
				ConfigPlanChecks:  preApply(plancheck.ExpectEmptyPlan()),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(settingsAddress, "all_settings", sameJSONAs(`{"a":"3","b":null}`))},
				Check:             checkServerSettings(t, name, map[string]string{"a": `"3"`, "b": "null"}),
			},
		},
	})
}

// Changing only the timeouts is an update that writes nothing to OctoPrint and keeps the
// settings in state.
func TestAccUserSettings_timeoutsOnly(t *testing.T) {
	skipUnlessAcceptance(t)
	name := userWithSettings(t, "tf-acc-settings-timeouts", nil)
	proxy := newSettingsProxy(t)
	const settings = `jsonencode({ interface = { language = "de" }, x = 1 })`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkSettingsDestroyed(t, map[string]string{"theme": `"light"`}),
		Steps: []resource.TestStep{
			{Config: proxy.config(settingsConfig(name, settings))},
			{
				PreConfig: func() {
					saveSettingsOutside(t, name, map[string]string{"theme": `"light"`})
					proxy.Reset()
				},
				Config: proxy.config(settingsConfig(name, settings, `  timeouts { update = "2m" }`)),
				ConfigPlanChecks: preApply(
					plancheck.ExpectResourceAction(settingsAddress, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddress, tfjsonpath.New("all_settings"),
						sameJSONAs(`{"interface":{"language":"de"},"theme":"light","x":1}`)),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(settingsAddress, "settings", sameJSONAs(`{"interface":{"language":"de"},"x":1}`)),
					statecheck.ExpectKnownValue(settingsAddress, tfjsonpath.New("timeouts").AtMapKey("update"), knownvalue.StringExact("2m")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if n := proxy.settingsWrites(); n != 0 {
							return fmt.Errorf("%d writes of settings for a change of timeouts", n)
						}
						return nil
					},
					checkServerSettings(t, name, map[string]string{"interface": `{"language":"de"}`, "x": "1", "theme": `"light"`}),
				),
			},
		},
	})
}
