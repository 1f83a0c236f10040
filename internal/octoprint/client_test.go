// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testAPIKey = "test-api-key"

// captured is what the fake server saw of one request.
type captured struct {
	Method     string
	RequestURI string // the raw, escaped path as sent on the wire
	Path       string // the decoded path
	Header     http.Header
	Body       []byte
}

// fake is an httptest server that records every request before handing it to h.
type fake struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newFake(t *testing.T, h http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, captured{r.Method, r.RequestURI, r.URL.Path, r.Header.Clone(), body})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) requests() []captured {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]captured(nil), f.reqs...)
}

// only returns the single request the server received.
func (f *fake) only(t *testing.T) captured {
	t.Helper()
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("server received %d requests, want 1: %+v", len(reqs), reqs)
	}
	return reqs[0]
}

// answer responds with status and a JSON body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newClient(t *testing.T, url string, mods ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{URL: url, APIKey: testAPIKey, UserAgent: "octoprint-test/1.0"}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return c
}

// assertJSON compares two JSON documents structurally, so absent keys count.
func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad test: want %q is not JSON: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func assertErrContains(t *testing.T, err error, subs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", subs)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty URL", Config{URL: "", APIKey: "k"}, "must start with http"},
		{"blank URL", Config{URL: "   ", APIKey: "k"}, "must start with http"},
		{"no scheme", Config{URL: "octopi.local", APIKey: "k"}, "must start with http"},
		{"host and port without scheme", Config{URL: "octopi.local:5000", APIKey: "k"}, "must start with http"},
		{"ftp scheme", Config{URL: "ftp://octopi.local", APIKey: "k"}, "must start with http"},
		{"no host", Config{URL: "http://", APIKey: "k"}, "has no host"},
		{"no host with path", Config{URL: "https:///octoprint", APIKey: "k"}, "has no host"},
		{"query", Config{URL: "http://octopi.local/?a=b", APIKey: "k"}, "query or fragment"},
		{"fragment", Config{URL: "http://octopi.local/#top", APIKey: "k"}, "query or fragment"},
		{"unparsable", Config{URL: "http://[::1", APIKey: "k"}, "is not valid"},
		{"empty API key", Config{URL: "http://octopi.local", APIKey: ""}, "API key is empty"},
		{"blank API key", Config{URL: "http://octopi.local", APIKey: " \t"}, "API key is empty"},
		{"API key with a line break", Config{URL: "http://octopi.local", APIKey: "k\n"}, "white space (a line break"},
		{"API key with a space inside", Config{URL: "http://octopi.local", APIKey: "k k"}, ""},
		{"API key with a control character", Config{URL: "http://octopi.local", APIKey: "k\x00k"}, "control character"},
		{"empty host with a port", Config{URL: "http://:5000", APIKey: "k"}, "has no host"},
		{"API path", Config{URL: "http://octopi.local/api/", APIKey: "k"}, `ends in /api: give the server's base URL, as the browser shows it (http://octopi.local/)`},
		{"API path behind a prefix", Config{URL: "https://farm.example/printer1/api", APIKey: "k"}, "(https://farm.example/printer1/)"},
		{"header name with a space", Config{URL: "http://octopi.local", APIKey: "k", Headers: map[string]string{"X Auth": "v"}}, `"X Auth" is not a valid HTTP header name`},
		{"header value with a line break", Config{URL: "http://octopi.local", APIKey: "k", Headers: map[string]string{"X-Auth": "v\r\nX-Evil: 1"}}, `header "X-Auth" holds a line break`},
		{"garbage CA", Config{URL: "https://octopi.local", APIKey: "k", CACertificatePEM: "not a certificate"}, "no PEM-encoded certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if tt.want == "" { // accepted: OctoPrint decides
				if err != nil || c == nil {
					t.Errorf("New = %v, %v; want a client", c, err)
				}
				return
			}
			assertErrContains(t, err, tt.want)
			if c != nil {
				t.Errorf("New returned a client %v along with the error", c)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://octopi.local", "http://octopi.local/"},
		{"http://octopi.local/", "http://octopi.local/"},
		{"HTTPS://octopi.local:5000", "https://octopi.local:5000/"},
		{"https://host/octoprint", "https://host/octoprint/"},
		{"https://host/octoprint/", "https://host/octoprint/"},
		{"  http://host/a b  ", "http://host/a%20b/"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.in, err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("ParseURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPathPrefix(t *testing.T) {
	for _, prefix := range []string{"/octoprint", "/octoprint/"} {
		t.Run(prefix, func(t *testing.T) {
			f := newFake(t, answer(200, `{"server":"1.11.0"}`))
			if _, err := newClient(t, f.URL+prefix).Version(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := f.only(t).RequestURI; got != "/octoprint/api/version" {
				t.Errorf("request went to %q, want /octoprint/api/version", got)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	extra := func(c *Config) {
		c.Headers = map[string]string{"X-Proxy": "proxy-value", "X-Api-Key": "overridden?", "Accept": "text/html"}
	}
	tests := []struct {
		name      string
		call      func(*Client) error
		wantCType string
	}{
		{"GET", func(c *Client) error { _, err := c.ListUsers(context.Background()); return err }, ""},
		{"DELETE without body", func(c *Client) error { return c.ResetAPIKey(context.Background(), "bob") }, ""},
		{"PUT with body", func(c *Client) error { return c.ChangePassword(context.Background(), "bob", "pw", "") }, "application/json"},
		{"POST with body", func(c *Client) error { _, err := c.GenerateAPIKey(context.Background(), "bob"); return err }, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, answer(200, `{"users":[],"apikey":"x"}`))
			if err := tt.call(newClient(t, f.URL, extra)); err != nil {
				t.Fatal(err)
			}
			h := f.only(t).Header
			want := map[string]string{
				"X-Api-Key":    testAPIKey, // the configured key wins over Headers
				"Accept":       "application/json",
				"User-Agent":   "octoprint-test/1.0",
				"X-Proxy":      "proxy-value",
				"Content-Type": tt.wantCType,
			}
			for k, v := range want {
				if got := h.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestErrorStatuses(t *testing.T) {
	sentinels := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict}
	tests := []struct {
		status int
		want   error // nil: matches no sentinel
	}{
		{400, ErrBadRequest}, {401, ErrUnauthorized}, {403, ErrForbidden},
		{404, ErrNotFound}, {409, ErrConflict}, {500, nil}, {502, nil},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/currentuser" {
					answer(200, `{"name":"admin","permissions":["ADMIN"]}`)(w, r)
					return
				}
				answer(tt.status, `{"error": "OctoPrint says no"}`)(w, r)
			})
			_, err := newClient(t, f.URL).GetUserSettings(context.Background(), "bob")
			assertErrContains(t, err, "OctoPrint says no", "GET /api/access/users/bob/settings")
			for _, s := range sentinels {
				if got, want := errors.Is(err, s), errors.Is(tt.want, s); got != want {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			if got := StatusCode(err); got != tt.status {
				t.Errorf("StatusCode = %d, want %d", got, tt.status)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Message != "OctoPrint says no" || apiErr.Method != "GET" {
				t.Errorf("APIError = %+v", apiErr)
			}
		})
	}
	t.Run("StatusCode of other errors", func(t *testing.T) {
		if got := StatusCode(errors.New("x")); got != 0 {
			t.Errorf("StatusCode = %d, want 0", got)
		}
		if got := StatusCode(nil); got != 0 {
			t.Errorf("StatusCode(nil) = %d, want 0", got)
		}
	})
}

func TestForbiddenHint(t *testing.T) {
	tests := []struct {
		name        string
		currentUser http.HandlerFunc
		want        string // "" means no hint
	}{
		{"unknown key", answer(200, `{"name":null,"groups":["guests"],"permissions":[]}`), "does not recognize the API key"},
		{"unknown key before 1.11", answer(403, `{"error":"Invalid API key"}`), "does not recognize the API key"},
		{"user without ADMIN", answer(200, `{"name":"bob","groups":["users"],"permissions":["STATUS"]}`), `user "bob", who lacks admin rights: add that user to the admins group`},
		{"admin", answer(200, `{"name":"root","permissions":["ADMIN"]}`), `the API key belongs to user "root"`},
		{"currentuser fails", answer(500, `{}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/currentuser" {
					tt.currentUser(w, r)
					return
				}
				answer(403, `{"error":"Forbidden"}`)(w, r)
			})
			// A write: the hint is fetched while the write lock is held.
			err := newClient(t, f.URL).DeleteUser(context.Background(), "alice")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || !errors.Is(err, ErrForbidden) {
				t.Fatalf("err = %v, want a 403 *APIError", err)
			}
			if (tt.want == "") != (apiErr.Hint == "") || !strings.Contains(apiErr.Hint, tt.want) {
				t.Errorf("Hint = %q, want %q", apiErr.Hint, tt.want)
			}
			if tt.want != "" && !strings.Contains(err.Error(), "("+apiErr.Hint+")") {
				t.Errorf("error %q does not show the hint", err)
			}
			if got := len(f.requests()); got != 2 {
				t.Errorf("server received %d requests, want 2", got)
			}
		})
	}
	t.Run("currentuser itself forbidden does not recurse", func(t *testing.T) {
		f := newFake(t, answer(403, `{"error":"Invalid API key"}`))
		me, err := newClient(t, f.URL).CurrentUser(context.Background())
		if err != nil || me.Name != "" {
			t.Errorf("CurrentUser = %+v, %v; want the anonymous caller", me, err)
		}
		f.only(t)
	})
}

func TestResponseSizeLimit(t *testing.T) {
	// {"server":"xxx…"} of exactly maxResponseBytes is read, one byte more is refused.
	exact := `{"server":"` + strings.Repeat("x", maxResponseBytes-13) + `"}`
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, exact)
		if r.URL.Path == "/api/currentuser" {
			_, _ = io.WriteString(w, " ") // one byte over
		}
	})
	c := newClient(t, f.URL)
	v, err := c.Version(context.Background())
	if err != nil || len(v.Server) != maxResponseBytes-13 {
		t.Fatalf("at the limit: err = %v", err)
	}
	_, err = c.CurrentUser(context.Background())
	assertErrContains(t, err, "larger than 32 MiB")
}

func TestTransportFailures(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		c := newClient(t, srv.URL)
		srv.Close()
		_, err := c.Version(context.Background())
		assertErrContains(t, err, "GET", "/api/version")
		if StatusCode(err) != 0 {
			t.Errorf("StatusCode = %d, want 0", StatusCode(err))
		}
	})
	t.Run("context cancelled before", func(t *testing.T) {
		f := newFake(t, answer(200, `{}`))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newClient(t, f.URL).Version(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("context cancelled during a read", func(t *testing.T) {
		started := make(chan struct{})
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-r.Context().Done()
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		_, err := newClient(t, f.URL).Version(ctx)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("a write in flight is seen through", func(t *testing.T) {
		started := make(chan struct{})
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			close(started)
			time.Sleep(50 * time.Millisecond) // the caller gives up meanwhile
			answer(200, `{"users":[{"name":"a"}]}`)(w, r)
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-started; cancel() }()
		u, err := newClient(t, f.URL).AddUser(ctx, NewUser{Name: "a"})
		if err != nil || u.Name != "a" {
			t.Errorf("AddUser = %+v, %v; want the user the server made", u, err)
		}
	})
	t.Run("a write not yet sent is not sent", func(t *testing.T) {
		f := newFake(t, answer(200, `{"users":[{"name":"a"}]}`))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := newClient(t, f.URL).AddUser(ctx, NewUser{Name: "a"}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("%d requests reached the server, want none", n)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		})
		c := newClient(t, f.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
		start := time.Now()
		_, err := c.Version(context.Background())
		var netErr net.Error
		if !errors.As(err, &netErr) || !netErr.Timeout() {
			t.Errorf("err = %v, want a timeout", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the request took %v despite a 100ms timeout", took)
		}
	})
}

func newTLSFake(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(answer(200, `{"server":"1.11.0","api":"0.1","text":"OctoPrint 1.11.0"}`))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake logs otherwise
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLS(t *testing.T) {
	srv := newTLSFake(t)
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"unknown CA", func(*Config) {}, "certificate"},
		{"CA certificate", func(c *Config) { c.CACertificatePEM = caPEM }, ""},
		{"insecure", func(c *Config) { c.InsecureSkipVerify = true }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newClient(t, srv.URL, tt.mod).Version(context.Background())
			if tt.wantErr != "" {
				assertErrContains(t, err, tt.wantErr)
				return
			}
			if err != nil || v.Server != "1.11.0" {
				t.Errorf("Version = %+v, %v", v, err)
			}
		})
	}
}

func TestParseURLRefusesEmptyQueryAndHidesPassword(t *testing.T) {
	for _, raw := range []string{"http://host/?", "http://user:s3cret@host/?x=1"} {
		_, err := ParseURL(raw)
		assertErrContains(t, err, "must not have a query or fragment")
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q repeats the URL's password", err)
		}
	}
	_, err := ParseURL("ftp://user:s3cret@host/")
	assertErrContains(t, err, "http://")
	if err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q repeats the URL's password", err)
	}
}

func TestParseURLKeepsEscapedPrefix(t *testing.T) {
	u, err := ParseURL("http://host/a%2Fb")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.String(); got != "http://host/a%2Fb/" {
		t.Errorf("ParseURL = %q, want http://host/a%%2Fb/", got)
	}
}

func TestHostHeader(t *testing.T) {
	var host string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		host = r.Host
		answer(200, `{"server":"1"}`)(w, r)
	})
	c := newClient(t, f.URL, func(c *Config) { c.Headers = map[string]string{"host": "octoprint.farm.example"} })
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	if host != "octoprint.farm.example" {
		t.Errorf("server saw Host %q, want octoprint.farm.example", host)
	}
}

// A write waiting behind a hung one gives up when its context ends.
func TestWriteWaitHonoursContext(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		answer(200, `{}`)(w, r)
	})
	defer close(release)
	c := newClient(t, f.URL)
	go func() { _ = c.ResetAPIKey(context.Background(), "hung") }()
	for len(f.requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.ResetAPIKey(ctx, "waiting")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("the waiting write gave up after %s", waited)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("server received %d requests, want only the hung one", n)
	}
}

// HTTPS spoken to a plain-HTTP server fails at once, saying so, instead of being retried
// like a server that is down.
func TestHTTPSToPlainHTTPIsNotRetried(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { requests.Add(1) }))
	t.Cleanup(srv.Close)
	c := newClient(t, strings.Replace(srv.URL, "http://", "https://", 1), func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 5, time.Millisecond, time.Millisecond
	})
	_, err := c.Version(context.Background())
	assertErrContains(t, err, "the server speaks plain HTTP, not HTTPS; start the URL with http://")
	assertErrContains(t, err, "(1 try)")
}

// A plain-HTTP server may also answer a TLS handshake by closing the connection, as
// OctoPrint's does for some handshakes: that is recognized too.
func TestHTTPSToPlainHTTPThatHangsUp(t *testing.T) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hangUp := &firstByteListener{Listener: ln, close: 0x16} // a TLS handshake record
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(hangUp) }()
	t.Cleanup(func() { _ = srv.Close() })
	c := newClient(t, "https://"+ln.Addr().String(), func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 5, time.Millisecond, time.Millisecond
	})
	_, err = c.Version(context.Background())
	assertErrContains(t, err, "the server speaks plain HTTP, not HTTPS; start the URL with http://")
	assertErrContains(t, err, "(1 try)")
}

// An HTTPS server that fails a try is not taken for a plain-HTTP one: it answers plain
// HTTP on its port with 400.
func TestHTTPSServerIsNotTakenForPlainHTTP(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, func(c *Config) { // the test server's certificate is not trusted
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 1, time.Millisecond, time.Millisecond
	})
	_, err := c.Version(context.Background())
	if err == nil || strings.Contains(err.Error(), "plain HTTP") {
		t.Fatalf("err = %v, want a certificate error that does not blame plain HTTP", err)
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if speaksPlainHTTP(context.Background(), u) {
		t.Error("an HTTPS server was taken for one that speaks plain HTTP")
	}
}

// firstByteListener closes, unanswered, every connection whose first byte is close.
type firstByteListener struct {
	net.Listener
	close byte
}

func (l *firstByteListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		first := make([]byte, 1)
		if _, err := io.ReadFull(conn, first); err != nil || first[0] == l.close {
			_ = conn.Close()
			continue
		}
		return &prefixedConn{Conn: conn, prefix: first}, nil
	}
}

// prefixedConn gives back the bytes read from it before.
type prefixedConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixedConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// A redirect to another host does not take the credentials along: Go's client copies
// every header but Authorization and cookies to it. One to the same host keeps them.
func TestRedirectToAnotherHostDropsCredentials(t *testing.T) {
	elsewhere := newFake(t, answer(200, `{"users":[]}`))
	for _, tc := range []struct {
		name, to string
		kept     bool
	}{
		{"another host", elsewhere.URL, false},
		{"the same host", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f *fake
			f = newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/access/users" {
					to := tc.to
					if to == "" {
						to = f.URL
					}
					http.Redirect(w, r, to+"/moved/users", http.StatusFound)
					return
				}
				answer(200, `{"users":[]}`)(w, r)
			})
			c := newClient(t, f.URL, func(c *Config) { c.Headers = map[string]string{"X-Proxy-Auth": "proxy-secret"} })
			if _, err := c.ListUsers(context.Background()); err != nil {
				t.Fatal(err)
			}
			target := f
			if !tc.kept {
				target = elsewhere
			}
			reqs := target.requests()
			h := reqs[len(reqs)-1].Header
			for _, k := range []string{"X-Api-Key", "X-Proxy-Auth"} {
				if got := h.Get(k) != ""; got != tc.kept {
					t.Errorf("redirected to %s: header %s sent: %v, want %v", tc.name, k, got, tc.kept)
				}
			}
		})
	}
}
