package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// OctoPrint killed in the middle of an apply and started again 6 seconds later: the
// provider's retries carry the apply through, and the server ends up with exactly the
// declared users, none lost and none twice.
func TestAccUser_serverRestartDuringApply(t *testing.T) {
	skipUnlessAcceptance(t)
	const count = 60
	srv, r, prefix := manyUsersOnOwnServer(t, "tf-acc-restart", count, `  groups      = ["users"]
`)
	// Settings for every user and a key for every third: writes of every kind are under
	// way when the server goes down.
	writeFile(t, r.dir+"/more.tf", fmt.Sprintf(`
resource "octoprint_user_settings" "many" {
  count    = %[1]d
  user     = octoprint_user.many[count.index].name
  settings = jsonencode({ interface = { language = "fr" } })
}

resource "octoprint_user_api_key" "many" {
  count = %[1]d / 3
  user  = octoprint_user.many[count.index * 3].name
}
`, count))

	applied := make(chan int, 1)
	go func() { applied <- r.tofu(nil, "apply", "-auto-approve", "-input=false", "-no-color") }()

	// Kill the server once the apply is well under way.
	deadline := time.Now().Add(2 * time.Minute)
	for usersOn(srv, prefix) < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the apply did not get under way")
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.Kill()
	killedWith := usersOnDisk(t, srv, prefix)
	time.Sleep(6 * time.Second)
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}

	if code := <-applied; code != 0 {
		t.Fatalf("the apply failed with exit code %d across the restart", code)
	}
	found := serverUsers(t, srv, prefix)
	if len(found) != count {
		t.Errorf("the server holds %d of the %d users after the apply", len(found), count)
	}
	if lost := keysNotHeld(t, r, found, count/3); lost != 0 {
		t.Errorf("%d API keys lost", lost)
	}
	t.Logf("killed with %d of %d users stored; after the restart the apply completed them", killedWith, count)
	if code := r.tofu(nil, "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("the plan after the apply is not empty (exit code %d)", code)
	}
	if code := r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("destroy failed with exit code %d", code)
	}
	if n := usersOn(srv, prefix); n != 0 {
		t.Errorf("%d users are left after destroy", n)
	}
}

// usersOn counts the users with the prefix that the server lists, -1 while it cannot.
func usersOn(srv *testserver.Server, prefix string) int {
	users, err := listServerUsers(srv, prefix)
	if err != nil {
		return -1
	}
	return len(users)
}

// usersOnDisk counts the users with the prefix in the server's users.yaml.
func usersOnDisk(t *testing.T, srv *testserver.Server, prefix string) int {
	t.Helper()
	data := readFile(t, srv.Dir+"/users.yaml")
	return strings.Count(string(data), "\n"+prefix+"-")
}
