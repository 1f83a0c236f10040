// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Application keys come from OctoPrint's bundled Application Keys plugin: one key per
// user and application, each revocable alone. The plugin's API differs by release:
//
//   - 1.9 lists every key with its value (GET ?all=true), and revokes a key by its value.
//   - 1.10 and later list keys without their values, look one up by user and application
//     (GET ?app=A&user=U, with its value for a caller whose login is fresh, as an API key
//     is), and revoke by user and application (revoking by value still works, with a
//     deprecation warning in OctoPrint's log).
//
// On every release, generating a key for a pair that has one returns the existing key;
// OctoPrint matches application names without regard to case, and does not check that
// the user exists. Deleting a user leaves its keys, and a later user of that name
// inherits them.
const appKeysPath = "api/plugin/appkeys"

// ErrAppKeysDisabled is returned when the server does not serve the Application Keys
// plugin's API: the plugin is disabled (or, on a custom build, absent).
var ErrAppKeysDisabled = errors.New("OctoPrint's Application Keys plugin is disabled: enable it under Settings > Plugin Manager " +
	"(it is bundled with OctoPrint), then restart OctoPrint")

// AppKey is an application key: the key of one user for one application.
type AppKey struct {
	App  string `json:"app_id"`
	User string `json:"user_id"`
	// APIKey is the key itself. OctoPrint 1.9 lists it; later releases give it only to
	// a lookup of one key (AppKey).
	APIKey string `json:"api_key,omitempty"`
}

// Is tells whether the key is the one of user for app, as OctoPrint matches them: the
// user exactly, the application without regard to case.
func (k *AppKey) Is(user, app string) bool {
	return k.User == user && strings.EqualFold(k.App, app)
}

// FindAppKey returns the key of user for app in keys, nil when there is none.
func FindAppKey(keys []AppKey, user, app string) *AppKey {
	i := slices.IndexFunc(keys, func(k AppKey) bool { return k.Is(user, app) })
	if i < 0 {
		return nil
	}
	return &keys[i]
}

// ListAppKeys returns every user's application keys, from the client's snapshot: one
// request serves every read until the client writes an application key. Only OctoPrint
// 1.9 gives their values here.
func (c *Client) ListAppKeys(ctx context.Context) ([]AppKey, error) {
	if c.appKeysDisabled.Load() {
		return nil, ErrAppKeysDisabled
	}
	keys, err := c.appKeys.get(ctx, c.server.appKeysGeneration.Load(), func(ctx context.Context) ([]AppKey, error) {
		var out struct {
			Keys []AppKey `json:"keys"`
		}
		err := c.get(ctx, appKeysPath+"?all=true", &out)
		if errors.Is(err, ErrNotFound) {
			// Plugins change only when OctoPrint restarts: once is enough to ask.
			c.appKeysDisabled.Store(true)
			return nil, fmt.Errorf("%w (%s)", ErrAppKeysDisabled, err.Error()) // not a missing key: not wrapped
		}
		return out.Keys, err
	})
	return slices.Clone(keys), err
}

// AppKey returns the key of user for app, its value included, or an error matching
// ErrNotFound.
func (c *Client) AppKey(ctx context.Context, user, app string) (*AppKey, error) {
	lookup, err := c.appKeysLookup(ctx)
	if err != nil {
		return nil, err
	}
	if !lookup {
		keys, err := c.ListAppKeys(ctx)
		if err != nil {
			return nil, err
		}
		if k := FindAppKey(keys, user, app); k != nil {
			return k, nil
		}
		return nil, &APIError{Method: http.MethodGet, Path: "/" + appKeysPath, StatusCode: http.StatusNotFound,
			Message: "OctoPrint lists no application key of that user and application"}
	}
	var out struct {
		Key AppKey `json:"key"`
	}
	err = c.get(ctx, appKeysPath+"?"+url.Values{"app": {app}, "user": {user}}.Encode(), &out)
	switch {
	case errors.Is(err, ErrNotFound):
		// A disabled plugin answers the same 404: the list tells them apart.
		if _, listErr := c.ListAppKeys(ctx); listErr != nil {
			return nil, listErr
		}
		return nil, err
	case err != nil:
		return nil, err
	case out.Key.APIKey == "":
		return nil, fmt.Errorf("OctoPrint answered the lookup of the application key of user %q for %q without the key", user, app)
	}
	return &out.Key, nil
}

// appKeysLookup tells whether the server looks one key up by user and application, and
// revokes by them (1.10 and later); 1.9 does neither.
func (c *Client) appKeysLookup(ctx context.Context) (bool, error) {
	v, err := c.ServerVersion(ctx)
	if err != nil {
		return false, err
	}
	return v.AtLeast(1, 10), nil
}

// GenerateAppKey generates the key of user for app and returns it. When the pair has a
// key already, OctoPrint returns that key instead: callers check first.
func (c *Client) GenerateAppKey(ctx context.Context, user, app string) (string, error) {
	var out struct {
		APIKey string `json:"api_key"`
	}
	body := map[string]string{"command": "generate", "app": app, "user": user}
	if _, err := c.write(ctx, http.MethodPost, appKeysPath, body, &out); err != nil {
		return "", err
	}
	if out.APIKey == "" {
		return "", fmt.Errorf("OctoPrint answered the generation of the application key of user %q for %q without the key", user, app)
	}
	return out.APIKey, nil
}

// RevokeAppKey revokes k, the key of a user for an application, when the pair still
// holds it (k.APIKey), and tells whether it did: a key generated since, outside this
// client, is left alone. With an empty k.APIKey, it revokes whatever key the pair holds.
func (c *Client) RevokeAppKey(ctx context.Context, k AppKey) (bool, error) {
	lookup, err := c.appKeysLookup(ctx)
	if err != nil {
		return false, err
	}
	current, err := c.AppKey(ctx, k.User, k.App)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case k.APIKey != "" && current.APIKey != k.APIKey:
		return false, nil
	case c.UsesAPIKey(current.APIKey):
		return false, fmt.Errorf("the application key of user %q for %q is the key this client authenticates with: not revoked", k.User, k.App)
	}
	// 1.9 revokes by the key's value; later releases by the pair (revoking by value there
	// is deprecated).
	body := map[string]string{"command": "revoke", "key": current.APIKey}
	if lookup {
		body = map[string]string{"command": "revoke", "app": current.App, "user": current.User}
	}
	_, err = c.write(ctx, http.MethodPost, appKeysPath, body, nil)
	if lookup && errors.Is(err, ErrBadRequest) {
		// "Need either app or key": the pair lost its key since the lookup.
		return false, nil
	}
	return err == nil, err
}

// RevokeUserAppKeys revokes every application key of the user, and returns how many it
// revoked. OctoPrint keeps a user's keys when it deletes the user, and hands them to the
// next user of that name: deleting a user calls for this. A server whose Application
// Keys plugin is disabled has no keys to revoke.
func (c *Client) RevokeUserAppKeys(ctx context.Context, user string) (int, error) {
	keys, err := c.ListAppKeys(ctx)
	if errors.Is(err, ErrAppKeysDisabled) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	revoked := 0
	for _, k := range keys {
		if k.User != user {
			continue
		}
		done, err := c.RevokeAppKey(ctx, AppKey{User: k.User, App: k.App, APIKey: k.APIKey})
		if err != nil {
			return revoked, err
		}
		if done {
			revoked++
		}
	}
	return revoked, nil
}
