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
