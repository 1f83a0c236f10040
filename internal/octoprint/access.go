package octoprint

import (
	"context"
	"slices"
)

// PermissionAdmin is the permission that makes a user an administrator.
const PermissionAdmin = "ADMIN"

const (
	currentUserPath = "api/currentuser"
	groupsPath      = "api/access/groups"
)

// Permission is one right that groups and users can hold.
type Permission struct {
	Key           string   `json:"key"`
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	Dangerous     bool     `json:"dangerous"`
	DefaultGroups []string `json:"default_groups"`
}

// CurrentUser is the caller as OctoPrint sees it, with its effective permissions.
type CurrentUser struct {
	// Name is empty for an anonymous caller (an unknown API key).
	Name        string   `json:"name"`
	Groups      []string `json:"groups"`
	Permissions []string `json:"permissions"`
}

// HasPermission tells whether the caller holds the permission.
func (u *CurrentUser) HasPermission(key string) bool {
	return slices.Contains(u.Permissions, key)
}

// Version is the server's version.
type Version struct {
	Server string `json:"server"`
	API    string `json:"api"`
	Text   string `json:"text"`
}

// ListPermissions returns every permission the server knows, plugins' included, from
// the client's snapshot.
func (c *Client) ListPermissions(ctx context.Context) ([]Permission, error) {
	permissions, err := c.permissions.get(ctx, c.server.accessGeneration.Load(), func(ctx context.Context) ([]Permission, error) {
		var out struct {
			Permissions []Permission `json:"permissions"`
		}
		err := c.get(ctx, "api/access/permissions", &out)
		return out.Permissions, err
	})
	return slices.Clone(permissions), err
}

// Caller returns the caller as the client first saw it: which user the provider acts
// as does not change within a command, and checks of every resource ask for it.
func (c *Client) Caller(ctx context.Context) (*CurrentUser, error) {
	return c.caller.get(ctx, 0, c.CurrentUser)
}

// CurrentUser returns the caller: the user the API key belongs to.
func (c *Client) CurrentUser(ctx context.Context) (*CurrentUser, error) {
	var u CurrentUser
	if err := c.get(ctx, currentUserPath, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Version returns the server's version.
func (c *Client) Version(ctx context.Context) (*Version, error) {
	var v Version
	if err := c.get(ctx, "api/version", &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// EffectivePermissions returns what a user with these groups and own permissions holds,
// as OctoPrint computes it: its own permissions, and those of each group and of its
// subgroups at any depth. A cycle of subgroups is followed once.
func EffectivePermissions(groups []Group, userGroups, userPermissions []string) []string {
	held := map[string]bool{}
	for _, p := range userPermissions {
		held[p] = true
	}
	visited := map[string]bool{}
	var visit func(key string)
	visit = func(key string) {
		if visited[key] {
			return
		}
		visited[key] = true
		g := FindGroup(groups, key)
		if g == nil {
			return
		}
		for _, p := range g.Permissions {
			held[p] = true
		}
		for _, sub := range g.Subgroups {
			visit(sub)
		}
	}
	for _, key := range userGroups {
		visit(key)
	}
	out := make([]string, 0, len(held))
	for p := range held {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// SubgroupCycle returns a cycle of subgroups through the group, such as [a b a], or nil
// when there is none. OctoPrint 1.11 saves a cycle, then fails every later listing of
// the groups (a RecursionError) until its file is edited by hand; 2.0 refuses it.
func SubgroupCycle(groups []Group, key string) []string {
	var path []string
	onPath := map[string]bool{}
	done := map[string]bool{}
	var walk func(k string) bool
	walk = func(k string) bool {
		path = append(path, k)
		if len(path) > 1 && k == key {
			return true
		}
		if onPath[k] || done[k] {
			path = path[:len(path)-1]
			return false
		}
		onPath[k] = true
		if g := FindGroup(groups, k); g != nil {
			for _, sub := range g.Subgroups {
				if walk(sub) {
					return true
				}
			}
		}
		onPath[k], done[k] = false, true
		path = path[:len(path)-1]
		return false
	}
	if walk(key) {
		return path
	}
	return nil
}
