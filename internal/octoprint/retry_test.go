// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// retrying configures a client to retry quickly.
func retrying(n int) func(*Config) {
	return func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = n, time.Millisecond, 5*time.Millisecond
	}
}

// dropConnection closes the connection without an answer, as a server going down does.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := w.(http.Hijacker).Hijack() //nolint:forcetypeassert // httptest servers can hijack
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		t.Error(err)
	}
}

func TestRetryPolicy(t *testing.T) {
	tests := []struct {
		name      string
		first     http.HandlerFunc // the answer to the first two tries
		wantTries int
		wantErr   bool
	}{
		{"503 then success", answer(503, `{"error":"busy"}`), 3, false},
		{"502 then success", answer(502, `<html>bad gateway</html>`), 3, false},
		{"504 then success", answer(504, ``), 3, false},
		{"start-up stand-in 404 then success", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
		}, 3, false},
		{"start-up stand-in 501 to a write then success", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html;charset=utf-8")
			w.WriteHeader(501)
		}, 3, false},
		{"OctoPrint's own 404 is final", answer(404, `{"error":"not found"}`), 1, true},
		{"500 is final", answer(500, `{"error":"dictionary changed size"}`), 1, true},
		{"400 is final", answer(400, `{"error":"bad"}`), 1, true},
		{"409 is final", answer(409, `{"error":"conflict"}`), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tries atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if tries.Add(1) <= 2 {
					tt.first(w, r)
					return
				}
				answer(200, `{"server":"1.11.8"}`)(w, r)
			})
			_, err := newClient(t, f.URL, retrying(5)).Version(context.Background())
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if n := int(tries.Load()); n != tt.wantTries {
				t.Errorf("%d tries, want %d", n, tt.wantTries)
			}
		})
	}
}

func TestRetryDroppedConnection(t *testing.T) {
	var tries atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		answer(200, `{"server":"1.11.8"}`)(w, r)
	})
	if _, err := newClient(t, f.URL, retrying(3)).Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := tries.Load(); n != 2 {
		t.Errorf("%d tries, want 2", n)
	}
}

func TestRetriesRunOut(t *testing.T) {
	f := newFake(t, answer(503, `{"error":"still starting"}`))
	_, err := newClient(t, f.URL, retrying(2)).Version(context.Background())
	assertErrContains(t, err, "503", "still starting", "after 3 tries")
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestNoRetriesByDefault(t *testing.T) {
	f := newFake(t, answer(503, `{"error":"busy"}`))
	if _, err := newClient(t, f.URL).Version(context.Background()); err == nil {
		t.Fatal("want an error")
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// A POST whose answer was lost, retried, meets what it created: 409, then accepted when
// the user or group is what was asked for.
func TestAddAfterLostAnswer(t *testing.T) {
	addBob := func(c *Client) (string, error) {
		u, err := c.AddUser(context.Background(), NewUser{Name: "bob", Password: "pw", Active: true, Groups: []string{"users"}})
		if err != nil {
			return "", err
		}
		return u.Name, nil
	}
	addOperators := func(c *Client) (string, error) {
		g, err := c.AddGroup(context.Background(), NewGroup{Key: "operators", Name: "Operators", GroupUpdate: GroupUpdate{Permissions: []string{"PRINT"}}})
		if err != nil {
			return "", err
		}
		return g.Key, nil
	}
	for _, tt := range []struct {
		name    string
		add     func(*Client) (string, error)
		stored  string // the list the server answers GET with
		wantErr error
		want    string
	}{
		{"same user", addBob, `{"users":[{"name":"bob","active":true,"groups":["users"],"permissions":[]}]}`, nil, "bob"},
		{"different user", addBob, `{"users":[{"name":"bob","active":true,"groups":["admins"],"permissions":[]}]}`, ErrConflict, ""},
		{"same group", addOperators, `{"groups":[{"key":"operators","name":"Operators","permissions":["PRINT"],"subgroups":[]}]}`, nil, "operators"},
		{"different group", addOperators, `{"groups":[{"key":"operators","name":"Ops","permissions":["PRINT"],"subgroups":[]}]}`, ErrConflict, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var posts atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost && posts.Add(1) == 1:
					dropConnection(t, w) // created, but the answer is lost
				case r.Method == http.MethodPost:
					answer(409, `{"error":"conflict"}`)(w, r)
				default:
					answer(200, tt.stored)(w, r)
				}
			})
			got, err := tt.add(newClient(t, f.URL, retrying(3)))
			if !errors.Is(err, tt.wantErr) || (err == nil && tt.wantErr != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("added %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAConflictWithoutRetryIsAnError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			answer(409, `{"error":"conflict"}`)(w, r)
			return
		}
		answer(200, `{"users":[{"name":"bob","active":true,"groups":["users"]}]}`)(w, r)
	})
	_, err := newClient(t, f.URL, retrying(3)).AddUser(context.Background(), NewUser{Name: "bob", Active: true, Groups: []string{"users"}})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want a conflict: the user existed before this add", err)
	}
}

func TestBackoff(t *testing.T) {
	const minWait, maxWait = time.Second, 15 * time.Second
	total := time.Duration(0)
	for attempt := range DefaultRetries {
		nominal := min(minWait<<attempt, maxWait)
		wait := backoff(minWait, maxWait, attempt, nil)
		if wait < nominal*3/4 || wait > nominal*5/4 {
			t.Errorf("attempt %d waits %s, want within 25 %% of %s", attempt, wait, nominal)
		}
		total += wait
	}
	if total < 75*time.Second {
		t.Errorf("the default retries wait %s in all, want at least 75s to cover a restart", total)
	}
	if w := backoff(minWait, maxWait, 62, nil); w > maxWait*5/4 {
		t.Errorf("a late attempt waits %s, over the maximum", w)
	}
}

// A write that cannot have reached the server (every try refused) is given up once its
// caller gives up, instead of being tried again for over a minute under the write lock.
func TestAWriteNobodyWaitsForIsNotRetried(t *testing.T) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	// Nothing listens now: every try is refused (unless the port is reused meanwhile: rare).
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	// Waits of 2 to 4 seconds between tries: giving up must not wait for the next try.
	c := newClient(t, url, func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 20, 2*time.Second, 4*time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.ResetAPIKey(ctx, "bob")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s, want soon after the 50ms deadline, not after the 1.5s+ wait for the next try", took)
	}
}

// A read whose caller gives up stops waiting for its next try.
func TestAReadStopsWaitingWithItsCaller(t *testing.T) {
	f := newFake(t, answer(http.StatusServiceUnavailable, `<html>restarting</html>`))
	c := newClient(t, f.URL, func(c *Config) {
		c.Retries, c.RetryWaitMin, c.RetryWaitMax = 5, 2*time.Second, 4*time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.CurrentUser(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("gave up after %s, want soon after the 50ms deadline", took)
	}
}

// A write that may have reached the server (the connection dropped after the request
// arrived) is tried until its answer is known, although its caller gave up.
func TestAWriteThatMayHaveArrivedIsSeenThrough(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var tries atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			cancel() // the caller gives up while its write is on the way
			dropConnection(t, w)
			return
		}
		answer(200, `{}`)(w, r)
	})
	if err := newClient(t, f.URL, retrying(3)).ResetAPIKey(ctx, "bob"); err != nil {
		t.Fatalf("got %v, want the write seen through", err)
	}
	if n := tries.Load(); n != 2 {
		t.Errorf("%d tries, want 2", n)
	}
}
