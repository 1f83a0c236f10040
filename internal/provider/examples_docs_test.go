package provider

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

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
	"alice_password":      "example-alice",
	"front_desk_password": "example-front-desk",
	"bob_password":        "example-bob",
	"dashboard_password":  "example-dashboard",
	"octoprint_api_key":   "unused",
}

// Every example shown in the documentation is formatted, valid, and applies to a real
// OctoPrint; so are its import commands and import blocks.
func TestAccExamples_documentation(t *testing.T) {
	skipUnlessAcceptance(t)
	r := newTofuRunner(t)
	if code := r.tofu(nil, "fmt", "-check", "-recursive", "-diff", absExamples(t)); code != 0 {
		t.Errorf("tofu fmt -check found unformatted examples:\n%s", r.output)
	}

	t.Run("provider", func(t *testing.T) {
		r := newExampleRunner(t, "provider")
		if code := r.tofu(nil, "validate", "-no-color"); code != 0 {
			t.Errorf("tofu validate failed:\n%s", r.output)
		}
	})

	dirs, err := filepath.Glob(filepath.Join(absExamples(t), "*-sources", "*"))
	if err != nil {
		t.Fatal(err)
	}
	resources, err := filepath.Glob(filepath.Join(absExamples(t), "resources", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range append(dirs, resources...) {
		kind, name := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		t.Run(kind+"/"+name, func(t *testing.T) {
			main := "resource.tf"
			if kind == "data-sources" {
				main = "data-source.tf"
			}
			r := newDocExampleRunner(t, filepath.Join(kind, name, main))
			t.Cleanup(func() { r.tofu(exampleVars, "destroy", "-auto-approve", "-input=false", "-no-color") })
			r.apply(exampleVars)
			if kind == "resources" {
				checkImportExamples(t, r, filepath.Join(absExamples(t), kind, name), name)
			}
			created := r.stateIDs()
			if code := r.tofu(exampleVars, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
				t.Fatalf("destroy failed with exit code %d", code)
			}
			checkExampleDestroyed(t, created)
		})
	}
}

// checkImportExamples runs the example's import.sh command and its import block against
// the applied example: each must adopt the resource, after which a plan is empty.
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

func absExamples(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// newDocExampleRunner runs OpenTofu on one example file, with providersTF beside it.
func newDocExampleRunner(t *testing.T, file string) *tofuRunner {
	t.Helper()
	r := newTofuRunner(t)
	data := readFile(t, filepath.Join(absExamples(t), file))
	writeFile(t, filepath.Join(r.dir, "main.tf"), string(data))
	writeFile(t, filepath.Join(r.dir, "providers.tf"), providersTF)
	return r
}

// stateIDs returns the ids of the managed resources in state, by resource type.
func (r *tofuRunner) stateIDs() map[string][]string {
	r.t.Helper()
	ids := map[string][]string{}
	for typ, instances := range r.stateAttributes() {
		for _, attrs := range instances {
			id, _ := attrs["id"].(string)
			ids[typ] = append(ids[typ], id)
		}
	}
	return ids
}

// stateAttributes returns the attributes of every managed resource instance in state,
// by resource type.
func (r *tofuRunner) stateAttributes() map[string][]map[string]any {
	r.t.Helper()
	data := readFile(r.t, filepath.Join(r.dir, "terraform.tfstate"))
	var state struct {
		Resources []struct {
			Mode, Type string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(data, &state); err != nil {
		r.t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, res := range state.Resources {
		if res.Mode != "managed" {
			continue
		}
		for _, inst := range res.Instances {
			out[res.Type] = append(out[res.Type], inst.Attributes)
		}
	}
	return out
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
}
