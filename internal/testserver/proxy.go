// SPDX-License-Identifier: MPL-2.0

package testserver

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
)

// Proxy is a reverse proxy in front of an OctoPrint. It records every request that
// reaches it, and may answer some of them itself instead of forwarding them: the tests
// count the provider's requests through it and make the server misbehave with it, the
// benchmark counts the requests of each phase.
//
// A proxy is another URL for the same OctoPrint. The provider serializes its writes per
// URL, so writes through a proxy must not overlap with writes to the server's own URL.
type Proxy struct {
	// URL is the proxy's address, to use in place of the server's.
	URL string

	server *httptest.Server
	answer func(http.ResponseWriter, *http.Request) bool

	mu       sync.Mutex
	requests []string
}

// ProxyOptions tune StartProxy. The zero value forwards every request over plain HTTP.
type ProxyOptions struct {
	// TLS serves the proxy over HTTPS, with a certificate of its own (see Certificate).
	TLS bool
	// Answer sees every request first, once it is recorded. When it answers the request
	// itself it returns true, and the request goes no further. It may block to hold a
	// request back; the request's context ends when the client gives up.
	Answer func(http.ResponseWriter, *http.Request) bool
}

// StartProxy starts a proxy to the server at target. Close stops it.
func StartProxy(target string, opts ProxyOptions) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("the proxy's target: %w", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("the proxy's target %q is not an absolute URL", target)
	}
	p := &Proxy{answer: opts.Answer}
	forward := httputil.NewSingleHostReverseProxy(u)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.requests = append(p.requests, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		if p.answer != nil && p.answer(w, r) {
			return
		}
		forward.ServeHTTP(w, r)
	})
	if opts.TLS {
		p.server = httptest.NewTLSServer(handler)
	} else {
		p.server = httptest.NewServer(handler)
	}
	p.URL = p.server.URL
	return p, nil
}

// Requests returns "METHOD /path" of every request since the start or the last Reset,
// answered or forwarded, in the order they arrived.
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// Count returns how many requests arrived since the start or the last Reset.
func (p *Proxy) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.requests)
}

// Reset forgets the requests recorded so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
}

// Certificate returns the certificate of a TLS proxy, nil for plain HTTP.
func (p *Proxy) Certificate() *x509.Certificate {
	return p.server.Certificate()
}

// Close stops the proxy. It first drops the connections of requests still under way, so
// that a request that Answer holds back ends instead of keeping Close waiting.
func (p *Proxy) Close() {
	p.server.CloseClientConnections()
	p.server.Close()
}
