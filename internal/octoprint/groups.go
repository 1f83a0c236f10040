// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
)

// Group is an access group: a named set of permissions.
type Group struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	Subgroups   []string `json:"subgroups"`
	// Default: new users join the group when they are created without groups.
	Default   bool `json:"default"`
	Dangerous bool `json:"dangerous"`
	// Changeable: its permissions can be edited. Removable: it can be deleted.
	// Toggleable: users can be added to and removed from it.
	Changeable bool `json:"changeable"`
	Removable  bool `json:"removable"`
	Toggleable bool `json:"toggleable"`
}

// NewGroup is the body of an add call.
type NewGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	GroupUpdate
}

// GroupUpdate is the body of an update call, and the part of an add call that can be
// updated: OctoPrint cannot change a group's key or name. Every field is sent; nil
// lists are sent empty.
type GroupUpdate struct {
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	Subgroups   []string `json:"subgroups"`
	Default     bool     `json:"default"`
}

type groupList struct {
	Groups []Group `json:"groups"`
}

// ListGroups returns every group (admin only), from the client's snapshot.
func (c *Client) ListGroups(ctx context.Context) ([]Group, error) {
	groups, err := c.groups.get(ctx, c.server.accessGeneration.Load(), func(ctx context.Context) ([]Group, error) {
		var list groupList
		err := c.get(ctx, groupsPath, &list)
		return list.Groups, err
	})
	return slices.Clone(groups), err
}

// GetGroup returns one group, or an error matching ErrNotFound.
func (c *Client) GetGroup(ctx context.Context, key string) (*Group, error) {
	groups, err := c.ListGroups(ctx)
	if err != nil {
		return nil, err
	}
	if g := FindGroup(groups, key); g != nil {
		return g, nil
	}
	return nil, &APIError{Method: http.MethodGet, Path: "/" + groupPath(key), StatusCode: http.StatusNotFound,
		Message: "OctoPrint lists no group of that key"}
}

// AddGroup creates a group and returns it as the server stored it. OctoPrint drops
// permission and subgroup keys it does not know: compare the result.
func (c *Client) AddGroup(ctx context.Context, g NewGroup) (*Group, error) {
	g.Permissions, g.Subgroups = nonNil(g.Permissions), nonNil(g.Subgroups)
	groups, err := c.writeGroups(ctx, http.MethodPost, groupsPath, g)
	if retriedIntoConflict(err) {
		if existing, getErr := c.GetGroup(ctx, g.Key); getErr == nil && existing.matches(g) {
			return existing, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return storedGroup(groups, g.Key, "added")
}

// matches tells whether the group is what add asked for.
func (g *Group) matches(asked NewGroup) bool {
	return g.Name == asked.Name && g.Description == asked.Description && g.Default == asked.Default &&
		sameElements(g.Permissions, asked.Permissions) && sameElements(g.Subgroups, asked.Subgroups)
}

// UpdateGroup changes a group and returns it as stored. OctoPrint refuses (403) to
// change the groups that are not changeable (admins, readonly).
func (c *Client) UpdateGroup(ctx context.Context, key string, u GroupUpdate) (*Group, error) {
	u.Permissions, u.Subgroups = nonNil(u.Permissions), nonNil(u.Subgroups)
	groups, err := c.writeGroups(ctx, http.MethodPut, groupPath(key), u)
	if err != nil {
		return nil, err
	}
	return storedGroup(groups, key, "updated")
}

// DeleteGroup removes a group; OctoPrint removes it from its members too. It refuses
// (403) to delete the built-in groups.
func (c *Client) DeleteGroup(ctx context.Context, key string) error {
	groups, err := c.writeGroups(ctx, http.MethodDelete, groupPath(key), nil)
	if err != nil {
		return err
	}
	if FindGroup(groups, key) != nil {
		return fmt.Errorf("OctoPrint accepted the deletion of group %q but still lists it", key)
	}
	return nil
}

// storedGroup returns the group from the list a write answered with.
func storedGroup(groups []Group, key, did string) (*Group, error) {
	if g := FindGroup(groups, key); g != nil {
		return g, nil
	}
	return nil, fmt.Errorf("OctoPrint accepted group %q as %s but does not list it afterwards", key, did)
}

// FindGroup returns a copy of the group with the key, or nil.
func FindGroup(groups []Group, key string) *Group {
	i := slices.IndexFunc(groups, func(g Group) bool { return g.Key == key })
	if i < 0 {
		return nil
	}
	g := groups[i]
	return &g
}

// nonNil turns nil into an empty list: OctoPrint demands the lists even when empty.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func groupPath(key string) string {
	return groupsPath + "/" + url.PathEscape(key)
}
