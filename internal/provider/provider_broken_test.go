// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/testserver"
)

// What stands between the provider and OctoPrint can misbehave: a proxy answering HTML,
// broken JSON, a download instead of an API, or TLS with a private CA. Each gets an error
// that says what went wrong; TLS with the CA given works.
func TestAccProvider_brokenServers(t *testing.T) {
	skipUnlessAcceptance(t)
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	html := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprint(w, "<html><body>Welcome to the print shop</body></html>")
	})
	broken := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"users": [{"name": "bob"`)
	})
	huge := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"users":"`+strings.Repeat("x", 33<<20)+`"}`)
	})
	wrongPath := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
	})

	cases := []struct {
		name, provider, err string
	}{
		{"HTML from a proxy", fmt.Sprintf("url = %q", html), `(?s)not\s+the\s+JSON\s+OctoPrint\s+sends.*text/html.*Welcome.*pointing\s+at\s+OctoPrint`},
		{"malformed JSON", fmt.Sprintf("url = %q", broken), `(?s)not\s+the\s+JSON\s+OctoPrint\s+sends.*unexpected\s+end\s+of\s+JSON`},
		{"huge response", fmt.Sprintf("url = %q", huge), `(?s)larger\s+than\s+32\s+MiB.*pointing\s+at\s+OctoPrint`},
		{"wrong path behind a proxy", fmt.Sprintf("url = %q\nmax_retries = 0", wrongPath), `(?s)404\s+Not\s+Found\s+to\s+GET\s+/api/access/users`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: readUsersWith(tc.provider), ExpectError: regexp.MustCompile(tc.err)}},
			})
		})
	}
}

func TestAccProvider_tls(t *testing.T) {
	skipUnlessAcceptance(t)
	// A TLS proxy with its own CA in front of the real OctoPrint.
	proxy := proxyToTestServer(t, testserver.ProxyOptions{TLS: true})
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}))
	works := readUsersWith("") + `
output "admin_listed" { value = contains([for u in data.octoprint_users.all.users : u.name], "admin") }
`
	listed := []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("admin_listed", knownvalue.Bool(true))}
	provider := func(body string) string {
		return strings.Replace(works, "provider \"octoprint\" {\n", "provider \"octoprint\" {\n  url = \""+proxy.URL+"\"\n"+body+"\n", 1)
	}

	// Not parallel: the proxy is another URL for the test server, and writes through it
	// must not overlap with the parallel tests' writes (the write lock is per URL).
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      provider(""),
				ExpectError: regexp.MustCompile(`(?s)certificate\s+signed\s+by\s+unknown\s+authority`),
			},
			{
				Config:            provider(fmt.Sprintf("ca_certificate = %q", ca)),
				ConfigStateChecks: listed,
			},
			{
				Config:            provider("insecure_skip_verify = true"),
				ConfigStateChecks: listed,
			},
		},
	})
}

// A server older than 1.9, or of a major release after 2, is refused with the supported
// range as soon as a plan would change something on it; a plan without changes costs no
// request for the version.
func TestAccProvider_unsupportedVersion(t *testing.T) {
	skipUnlessAcceptance(t)
	for _, version := range []string{"1.8.7", "3.0.0"} {
		t.Run(version, func(t *testing.T) {
			proxy := proxyToTestServer(t, testserver.ProxyOptions{Answer: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/api/version" {
					return false
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = fmt.Fprintf(w, `{"server": %q, "api": "0.1", "text": "OctoPrint %s"}`, version, version)
				return true
			}})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf("provider \"octoprint\" {\n  url = %q\n}\n", proxy.URL) +
						userConfig(acctest.RandomWithPrefix("tf-acc-version"), `password = "secret"`),
					ExpectError: regexp.MustCompile(`(?s)Unsupported\s+OctoPrint\s+server.*runs\s+OctoPrint\s+` + regexp.QuoteMeta(version) +
						`;\s+this\s+provider\s+supports\s+OctoPrint\s+1\.9\s+to\s+2\.x`),
				}},
			})
		})
	}
}
