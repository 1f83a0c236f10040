// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Retries cover a server that restarts: a printer's computer rebooting, OctoPrint
// restarting after a plugin install.
const (
	// DefaultRetries with the waits below cover a restart of at least 75 seconds.
	DefaultRetries      = 10
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 15 * time.Second
)

// newRetryingClient wraps transport in retries with exponential backoff and jitter. jar,
// when not nil, keeps the cookies of a password login.
func newRetryingClient(transport http.RoundTripper, jar http.CookieJar, cfg Config) *http.Client {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: transport, Timeout: cfg.Timeout, Jar: jar, CheckRedirect: keepCredentialsHome(cfg.Headers)}
	rc.Logger = nil // requests are logged by the client itself
	rc.RetryMax = cfg.Retries
	rc.RetryWaitMin, rc.RetryWaitMax = defaultRetryWaitMin, defaultRetryWaitMax
	if cfg.RetryWaitMin > 0 {
		rc.RetryWaitMin = cfg.RetryWaitMin
	}
	if cfg.RetryWaitMax > 0 {
		rc.RetryWaitMax = cfg.RetryWaitMax
	}
	rc.CheckRetry = retryPolicy
	// The wait between tries is done in PrepareRetry, where a write that nobody waits
	// for any more can stop waiting (retryablehttp waits on the detached context).
	rc.Backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 }
	// The last answer as it is, so that its status and OctoPrint's text reach the error.
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		if st := retryStateOf(req.Context()); st != nil {
			st.attempts = attempt + 1
		}
	}
	rc.PrepareRetry = func(req *http.Request) error {
		st := retryStateOf(req.Context())
		return st.wait(req.Context(), backoff(rc.RetryWaitMin, rc.RetryWaitMax, st.attempts-1, nil))
	}
	return rc.StandardClient()
}

// keepCredentialsHome follows redirects as Go does, except that one to another host (or
// port) goes without the API key, the CSRF token and the configured headers: Go's client
// keeps back only Authorization and cookies, and only from another domain.
func keepCredentialsHome(configured map[string]string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host {
			req.Header.Del("X-Api-Key")
			req.Header.Del(csrfHeader)
			for k := range configured {
				req.Header.Del(k)
			}
		}
		return nil
	}
}

// retryState is what the tries of one request know, kept in its context.
type retryState struct {
	attempts int
	// caller is the caller's context. A write is sent with a context that ignores the
	// caller's cancellation, so that a write that may have reached the server is seen
	// through; one that cannot have reached it yet is given up with the caller.
	caller         context.Context
	mayHaveArrived bool
	// url is where the request goes; plainHTTP is set once an https URL turned out to
	// point at a server that speaks plain HTTP.
	url       *url.URL
	plainHTTP bool
}

type retryStateKey struct{}

// callerKey marks the caller's own context inside a detached one.
type callerKey struct{}

// withRetryState gives a request's context its retry state.
func withRetryState(ctx context.Context, u *url.URL) (context.Context, *retryState) {
	st := &retryState{attempts: 1, caller: ctx, url: u}
	if caller, ok := ctx.Value(callerKey{}).(context.Context); ok {
		st.caller = caller
	}
	return context.WithValue(ctx, retryStateKey{}, st), st
}

func retryStateOf(ctx context.Context) *retryState {
	st, _ := ctx.Value(retryStateKey{}).(*retryState)
	return st
}

// tried records how a try ended: only a refused connection surely sent nothing.
func (st *retryState) tried(err error) {
	var op *net.OpError
	if st != nil && (err == nil || !errors.As(err, &op) || op.Op != "dial") {
		st.mayHaveArrived = true
	}
}

// wait waits before the next try. It stops early when the request's context ends (a
// read whose caller gave up), or when the caller of a write gives up and nothing may
// have reached the server.
func (st *retryState) wait(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	var callerDone <-chan struct{} // nil, never ready, once the write may have arrived
	if !st.mayHaveArrived {
		callerDone = st.caller.Done()
	}
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-callerDone:
		return st.abandoned()
	}
}

// abandoned is an error once the caller has given up and nothing may have reached the
// server: trying again would only send what nobody waits for.
func (st *retryState) abandoned() error {
	if st == nil || st.mayHaveArrived || st.caller.Err() == nil {
		return nil
	}
	return fmt.Errorf("not trying again: %w", st.caller.Err())
}

// retryPolicy retries what a restarting server answers: refused or reset connections
// (not TLS or URL errors, nor HTTPS spoken to a plain-HTTP server), 502/503/504 from a proxy in front, and what OctoPrint's
// start-up stand-in answers while the real server loads: 404 to reads and 501 to writes,
// as HTML (OctoPrint's own errors are JSON).
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := retryStateOf(ctx)
	st.tried(err)
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err := st.abandoned(); err != nil {
		return false, err
	}
	if err != nil && st != nil && st.url.Scheme == "https" && !failedCertificate(err) && speaksPlainHTTP(ctx, st.url) {
		st.plainHTTP = true
		return false, nil // trying again cannot help
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	case http.StatusNotFound, http.StatusNotImplemented:
		mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return mediaType != "application/json", nil
	}
	return false, nil
}

// backoff doubles the wait from min up to max, each wait drawn between 75 % and 125 %
// so that clients restarting together do not retry in step.
func backoff(minWait, maxWait time.Duration, attempt int, _ *http.Response) time.Duration {
	wait := maxWait
	if attempt < 30 && minWait<<attempt < maxWait {
		wait = minWait << attempt
	}
	return time.Duration(float64(wait) * (0.75 + 0.5*rand.Float64())) //nolint:gosec // jitter, not a secret
}

// failedCertificate tells whether a try failed on the server's certificate: then the
// server speaks TLS. Any other failure of an https URL may be a plain-HTTP server, which
// answers a TLS handshake with a 400, with nothing until a timeout, or by closing the
// connection, depending on the bytes of the handshake.
func failedCertificate(err error) bool {
	var verify *tls.CertificateVerificationError
	return errors.As(err, &verify)
}

// speaksPlainHTTP tells whether the server behind an https URL answers plain HTTP on the
// same port: then the URL's scheme is wrong, and no retry can help.
func speaksPlainHTTP(ctx context.Context, u *url.URL) bool {
	plain := *u
	plain.Scheme, plain.User = "http", nil
	if plain.Port() == "" {
		plain.Host = net.JoinHostPort(plain.Hostname(), "443")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, plain.String(), nil)
	if err != nil {
		return false
	}
	probe := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := probe.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	// An HTTPS server answers plain HTTP on its port with 400; OctoPrint never does to a GET.
	return resp.StatusCode != http.StatusBadRequest
}
