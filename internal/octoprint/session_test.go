// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testUser     = "boss"
	testPassword = "pw-secret-login" //nolint:gosec // G101: a test's password

	testSession = "session-cookie-secret"
)

// loginServer fakes OctoPrint's password login: /login sets the CSRF cookie, POST
// /api/login checks the password and the CSRF header and sets the session cookie, and
// every other request needs that cookie (and the CSRF header, unless a GET).
type loginServer struct {
	*fake
	csrf string
	// sessions is what the server knows; a restart forgets them.
	mu       sync.Mutex
	sessions map[string]bool
	logins   atomic.Int32
	// reauthenticate, when set, refuses the next change as OctoPrint does for a login
	// that is not recent.
	reauthenticate atomic.Bool
}

func newLoginServer(t *testing.T) *loginServer {
	t.Helper()
	s := &loginServer{csrf: "csrf-token-secret", sessions: map[string]bool{}}
	s.fake = newFake(t, s.serve)
	return s
}

func (s *loginServer) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]bool{}
}

func (s *loginServer) serve(w http.ResponseWriter, r *http.Request) {
	port := strings.TrimPrefix(s.URL[strings.LastIndex(s.URL, ":"):], ":")
	csrfOK := func() bool {
		c, err := r.Cookie("csrf_token_P" + port)
		return err == nil && c.Value == s.csrf && r.Header.Get(csrfHeader) == s.csrf
	}
	switch r.URL.Path {
	case "/login":
		setCookie(w, "csrf_token_P"+port, s.csrf)
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>login</html>"))
		return
	case "/api/login":
		var body struct{ User, Pass string }
		_ = json.NewDecoder(strings.NewReader(string(s.requests()[len(s.requests())-1].Body))).Decode(&body)
		if !csrfOK() {
			answer(400, `{"error":"CSRF validation failed"}`)(w, r)
			return
		}
		if body.User != testUser || body.Pass != testPassword {
			answer(403, `{"error":"You don't have the permission"}`)(w, r)
			return
		}
		id := fmt.Sprintf("%s-%d", testSession, s.logins.Add(1))
		s.mu.Lock()
		s.sessions[id] = true
		s.mu.Unlock()
		setCookie(w, "session_P"+port, id)
		answer(200, `{"name":"boss","session":"`+id+`","apikey":null}`)(w, r)
		return
	}
	if r.URL.Path == "/plugin/corewizard/acl" && csrfOK() {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	c, err := r.Cookie("session_P" + port)
	s.mu.Lock()
	known := err == nil && s.sessions[c.Value]
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/api/currentuser" && !known:
		answer(200, `{"name":null,"groups":["guests"],"permissions":[]}`)(w, r)
	case r.URL.Path == "/api/currentuser":
		answer(200, `{"name":"boss","groups":["admins"],"permissions":["ADMIN"]}`)(w, r)
	case !known:
		answer(403, `{"error":"You don't have the permission"}`)(w, r)
	case r.Method != http.MethodGet && !csrfOK():
		answer(400, `{"error":"CSRF validation failed"}`)(w, r)
	case r.Method != http.MethodGet && s.reauthenticate.CompareAndSwap(true, false):
		answer(403, `{"error":"Please reauthenticate with your credentials"}`)(w, r)
	case r.Method == http.MethodGet:
		answer(200, `{"users":[{"name":"boss"}]}`)(w, r)
	default:
		answer(200, `{"users":[{"name":"boss"},{"name":"alice"}]}`)(w, r)
	}
}

// setCookie sets a cookie as OctoPrint does, over plain HTTP (a Secure cookie would never
// be sent back).
func setCookie(w http.ResponseWriter, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", SameSite: http.SameSiteLaxMode}) //nolint:gosec // G124: see above
}

// paths returns the method and path of every request the server received.
func (s *loginServer) paths() []string {
	var out []string
	for _, r := range s.requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func loginClient(t *testing.T, url string, mods ...func(*Config)) *Client {
	t.Helper()
	return newClient(t, url, append([]func(*Config){func(c *Config) {
		c.APIKey, c.Username, c.Password = "", testUser, testPassword
	}}, mods...)...)
}

func assertPaths(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLoginIsLazyAndSendsTheCSRFToken(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL)
	if len(s.requests()) != 0 {
		t.Fatalf("New made requests: %v", s.paths())
	}
	ctx := context.Background()
	if _, err := c.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddUser(ctx, NewUser{Name: "alice", Password: "x", Active: true}); err != nil {
		t.Fatal(err)
	}
	assertPaths(t, s.paths(), "GET /login", "POST /api/login", "GET /api/access/users", "POST /api/access/users")
	reqs := s.requests()
	assertJSON(t, reqs[1].Body, `{"user":"boss","pass":"pw-secret-login"}`)
	if reqs[1].Header.Get(csrfHeader) != s.csrf || reqs[3].Header.Get(csrfHeader) != s.csrf {
		t.Errorf("the login and the change sent CSRF headers %q and %q, want %q", reqs[1].Header.Get(csrfHeader), reqs[3].Header.Get(csrfHeader), s.csrf)
	}
	if reqs[2].Header.Get(csrfHeader) != "" || reqs[2].Header.Get("X-Api-Key") != "" {
		t.Errorf("the read sent a CSRF header or an API key: %v", reqs[2].Header)
	}
	if !strings.Contains(reqs[3].Header.Get("Cookie"), testSession) {
		t.Errorf("the change sent no session cookie: %q", reqs[3].Header.Get("Cookie"))
	}
}

func TestLoginOnceForConcurrentRequests(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.CurrentUser(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.logins.Load(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

func TestLoginAgainAfterRestart(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL)
	ctx := context.Background()
	if _, err := c.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	s.restart()
	// A read refused, and the caller read as anonymous: both log in again and try once more.
	me, err := c.CurrentUser(ctx)
	if err != nil || me.Name != testUser {
		t.Fatalf("CurrentUser after a restart = %+v, %v; want %s", me, err, testUser)
	}
	s.restart()
	if _, err := c.AddUser(ctx, NewUser{Name: "alice", Password: "x", Active: true}); err != nil {
		t.Fatal(err)
	}
	if n := s.logins.Load(); n != 3 {
		t.Errorf("%d logins, want 3: %v", n, s.paths())
	}
}

func TestLoginAgainForAChangeWhenNotRecent(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL)
	ctx := context.Background()
	clock := time.Now()
	now = func() time.Time { return clock }
	t.Cleanup(func() { now = time.Now })
	if _, err := c.ListUsers(ctx); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(freshFor + time.Second)
	// A read does not need a recent login.
	if _, err := c.CurrentUser(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.logins.Load(); n != 1 {
		t.Errorf("%d logins before the change, want 1", n)
	}
	if err := c.DeleteUser(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	if n := s.logins.Load(); n != 2 {
		t.Errorf("%d logins after a change, want 2 (the change logs in again first)", n)
	}
	// A server with a shorter limit asks for the password: the client logs in and tries again.
	s.reauthenticate.Store(true)
	if err := c.DeleteUser(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	if n := s.logins.Load(); n != 3 {
		t.Errorf("%d logins after OctoPrint asked to reauthenticate, want 3", n)
	}
}

func TestRefusedLoginIsNotTriedAgain(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL, func(c *Config) { c.Password = "wrong" })
	ctx := context.Background()
	_, err := c.ListUsers(ctx)
	assertErrContains(t, err, `OctoPrint refused the login of user "boss" (403 Forbidden to POST /api/login)`, "password is wrong")
	if !errors.Is(err, ErrLoginRefused) {
		t.Errorf("error %v does not match ErrLoginRefused", err)
	}
	if err := c.Login(ctx); !errors.Is(err, ErrLoginRefused) {
		t.Errorf("Login = %v, want the refusal again", err)
	}
	var posts int
	for _, p := range s.paths() {
		if p == "POST /api/login" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d logins sent, want 1: a refused login counts against OctoPrint's rate limit", posts)
	}
}

func TestLoginRateLimited(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			setCookie(w, "csrf_token_P1", "t")
			return
		}
		answer(429, `{"error":"You have made too many failed login attempts. Please try again later."}`)(w, r)
	})
	err := loginClient(t, f.URL).Login(context.Background())
	assertErrContains(t, err, "too many failed login attempts", "3 failed logins a minute")
}

func TestLoginWithoutCSRFCookie(t *testing.T) {
	f := newFake(t, answer(200, `{}`))
	err := loginClient(t, f.URL).Login(context.Background())
	assertErrContains(t, err, "set no csrf_token cookie", "pointing at OctoPrint")
}

func TestLoginCredentialsChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"key and username", Config{APIKey: "k", Username: "u", Password: "p"}, "either an API key or a username and password"},
		{"key and password", Config{APIKey: "k", Password: "p"}, "either an API key or a username and password"},
		{"username without password", Config{Username: "u"}, "password is empty"},
		{"password without username", Config{Password: "p"}, "username is empty"},
		{"username with white space", Config{Username: "u ", Password: "p"}, "white space"},
		{"nothing", Config{}, "API key is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.URL = "http://octopi.local"
			_, err := New(tc.cfg)
			assertErrContains(t, err, tc.want)
		})
	}
}

func TestWithLoginAndLogsInAs(t *testing.T) {
	s := newLoginServer(t)
	c := newClient(t, s.URL)
	if c.Username() != "" || c.LogsInAs("", "") {
		t.Errorf("a client with an API key reports the login %q", c.Username())
	}
	admin, err := c.WithLogin(testUser, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if admin.Username() != testUser || !admin.LogsInAs(testUser, testPassword) || admin.LogsInAs(testUser, "other") {
		t.Errorf("WithLogin: Username %q, LogsInAs wrong", admin.Username())
	}
	if err := admin.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c.session != nil || admin.server != c.server {
		t.Error("WithLogin changed the original client, or does not share its server's write lock")
	}
}

func TestLogMasksTheLogin(t *testing.T) {
	s := newLoginServer(t)
	var rec logRecorder
	c := loginClient(t, s.URL, withLogger(&rec))
	ctx := context.Background()
	if _, err := c.AddUser(ctx, NewUser{Name: "alice", Password: "x", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateFirstAdmin(ctx, "root", "pw-secret-first-admin"); err != nil {
		t.Fatal(err)
	}
	all, err := json.Marshal(rec.all())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rec.all() {
		b, _ := json.Marshal(r.fields)
		all = append(all, b...)
	}
	for _, secret := range []string{testPassword, testSession, s.csrf, "pw-secret-first-admin"} {
		if strings.Contains(string(all), secret) {
			t.Errorf("the log holds the secret %q: %s", secret, all)
		}
	}
	if !strings.Contains(string(all), `X-Csrf-Token`) || !strings.Contains(string(all), `\"pass\":\"***\"`) ||
		!strings.Contains(string(all), `\"pass1\":\"***\"`) || !strings.Contains(string(all), `\"session\":\"***\"`) {
		t.Errorf("the log does not show the masked CSRF header, pass, pass1 and session: %s", all)
	}
}

// A login that fails while others wait for it fails them too: they do not each try it
// again in turn (with the server down, each would wait out its retries). The next
// request tries again.
func TestFailedLoginFailsItsWaiters(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	s := newLoginServer(t)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			answer(503, `{"error":"down"}`)(w, r)
			return
		}
		s.serve(w, r)
	})
	s.fake = f // the login server's checks read the requests of the fake in front of it
	c := loginClient(t, f.URL, func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 1, 20*time.Millisecond, 20*time.Millisecond
	})
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := c.CurrentUser(context.Background()); err == nil {
				t.Error("a request succeeded while the server was down")
			}
		})
	}
	wg.Wait()
	if n := len(f.requests()); n > 4 {
		t.Errorf("%d requests while the server was down, want the tries of one login (2), or two logins: %v", n, s.paths())
	}
	down.Store(false)
	if me, err := c.CurrentUser(context.Background()); err != nil || me.Name != testUser {
		t.Errorf("once the server is back: %+v, %v", me, err)
	}
}
