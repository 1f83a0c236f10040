package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// The examples are applied as a reader applies them: the provider binary built from this
// tree, found by OpenTofu through a dev_overrides CLI configuration, and the example's
// own provider block and required_providers. (terraform-plugin-testing cannot destroy
// resources made with for_each, which the examples use.)

// tofuRunner runs OpenTofu in a directory of its own, with the provider binary built
// from this tree.
type tofuRunner struct {
	t   *testing.T
	dir string
	env []string
	// output is what the last command printed.
	output string
}

// providerBinDir holds the provider binary once built; TestMain removes it.
var providerBinDir string

var buildProvider = sync.OnceValues(func() (string, error) {
	bin, err := os.MkdirTemp("", "provider-bin-")
	if err != nil {
		return "", err
	}
	providerBinDir = bin
	out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(bin, "terraform-provider-octoprint"), "../..").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return bin, nil
})

func newTofuRunner(t *testing.T) *tofuRunner {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the OpenTofu or Terraform binary (make test sets it)")
	}
	bin, err := buildProvider()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// The examples' source "octoprint-terraform/octoprint" means the first address to
	// OpenTofu, the second to Terraform.
	tofurc := filepath.Join(dir, ".tofurc")
	writeFile(t, tofurc, `provider_installation {
  dev_overrides {
    "registry.opentofu.org/octoprint-terraform/octoprint" = "`+bin+`"
    "registry.terraform.io/octoprint-terraform/octoprint" = "`+bin+`"
  }
  direct {}
}
`)
	return &tofuRunner{t: t, dir: dir, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+tofurc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")}
}

// newExampleRunner runs OpenTofu in a copy of examples/<example>, its modules included.
func newExampleRunner(t *testing.T, example string) *tofuRunner {
	t.Helper()
	r := newTofuRunner(t)
	source := filepath.Join("..", "..", "examples", example)
	var files []string
	err := filepath.WalkDir(source, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".tf" {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in examples/%s (%v)", example, err)
	}
	for _, f := range files {
		rel, err := filepath.Rel(source, f)
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(r.dir, rel)
		if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dest, string(readFile(t, f)))
	}
	return r
}

// tofu runs OpenTofu with the given variables and arguments and returns its exit code.
func (r *tofuRunner) tofu(vars map[string]string, args ...string) int {
	r.t.Helper()
	env := append([]string{}, r.env...)
	for k, v := range vars {
		env = append(env, "TF_VAR_"+k+"="+v)
	}
	// Not t.Context(): the destroy in a test's cleanup runs after it is canceled.
	cmd := exec.CommandContext(context.Background(), os.Getenv("TF_ACC_TERRAFORM_PATH"), append([]string{"-chdir=" + r.dir}, args...)...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	r.output = string(out)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		r.t.Logf("tofu %v exited %d:\n%s", args, exit.ExitCode(), out)
		return exit.ExitCode()
	}
	r.t.Fatalf("tofu %v: %v\n%s", args, err, out)
	return -1
}

// apply applies and then demands that a second plan is empty. output holds both.
func (r *tofuRunner) apply(vars map[string]string, args ...string) {
	r.t.Helper()
	if code := r.tofu(vars, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, args...)...); code != 0 {
		r.t.Fatalf("apply failed with exit code %d", code)
	}
	applied := r.output
	if code := r.tofu(vars, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		r.t.Fatalf("the plan after apply is not empty (exit code %d)", code)
	}
	r.output = applied + r.output
}

// runChecks runs server checks outside a terraform-plugin-testing step.
func runChecks(t *testing.T, checks ...resource.TestCheckFunc) {
	t.Helper()
	for _, check := range checks {
		if err := check(nil); err != nil {
			t.Error(err)
		}
	}
}

// readFile and writeFile read and write the examples and the files of the tests' own
// temporary directories.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name) //nolint:gosec // G304: see above
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil { //nolint:gosec // G703: see above
		t.Fatal(err)
	}
}

func TestAccExample_printFarm(t *testing.T) {
	skipUnlessAcceptance(t)
	r := newExampleRunner(t, "print-farm")
	users := []string{"farm-admin", "alice", "bob", "carol", "dave", "lobby-screen", "slicer-bot"}
	t.Cleanup(func() {
		r.tofu(map[string]string{"initial_password": "unused"}, "destroy", "-auto-approve", "-input=false", "-no-color")
	})

	// The first apply logs at TRACE level, to show that no secret reaches the log.
	logFile := filepath.Join(t.TempDir(), "tofu.log")
	r.env = append(r.env, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	r.apply(map[string]string{"initial_password": "first-password"})
	r.env = r.env[:len(r.env)-2]
	applied := r.output
	slicerKey := r.outputRaw("slicer_api_key")
	checkLogHasNoSecrets(t, logFile, "first-password", os.Getenv(EnvAPIKey), slicerKey)
	if strings.Contains(applied, slicerKey) {
		t.Error("the apply output holds the slicer's API key")
	}
	// Nor the plan output of that apply, nor the state: the password is write-only.
	state := readFile(t, filepath.Join(r.dir, "terraform.tfstate"))
	for where, text := range map[string]string{"the plan output": applied, "the state": string(state)} {
		if strings.Contains(text, "first-password") || strings.Contains(text, os.Getenv(EnvAPIKey)) {
			t.Errorf("%s holds a secret", where)
		}
	}
	if !strings.Contains(string(state), `"password_wo": null`) {
		t.Error("the state does not show password_wo as null")
	}
	runChecks(t,
		checkServerUser(t, "farm-admin", true, []string{"admins", "users"}, []string{}),
		checkServerUser(t, "alice", true, []string{"operators"}, []string{}),
		checkServerUser(t, "dave", false, []string{"operators"}, []string{}),
		checkServerGroup(t, octoprint.Group{Key: "operators", Name: "Operators", Description: "Run print jobs",
			Permissions: []string{"CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "FILES_DELETE", "PRINT"}, Subgroups: []string{"readonly"}}),
		checkKeyOwner(slicerKey, "slicer-bot", true),
		checkServerUser(t, "lobby-screen", true, []string{"readonly"}, []string{}),
		checkLogin("carol", "first-password", true),
		checkLogin("dave", "first-password", false),
	)
	for _, operator := range []string{"alice", "bob", "carol"} {
		runChecks(t, checkServerSettings(t, operator, map[string]string{
			"interface": `{"language":"en"}`,
			"plugins":   `{"dashboard":{"showWebCam":true,"temperatureSensors":["tool0","bed"]}}`,
		}))
	}

	// A new password_version sends the new initial password to every account.
	r.apply(map[string]string{"initial_password": "second-password", "password_version": "2"})
	runChecks(t, checkLogin("bob", "second-password", true), checkLogin("bob", "first-password", false))

	if code := r.tofu(map[string]string{"initial_password": "unused"}, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed with exit code %d", code)
	}
	for _, name := range users {
		if err := checkUserGone(t, name); err != nil {
			t.Error(err)
		}
	}
	runChecks(t, checkGroupsGone(t, "operators"), checkKeyOwner(slicerKey, "", false))
}

// outputRaw returns an output's value, sensitive ones included.
func (r *tofuRunner) outputRaw(name string) string {
	r.t.Helper()
	if code := r.tofu(nil, "output", "-raw", name); code != 0 || r.output == "" {
		r.t.Fatalf("tofu output %s: exit code %d, %d bytes", name, code, len(r.output))
	}
	return r.output
}

// checkKeyOwner demands that an API key acts as the named user (works), or that
// OctoPrint no longer knows it.
func checkKeyOwner(key, name string, works bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		me, err := keyOwner(key)
		switch {
		case err != nil:
			return err
		case works && me.Name != name:
			return fmt.Errorf("the key acts as %q, want %q", me.Name, name)
		case !works && me.Name != "":
			return fmt.Errorf("the key still works, as user %q", me.Name)
		}
		return nil
	}
}

// checkLogHasNoSecrets demands that a TRACE log holds the provider's request records, and
// none of the secrets.
func checkLogHasNoSecrets(t *testing.T, logFile string, secrets ...string) {
	t.Helper()
	data := readFile(t, logFile)
	log := string(data)
	if !strings.Contains(log, "OctoPrint API request") || !strings.Contains(log, "X-Api-Key:***") {
		t.Fatalf("the log (%d bytes) holds no masked OctoPrint request records", len(data))
	}
	for _, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("the TRACE log contains the secret %.3s...", secret)
		}
	}
}
