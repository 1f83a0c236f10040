// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
)

// A server out of the box is in its first run: it has no users, and its setup wizard
// asks for the first admin. The calls below claim it as that wizard does. The first two
// need no login (there is nobody to log in as yet).

const (
	wizardPath   = "api/setup/wizard"
	aclPath      = "plugin/corewizard/acl"
	settingsPath = "api/settings"
)

// Wizard is the state of one of the setup wizard's parts (a plugin's wizard).
type Wizard struct {
	Required bool `json:"required"`
	// Ignored: the wizard was finished in the version it has now.
	Ignored bool            `json:"ignored"`
	Details json.RawMessage `json:"details"`
}

// SetupState is what a server says of its setup without a login.
type SetupState struct {
	// Open: the server answers without a login, which it does while it is in its first run
	// or has no users. A server that has been set up refuses (and is not Open).
	Open bool
	// NeedsAdmin: the server has no users; CreateFirstAdmin may make the first.
	NeedsAdmin bool
	// Wizards are the wizards by name, when Open.
	Wizards map[string]Wizard
}

// SetupState asks the server, without a login, whether it is set up.
func (c *Client) SetupState(ctx context.Context) (*SetupState, error) {
	answer, err := c.do(ctx, http.MethodGet, wizardPath, nil)
	if errors.Is(err, ErrForbidden) {
		return &SetupState{}, nil
	}
	if err != nil {
		return nil, err
	}
	state := &SetupState{Open: true}
	if err := answer.decode(&state.Wizards); err != nil {
		return nil, err
	}
	var core struct {
		ACL struct {
			Required bool `json:"required"`
		} `json:"acl"`
	}
	if w, ok := state.Wizards["corewizard"]; ok && len(w.Details) > 0 {
		if err := json.Unmarshal(w.Details, &core); err != nil {
			return nil, fmt.Errorf("reading the core wizard's details: %w", err)
		}
	}
	state.NeedsAdmin = core.ACL.Required
	return state, nil
}

// RequiredWizards returns the names of the wizards the web interface would still show,
// sorted: those required and not finished in their current version.
func (c *Client) RequiredWizards(ctx context.Context) ([]string, error) {
	var wizards map[string]Wizard
	if err := c.get(ctx, wizardPath, &wizards); err != nil {
		return nil, err
	}
	var names []string
	for name, w := range wizards {
		if w.Required && !w.Ignored {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// CreateFirstAdmin makes the first admin (groups admins and users) of a server that has
// no users, as the wizard's access control step does. During its first run OctoPrint takes
// this call from any user who is logged in (or sends a key), and then overwrites a user of
// the same name; so it is sent on a session of its own, without a login or a key, which
// OctoPrint refuses (403) once the server has a user, and (404) after its first run. The
// caller checks SetupState first, and logs in as the new admin afterwards to prove it.
func (c *Client) CreateFirstAdmin(ctx context.Context, name, password string) error {
	if err := CheckLogin(name, password); err != nil {
		return err
	}
	anonymous, err := c.WithLogin(name, password) // a new session, never logged in
	if err != nil {
		return err
	}
	if err := anonymous.fetchCSRFCookie(ctx); err != nil {
		return err
	}
	body := struct {
		User  string `json:"user"`
		Pass1 string `json:"pass1"`
		Pass2 string `json:"pass2"`
	}{name, password, password}
	_, err = anonymous.alone(ctx, http.MethodPost, aclPath, func(ctx context.Context) (reply, error) {
		answer, err := anonymous.do(ctx, http.MethodPost, aclPath, body)
		anonymous.count(aclPath)
		return answer, err
	})
	return err
}

// FinishWizard marks the wizards as finished, as the web interface does at the end of
// its setup wizard: the server leaves its first run and does not show them again.
func (c *Client) FinishWizard(ctx context.Context, handled []string) error {
	body := struct {
		Handled []string `json:"handled"`
	}{nonNil(slices.Clone(handled))}
	_, err := c.write(ctx, http.MethodPost, wizardPath, body, nil)
	return err
}

// OnlineSettings are the two questions of the setup wizard about going online.
type OnlineSettings struct {
	// OnlineCheck: OctoPrint checks regularly whether it is online.
	OnlineCheck *bool
	// PluginBlacklist: OctoPrint fetches the list of plugins known to break it, and
	// disables those (named the blocklist in 2.0).
	PluginBlacklist *bool
}

type serverSettings struct {
	Server struct {
		OnlineCheck     enabled `json:"onlineCheck"`
		PluginBlacklist enabled `json:"pluginBlacklist"`
	} `json:"server"`
}

type enabled struct {
	Enabled *bool `json:"enabled,omitempty"`
}

// GetOnlineSettings reads the answers to the wizard's online questions; nil while unanswered.
func (c *Client) GetOnlineSettings(ctx context.Context) (*OnlineSettings, error) {
	var s serverSettings
	if err := c.get(ctx, settingsPath, &s); err != nil {
		return nil, err
	}
	return &OnlineSettings{OnlineCheck: s.Server.OnlineCheck.Enabled, PluginBlacklist: s.Server.PluginBlacklist.Enabled}, nil
}

// SaveOnlineSettings answers the wizard's online questions; nil fields are left as they are.
// (OctoPrint 2.0 takes pluginBlacklist as the name of its blocklist from clients of the
// older API.)
func (c *Client) SaveOnlineSettings(ctx context.Context, o OnlineSettings) error {
	var s serverSettings
	s.Server.OnlineCheck.Enabled, s.Server.PluginBlacklist.Enabled = o.OnlineCheck, o.PluginBlacklist
	_, err := c.write(ctx, http.MethodPost, settingsPath, s, nil)
	return err
}
