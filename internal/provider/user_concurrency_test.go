package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// OctoPrint >= 1.10 loses users when writes overlap (a deleted user comes back, a new one
// goes missing). OpenTofu applies many resources at once: with the provider's serialized
// and checked writes, 100 users applied with -parallelism=20 must all be on the server,
// exactly as declared, settings included, after OctoPrint restarts; and all gone after
// the destroy.
func TestAccUser_parallelApply(t *testing.T) {
	skipUnlessAcceptance(t)
	const count = 100
	srv, r, prefix := manyUsersOnOwnServer(t, "tf-acc-par", count, `
  active      = count.index % 5 != 0
  groups      = count.index % 2 == 0 ? ["users"] : ["readonly"]
  permissions = count.index % 3 == 0 ? ["WEBCAM"] : []
`)
	// Each user also gets settings: twice the writes, all serialized with the users' own.
	writeFile(t, r.dir+"/settings.tf", fmt.Sprintf(`
resource "octoprint_user_settings" "many" {
  count    = %d
  user     = octoprint_user.many[count.index].name
  settings = jsonencode({ interface = { language = "de" }, slot = count.index })
}
`, count))
	want := func(i int) octoprint.User {
		u := octoprint.User{Name: fmt.Sprintf("%s-%d", prefix, i), Active: i%5 != 0, Groups: []string{"readonly"}, Permissions: []string{},
			Settings: fmt.Appendf(nil, `{"interface":{"language":"de"},"slot":%d}`, i)}
		if i%2 == 0 {
			u.Groups = []string{"users"}
		}
		if i%3 == 0 {
			u.Permissions = []string{"WEBCAM"}
		}
		return u
	}

	r.apply(nil, "-parallelism=20")
	srv.Kill()
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := serverUsers(t, srv, prefix)
	lost, stale := 0, 0
	for i := range count {
		w := want(i)
		got, ok := found[w.Name]
		switch {
		case !ok:
			lost++
			t.Errorf("user %q is lost", w.Name)
		case got.Active != w.Active || !sameSet(got.Groups, w.Groups) || !sameSet(got.Permissions, w.Permissions) ||
			!sameJSON(got.Settings, w.Settings):
			stale++
			t.Errorf("user %q is active=%v groups=%v permissions=%v settings=%s, want %v %v %v %s",
				w.Name, got.Active, got.Groups, got.Permissions, got.Settings, w.Active, w.Groups, w.Permissions, w.Settings)
		}
	}
	extra := len(found) - (count - lost)

	if code := r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"); code != 0 {
		t.Fatalf("destroy failed with exit code %d", code)
	}
	left := len(serverUsers(t, srv, prefix))
	if left != 0 || extra != 0 {
		t.Errorf("%d unexpected users after the apply, %d left after the destroy", extra, left)
	}
	// Read by .ci/stress.sh.
	t.Logf("stress: applied=%d lost=%d stale=%d extra=%d left_after_destroy=%d", count, lost, stale, extra, left)
}

// manyUsersOnOwnServer starts an OctoPrint of its own (the test restarts it, which the
// other tests must not see) and a tofuRunner pointed at it, with a configuration of
// count users named prefix-N with the given attributes. It returns the name prefix.
func manyUsersOnOwnServer(t *testing.T, prefix string, count int, attributes string) (*testserver.Server, *tofuRunner, string) {
	t.Helper()
	srv, err := testserver.Start(context.Background(), testserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	prefix = acctest.RandomWithPrefix(prefix)
	r := newTofuRunner(t)
	r.env = append(r.env, EnvURL+"="+srv.URL, EnvAPIKey+"="+srv.APIKey)
	writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

resource "octoprint_user" "many" {
  count       = %d
  name        = "%s-${count.index}"
  password_wo = "secret"
%s}
`, count, prefix, attributes))
	return srv, r, prefix
}

// serverUsers returns the users with the prefix that the server lists, read with a new
// client (a client's snapshot knows nothing of writes by other processes).
func serverUsers(t *testing.T, srv *testserver.Server, prefix string) map[string]octoprint.User {
	t.Helper()
	users, err := listServerUsers(srv, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func listServerUsers(srv *testserver.Server, prefix string) (map[string]octoprint.User, error) {
	client, err := octoprint.New(octoprint.Config{URL: srv.URL, APIKey: srv.APIKey, Retries: 3, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	users, err := client.ListUsers(context.Background())
	if err != nil {
		return nil, err
	}
	out := map[string]octoprint.User{}
	for _, u := range users {
		if strings.HasPrefix(u.Name, prefix+"-") {
			out[u.Name] = u
		}
	}
	return out, nil
}
