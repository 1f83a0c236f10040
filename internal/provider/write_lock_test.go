package provider

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// Two provider blocks that spell one server's URL differently (scheme and host case, a
// trailing slash) share its write lock: at parallelism 20 no write is lost.
func TestAccWriteLock_oneServerTwoSpellings(t *testing.T) {
	skipUnlessAcceptance(t)
	const perBlock = 30
	u, err := url.Parse(testURL())
	if err != nil {
		t.Fatal(err)
	}
	lower := "http://localhost:" + u.Port()
	upper := "HTTP://LOCALHOST:" + u.Port() + "/"
	prefix := acctest.RandomWithPrefix("tf-acc-spellings")
	r := newTofuRunner(t)
	writeFile(t, r.dir+"/main.tf", fmt.Sprintf(`
terraform {
  required_providers {
    octoprint = { source = "octoprint-terraform/octoprint" }
  }
}

provider "octoprint" {
  alias = "lower"
  url   = %[3]q
}

provider "octoprint" {
  alias = "upper"
  url   = %[4]q
}

resource "octoprint_user" "lower" {
  provider    = octoprint.lower
  count       = %[1]d
  name        = "%[2]s-l${count.index}"
  password_wo = "secret"
}

resource "octoprint_user" "upper" {
  provider    = octoprint.upper
  count       = %[1]d
  name        = "%[2]s-u${count.index}"
  password_wo = "secret"
}
`, perBlock, prefix, lower, strings.ToUpper(upper)))
	srv := &testserver.Server{URL: os.Getenv(EnvURL), APIKey: os.Getenv(EnvAPIKey)}
	r.apply(nil, "-parallelism=20")
	if n := len(serverUsers(t, srv, prefix)); n != 2*perBlock {
		t.Errorf("the server holds %d of the %d users", n, 2*perBlock)
	}
	if code := r.tofu(nil, "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=20"); code != 0 {
		t.Fatalf("destroy failed with exit code %d:\n%s", code, r.output)
	}
	if n := len(serverUsers(t, srv, prefix)); n != 0 {
		t.Errorf("%d users left after the destroy", n)
	}
}
