package provider

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// protoV6ProviderFactories runs the provider in the test process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"octoprint": providerserver.NewProtocol6WithError(New("test")()),
}

// testServer is the OctoPrint that TestMain started, nil when the tests use one given by
// OCTOPRINT_URL and OCTOPRINT_API_KEY.
var testServer *testserver.Server

// TestMain starts a real OctoPrint for the acceptance tests (TF_ACC set) and points the
// provider at it through its environment variables.
func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	defer func() {
		if providerBinDir == "" {
			return
		}
		if err := os.RemoveAll(providerBinDir); err != nil {
			log.Printf("removing the provider binary: %v", err)
		}
	}()
	if os.Getenv("TF_ACC") == "" || (os.Getenv(EnvURL) != "" && os.Getenv(EnvAPIKey) != "") {
		return m.Run()
	}
	srv, err := testserver.Start(context.Background(), testserver.Options{})
	if err != nil {
		log.Printf("starting OctoPrint for the acceptance tests: %v", err)
		return 1
	}
	defer func() {
		if err := srv.Stop(); err != nil {
			log.Printf("stopping OctoPrint: %v", err)
		}
	}()
	testServer = srv
	log.Printf("acceptance tests against OctoPrint %s at %s", srv.Version, srv.URL)
	for name, value := range map[string]string{EnvURL: srv.URL, EnvAPIKey: srv.APIKey} {
		if err := os.Setenv(name, value); err != nil {
			log.Printf("setting %s: %v", name, err)
			return 1
		}
	}
	return m.Run()
}

// testClient is a client of the test server, for checks made beside Terraform.
func testClient(t *testing.T) *octoprint.Client {
	t.Helper()
	client, err := octoprint.New(octoprint.Config{URL: os.Getenv(EnvURL), APIKey: os.Getenv(EnvAPIKey), UserAgent: "acceptance-tests"})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// checkUsersDestroyed demands a real 404 from the server for every octoprint_user in state.
func checkUsersDestroyed(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "octoprint_user" {
				continue
			}
			if err := checkUserGone(t, rs.Primary.ID); err != nil {
				return err
			}
		}
		return nil
	}
}

func checkUserGone(t *testing.T, name string) error {
	_, err := testClient(t).GetUser(context.Background(), name)
	switch {
	case err == nil:
		return fmt.Errorf("user %q still exists on the server", name)
	case !errors.Is(err, octoprint.ErrNotFound):
		return fmt.Errorf("expected 404 for user %q, got: %w", name, err)
	}
	return nil
}

// skipUnlessAcceptance skips an acceptance test when TF_ACC is not set, as plain
// `go test` runs. `make test` sets it, and fails on any skipped test.
func skipUnlessAcceptance(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does) to run it against a real OctoPrint")
	}
}

// proxyToTestServer starts a proxy in front of the test server and returns its URL.
// intercept sees every request first; when it answers the request itself, it returns true
// and the request goes no further.
func proxyToTestServer(t *testing.T, intercept func(http.ResponseWriter, *http.Request) bool) string {
	t.Helper()
	target, err := url.Parse(testURL())
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !intercept(w, r) {
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
