// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// User is a user as OctoPrint reports it.
type User struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
	// Needs are what the user's effective permissions (its own, its groups' and their
	// subgroups') need, by kind. OctoPrint reports them on every version; the `admin`
	// flag it derives from them is gone in 2.0, so IsAdmin reads them instead.
	Needs struct {
		Role []string `json:"role"`
	} `json:"needs"`
	// HasPassword is false for a user who cannot log in with a password (OctoPrint 2.0),
	// and absent before 2.0, where every user has one: see PasswordLogin.
	HasPassword *bool `json:"has_password,omitempty"`
	// Groups and Permissions are sets: their order changes between server runs.
	Groups []string `json:"groups"`
	// Permissions are the user's own, beyond those its groups give.
	Permissions []string `json:"permissions"`
	// APIKey is empty when the user has none, or when the caller's login is not fresh.
	APIKey   string          `json:"apikey"`
	Settings json.RawMessage `json:"settings"`
}

// adminRole is what the ADMIN permission needs.
const adminRole = "admin"

// IsAdmin tells whether the user holds the ADMIN permission, through its groups, their
// subgroups or its own permissions.
func (u *User) IsAdmin() bool {
	return slices.Contains(u.Needs.Role, adminRole)
}

// PasswordLogin tells whether the user can log in with a password.
func (u *User) PasswordLogin() bool {
	return u.HasPassword == nil || *u.HasPassword
}

// NewUser is the body of an add call.
type NewUser struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	Active   bool   `json:"active"`
	// Groups nil means OctoPrint's default groups; empty means none.
	Groups []string `json:"groups,omitzero"`
	// Permissions nil means none.
	Permissions []string `json:"permissions,omitzero"`
	// WithoutPassword makes a user who cannot log in with a password (OctoPrint 2.0 and
	// newer; for a trusted reverse proxy, say): the password is sent as null.
	WithoutPassword bool `json:"-"`
}

// MarshalJSON sends the password as null for a user without a password login.
func (u NewUser) MarshalJSON() ([]byte, error) {
	type plain NewUser
	if !u.WithoutPassword {
		return json.Marshal(plain(u))
	}
	return json.Marshal(struct {
		plain
		Password *string `json:"password"` // shadows plain's: null
	}{plain: plain(u)})
}

// UserUpdate is the body of an update call: nil fields are left as they are.
type UserUpdate struct {
	Active      *bool    `json:"active,omitempty"`
	Groups      []string `json:"groups,omitzero"`
	Permissions []string `json:"permissions,omitzero"`
}

type userList struct {
	Users []User `json:"users"`
}

// ListUsers returns every user (admin only). The list comes from the client's
// snapshot: one request serves every read until a write changes the server.
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	users, err := c.userList(ctx)
	return slices.Clone(users), err
}

// GetUser returns one user, or an error matching ErrNotFound.
func (c *Client) GetUser(ctx context.Context, name string) (*User, error) {
	users, err := c.userList(ctx)
	if errors.Is(err, ErrForbidden) {
		// Not an admin: a user may still read itself.
		var u User
		if err := c.get(ctx, userPath(name), &u); err != nil {
			return nil, err
		}
		return &u, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range users {
		if users[i].Name == name {
			u := users[i]
			return &u, nil
		}
	}
	return nil, &APIError{Method: http.MethodGet, Path: "/" + userPath(name), StatusCode: http.StatusNotFound,
		Message: "OctoPrint lists no user of that name"}
}

// AddUser creates a user and returns it as the server stored it.
func (c *Client) AddUser(ctx context.Context, u NewUser) (*User, error) {
	users, err := c.writeUsers(ctx, http.MethodPost, "api/access/users", u)
	if retriedIntoConflict(err) {
		if existing, getErr := c.GetUser(ctx, u.Name); getErr == nil && existing.matches(u) {
			return existing, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return findUser(users, u.Name, "added")
}

// retriedIntoConflict tells whether an add met 409 Conflict after a retry: an earlier
// try may have made the object and lost its answer (a restart). The caller then accepts
// the object when it is what was asked for.
func retriedIntoConflict(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict && apiErr.Attempts > 1
}

// matches tells whether the user is what add asked for (the password cannot be told).
func (u *User) matches(asked NewUser) bool {
	return u.Active == asked.Active && u.PasswordLogin() != asked.WithoutPassword &&
		(asked.Groups == nil || sameElements(u.Groups, asked.Groups)) &&
		sameElements(u.Permissions, asked.Permissions)
}

// sameElements compares two lists as sets.
func sameElements(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// UpdateUser changes a user's active flag, groups or permissions and returns it as stored.
func (c *Client) UpdateUser(ctx context.Context, name string, u UserUpdate) (*User, error) {
	users, err := c.writeUsers(ctx, http.MethodPut, userPath(name), u)
	if err != nil {
		return nil, err
	}
	return findUser(users, name, "updated")
}

// DeleteUser removes a user. OctoPrint refuses to delete the caller's own user.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	users, err := c.writeUsers(ctx, http.MethodDelete, userPath(name), nil)
	if err != nil {
		return err
	}
	// The answer is the list after the delete: a user still in it was not deleted.
	if _, err := findUser(users, name, "deleted"); err == nil {
		return fmt.Errorf("OctoPrint accepted the deletion of user %q but still lists it", name)
	}
	return nil
}

// findUser returns the named user from the list a write answered with. A write that the
// server accepted but did not keep (OctoPrint loses concurrent writes) is an error.
func findUser(users []User, name, did string) (*User, error) {
	for i := range users {
		if users[i].Name == name {
			return &users[i], nil
		}
	}
	return nil, fmt.Errorf("OctoPrint accepted user %q as %s but does not list it afterwards", name, did)
}

// ChangePassword sets a user's password. current is needed only when a user changes
// its own password; leave it empty otherwise.
func (c *Client) ChangePassword(ctx context.Context, name, password, current string) error {
	body := struct {
		Password string `json:"password"`
		Current  string `json:"current,omitempty"`
	}{password, current}
	_, err := c.write(ctx, http.MethodPut, userPath(name, "password"), body, nil)
	return err
}

// GenerateAPIKey gives a user a new API key, replacing any old one, and returns it.
func (c *Client) GenerateAPIKey(ctx context.Context, name string) (string, error) {
	var out struct {
		APIKey string `json:"apikey"`
	}
	if _, err := c.write(ctx, http.MethodPost, userPath(name, "apikey"), struct{}{}, &out); err != nil {
		return "", err
	}
	return out.APIKey, nil
}

// ResetAPIKey removes a user's API key.
func (c *Client) ResetAPIKey(ctx context.Context, name string) error {
	_, err := c.write(ctx, http.MethodDelete, userPath(name, "apikey"), nil, nil)
	return err
}

// GetUserSettings returns a user's settings: a JSON object.
func (c *Client) GetUserSettings(ctx context.Context, name string) (map[string]json.RawMessage, error) {
	settings := map[string]json.RawMessage{}
	if err := c.get(ctx, userPath(name, "settings"), &settings); err != nil {
		return nil, err
	}
	return settings, nil
}

// SaveUserSettings merges settings into a user's settings. The merge is shallow: each
// top-level key replaces the stored one whole; keys not sent are kept.
func (c *Client) SaveUserSettings(ctx context.Context, name string, settings map[string]json.RawMessage) error {
	_, err := c.write(ctx, http.MethodPatch, userPath(name, "settings"), settings, nil)
	return err
}
