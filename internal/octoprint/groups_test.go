// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

const operatorsJSON = `{"key":"operators","name":"Operators","description":"Print crew","permissions":["PRINT"],` +
	`"subgroups":["readonly"],"default":false,"dangerous":false,"changeable":true,"removable":true,"toggleable":true}`

var operators = Group{
	Key: "operators", Name: "Operators", Description: "Print crew", Permissions: []string{"PRINT"},
	Subgroups: []string{"readonly"}, Changeable: true, Removable: true, Toggleable: true,
}

func TestGroupMethods(t *testing.T) {
	list := `{"groups":[` + operatorsJSON + `,{"key":"lab/2 ä","name":"Lab","permissions":[],"subgroups":[]}]}`
	runMethodCases(t, []methodCase{{
		name:    "GetGroup",
		call:    func(ctx context.Context, c *Client) (any, error) { return c.GetGroup(ctx, "operators") },
		respond: list,
		method:  "GET", uri: "/api/access/groups",
		want: &operators,
	}, {
		name: "AddGroup sends empty lists, not null",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.AddGroup(ctx, NewGroup{Key: "lab/2 ä", Name: "Lab"})
		},
		respond: list,
		method:  "POST", uri: "/api/access/groups",
		body: `{"key":"lab/2 ä","name":"Lab","description":"","permissions":[],"subgroups":[],"default":false}`,
		want: &Group{Key: "lab/2 ä", Name: "Lab", Permissions: []string{}, Subgroups: []string{}},
	}, {
		name: "UpdateGroup escapes the key",
		call: func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateGroup(ctx, "lab/2 ä", GroupUpdate{Description: "x", Default: true})
		},
		respond: list,
		method:  "PUT", uri: "/api/access/groups/lab%2F2%20%C3%A4",
		body: `{"description":"x","permissions":[],"subgroups":[],"default":true}`,
		want: &Group{Key: "lab/2 ä", Name: "Lab", Permissions: []string{}, Subgroups: []string{}},
	}, {
		name:    "DeleteGroup",
		call:    only1(func(ctx context.Context, c *Client) error { return c.DeleteGroup(ctx, "gone") }),
		respond: list,
		method:  "DELETE", uri: "/api/access/groups/gone",
		wantNone: true,
	}})
}

func TestGroupWriteAnswersMissingTheGroup(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(*Client) error{
		"AddGroup":    func(c *Client) error { _, err := c.AddGroup(ctx, NewGroup{Key: "lab", Name: "Lab"}); return err },
		"UpdateGroup": func(c *Client) error { _, err := c.UpdateGroup(ctx, "lab", GroupUpdate{}); return err },
		"DeleteGroup": func(c *Client) error { return c.DeleteGroup(ctx, "operators") },
	}
	want := map[string]string{
		"AddGroup":    `accepted group "lab" as added but does not list it`,
		"UpdateGroup": `accepted group "lab" as updated but does not list it`,
		"DeleteGroup": `accepted the deletion of group "operators" but still lists it`,
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			f := newFake(t, answer(200, `{"groups":[`+operatorsJSON+`]}`))
			assertErrContains(t, call(newClient(t, f.URL)), want[name])
		})
	}
}

func TestGroupErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		status int
		call   func(*Client) error
		is     error
	}{
		{"GetGroup unknown", 200, func(c *Client) error { _, err := c.GetGroup(ctx, "nope"); return err }, ErrNotFound},
		{"AddGroup exists", 409, func(c *Client) error { _, err := c.AddGroup(ctx, NewGroup{Key: "operators"}); return err }, ErrConflict},
		{"UpdateGroup built-in", 403, func(c *Client) error { _, err := c.UpdateGroup(ctx, "admins", GroupUpdate{}); return err }, ErrForbidden},
		{"DeleteGroup unknown", 404, func(c *Client) error { return c.DeleteGroup(ctx, "nope") }, ErrNotFound},
		{"DeleteGroup built-in", 403, func(c *Client) error { return c.DeleteGroup(ctx, "users") }, ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/groups") {
					answer(200, `{"groups":[`+operatorsJSON+`]}`)(w, r)
					return
				}
				answer(tt.status, `{"error":"refused"}`)(w, r)
			})
			if err := tt.call(newClient(t, f.URL)); !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

// A group write answers with the list: the next read needs no request.
func TestGroupWriteRefreshesTheSnapshot(t *testing.T) {
	f := newFake(t, answer(200, `{"groups":[`+operatorsJSON+`]}`))
	c := newClient(t, f.URL)
	ctx := context.Background()
	if _, err := c.ListGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateGroup(ctx, "operators", GroupUpdate{Permissions: []string{"PRINT"}}); err != nil {
		t.Fatal(err)
	}
	g, err := c.GetGroup(ctx, "operators")
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "Operators" {
		t.Errorf("group = %+v", g)
	}
	gets := 0
	for _, r := range f.requests() {
		if r.Method == http.MethodGet {
			gets++
		}
	}
	if gets != 1 {
		t.Errorf("%d GET requests, want 1: the update's answer should serve the read after it", gets)
	}
}
