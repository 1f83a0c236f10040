// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

func TestAccUser_lifecycle(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-user")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password    = "first-secret"
  groups      = ["users"]
  permissions = ["WEBCAM"]
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "id", knownvalue.StringExact(name)),
					expectValue(userAddress, "name", knownvalue.StringExact(name)),
					expectValue(userAddress, "active", knownvalue.Bool(true)),
					expectValue(userAddress, "admin", knownvalue.Bool(false)),
					expectValue(userAddress, "groups", stringSet("users")),
					expectValue(userAddress, "permissions", stringSet("WEBCAM")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, true, []string{"users"}, []string{"WEBCAM"}),
					checkLogin(name, "first-secret", true),
				),
			},
			{
				ResourceName:            userAddress,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"},
			},
			{
				// Deactivate, change groups and permissions: all in place.
				Config: userConfig(name, `
  password    = "first-secret"
  active      = false
  groups      = ["readonly"]
  permissions = []
`),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "active", knownvalue.Bool(false)),
					expectValue(userAddress, "groups", stringSet("readonly")),
					expectValue(userAddress, "permissions", stringSet()),
				},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, false, []string{"readonly"}, []string{}),
					checkLogin(name, "first-secret", false),
				),
			},
			{
				// Promote to admin through the admins group: admin follows.
				Config: userConfig(name, `
  password = "first-secret"
  groups   = ["admins", "users"]
`),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "active", knownvalue.Bool(true)),
					expectValue(userAddress, "admin", knownvalue.Bool(true)),
					expectValue(userAddress, "groups", stringSet("admins", "users")),
				},
				Check: checkServerUser(t, name, true, []string{"admins", "users"}, []string{}),
			},
		},
	})
}

func TestAccUser_passwordChange(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-pw")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `password = "old-secret"`),
				Check:  checkLogin(name, "old-secret", true),
			},
			{
				Config:           userConfig(name, `password = "new-secret"`),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				Check:            checkPassword(testURL(), name, "new-secret", "old-secret"),
			},
		},
	})
}

func TestAccUser_passwordWriteOnly(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-wo")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: userConfig(name, `
  password_wo         = "wo-secret-1"
  password_wo_version = 1
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "password_wo", knownvalue.Null()),
					expectValue(userAddress, "password", knownvalue.Null()),
					expectValue(userAddress, "password_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: checkLogin(name, "wo-secret-1", true),
			},
			{
				// A new write-only value alone is invisible to Terraform: nothing changes.
				Config: userConfig(name, `
  password_wo         = "wo-secret-2"
  password_wo_version = 1
`),
				ConfigPlanChecks: preApply(plancheck.ExpectEmptyPlan()),
				Check:            checkPassword(testURL(), name, "wo-secret-1", "wo-secret-2"),
			},
			{
				// Bumping the version sends it.
				Config: userConfig(name, `
  password_wo         = "wo-secret-2"
  password_wo_version = 2
`),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "password_wo", knownvalue.Null()),
					expectValue(userAddress, "password_wo_version", knownvalue.Int64Exact(2)),
				},
				Check: checkPassword(testURL(), name, "wo-secret-2", "wo-secret-1"),
			},
		},
	})
}

func TestAccUser_defaults(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-defaults")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				// No groups: OctoPrint's default group; no permissions: none.
				Config: userConfig(name, `password = "secret"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectValue(userAddress, "active", knownvalue.Bool(true)),
					expectValue(userAddress, "admin", knownvalue.Bool(false)),
					expectValue(userAddress, "groups", stringSet("users")),
					expectValue(userAddress, "permissions", stringSet()),
				},
				Check: checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
			{
				// An empty set means no groups at all.
				Config: userConfig(name, `
  password = "secret"
  groups   = []
`),
				ConfigPlanChecks:  expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "groups", stringSet())},
				Check:             checkServerUser(t, name, true, []string{}, []string{}),
			},
		},
	})
}

// Changes made on the server behind Terraform's back show in the next plan, and the
// apply puts the user back as configured.
func TestAccUser_changedOutsideTerraform(t *testing.T) {
	skipUnlessAcceptance(t)
	cases := []struct {
		name, attributes string
		change           func(ctx context.Context, client *octoprint.Client, user string) error
		action           plancheck.ResourceActionType
	}{
		{
			name:       "deleted",
			attributes: `password = "secret"`,
			change: func(ctx context.Context, client *octoprint.Client, user string) error {
				return client.DeleteUser(ctx, user)
			},
			action: plancheck.ResourceActionCreate,
		},
		{
			// Deactivated, made an admin, and given dangerous rights of its own, by hand.
			name: "drifted",
			attributes: `
  password = "secret"
  groups   = ["users"]
`,
			change: func(ctx context.Context, client *octoprint.Client, user string) error {
				inactive := false
				_, err := client.UpdateUser(ctx, user,
					octoprint.UserUpdate{Active: &inactive, Groups: []string{"admins"}, Permissions: []string{"SETTINGS", "SYSTEM"}})
				return err
			},
			action: plancheck.ResourceActionUpdate,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := acctest.RandomWithPrefix("tf-acc-outside")
			config := userConfig(name, tc.attributes)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             checkUsersDestroyed(t),
				Steps: []resource.TestStep{
					{
						Config:             config,
						Check:              func(*terraform.State) error { return tc.change(context.Background(), testClient(t), name) },
						ExpectNonEmptyPlan: true,
					},
					{
						Config:           config,
						ConfigPlanChecks: expectAction(userAddress, tc.action),
						ConfigStateChecks: []statecheck.StateCheck{
							expectValue(userAddress, "active", knownvalue.Bool(true)),
							expectValue(userAddress, "admin", knownvalue.Bool(false)),
						},
						Check: checkServerUser(t, name, true, []string{"users"}, []string{}),
					},
				},
			})
		})
	}
}

func TestAccUser_rename(t *testing.T) {
	skipUnlessAcceptance(t)
	first, second := acctest.RandomWithPrefix("tf-acc-old"), acctest.RandomWithPrefix("tf-acc-new")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{Config: userConfig(first, `password = "secret"`)},
			{
				Config:            userConfig(second, `password = "secret"`),
				ConfigPlanChecks:  expectAction(userAddress, plancheck.ResourceActionReplace),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "name", knownvalue.StringExact(second))},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error { return checkUserGone(t, first) },
					checkServerUser(t, second, true, []string{"users"}, []string{}),
				),
			},
		},
	})
}

func TestAccUser_unusualNames(t *testing.T) {
	skipUnlessAcceptance(t)
	for _, name := range []string{
		"print operator " + acctest.RandString(6),
		"Jürgen Groß ✓ " + acctest.RandString(6),
		"50% + more&more?" + acctest.RandString(6),
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             checkUsersDestroyed(t),
				Steps: []resource.TestStep{
					{
						Config:            userConfig(name, `password = "pässwörd ✓"`),
						ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "id", knownvalue.StringExact(name))},
						Check: resource.ComposeTestCheckFunc(
							checkServerUser(t, name, true, []string{"users"}, []string{}),
							checkLogin(name, "pässwörd ✓", true),
						),
					},
					{
						ResourceName:            userAddress,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"password"},
					},
				},
			})
		})
	}
}

// Bad input is refused at plan time and leaves nothing on the server.
func TestAccUser_invalidInput(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-invalid")
	cases := []struct {
		name, config, err string
	}{
		{"unknown group", userConfig(name, "password = \"x\"\ngroups = [\"users\", \"no-such-group\"]"), `(?s)Unknown\s+OctoPrint\s+group.*"no-such-group"`},
		{"group in the wrong case", userConfig(name, "password = \"x\"\ngroups = [\"Users\"]"), `(?s)Unknown\s+OctoPrint\s+group.*"Users".*Did\s+you\s+mean\s+"users"\?`},
		{"guests group", userConfig(name, "password = \"x\"\ngroups = [\"guests\"]"), `(?s)OctoPrint\s+group\s+cannot\s+be\s+assigned.*"guests"`},
		{"unknown permission", userConfig(name, "password = \"x\"\npermissions = [\"print\"]"), `(?s)Unknown\s+OctoPrint\s+permission.*"print"`},
		{"no password", userConfig(name, ""), `(?s)Missing\s+password.*password_wo`},
		{"empty password", userConfig(name, `password = ""`), `(?s)Attribute\s+password\s+UTF-8\s+character\s+count\s+must\s+be\s+between\s+1\s+and\s+4096`},
		{"password too long for OctoPrint", userConfig(name, `password_wo = "${join("", [for i in range(820) : "12345"])}"`),
			`(?s)Attribute\s+password_wo\s+UTF-8\s+character\s+count\s+must\s+be\s+between\s+1\s+and\s+4096`},
		{"name OctoPrint strips", fmt.Sprintf("resource \"octoprint_user\" \"test\" {\n  name     = \"%s\\u001f\"\n  password = \"x\"\n}\n", name),
			`(?s)Invalid\s+OctoPrint\s+user\s+name.*white\s+space`},
		{"group key with a slash", userConfig(name, "password = \"x\"\ngroups = [\"a/b\"]"), `(?s)Invalid\s+OctoPrint\s+group\s+key.*"/"`},
		{"both passwords", userConfig(name, "password = \"x\"\npassword_wo = \"y\""), `(?s)Invalid\s+Attribute\s+Combination`},
		{"version without password_wo", userConfig(name, "password = \"x\"\npassword_wo_version = 1"), `(?s)password_wo_version.*password_wo`},
		{"leading space", userConfig(" "+name, `password = "x"`), `(?s)Invalid\s+OctoPrint\s+user\s+name.*white\s+space`},
		{"slash", userConfig("a/"+name, `password = "x"`), `(?s)Invalid\s+OctoPrint\s+user\s+name.*"/"`},
		{"empty name", userConfig("", `password = "x"`), `(?s)Invalid\s+OctoPrint\s+user\s+name.*must\s+not\s+be\s+empty`},
		{"unparsable timeout", userConfig(name, "password = \"x\"\ntimeouts {\n  create = \"soon\"\n}"), `(?s)Invalid\s+Attribute\s+Value\s+Time\s+Duration.*"soon"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					ExpectError: regexp.MustCompile(tc.err),
				}},
				CheckDestroy: func(*terraform.State) error { return checkUserGone(t, name) },
			})
		})
	}
}

func TestAccUser_duplicateName(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-dup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{{
			PreConfig:   func() { addUserOutside(t, octoprint.NewUser{Name: name, Password: "x", Active: true}) },
			Config:      userConfig(name, `password = "secret"`),
			ExpectError: regexp.MustCompile(`(?s)already\s+exists.*import`),
		}},
	})
}

// The timeouts bound what the user's create, update and delete wait for. Each of them
// here waits behind another write to the same server that OctoPrint is slow to answer:
// it gives up once its timeout has passed, with the deadline in the error, having sent
// nothing; without the slow write, the same configuration applies. Not parallel: the
// writes go through a proxy, another URL for the test server.
func TestAccUser_timeouts(t *testing.T) {
	skipUnlessAcceptance(t)
	const timeout = 6 * time.Second
	name := acctest.RandomWithPrefix("tf-acc-timeouts")
	slow := newSlowWriter(t)
	config := func(resources string) string {
		return fmt.Sprintf("provider \"octoprint\" {\n  url = %q\n}\n", slow.proxy.URL) + resources
	}
	user := func(active bool) string {
		return config(userConfig(name, fmt.Sprintf(`
  password = "secret"
  active   = %t
  timeouts {
    create = %[2]q
    update = %[2]q
    delete = %[2]q
  }
`, active, timeout)))
	}
	timedOut := func(op string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)Error\s+` + op + ` OctoPrint user.*waiting.*deadline\s+exceeded`)
	}
	// gaveUp lets the slow write go and demands that the operation gave up after its
	// timeout, well before the slow write ended, without sending its own write.
	gaveUp := func(write string) func() {
		return func() {
			took, requests := slow.finish()
			t.Logf("the apply behind the slow write ended %s after it started; requests meanwhile: %v", took, requests)
			if took < timeout || took > timeout+30*time.Second {
				t.Errorf("the apply behind the slow write ended %s after it started, want a little over the timeout of %s", took, timeout)
			}
			if slices.Contains(requests, write) {
				t.Errorf("%s was sent although its timeout had passed: %v", write, requests)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{PreConfig: slow.start, Config: user(true), ExpectError: timedOut("creating")},
			{
				PreConfig: func() {
					gaveUp("POST /api/access/users")()
					if err := checkUserGone(t, name); err != nil {
						t.Errorf("the timed-out create left something: %v", err)
					}
				},
				Config:            user(true),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "name", knownvalue.StringExact(name))},
				Check:             checkServerUser(t, name, true, []string{"users"}, []string{}),
			},
			{PreConfig: slow.start, Config: user(false), ExpectError: timedOut("updating")},
			{
				PreConfig:        gaveUp("PUT /api/access/users/" + name),
				Config:           user(false),
				ConfigPlanChecks: expectAction(userAddress, plancheck.ResourceActionUpdate),
				Check:            checkServerUser(t, name, false, []string{"users"}, []string{}),
			},
			{PreConfig: slow.start, Config: config(""), ExpectError: timedOut("deleting")},
			{
				PreConfig: gaveUp("DELETE /api/access/users/" + name),
				Config:    config(""),
				Check:     func(*terraform.State) error { return checkUserGone(t, name) },
			},
		},
	})
}

// slowWriter sends a write of its own through a proxy in front of the test server, and
// the proxy holds it back, as a slow OctoPrint would, until finish. Meanwhile every other
// write through the proxy waits its turn: the provider sends one write at a time to a
// server.
type slowWriter struct {
	t     *testing.T
	proxy *testserver.Proxy
	// user is whom the slow write deletes: a user that does not exist.
	user    string
	arrived chan struct{}

	mu      sync.Mutex
	release chan struct{}
	started time.Time
	result  chan error
}

// maxHold ends a slow write nobody finishes: a provider that ignored its timeouts then
// gets its turn, and its apply succeeds.
const maxHold = 60 * time.Second

func newSlowWriter(t *testing.T) *slowWriter {
	t.Helper()
	w := &slowWriter{
		t:       t,
		user:    acctest.RandomWithPrefix("tf-acc-slow"),
		arrived: make(chan struct{}, 1),
	}
	w.proxy = proxyToTestServer(t, testserver.ProxyOptions{Answer: func(rw http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodDelete || r.URL.Path != "/api/access/users/"+w.user {
			return false
		}
		w.mu.Lock()
		release := w.release
		w.mu.Unlock()
		w.arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		case <-time.After(maxHold):
		}
		http.Error(rw, `{"error": "held back by the test's proxy"}`, http.StatusNotFound)
		return true
	}})
	return w
}

// start sends the slow write, and returns once the proxy holds it.
func (w *slowWriter) start() {
	w.t.Helper()
	client, err := octoprint.New(octoprint.Config{URL: w.proxy.URL, APIKey: os.Getenv(EnvAPIKey), UserAgent: "acceptance-tests"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	w.release, w.result = make(chan struct{}), make(chan error, 1)
	w.mu.Unlock()
	w.proxy.Reset()
	go func() { w.result <- client.DeleteUser(context.Background(), w.user) }()
	select {
	case <-w.arrived:
	case <-time.After(30 * time.Second):
		w.t.Fatal("the slow write did not reach the proxy")
	}
	w.started = time.Now()
}

// finish lets the slow write go, waits for its answer, and returns how long it was held
// and the requests that passed the proxy since start.
func (w *slowWriter) finish() (time.Duration, []string) {
	w.t.Helper()
	took := time.Since(w.started)
	close(w.release)
	if err := <-w.result; !errors.Is(err, octoprint.ErrNotFound) {
		w.t.Errorf("the slow write ended with %v, want the proxy's 404", err)
	}
	return took, w.proxy.Requests()
}

// OctoPrint 2.0 and newer make users without a password login; older servers refuse the
// plan, naming their version. A password login cannot be taken away, only given.
func TestAccUser_withoutPasswordLogin(t *testing.T) {
	skipUnlessAcceptance(t)
	name := acctest.RandomWithPrefix("tf-acc-nopassword")
	v, err := testClient(t).ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	without := userConfig(name, "has_password = false\ngroups = [\"users\"]")
	if !v.AtLeast(2, 0) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             checkUsersDestroyed(t),
			Steps: []resource.TestStep{{
				Config:      without,
				ExpectError: regexp.MustCompile(`(?s)needs\s+OctoPrint\s+2\.0\s+or\s+newer;\s+this\s+server\s+runs\s+OctoPrint\s+` + regexp.QuoteMeta(v.Server)),
			}},
		})
		return
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkUsersDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config:            without,
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "has_password", knownvalue.Bool(false))},
				Check: resource.ComposeTestCheckFunc(
					checkServerUser(t, name, true, []string{"users"}, []string{}),
					checkLogin(name, "", false),
					func(*terraform.State) error {
						u, err := testClient(t).GetUser(context.Background(), name)
						if err != nil {
							return err
						}
						if u.PasswordLogin() {
							return fmt.Errorf("the server reports a password login for %q", name)
						}
						return nil
					},
				),
			},
			{Config: userConfig(name, "has_password = false\npassword = \"x\""), ExpectError: regexp.MustCompile(`(?s)Password\s+for\s+a\s+user\s+without\s+a\s+password\s+login`)},
			{
				// Given a password login later, with the password of the configuration.
				Config:            userConfig(name, "password_wo = \"secret-now\"\ngroups = [\"users\"]"),
				ConfigPlanChecks:  expectAction(userAddress, plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{expectValue(userAddress, "has_password", knownvalue.Bool(true))},
				Check:             checkLogin(name, "secret-now", true),
			},
			{Config: without, ExpectError: regexp.MustCompile(`(?s)OctoPrint\s+cannot\s+remove\s+a\s+password\s+login.*-replace`)},
		},
	})
}
