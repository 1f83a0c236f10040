// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"log"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

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
