// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const jurgen = "Jürgen ✓"

// jurgenPath is userPath(jurgen) as it must appear on the wire.
const jurgenPath = "/api/access/users/J%C3%BCrgen%20%E2%9C%93"

const bobJSON = `{"name":"bob","active":true,"admin":false,"groups":["users"],"permissions":["STATUS"],` +
	`"apikey":"KEY123","settings":{"interface":{"language":"de"}}}`

var bob = User{
	Name: "bob", Active: true, Groups: []string{"users"}, Permissions: []string{"STATUS"},
	APIKey: "KEY123", Settings: json.RawMessage(`{"interface":{"language":"de"}}`),
}

func ptr[T any](v T) *T { return &v }

// methodCase is one call of a client method and what must go over the wire.
type methodCase struct {
	name     string
	call     func(context.Context, *Client) (any, error)
	respond  string // the JSON body the server answers with
	method   string
	uri      string // exact RequestURI
	body     string // expected JSON body; "" means no body
	want     any    // the decoded result
	wantNone bool   // the method returns no value
}

// runMethodCases checks each case's request (method, raw path, body, Content-Type)
// and decoded result against a fake server.
func runMethodCases(t *testing.T, tests []methodCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, answer(200, tt.respond))
			got, err := tt.call(context.Background(), newClient(t, f.URL))
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			r := f.only(t)
			if r.Method != tt.method || r.RequestURI != tt.uri {
				t.Errorf("request = %s %s, want %s %s", r.Method, r.RequestURI, tt.method, tt.uri)
			}
			if tt.body == "" {
				if len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
					t.Errorf("sent body %q with Content-Type %q, want none", r.Body, r.Header.Get("Content-Type"))
				}
			} else {
				assertJSON(t, r.Body, tt.body)
				if ct := r.Header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
			}
			if !tt.wantNone && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// only1 adapts a method that returns only an error.
func only1(f func(context.Context, *Client) error) func(context.Context, *Client) (any, error) {
	return func(ctx context.Context, c *Client) (any, error) { return nil, f(ctx, c) }
}

func TestUserMethods(t *testing.T) {
	alice := User{Name: "alice", Groups: []string{"admins"}}
	alice.Needs.Role = []string{"admin"}
	list := `{"users":[{"name":"alice","active":false,"admin":true,"needs":{"role":["admin"]},"groups":["admins"]},` + bobJSON + `]}`
	runMethodCases(t, []methodCase{{
		name:    "ListUsers",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.ListUsers(ctx) },
		respond: list, method: "GET", uri: "/api/access/users",
		want: []User{alice, bob},
	}, {
		name:    "ListUsers empty",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.ListUsers(ctx) },
		respond: `{"users":[]}`, method: "GET", uri: "/api/access/users",
		want: []User{},
	}, {
		name:    "GetUser reads the user list",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.GetUser(ctx, "bob") },
		respond: list, method: "GET", uri: "/api/access/users",
		want: &bob,
	}, {
		name: "AddUser default groups",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.AddUser(ctx, NewUser{Name: "bob", Password: "pw", Active: true})
		},
		respond: list, method: "POST", uri: "/api/access/users",
		body: `{"name":"bob","password":"pw","active":true}`,
		want: &bob,
	}, {
		name: "AddUser no groups",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.AddUser(ctx, NewUser{Name: "bob", Password: "pw", Groups: []string{}, Permissions: []string{}})
		},
		respond: list, method: "POST", uri: "/api/access/users",
		body: `{"name":"bob","password":"pw","active":false,"groups":[],"permissions":[]}`,
		want: &bob,
	}, {
		name: "AddUser groups and permissions",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.AddUser(ctx, NewUser{Name: "bob", Password: "pw", Groups: []string{"users"}, Permissions: []string{"STATUS"}})
		},
		respond: list, method: "POST", uri: "/api/access/users",
		body: `{"name":"bob","password":"pw","active":false,"groups":["users"],"permissions":["STATUS"]}`,
		want: &bob,
	}, {
		name: "UpdateUser nothing",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateUser(ctx, "bob", UserUpdate{})
		},
		respond: list, method: "PUT", uri: "/api/access/users/bob",
		body: `{}`,
		want: &bob,
	}, {
		name: "UpdateUser inactive, no groups",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateUser(ctx, "bob", UserUpdate{Active: ptr(false), Groups: []string{}})
		},
		respond: list, method: "PUT", uri: "/api/access/users/bob",
		body: `{"active":false,"groups":[]}`,
		want: &bob,
	}, {
		name: "UpdateUser all",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateUser(ctx, "bob", UserUpdate{Active: ptr(true), Groups: []string{"users"}, Permissions: []string{"STATUS"}})
		},
		respond: list, method: "PUT", uri: "/api/access/users/bob",
		body: `{"active":true,"groups":["users"],"permissions":["STATUS"]}`,
		want: &bob,
	}, {
		name:    "DeleteUser",
		call:    only1(func(ctx context.Context, c *Client) error { return c.DeleteUser(ctx, jurgen) }),
		respond: list, method: "DELETE", uri: jurgenPath, wantNone: true,
	}, {
		name: "ChangePassword of another user",
		call: only1(func(ctx context.Context, c *Client) error {
			return c.ChangePassword(ctx, jurgen, "new-pw", "")
		}),
		respond: `{}`, method: "PUT", uri: jurgenPath + "/password",
		body: `{"password":"new-pw"}`, wantNone: true,
	}, {
		name: "ChangePassword own",
		call: only1(func(ctx context.Context, c *Client) error {
			return c.ChangePassword(ctx, "bob", "new-pw", "old-pw")
		}),
		respond: `{}`, method: "PUT", uri: "/api/access/users/bob/password",
		body: `{"password":"new-pw","current":"old-pw"}`, wantNone: true,
	}, {
		name:    "GenerateAPIKey",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.GenerateAPIKey(ctx, jurgen) },
		respond: `{"apikey":"NEWKEY"}`, method: "POST", uri: jurgenPath + "/apikey",
		body: `{}`, want: "NEWKEY",
	}, {
		name:    "ResetAPIKey",
		call:    only1(func(ctx context.Context, c *Client) error { return c.ResetAPIKey(ctx, jurgen) }),
		respond: `{}`, method: "DELETE", uri: jurgenPath + "/apikey", wantNone: true,
	}, {
		name:    "GetUserSettings",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.GetUserSettings(ctx, jurgen) },
		respond: `{"interface":{"language":"de"},"n":1}`, method: "GET", uri: jurgenPath + "/settings",
		want: map[string]json.RawMessage{"interface": json.RawMessage(`{"language":"de"}`), "n": json.RawMessage(`1`)},
	}, {
		name: "SaveUserSettings",
		call: only1(func(ctx context.Context, c *Client) error {
			return c.SaveUserSettings(ctx, jurgen, map[string]json.RawMessage{"interface": json.RawMessage(`{"color":"red"}`)})
		}),
		respond: `{}`, method: "PATCH", uri: jurgenPath + "/settings",
		body: `{"interface":{"color":"red"}}`, wantNone: true,
	}})
}

func TestUserPathEscaping(t *testing.T) {
	tests := []struct{ name, rawPath string }{
		{"alice", "alice"},
		{"a b", "a%20b"},
		{jurgen, "J%C3%BCrgen%20%E2%9C%93"},
		{"100%", "100%25"},
		{"%41", "%2541"},
		// RFC 3986 allows "+" in a path segment; OctoPrint (Tornado, plus=False)
		// decodes it as "+", not as a space.
		{"a+b", "a+b"},
		{"a/b", "a%2Fb"},
		{"a?b#c", "a%3Fb%23c"},
		{"a;b,c", "a%3Bb%2Cc"},
		{"..", ".."}, // kept, not cleaned away
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, answer(200, `{}`))
			if _, err := newClient(t, f.URL).GetUserSettings(context.Background(), tt.name); err != nil {
				t.Fatal(err)
			}
			uri := f.only(t).RequestURI
			if want := "/api/access/users/" + tt.rawPath + "/settings"; uri != want {
				t.Errorf("RequestURI = %q, want %q", uri, want)
			}
			segment, err := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(uri, "/api/access/users/"), "/settings"))
			if err != nil || segment != tt.name {
				t.Errorf("the server decodes the name as %q (%v), want %q", segment, err, tt.name)
			}
		})
	}
}

func TestWriteAnswerMustConfirm(t *testing.T) {
	others := `{"users":[{"name":"alice"},{"name":"carol"}]}`
	withBob := `{"users":[{"name":"alice"},{"name":"bob"}]}`
	tests := []struct {
		name    string
		respond string
		call    func(context.Context, *Client) error
		wantErr string // "" means success
	}{
		{"AddUser missing", others, func(ctx context.Context, c *Client) error {
			_, err := c.AddUser(ctx, NewUser{Name: "bob"})
			return err
		}, `accepted user "bob" as added but does not list it`},
		{"AddUser empty list", `{"users":[]}`, func(ctx context.Context, c *Client) error {
			_, err := c.AddUser(ctx, NewUser{Name: "bob"})
			return err
		}, "does not list it"},
		{"UpdateUser missing", others, func(ctx context.Context, c *Client) error {
			_, err := c.UpdateUser(ctx, "bob", UserUpdate{})
			return err
		}, `accepted user "bob" as updated but does not list it`},
		{"DeleteUser still listed", withBob, func(ctx context.Context, c *Client) error {
			return c.DeleteUser(ctx, "bob")
		}, `accepted the deletion of user "bob" but still lists it`},
		{"DeleteUser gone", others, func(ctx context.Context, c *Client) error {
			return c.DeleteUser(ctx, "bob")
		}, ""},
		{"DeleteUser non-JSON answer", `OK`, func(ctx context.Context, c *Client) error {
			return c.DeleteUser(ctx, "bob")
		}, "not the JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, answer(200, tt.respond))
			err := tt.call(context.Background(), newClient(t, f.URL))
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			assertErrContains(t, err, tt.wantErr)
		})
	}
	t.Run("AddUser picks the named user", func(t *testing.T) {
		f := newFake(t, answer(200, `{"users":[{"name":"alice"},{"name":"bob","active":true},{"name":"carol"}]}`))
		u, err := newClient(t, f.URL).AddUser(context.Background(), NewUser{Name: "bob"})
		if err != nil || u.Name != "bob" || !u.Active {
			t.Errorf("AddUser = %+v, %v", u, err)
		}
	})
}

func TestUserMethodErrors(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"ListUsers":        func(c *Client) error { _, err := c.ListUsers(ctx); return err },
		"GetUser":          func(c *Client) error { _, err := c.GetUser(ctx, "bob"); return err },
		"AddUser":          func(c *Client) error { _, err := c.AddUser(ctx, NewUser{Name: "bob"}); return err },
		"UpdateUser":       func(c *Client) error { _, err := c.UpdateUser(ctx, "bob", UserUpdate{}); return err },
		"DeleteUser":       func(c *Client) error { return c.DeleteUser(ctx, "bob") },
		"ChangePassword":   func(c *Client) error { return c.ChangePassword(ctx, "bob", "p", "") },
		"GenerateAPIKey":   func(c *Client) error { _, err := c.GenerateAPIKey(ctx, "bob"); return err },
		"ResetAPIKey":      func(c *Client) error { return c.ResetAPIKey(ctx, "bob") },
		"GetUserSettings":  func(c *Client) error { _, err := c.GetUserSettings(ctx, "bob"); return err },
		"SaveUserSettings": func(c *Client) error { return c.SaveUserSettings(ctx, "bob", nil) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, answer(http.StatusNotFound, `{"error":"Unknown user: bob"}`))
			err := call(newClient(t, f.URL))
			assertErrContains(t, err, "404 Not Found", "Unknown user: bob")
			if StatusCode(err) != http.StatusNotFound {
				t.Errorf("StatusCode = %d, want 404", StatusCode(err))
			}
		})
	}
}

// Writes to one server go one at a time (OctoPrint loses users when they overlap),
// reads do not.

// maxTracker counts the requests in flight and keeps the highest count seen.
type maxTracker struct{ now, max atomic.Int32 }

func (m *maxTracker) enter() int32 {
	n := m.now.Add(1)
	for old := m.max.Load(); n > old && !m.max.CompareAndSwap(old, n); old = m.max.Load() {
	}
	return n
}

func runConcurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	return errs
}

func TestWritesAreSerialized(t *testing.T) {
	var tr maxTracker
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		tr.enter()
		defer tr.now.Add(-1)
		time.Sleep(2 * time.Millisecond) // widen the window for an overlap
		answer(200, `{"users":[{"name":"u"}]}`)(w, r)
	})
	c := newClient(t, f.URL)
	for i, err := range runConcurrently(20, func(int) error { _, err := c.AddUser(context.Background(), NewUser{Name: "u"}); return err }) {
		if err != nil {
			t.Errorf("AddUser #%d: %v", i, err)
		}
	}
	if got := len(f.requests()); got != 20 {
		t.Errorf("server received %d requests, want 20", got)
	}
	if got := tr.max.Load(); got != 1 {
		t.Errorf("%d writes were in flight at once, want 1", got)
	}
}

func TestReadsAreConcurrent(t *testing.T) {
	var tr maxTracker
	twoInFlight := make(chan struct{})
	var once sync.Once
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if tr.enter() >= 2 {
			once.Do(func() { close(twoInFlight) })
		}
		defer tr.now.Add(-1)
		select { // hold every request until a second one has arrived
		case <-twoInFlight:
		case <-time.After(5 * time.Second):
		}
		answer(200, `{"server":"1.11.0"}`)(w, r)
	})
	c := newClient(t, f.URL)
	for _, err := range runConcurrently(20, func(int) error { _, err := c.Version(context.Background()); return err }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := tr.max.Load(); got < 2 {
		t.Errorf("at most %d reads were in flight at once, want 2 or more", got)
	}
}

func TestWriteLockIsPerServer(t *testing.T) {
	a1 := newClient(t, "http://lock-a.example/octoprint")
	a2 := newClient(t, "http://lock-a.example/octoprint/", func(c *Config) { c.APIKey = "other" })
	b := newClient(t, "http://lock-b.example/octoprint")
	if a1.server != a2.server {
		t.Error("two clients of one server do not share the write lock")
	}
	if a1.server == b.server {
		t.Error("clients of two servers share the write lock")
	}
	// Scheme and host are case-insensitive, and the default port is the same server.
	for _, spelling := range []string{"HTTP://LOCK-A.example/octoprint", "http://lock-a.EXAMPLE:80/octoprint/"} {
		if newClient(t, spelling).server != a1.server {
			t.Errorf("%s does not share the write lock of %s", spelling, "http://lock-a.example/octoprint")
		}
	}
	for _, other := range []string{"http://lock-a.example:8080/octoprint", "https://lock-a.example/octoprint", "http://lock-a.example/OctoPrint"} {
		if newClient(t, other).server == a1.server {
			t.Errorf("%s shares the write lock of another server", other)
		}
	}
}

func TestServerKey(t *testing.T) {
	for in, want := range map[string]string{ //nolint:gosec // G101: a URL with made-up credentials, to show they are dropped
		"http://Printer.Local/":              "http://printer.local/",
		"https://printer.local:443/op/":      "https://printer.local/op/",
		"https://printer.local:80/":          "https://printer.local:80/",
		"http://user:pw@printer.local:5000/": "http://printer.local:5000/",
		"http://[::1]:5000/":                 "http://[::1]:5000/",
	} {
		u, err := ParseURL(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := serverKey(u); got != want {
			t.Errorf("serverKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// A body over OctoPrint's limit is not sent: OctoPrint would answer a bare 400 and reset
// the connection.
func TestRequestOverOctoPrintsLimitIsNotSent(t *testing.T) {
	var requests atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) { requests.Add(1); _, _ = w.Write([]byte("{}")) })
	c := newClient(t, f.URL)
	fits := map[string]json.RawMessage{"k": json.RawMessage(`"` + strings.Repeat("x", MaxRequestBytes-8) + `"`)}
	if err := c.SaveUserSettings(context.Background(), "alice", fits); err != nil {
		t.Fatalf("a body of exactly %d bytes: %v", MaxRequestBytes, err)
	}
	tooLarge := map[string]json.RawMessage{"k": json.RawMessage(`"` + strings.Repeat("x", MaxRequestBytes-7) + `"`)}
	err := c.SaveUserSettings(context.Background(), "alice", tooLarge)
	assertErrContains(t, err, fmt.Sprintf("is %d bytes, more than the %d OctoPrint accepts", MaxRequestBytes+1, MaxRequestBytes))
	if n := requests.Load(); n != 1 {
		t.Errorf("the server saw %d requests, want 1", n)
	}
}

func TestUserAdminAndPasswordLogin(t *testing.T) {
	var users struct{ Users []User }
	err := json.Unmarshal([]byte(`{"users": [
		{"name": "old-admin", "admin": true, "needs": {"role": ["admin", "status"]}},
		{"name": "new-admin", "needs": {"role": ["admin"]}, "has_password": true},
		{"name": "proxy-user", "needs": {"role": ["status"]}, "has_password": false},
		{"name": "old-user", "admin": false, "needs": {}}
	]}`), &users)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct{ admin, passwordLogin bool }{{true, true}, {true, true}, {false, false}, {false, true}} {
		u := users.Users[i]
		if u.IsAdmin() != want.admin || u.PasswordLogin() != want.passwordLogin {
			t.Errorf("%s: admin %v, password login %v; want %v, %v", u.Name, u.IsAdmin(), u.PasswordLogin(), want.admin, want.passwordLogin)
		}
	}
}

func TestNewUserWithoutPasswordSendsNull(t *testing.T) {
	for _, tt := range []struct {
		user NewUser
		want string
	}{
		{NewUser{Name: "a", Password: "pw", Active: true}, `{"name":"a","password":"pw","active":true}`},
		{NewUser{Name: "a", Active: true, WithoutPassword: true, Groups: []string{}}, `{"name":"a","active":true,"groups":[],"password":null}`},
	} {
		got, err := json.Marshal(tt.user)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal = %s, %v; want %s", got, err, tt.want)
		}
	}
}
