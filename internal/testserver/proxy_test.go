// SPDX-License-Identifier: MPL-2.0

package testserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// backend is the server behind the proxy: it answers every request with its method and
// path, and records them.
type backend struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.seen = append(b.seen, r.Method+" "+r.URL.Path)
		b.mu.Unlock()
		_, _ = io.WriteString(w, "backend: "+r.Method+" "+r.URL.Path) //nolint:gosec // G705: a test backend echoing the request to the test
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *backend) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.seen)
}

func startProxy(t *testing.T, target string, opts ProxyOptions) *Proxy {
	t.Helper()
	p, err := StartProxy(target, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// send makes a request through client and returns the status and body of the answer.
func send(t *testing.T, client *http.Client, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestProxyForwardsAndRecords(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, b.URL, ProxyOptions{})
	for _, r := range []struct{ method, path string }{{"GET", "/api/access/users"}, {"POST", "/api/access/groups"}} {
		status, body := send(t, http.DefaultClient, r.method, p.URL+r.path)
		if want := "backend: " + r.method + " " + r.path; status != http.StatusOK || body != want {
			t.Errorf("%s %s through the proxy: %d %q, want 200 %q", r.method, r.path, status, body, want)
		}
	}
	want := []string{"GET /api/access/users", "POST /api/access/groups"}
	if got := p.Requests(); !slices.Equal(got, want) {
		t.Errorf("the proxy recorded %v, want %v", got, want)
	}
	if got := b.requests(); !slices.Equal(got, want) {
		t.Errorf("the backend saw %v, want %v", got, want)
	}
	if n := p.Count(); n != 2 {
		t.Errorf("Count() = %d, want 2", n)
	}

	p.Reset()
	if n, got := p.Count(), p.Requests(); n != 0 || len(got) != 0 {
		t.Errorf("after Reset: Count() = %d, Requests() = %v, want none", n, got)
	}
	send(t, http.DefaultClient, "DELETE", p.URL+"/api/access/users/bob")
	if got := p.Requests(); !slices.Equal(got, []string{"DELETE /api/access/users/bob"}) {
		t.Errorf("after Reset and one request: %v", got)
	}
}

func TestProxyAnswer(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, b.URL, ProxyOptions{Answer: func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/settings") {
			return false
		}
		http.Error(w, `{"error": "refused by the proxy"}`, http.StatusInternalServerError)
		return true
	}})
	if status, body := send(t, http.DefaultClient, "GET", p.URL+"/api/users/bob/settings"); status != http.StatusInternalServerError || !strings.Contains(body, "refused by the proxy") {
		t.Errorf("an answered request: %d %q, want the proxy's 500", status, body)
	}
	if status, _ := send(t, http.DefaultClient, "GET", p.URL+"/api/users/bob"); status != http.StatusOK {
		t.Errorf("a request Answer leaves alone: %d, want the backend's 200", status)
	}
	if got, want := p.Requests(), []string{"GET /api/users/bob/settings", "GET /api/users/bob"}; !slices.Equal(got, want) {
		t.Errorf("the proxy recorded %v, want %v: answered requests count too", got, want)
	}
	if got, want := b.requests(), []string{"GET /api/users/bob"}; !slices.Equal(got, want) {
		t.Errorf("the backend saw %v, want %v: an answered request goes no further", got, want)
	}
}

func TestProxyTLS(t *testing.T) {
	b := newBackend(t)
	p := startProxy(t, b.URL, ProxyOptions{TLS: true})
	if !strings.HasPrefix(p.URL, "https://") || p.Certificate() == nil {
		t.Fatalf("a TLS proxy at %s with certificate %v", p.URL, p.Certificate())
	}
	pool := x509.NewCertPool()
	pool.AddCert(p.Certificate())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	if status, body := send(t, client, "GET", p.URL+"/api/version"); status != http.StatusOK || body != "backend: GET /api/version" {
		t.Errorf("through the TLS proxy: %d %q", status, body)
	}
	if plain := startProxy(t, b.URL, ProxyOptions{}); plain.Certificate() != nil {
		t.Error("a plain HTTP proxy has a certificate")
	}
}

// A request that Answer holds back until its client gives up does not keep Close waiting.
func TestProxyCloseEndsHeldRequests(t *testing.T) {
	b := newBackend(t)
	held := make(chan struct{})
	p, err := StartProxy(b.URL, ProxyOptions{Answer: func(_ http.ResponseWriter, r *http.Request) bool {
		close(held)
		<-r.Context().Done()
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	failed := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete, p.URL+"/api/access/users/bob", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		failed <- err
	}()
	<-held
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits for the held request after 10s")
	}
	if err := <-failed; err == nil {
		t.Error("the held request got an answer, want its connection dropped")
	}
	if got := b.requests(); len(got) != 0 {
		t.Errorf("the backend saw %v, want nothing", got)
	}
}

func TestStartProxyRefusesABadTarget(t *testing.T) {
	for _, target := range []string{"", "127.0.0.1:5000", "http://%zz"} {
		if p, err := StartProxy(target, ProxyOptions{}); err == nil {
			p.Close()
			t.Errorf("StartProxy(%q) started a proxy, want an error", target)
		}
	}
}
