// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const wizardAnswer = `{
  "backup": {"details": {"required": true}, "ignored": false, "required": true, "version": null},
  "corewizard": {"details": {"acl": {"required": %s}, "onlinecheck": {"required": true}}, "ignored": false, "required": true, "version": 4},
  "file_check": {"details": {}, "ignored": false, "required": false, "version": 1},
  "tracking": {"details": {}, "ignored": true, "required": true, "version": 1}
}`

func TestSetupState(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		status                 int
		body                   string
		wantOpen, wantNewAdmin bool
	}{
		{"out of the box", 200, fmt.Sprintf(wizardAnswer, "true"), true, true},
		{"first run with users", 200, fmt.Sprintf(wizardAnswer, "false"), true, false},
		{"set up", 403, `{"error":"You don't have the permission"}`, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, answer(tc.status, tc.body))
			state, err := loginClient(t, f.URL).SetupState(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if state.Open != tc.wantOpen || state.NeedsAdmin != tc.wantNewAdmin {
				t.Errorf("SetupState = %+v, want Open %v NeedsAdmin %v", state, tc.wantOpen, tc.wantNewAdmin)
			}
			r := f.only(t)
			if r.Method != http.MethodGet || r.Path != "/api/setup/wizard" || r.Header.Get("Cookie") != "" {
				t.Errorf("request %s %s with cookies %q, want GET /api/setup/wizard without a login", r.Method, r.Path, r.Header.Get("Cookie"))
			}
		})
	}
	f := newFake(t, answer(500, `{"error":"boom"}`))
	_, err := loginClient(t, f.URL).SetupState(context.Background())
	assertErrContains(t, err, "500", "boom")
}

func TestCreateFirstAdmin(t *testing.T) {
	s := newLoginServer(t)
	c := loginClient(t, s.URL)
	if err := c.CreateFirstAdmin(context.Background(), "root", "first"); err != nil {
		t.Fatal(err)
	}
	assertPaths(t, s.paths(), "GET /login", "POST /plugin/corewizard/acl")
	r := s.requests()[1]
	assertJSON(t, r.Body, `{"user":"root","pass1":"first","pass2":"first"}`)
	if r.Header.Get(csrfHeader) != s.csrf {
		t.Errorf("CSRF header %q, want %q", r.Header.Get(csrfHeader), s.csrf)
	}
	for _, tc := range []struct{ user, password, want string }{{"", "p", "username is empty"}, {"root", "", "password is empty"}} {
		assertErrContains(t, c.CreateFirstAdmin(context.Background(), tc.user, tc.password), tc.want)
	}
	// Never as a user, logged in or by key: OctoPrint would let any user overwrite another.
	ctx := context.Background()
	if _, err := c.ListUsers(ctx); err != nil { // logged in
		t.Fatal(err)
	}
	for _, c := range []*Client{c, newClient(t, s.URL)} {
		if err := c.CreateFirstAdmin(ctx, "root", "first"); err != nil {
			t.Fatal(err)
		}
		r := s.requests()[len(s.requests())-1]
		if r.Path != "/plugin/corewizard/acl" || r.Header.Get("X-Api-Key") != "" || strings.Contains(r.Header.Get("Cookie"), "session_P") {
			t.Errorf("%s %s sent a key or a session: X-Api-Key %q, Cookie %q", r.Method, r.Path, r.Header.Get("X-Api-Key"), r.Header.Get("Cookie"))
		}
	}
}

func TestWizardAndOnlineSettings(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/setup/wizard" && r.Method == http.MethodGet:
			answer(200, fmt.Sprintf(wizardAnswer, "false"))(w, r)
		case r.URL.Path == "/api/settings" && r.Method == http.MethodGet:
			answer(200, `{"api":{"key":"global-key"},"server":{"onlineCheck":{"enabled":true,"host":"1.1.1.1"},"pluginBlacklist":{"enabled":null}}}`)(w, r)
		case r.Method == http.MethodPost && r.URL.Path == "/api/setup/wizard":
			w.WriteHeader(http.StatusNoContent)
		default:
			answer(200, `{"api":{"key":"global-key"}}`)(w, r)
		}
	})
	var rec logRecorder
	c := newClient(t, f.URL, withLogger(&rec))
	ctx := context.Background()
	names, err := c.RequiredWizards(ctx)
	if err != nil || !slices.Equal(names, []string{"backup", "corewizard"}) {
		t.Errorf("RequiredWizards = %v, %v; want backup and corewizard (required and not ignored)", names, err)
	}
	if err := c.FinishWizard(ctx, names); err != nil {
		t.Fatal(err)
	}
	online, err := c.GetOnlineSettings(ctx)
	if err != nil || online.OnlineCheck == nil || !*online.OnlineCheck || online.PluginBlacklist != nil {
		t.Errorf("GetOnlineSettings = %+v, %v; want online check true, blacklist unanswered", online, err)
	}
	if err := c.SaveOnlineSettings(ctx, OnlineSettings{OnlineCheck: ptr(false), PluginBlacklist: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	assertJSON(t, reqs[1].Body, `{"handled":["backup","corewizard"]}`)
	assertJSON(t, reqs[3].Body, `{"server":{"onlineCheck":{"enabled":false},"pluginBlacklist":{"enabled":true}}}`)
	for _, r := range rec.all() {
		if body, _ := r.fields["response_body"].(string); r.fields["url"] == f.URL+"/api/settings" && body != "(the server's settings, not logged)" {
			t.Errorf("the settings were logged: %s", body)
		}
	}
}
