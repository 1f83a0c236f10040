// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer answers the user list with the names in *names and counts requests by
// method and path.
type countingServer struct {
	*fake
	names atomic.Pointer[[]string]
}

func newCountingServer(t *testing.T, names ...string) *countingServer {
	t.Helper()
	s := &countingServer{}
	s.names.Store(&names)
	s.fake = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/access/users" {
			time.Sleep(20 * time.Millisecond) // long enough for concurrent readers to meet
		}
		answer(200, s.listJSON())(w, r)
	})
	return s
}

func (s *countingServer) listJSON() string {
	var users []string
	for _, n := range *s.names.Load() {
		users = append(users, `{"name":"`+n+`","active":true}`)
	}
	return `{"users":[` + strings.Join(users, ",") + `],"apikey":"k"}`
}

func (s *countingServer) count(method, path string) int {
	n := 0
	for _, r := range s.requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestSnapshotConcurrentReadsShareOneRequest(t *testing.T) {
	s := newCountingServer(t, "alice", "bob")
	c := newClient(t, s.URL)
	errs := runConcurrently(100, func(i int) error {
		_, err := c.GetUser(context.Background(), []string{"alice", "bob"}[i%2])
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ListUsers(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("101 reads made %d requests, want 1", n)
	}
}

// A reader that gives up does not fail the others waiting for the same request.
func TestSnapshotReaderGivingUpLeavesOthersTheirAnswer(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var requests atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			close(arrived)
			<-release
		}
		answer(200, `{"users":[{"name":"alice","active":true}]}`)(w, r)
	})
	c := newClient(t, f.URL)
	impatient, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.ListUsers(impatient) // starts the request
		first <- err
	}()
	<-arrived
	patient := make(chan []User, 1)
	go func() {
		users, err := c.ListUsers(context.Background()) // joins it
		if err != nil {
			t.Error(err)
		}
		patient <- users
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the impatient reader got %v, want its cancellation", err)
	}
	close(release)
	if users := <-patient; len(users) != 1 {
		t.Errorf("the patient reader got %v, want alice", users)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1 shared", n)
	}
}

func TestSnapshotReadAfterOwnWrite(t *testing.T) {
	s := newCountingServer(t, "alice")
	c := newClient(t, s.URL)
	if _, err := c.GetUser(context.Background(), "alice"); err != nil {
		t.Fatal(err)
	}
	// The add answers with the full list, which becomes the snapshot.
	s.names.Store(&[]string{"alice", "bob"})
	if _, err := c.AddUser(context.Background(), NewUser{Name: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(context.Background(), "bob"); err != nil {
		t.Fatalf("the user just added is not read back: %v", err)
	}
	if n := s.count("GET", "/api/access/users"); n != 1 {
		t.Errorf("%d list requests, want 1: the add's answer serves the read", n)
	}

	// A write that does not answer with the list makes the next read ask again.
	if err := c.ResetAPIKey(context.Background(), "bob"); err != nil {
		t.Fatal(err)
	}
	s.names.Store(&[]string{"alice"})
	if _, err := c.GetUser(context.Background(), "bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after a write, a deleted user is still read: %v", err)
	}
	if n := s.count("GET", "/api/access/users"); n != 2 {
		t.Errorf("%d list requests, want 2", n)
	}
}

func TestSnapshotSeesWritesOfOtherClients(t *testing.T) {
	s := newCountingServer(t, "alice")
	reader, writer := newClient(t, s.URL), newClient(t, s.URL, func(c *Config) { c.APIKey = "other" })
	if _, err := reader.GetUser(context.Background(), "alice"); err != nil {
		t.Fatal(err)
	}
	s.names.Store(&[]string{"alice", "carol"})
	if _, err := writer.AddUser(context.Background(), NewUser{Name: "carol"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reader.GetUser(context.Background(), "carol"); err != nil {
		t.Errorf("a user another client of the server added is not seen: %v", err)
	}
}

// A list request that started before a write must not serve reads that start after it.
func TestSnapshotNeverServesAListOlderThanAWrite(t *testing.T) {
	release := make(chan struct{})
	var lists atomic.Int32
	var names atomic.Pointer[[]string]
	names.Store(&[]string{"old"})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		body := `{"users":[{"name":"` + (*names.Load())[0] + `"}]}`
		if r.Method == http.MethodGet && lists.Add(1) == 1 {
			<-release // the first list request answers only after the write
		}
		answer(200, body)(w, r)
	})
	c := newClient(t, f.URL)

	slow := make(chan error)
	go func() { _, err := c.GetUser(context.Background(), "old"); slow <- err }()
	for lists.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	names.Store(&[]string{"new"})
	if err := c.ResetAPIKey(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.GetUser(ctx, "new")
	close(release)
	if err != nil {
		t.Fatalf("a read after the write joined the older request: %v", err)
	}
	if err := <-slow; err != nil {
		t.Fatalf("the read that overlapped the write: %v", err)
	}
	// The late answer of the older request must not replace the newer snapshot.
	if _, err := c.GetUser(context.Background(), "new"); err != nil {
		t.Errorf("reading after the late answer: %v", err)
	}
	if n := lists.Load(); n != 2 {
		t.Errorf("%d list requests, want 2: the late older answer replaced the newer snapshot", n)
	}
}

func TestListUsersReturnsACopy(t *testing.T) {
	s := newCountingServer(t, "b", "a")
	c := newClient(t, s.URL)
	first, err := c.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(first)
	again, _ := c.ListUsers(context.Background())
	if again[0].Name != "b" {
		t.Errorf("changing a returned list changed the snapshot: %v", again)
	}
}

func TestGetUserWithoutAdminRightsReadsItself(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/access/users":
			answer(403, `{"error":"no"}`)(w, r)
		case "/api/currentuser":
			answer(200, `{"name":"bob","permissions":[]}`)(w, r)
		default:
			answer(200, `{"name":"bob","active":true}`)(w, r)
		}
	})
	u, err := newClient(t, f.URL).GetUser(context.Background(), "bob")
	if err != nil || u.Name != "bob" {
		t.Fatalf("GetUser = %+v, %v", u, err)
	}
	if last := f.requests()[len(f.requests())-1]; last.Path != "/api/access/users/bob" {
		t.Errorf("the last request went to %s, want /api/access/users/bob", last.Path)
	}
}

func TestGroupAndPermissionSnapshots(t *testing.T) {
	f := newFake(t, answer(200, `{"groups":[{"key":"users"}],"permissions":[{"key":"PRINT"}],"users":[{"name":"u"}]}`))
	c := newClient(t, f.URL)
	ctx := context.Background()
	read := func() {
		t.Helper()
		if _, err := c.ListGroups(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListPermissions(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := func(path string) int {
		n := 0
		for _, r := range f.requests() {
			if r.Method == http.MethodGet && r.Path == path {
				n++
			}
		}
		return n
	}
	read()
	read()
	// A user write leaves groups and permissions as they are...
	if _, err := c.AddUser(ctx, NewUser{Name: "u"}); err != nil {
		t.Fatal(err)
	}
	read()
	if g, p := count("/api/access/groups"), count("/api/access/permissions"); g != 1 || p != 1 {
		t.Errorf("%d group and %d permission requests, want 1 each", g, p)
	}
	// ...a group write does not.
	if _, err := c.write(ctx, http.MethodPost, groupsPath, struct{}{}, nil); err != nil {
		t.Fatal(err)
	}
	read()
	if g, p := count("/api/access/groups"), count("/api/access/permissions"); g != 2 || p != 2 {
		t.Errorf("%d group and %d permission requests after a group write, want 2 each", g, p)
	}
}
