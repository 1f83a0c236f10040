package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
)

// OctoPrint >= 1.10 loses users when writes overlap (a deleted user comes back, a new one
// goes missing). OpenTofu applies many resources at once: the provider's serialized
// writes must leave exactly what was declared.
func TestAccUser_parallelApply(t *testing.T) {
	skipUnlessAcceptance(t)
	const count = 40
	prefix := acctest.RandomWithPrefix("tf-acc-par")
	r := newTofuRunner(t)
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
  groups      = count.index %% 2 == 0 ? ["users"] : ["readonly"]
}
`, count, prefix))

	r.apply(nil, "-parallelism=20")
	users := serverUsersWithPrefix(t, prefix)
	if len(users) != count {
		t.Errorf("the server holds %d of the %d users applied", len(users), count)
	}
	for name, groups := range users {
		var i int
		fmt.Sscanf(strings.TrimPrefix(name, prefix+"-"), "%d", &i)
		want := map[bool]string{true: "users", false: "readonly"}[i%2 == 0]
		if len(groups) != 1 || groups[0] != want {
			t.Errorf("user %q has groups %v, want [%s]", name, groups, want)
		}
	}

	if code := r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"); code != 0 {
		t.Fatalf("destroy failed with exit code %d", code)
	}
	if left := serverUsersWithPrefix(t, prefix); len(left) != 0 {
		t.Errorf("%d users are left on the server after destroy", len(left))
	}
}

// serverUsersWithPrefix lists the users OctoPrint holds whose names start with prefix,
// with their groups.
func serverUsersWithPrefix(t *testing.T, prefix string) map[string][]string {
	t.Helper()
	all, err := testClient(t).ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, u := range all {
		if strings.HasPrefix(u.Name, prefix+"-") {
			out[u.Name] = u.Groups
		}
	}
	return out
}
