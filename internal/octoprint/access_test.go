// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestAccessMethods(t *testing.T) {
	runMethodCases(t, []methodCase{{
		name: "ListGroups",
		call: func(ctx context.Context, c *Client) (any, error) { return c.ListGroups(ctx) },
		respond: `{"groups":[{"key":"admins","name":"Admins","description":"Administrators",` +
			`"permissions":["ADMIN"],"subgroups":[],"default":false,"dangerous":true,` +
			`"changeable":false,"removable":false,"toggleable":true},` +
			`{"key":"users","name":"Operator","permissions":["STATUS","CONTROL"],"default":true,` +
			`"changeable":true,"removable":true,"toggleable":true}]}`,
		method: "GET", uri: "/api/access/groups",
		want: []Group{
			{Key: "admins", Name: "Admins", Description: "Administrators", Permissions: []string{"ADMIN"},
				Subgroups: []string{}, Dangerous: true, Toggleable: true},
			{Key: "users", Name: "Operator", Permissions: []string{"STATUS", "CONTROL"}, Default: true,
				Changeable: true, Removable: true, Toggleable: true},
		},
	}, {
		name: "ListPermissions",
		call: func(ctx context.Context, c *Client) (any, error) { return c.ListPermissions(ctx) },
		respond: `{"permissions":[{"key":"ADMIN","name":"Admin","description":"All","dangerous":true,` +
			`"default_groups":["admins"]},{"key":"PLUGIN_X_USE","name":"Use X","default_groups":[]}]}`,
		method: "GET", uri: "/api/access/permissions",
		want: []Permission{
			{Key: "ADMIN", Name: "Admin", Description: "All", Dangerous: true, DefaultGroups: []string{"admins"}},
			{Key: "PLUGIN_X_USE", Name: "Use X", DefaultGroups: []string{}},
		},
	}, {
		name:    "CurrentUser",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.CurrentUser(ctx) },
		respond: `{"name":"bob","groups":["users"],"permissions":["STATUS","CONTROL"]}`,
		method:  "GET", uri: "/api/currentuser",
		want: &CurrentUser{Name: "bob", Groups: []string{"users"}, Permissions: []string{"STATUS", "CONTROL"}},
	}, {
		name:    "CurrentUser anonymous",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.CurrentUser(ctx) },
		respond: `{"name":null,"groups":["guests"],"permissions":[]}`,
		method:  "GET", uri: "/api/currentuser",
		want: &CurrentUser{Groups: []string{"guests"}, Permissions: []string{}},
	}, {
		name:    "Version",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.Version(ctx) },
		respond: `{"server":"1.11.2","api":"0.1","text":"OctoPrint 1.11.2"}`,
		method:  "GET", uri: "/api/version",
		want: &Version{Server: "1.11.2", API: "0.1", Text: "OctoPrint 1.11.2"},
	}})
}

func TestHasPermission(t *testing.T) {
	tests := []struct {
		name  string
		perms []string
		key   string
		want  bool
	}{
		{"held", []string{"STATUS", "ADMIN"}, PermissionAdmin, true},
		{"not held", []string{"STATUS"}, PermissionAdmin, false},
		{"none", nil, PermissionAdmin, false},
		{"case matters", []string{"admin"}, PermissionAdmin, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &CurrentUser{Name: "x", Permissions: tt.perms}
			if got := u.HasPermission(tt.key); got != tt.want {
				t.Errorf("HasPermission(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

func TestAccessMethodErrors(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"ListGroups":      func(c *Client) error { _, err := c.ListGroups(ctx); return err },
		"ListPermissions": func(c *Client) error { _, err := c.ListPermissions(ctx); return err },
		"CurrentUser":     func(c *Client) error { _, err := c.CurrentUser(ctx); return err },
		"Version":         func(c *Client) error { _, err := c.Version(ctx); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, answer(http.StatusUnauthorized, `{"error":"Invalid API key"}`))
			err := call(newClient(t, f.URL))
			assertErrContains(t, err, "401 Unauthorized", "Invalid API key")
			if !errors.Is(err, ErrUnauthorized) {
				t.Errorf("err = %v, want ErrUnauthorized", err)
			}
		})
		t.Run(name+" not JSON", func(t *testing.T) {
			f := newFake(t, answer(http.StatusOK, `<html>`))
			assertErrContains(t, call(newClient(t, f.URL)), "not the JSON")
		})
	}
}

// Answers that are not OctoPrint's JSON, e.g. from a proxy or the wrong URL.

func TestErrorMessageWithoutJSON(t *testing.T) {
	long := "<html>" + strings.Repeat("x", 200) + "</html>"
	f := newFake(t, answer(502, "  "+long+"\n"))
	_, err := newClient(t, f.URL).Version(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	if want := long[:120] + "..."; apiErr.Message != want {
		t.Errorf("Message = %q, want %q", apiErr.Message, want)
	}
}

func TestNotJSON(t *testing.T) {
	tests := []struct{ name, ctype, body string }{
		{"HTML login page", "text/html", "<!DOCTYPE html><html><body>Login</body></html>"},
		{"malformed JSON", "application/json", `{"server": "1.10`},
		{"empty body", "application/json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				_, _ = io.WriteString(w, tt.body)
			})
			_, err := newClient(t, f.URL).Version(context.Background())
			assertErrContains(t, err, "not the JSON", tt.ctype, "GET /api/version")
		})
	}
}

func TestEffectivePermissions(t *testing.T) {
	groups := []Group{
		{Key: "admins", Permissions: []string{"ADMIN"}},
		{Key: "ops", Permissions: []string{"PRINT"}, Subgroups: []string{"viewers"}},
		{Key: "viewers", Permissions: []string{"WEBCAM"}, Subgroups: []string{"ops"}}, // a cycle is followed once
		{Key: "deep", Subgroups: []string{"ops", "missing"}},
	}
	tests := []struct {
		name          string
		groups, perms []string
		want          []string
	}{
		{"own permissions only", nil, []string{"FILES_LIST"}, []string{"FILES_LIST"}},
		{"a group", []string{"admins"}, nil, []string{"ADMIN"}},
		{"subgroups at any depth, through a cycle", []string{"deep"}, nil, []string{"PRINT", "WEBCAM"}},
		{"both, without repeats", []string{"ops", "viewers"}, []string{"PRINT"}, []string{"PRINT", "WEBCAM"}},
		{"an unknown group gives nothing", []string{"nope"}, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EffectivePermissions(groups, tt.groups, tt.perms); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("EffectivePermissions = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSubgroupCycle(t *testing.T) {
	groups := []Group{
		{Key: "a", Subgroups: []string{"b"}},
		{Key: "b", Subgroups: []string{"c", "x"}},
		{Key: "c", Subgroups: []string{"a"}},
		{Key: "x", Subgroups: []string{"y"}},
		{Key: "y", Subgroups: []string{"x"}}, // a cycle that does not pass through a
		{Key: "self", Subgroups: []string{"self"}},
		{Key: "tree", Subgroups: []string{"x2", "x3"}},
		{Key: "x2", Subgroups: []string{"x3"}},
		{Key: "x3"},
	}
	for key, want := range map[string][]string{
		"a":    {"a", "b", "c", "a"},
		"c":    {"c", "a", "b", "c"},
		"self": {"self", "self"},
		"x":    {"x", "y", "x"},
		"tree": nil, // a diamond is no cycle
		"x3":   nil,
		"none": nil,
	} {
		if got := SubgroupCycle(groups, key); !reflect.DeepEqual(got, want) {
			t.Errorf("SubgroupCycle(%s) = %v, want %v", key, got, want)
		}
	}
}

func TestVersionRelease(t *testing.T) {
	for server, want := range map[string]struct {
		major, minor int
		supported    bool
	}{
		"1.8.7":    {1, 8, false},
		"1.9.3":    {1, 9, true},
		"1.10.3":   {1, 10, true},
		"1.11.8":   {1, 11, true},
		"2.0.0rc7": {2, 0, true},
		"2.1.0":    {2, 1, true},
		"3.0.0":    {3, 0, false},
	} {
		v := &Version{Server: server}
		major, minor, err := v.Release()
		if err != nil || major != want.major || minor != want.minor {
			t.Errorf("Release(%s) = %d, %d, %v", server, major, minor, err)
		}
		if err := v.CheckSupported(); (err == nil) != want.supported {
			t.Errorf("CheckSupported(%s) = %v, want supported %v", server, err, want.supported)
		}
	}
	if err := (&Version{Server: "1.8.7"}).CheckSupported(); err == nil || !strings.Contains(err.Error(), "supports OctoPrint 1.9 to 2.x") {
		t.Errorf("the refusal does not name the supported range: %v", err)
	}
	if _, _, err := (&Version{Server: "dev"}).Release(); err == nil {
		t.Error("a version without a release number was accepted")
	}
}
