// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The documentation: every example it shows applies, and the table of permission keys is
// what a real OctoPrint reports.

// providersTF is what an example of the documentation leaves out: where the provider
// comes from. The provider block itself is left empty, configured by the environment.
const providersTF = `terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}
`

// exampleVars are the variables the examples declare.
var exampleVars = map[string]string{
	"alice_password":        "example-alice",
	"front_desk_password":   "example-front-desk",
	"bob_password":          "example-bob",
	"dashboard_password":    "example-dashboard",
	"farm_manager_password": "example-farm-manager",
	"bot_password":          "example-bot",
	"octoprint_api_key":     "unused",
}

// Every example shown in the documentation is formatted, valid, and applies to a real
// OctoPrint; so are its import commands and import blocks.
func TestAccExamples_documentation(t *testing.T) {
	skipUnlessAcceptance(t)
	if testServer != nil {
		// octoprint_setup's example adopts the test server: its admin's password.
		exampleVars["admin_password"] = testServer.AdminPassword
	}
	r := newTofuRunner(t)
	if code := r.tofu(nil, "fmt", "-check", "-recursive", "-diff", examplesDir(t)); code != 0 {
		t.Errorf("tofu fmt -check found unformatted examples:\n%s", r.output)
	}

	t.Run("provider", func(t *testing.T) {
		r := newExampleRunner(t, "provider")
		if code := r.tofu(nil, "validate", "-no-color"); code != 0 {
			t.Errorf("tofu validate failed:\n%s", r.output)
		}
	})

	dirs, err := filepath.Glob(filepath.Join(examplesDir(t), "*-sources", "*"))
	if err != nil {
		t.Fatal(err)
	}
	resources, err := filepath.Glob(filepath.Join(examplesDir(t), "*resources", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range append(dirs, resources...) {
		kind, name := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		t.Run(kind+"/"+name, func(t *testing.T) {
			// The file names tfplugindocs looks for.
			main := map[string]string{"data-sources": "data-source.tf", "ephemeral-resources": "ephemeral-resource.tf"}[kind]
			if main == "" {
				main = "resource.tf"
			}
			r := newDocExampleRunner(t, filepath.Join(kind, name, main))
			r.destroyWhenDone(exampleVars)
			r.apply(exampleVars)
			if kind == "resources" {
				checkImportExamples(t, r, examplesDir(t, kind, name), name)
			}
			created := r.stateIDs()
			r.destroy(exampleVars)
			checkExampleDestroyed(t, created)
		})
	}
}

// checkImportExamples runs the example's import.sh command and its import blocks (by ID
// and by identity) against the applied example: each must adopt the resource, after
// which a plan is empty.
func checkImportExamples(t *testing.T, r *tofuRunner, dir, resourceType string) {
	t.Helper()
	address, id := importCommand(t, filepath.Join(dir, "import.sh"), resourceType)
	if code := r.tofu(nil, "state", "rm", address); code != 0 {
		t.Fatalf("state rm %s failed", address)
	}
	if code := r.tofu(exampleVars, "import", "-input=false", "-no-color", address, id); code != 0 {
		t.Fatalf("the command of import.sh failed: tofu import %s %s", address, id)
	}
	r.apply(exampleVars)

	block := readFile(t, filepath.Join(dir, "import-by-string-id.tf"))
	if !strings.Contains(string(block), address) {
		t.Errorf("import-by-string-id.tf does not import %s", address)
	}
	if code := r.tofu(nil, "state", "rm", address); code != 0 {
		t.Fatalf("state rm %s failed", address)
	}
	writeFile(t, filepath.Join(r.dir, "import.tf"), string(block))
	r.apply(exampleVars)
	if !strings.Contains(r.output, "1 imported") {
		t.Errorf("applying import-by-string-id.tf imported nothing:\n%s", r.output)
	}

	// The same by identity, in place of the block by ID. Nothing is replaced: the first
	// apply after it adopts the configuration, as after an import by ID.
	block = readFile(t, filepath.Join(dir, "import-by-identity.tf"))
	if !strings.Contains(string(block), address) || !strings.Contains(string(block), "identity") {
		t.Errorf("import-by-identity.tf does not import %s by identity", address)
	}
	if code := r.tofu(nil, "state", "rm", address); code != 0 {
		t.Fatalf("state rm %s failed", address)
	}
	writeFile(t, filepath.Join(r.dir, "import.tf"), string(block))
	r.apply(exampleVars)
	if !strings.Contains(r.output, "1 imported") || !strings.Contains(r.output, " 0 destroyed") {
		t.Errorf("applying import-by-identity.tf imported nothing, or replaced what it imported:\n%s", r.output)
	}
}

// importCommand reads the one `terraform import ADDRESS ID` line of an import.sh.
func importCommand(t *testing.T, file, resourceType string) (address, id string) {
	t.Helper()
	for _, line := range strings.Split(string(readFile(t, file)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 4 && fields[0] == "terraform" && fields[1] == "import" {
			if !strings.HasPrefix(fields[2], resourceType+".") {
				t.Fatalf("%s imports %s, not a %s", file, fields[2], resourceType)
			}
			return fields[2], fields[3]
		}
	}
	t.Fatalf("%s has no `terraform import ADDRESS ID` line", file)
	return "", ""
}

// newDocExampleRunner runs OpenTofu on one example file, with providersTF beside it.
func newDocExampleRunner(t *testing.T, file string) *tofuRunner {
	t.Helper()
	r := newTofuRunner(t)
	data := readFile(t, examplesDir(t, file))
	writeFile(t, filepath.Join(r.dir, "main.tf"), string(data))
	writeFile(t, filepath.Join(r.dir, "providers.tf"), providersTF)
	return r
}

// checkExampleDestroyed demands that the users and groups an example made are gone.
func checkExampleDestroyed(t *testing.T, created map[string][]string) {
	t.Helper()
	for _, name := range created["octoprint_user"] {
		if err := checkUserGone(t, name); err != nil {
			t.Error(err)
		}
	}
	if err := checkGroupsGone(t, created["octoprint_group"]...)(nil); err != nil {
		t.Error(err)
	}
	for _, id := range created["octoprint_application_key"] {
		user, app, _ := strings.Cut(id, "/")
		if err := checkAppKeyGone(t, user, app); err != nil {
			t.Error(err)
		}
	}
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
	// The table is of a stock 1.11.8: another release bundles other plugins, whose
	// permissions it need not list; OctoPrint's own permissions it must list on every one.
	v, err := testClient(t).ServerVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	otherPlugins := func(key string) bool {
		return strings.HasPrefix(key, "PLUGIN_") && (testServer == nil || v.Server != documentedRelease)
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
		case !ok && otherPlugins(key):
			// A server given by OCTOPRINT_URL, or another release, may have plugins of its own.
			t.Logf("%s is not in the table: a plugin of OctoPrint %s", key, v.Server)
		case !ok:
			t.Errorf("%s (%s) is missing from the table", key, want)
		case got != want:
			t.Errorf("%s: the table says %s, OctoPrint says %s", key, got, want)
		}
	}
	for key := range documented {
		if _, ok := served[key]; !ok && !otherPlugins(key) {
			t.Errorf("the table lists %s, which OctoPrint %s does not know", key, v.Server)
		}
	}
}

// documentedRelease is the OctoPrint release whose permissions docs/resources/group.md lists.
const documentedRelease = "1.11.8"

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
