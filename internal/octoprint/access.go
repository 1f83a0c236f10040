// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// Release returns the major and minor release of the server's version, such as 1 and 11
// for "1.11.8" or 2 and 0 for "2.0.0rc7".
func (v *Version) Release() (major, minor int, err error) {
	parts := strings.SplitN(v.Server, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("OctoPrint reports the version %q, which is not of the form 1.11.8", v.Server)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("OctoPrint reports the version %q, which is not of the form 1.11.8: %w", v.Server, err)
	}
	return major, minor, nil
}

// AtLeast tells whether the version is the given release or newer.
func (v *Version) AtLeast(major, minor int) bool {
	ma, mi, err := v.Release()
	return err == nil && (ma > major || ma == major && mi >= minor)
}

// Supported versions: the releases this client is tested with.
const (
	OldestSupported = "1.9"
	NewestSupported = "2.x"
)

// CheckSupported refuses a server older than 1.9, or of a major release after 2, whose
// API this client does not know.
func (v *Version) CheckSupported() error {
	major, _, err := v.Release()
	switch {
	case err != nil:
		return err
	case !v.AtLeast(1, 9) || major > 2:
		return fmt.Errorf("the server runs OctoPrint %s; this provider supports OctoPrint %s to %s", v.Server, OldestSupported, NewestSupported)
	}
	return nil
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

// ServerVersion returns the server's version, read once per client: a server's version
// does not change within a command.
func (c *Client) ServerVersion(ctx context.Context) (*Version, error) {
	return c.version.get(ctx, 0, c.Version)
}

// CurrentUser returns the caller: the user the API key belongs to, with an empty name
// when OctoPrint does not know the key.
func (c *Client) CurrentUser(ctx context.Context) (*CurrentUser, error) {
	var u CurrentUser
	err := c.get(ctx, currentUserPath, &u)
	if errors.Is(err, ErrForbidden) {
		// OctoPrint 1.11 answers an unknown key as an anonymous caller; 1.9 and 1.10
		// refuse it ("Invalid API key"). Both mean the same.
		return &CurrentUser{}, nil
	}
	if err != nil {
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
