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
	"testing"
)

// appKeysServer plays OctoPrint's Application Keys plugin as the given release serves
// it (see appkeys.go), with a user list beside it: enough to check every call form.
type appKeysServer struct {
	*fake
	version  string
	disabled bool

	mu   sync.Mutex
	keys []AppKey
	next int
}

func newAppKeysServer(t *testing.T, version string, keys ...AppKey) *appKeysServer {
	t.Helper()
	s := &appKeysServer{version: version, keys: keys}
	s.fake = newFake(t, s.serve)
	return s
}

// lookup tells whether the release looks keys up and revokes them by user and app.
func (s *appKeysServer) lookup() bool { return !strings.HasPrefix(s.version, "1.9.") }

func (s *appKeysServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.URL.Path == "/api/version":
		answer(200, `{"server":"`+s.version+`","api":"0.1"}`)(w, r)
	case r.URL.Path == "/api/access/users":
		answer(200, `{"users":[{"name":"bob","active":true}]}`)(w, r)
	case r.URL.Path != "/"+appKeysPath || s.disabled:
		answer(404, `{"error":"The requested URL was not found on the server."}`)(w, r)
	case r.Method == http.MethodGet:
		s.get(w, r)
	default:
		s.command(w, r)
	}
}

func (s *appKeysServer) get(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if app := q.Get("app"); app != "" && s.lookup() {
		if k := FindAppKey(s.keys, q.Get("user"), app); k != nil {
			answer(200, fmt.Sprintf(`{"key":{"app_id":%q,"user_id":%q,"api_key":%q}}`, k.App, k.User, k.APIKey))(w, r)
			return
		}
		answer(404, `{"error":"The requested URL was not found on the server."}`)(w, r)
		return
	}
	listed := make([]AppKey, len(s.keys))
	for i, k := range s.keys {
		listed[i] = k
		if s.lookup() {
			listed[i].APIKey = "" // 1.10 and later list no values
		}
	}
	data, _ := json.Marshal(map[string]any{"keys": listed, "pending": map[string]any{}})
	answer(200, string(data))(w, r)
}

func (s *appKeysServer) command(w http.ResponseWriter, r *http.Request) {
	// The fake read the body already; the tests send one request at a time.
	reqs := s.requests()
	var body map[string]string
	_ = json.Unmarshal(reqs[len(reqs)-1].Body, &body)
	switch {
	case body["command"] == "generate":
		k := FindAppKey(s.keys, body["user"], body["app"])
		if k == nil {
			s.next++
			s.keys = append(s.keys, AppKey{App: body["app"], User: body["user"], APIKey: fmt.Sprintf("KEY%d", s.next)})
			k = &s.keys[len(s.keys)-1]
		}
		answer(200, fmt.Sprintf(`{"api_key":%q,"app_id":%q,"user_id":%q}`, k.APIKey, body["app"], body["user"]))(w, r)
	case body["command"] == "revoke" && body["key"] != "":
		s.revoke(func(k AppKey) bool { return k.APIKey == body["key"] })
		w.WriteHeader(http.StatusNoContent)
	case body["command"] == "revoke" && s.lookup() && FindAppKey(s.keys, body["user"], body["app"]) != nil:
		s.revoke(func(k AppKey) bool { return k.Is(body["user"], body["app"]) })
		w.WriteHeader(http.StatusNoContent)
	default:
		answer(400, `{"error":"Need either app or key"}`)(w, r)
	}
}

func (s *appKeysServer) revoke(match func(AppKey) bool) {
	kept := s.keys[:0]
	for _, k := range s.keys {
		if !match(k) {
			kept = append(kept, k)
		}
	}
	s.keys = kept
}

// sent returns "METHOD URI BODY" of every request but the version's.
func (s *appKeysServer) sent() []string {
	var out []string
	for _, r := range s.requests() {
		if r.Path != "/api/version" {
			out = append(out, strings.TrimSpace(r.Method+" "+r.RequestURI+" "+string(r.Body)))
		}
	}
	return out
}

func (s *appKeysServer) held() []AppKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AppKey(nil), s.keys...)
}

var releases = []string{"1.9.3", "1.10.3", "1.11.8", "2.0.0rc7"}

func TestAppKeyCallForms(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			s := newAppKeysServer(t, version, AppKey{App: "Cura", User: "bob", APIKey: "OLD"})
			c := newClient(t, s.URL)

			key, err := c.GenerateAppKey(ctx, "bob", "FDM Monster")
			if err != nil || key != "KEY1" {
				t.Fatalf("GenerateAppKey = %q, %v", key, err)
			}
			got, err := c.AppKey(ctx, "bob", "fdm monster")
			if err != nil || got.APIKey != "KEY1" || got.App != "FDM Monster" {
				t.Fatalf("AppKey = %+v, %v", got, err)
			}
			if _, err := c.AppKey(ctx, "bob", "Slicer"); !errors.Is(err, ErrNotFound) {
				t.Errorf("AppKey of a pair without a key: %v, want ErrNotFound", err)
			}
			revoked, err := c.RevokeAppKey(ctx, AppKey{User: "bob", App: "cura", APIKey: "OLD"})
			if err != nil || !revoked {
				t.Fatalf("RevokeAppKey = %v, %v", revoked, err)
			}

			lookup := "GET /api/plugin/appkeys?app=fdm+monster&user=bob"
			revoke := `POST /api/plugin/appkeys {"app":"Cura","command":"revoke","user":"bob"}`
			if !s.lookup() {
				lookup, revoke = "GET /api/plugin/appkeys?all=true", `POST /api/plugin/appkeys {"command":"revoke","key":"OLD"}`
			}
			sent := strings.Join(s.sent(), "\n")
			for _, want := range []string{`POST /api/plugin/appkeys {"app":"FDM Monster","command":"generate","user":"bob"}`, lookup, revoke} {
				if !strings.Contains(sent, want) {
					t.Errorf("no request %s among:\n%s", want, sent)
				}
			}
			if held := s.held(); len(held) != 1 || held[0].App != "FDM Monster" {
				t.Errorf("the server holds %+v, want the FDM Monster key alone", held)
			}
		})
	}
}

// A key generated since the one given, outside the client, is not revoked.
func TestRevokeAppKeyLeavesAnotherKey(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			s := newAppKeysServer(t, version, AppKey{App: "Cura", User: "bob", APIKey: "NEW"})
			c := newClient(t, s.URL)
			revoked, err := c.RevokeAppKey(context.Background(), AppKey{User: "bob", App: "Cura", APIKey: "OLD"})
			if err != nil || revoked {
				t.Fatalf("RevokeAppKey = %v, %v; want false, nil", revoked, err)
			}
			revoked, err = c.RevokeAppKey(context.Background(), AppKey{User: "bob", App: "Slicer", APIKey: "OLD"})
			if err != nil || revoked {
				t.Fatalf("RevokeAppKey of a pair without a key = %v, %v; want false, nil", revoked, err)
			}
			if len(s.held()) != 1 {
				t.Errorf("the server holds %+v", s.held())
			}
			for _, r := range s.sent() {
				if strings.HasPrefix(r, "POST") {
					t.Errorf("sent %s", r)
				}
			}
		})
	}
}

func TestRevokeUserAppKeys(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			s := newAppKeysServer(t, version,
				AppKey{App: "Cura", User: "bob", APIKey: "K1"}, AppKey{App: "Cura", User: "carl", APIKey: "K2"},
				AppKey{App: "FDM Monster", User: "bob", APIKey: "K3"})
			n, err := newClient(t, s.URL).RevokeUserAppKeys(context.Background(), "bob")
			if err != nil || n != 2 {
				t.Fatalf("RevokeUserAppKeys = %d, %v; want 2", n, err)
			}
			if held := s.held(); len(held) != 1 || held[0].User != "carl" {
				t.Errorf("the server holds %+v, want carl's key alone", held)
			}
		})
	}
}

// The list is read once until the client writes an application key; such a write leaves
// the user list's snapshot valid.
func TestAppKeysSnapshot(t *testing.T) {
	ctx := context.Background()
	s := newAppKeysServer(t, "1.11.8", AppKey{App: "Cura", User: "bob", APIKey: "K1"})
	c := newClient(t, s.URL)
	for range 3 {
		keys, err := c.ListAppKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].APIKey != "" {
			t.Fatalf("ListAppKeys = %+v, %v", keys, err)
		}
		if _, err := c.GetUser(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GenerateAppKey(ctx, "bob", "Slicer"); err != nil {
		t.Fatal(err)
	}
	keys, err := c.ListAppKeys(ctx)
	if err != nil || len(keys) != 2 {
		t.Fatalf("ListAppKeys after a generation = %+v, %v", keys, err)
	}
	if _, err := c.GetUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range s.requests() {
		count[r.Method+" "+r.Path]++
	}
	if count["GET /api/plugin/appkeys"] != 2 || count["GET /api/access/users"] != 1 {
		t.Errorf("requests %v: want 2 lists of keys and 1 of users", count)
	}
}

// A disabled plugin answers every call with 404, the lookup of a key included: each
// says so, rather than reporting a missing key.
func TestAppKeysDisabled(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			s := newAppKeysServer(t, version)
			s.disabled = true
			c := newClient(t, s.URL)
			_, err := c.ListAppKeys(ctx)
			assertErrContains(t, err, "Application Keys plugin is disabled", "404")
			if _, err := c.AppKey(ctx, "bob", "Cura"); !errors.Is(err, ErrAppKeysDisabled) {
				t.Errorf("AppKey: %v, want ErrAppKeysDisabled", err)
			}
			if _, err := c.GenerateAppKey(ctx, "bob", "Cura"); !errors.Is(err, ErrNotFound) {
				t.Errorf("GenerateAppKey: %v, want a 404", err)
			}
			if _, err := c.RevokeAppKey(ctx, AppKey{User: "bob", App: "Cura", APIKey: "K"}); !errors.Is(err, ErrAppKeysDisabled) {
				t.Errorf("RevokeAppKey: %v, want ErrAppKeysDisabled", err)
			}
			if n, err := c.RevokeUserAppKeys(ctx, "bob"); n != 0 || err != nil {
				t.Errorf("RevokeUserAppKeys = %d, %v; want nothing to revoke", n, err)
			}
		})
	}
}

func TestAppKeyErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, respond string
		status        int
		call          func(*Client) error
		want          []string
	}{
		{"generation without a key", `{"app_id":"Cura","user_id":"bob"}`, 200,
			func(c *Client) error { _, err := c.GenerateAppKey(ctx, "bob", "Cura"); return err }, []string{"without the key"}},
		{"generation refused", `{"error":"Forbidden"}`, 403,
			func(c *Client) error { _, err := c.GenerateAppKey(ctx, "bob", "Cura"); return err }, []string{"403", "Forbidden"}},
		{"list refused", `{"error":"Forbidden"}`, 403,
			func(c *Client) error { _, err := c.ListAppKeys(ctx); return err }, []string{"403"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/api/currentuser" {
					answer(200, `{"name":"bob","permissions":[]}`)(w, r)
					return
				}
				answer(tc.status, tc.respond)(w, r)
			})
			assertErrContains(t, tc.call(newClient(t, f.URL)), tc.want...)
		})
	}
}

func TestFindAppKeyIgnoresTheCaseOfTheApp(t *testing.T) {
	keys := []AppKey{{App: "Cura", User: "bob"}, {App: "Cura", User: "Bob"}}
	if k := FindAppKey(keys, "Bob", "CURA"); k == nil || k.User != "Bob" {
		t.Errorf("FindAppKey(Bob, CURA) = %+v, want Bob's key", k)
	}
	if k := FindAppKey(keys, "bob", "Slicer"); k != nil {
		t.Errorf("FindAppKey(bob, Slicer) = %+v, want none", k)
	}
}

// No application key reaches the debug log, in any call form: generated, listed (1.9),
// looked up (1.10 and later) or revoked by its value (1.9). A group's `key` stays readable.
func TestLogMasksApplicationKeys(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			s := newAppKeysServer(t, version, AppKey{App: "Cura", User: "bob", APIKey: "old-secret-123"})
			var rec logRecorder
			c := newClient(t, s.URL, withLogger(&rec))
			generated, err := c.GenerateAppKey(ctx, "bob", "FDM Monster")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.AppKey(ctx, "bob", "FDM Monster"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.RevokeAppKey(ctx, AppKey{User: "bob", App: "Cura", APIKey: "old-secret-123"}); err != nil {
				t.Fatal(err)
			}
			all := ""
			for _, r := range rec.all() {
				data, _ := json.Marshal(r.fields)
				all += string(data)
			}
			for _, secret := range []string{"old-secret-123", generated} {
				if strings.Contains(all, secret) {
					t.Errorf("the log holds the key %q: %s", secret, all)
				}
			}
			if len(rec.all()) < 3 || !strings.Contains(all, "FDM Monster") {
				t.Errorf("the log does not show the requests and the application: %s", all)
			}
		})
	}
	if got := MaskJSON([]byte(`{"key":"operators"}`)); got != `{"key":"operators"}` {
		t.Errorf("MaskJSON masked a group key: %s", got)
	}
}

// The client never revokes the key it authenticates with, even when asked to revoke
// whatever key a pair holds.
func TestRevokeAppKeySparesTheClientsOwnKey(t *testing.T) {
	for _, version := range releases {
		t.Run(version, func(t *testing.T) {
			s := newAppKeysServer(t, version, AppKey{App: "terraform", User: "admin", APIKey: testAPIKey})
			c := newClient(t, s.URL)
			_, err := c.RevokeAppKey(context.Background(), AppKey{User: "admin", App: "terraform"})
			assertErrContains(t, err, "the key this client authenticates with")
			if _, err := c.RevokeUserAppKeys(context.Background(), "admin"); err == nil {
				t.Error("RevokeUserAppKeys revoked the client's own key")
			}
			if len(s.held()) != 1 {
				t.Errorf("the server holds %+v", s.held())
			}
		})
	}
}

// A disabled plugin is asked about once per client: plugins change only at a restart.
func TestAppKeysDisabledIsAskedOnce(t *testing.T) {
	s := newAppKeysServer(t, "1.11.8")
	s.disabled = true
	c := newClient(t, s.URL)
	for range 3 {
		if _, err := c.RevokeUserAppKeys(context.Background(), "bob"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1: %+v", n, s.requests())
	}
}
