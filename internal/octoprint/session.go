// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
)

// A password login works as OctoPrint's web interface does: a page sets the CSRF cookie,
// POST /api/login opens a session (a cookie), and every change made in that session
// sends the CSRF cookie's value back as a header.
//
// The client logs in lazily, at the first request that needs it, so that it can be made
// for a user who does not exist yet (the admin that claiming a new server creates). It
// logs in again when OctoPrint no longer knows the session (a restart ends every session),
// and before a change when the password was last shown too long ago: OctoPrint 1.10 and
// later refuse changes to users, groups and keys unless the session's credentials were
// checked recently (accessControl.defaultReauthenticationTimeout, 5 minutes by default).
// Logging in again within a session renews that check.
//
// Only refused logins count against OctoPrint's login rate limit (3 a minute), so a
// refused login is never tried again by the same client.

const (
	loginPath     = "api/login"
	loginPagePath = "login" // a small page that sets the CSRF cookie
	csrfHeader    = "X-CSRF-Token"
	csrfCookie    = "csrf_token" // OctoPrint adds _P<port> (and the script root) to it
	// freshFor is how long the client counts a login as recent: less than OctoPrint's
	// default of 5 minutes. A shorter setting on the server is met by logging in again
	// when OctoPrint asks for it.
	freshFor = 4 * time.Minute
)

// now is the clock of the login's freshness; tests move it on.
var now = time.Now

// ErrLoginRefused is what a refused login matches (errors.Is).
var ErrLoginRefused = errors.New("login refused")

// LoginError is a login that OctoPrint refused.
type LoginError struct {
	User string
	// Err is OctoPrint's answer.
	Err error
}

func (e *LoginError) Error() string {
	var apiErr *APIError
	if errors.As(e.Err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests {
		return fmt.Sprintf("OctoPrint refused the login of user %q: %s (it allows 3 failed logins a minute, 5 in 10 minutes, 10 an hour)", e.User, apiErr.Message)
	}
	return fmt.Sprintf("OctoPrint refused the login of user %q (%s): the user does not exist, is deactivated, or the password is wrong", e.User, briefly(e.Err))
}

// briefly names an answer by its status alone, without OctoPrint's generic text.
func briefly(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%d %s to %s %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode), apiErr.Method, apiErr.Path)
	}
	return err.Error()
}

// Unwrap matches ErrLoginRefused and OctoPrint's answer.
func (e *LoginError) Unwrap() []error { return []error{ErrLoginRefused, e.Err} }

// session is a client's password login.
type session struct {
	user, password string
	jar            *cookiejar.Jar
	// turn lets one login at a time through; a channel, so that waiting honours the context.
	turn chan struct{}

	mu sync.Mutex
	// generation counts the logins; 0 before the first.
	generation uint64
	// seen is when OctoPrint last checked the password.
	seen time.Time
	// refused is the error of a refused login, returned from then on.
	refused error
	// tries counts the logins sent; failed is the error of the last one, nil if it did
	// not fail or failed with its caller.
	tries  uint64
	failed error
}

func newSession(user, password string) *session {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &session{user: user, password: password, jar: jar, turn: make(chan struct{}, 1)}
}

// CheckLogin says what is wrong with a username and password, nil when nothing is.
func CheckLogin(user, password string) error {
	switch {
	case user == "":
		return errors.New("the username is empty")
	case strings.TrimSpace(user) != user:
		return errors.New("the username starts or ends with white space, which no OctoPrint user name does")
	case password == "":
		return errors.New("the password is empty")
	case !httpguts.ValidHeaderFieldValue(user):
		return errors.New("the username holds a control character")
	}
	return nil
}

// Username returns the user the client logs in as, "" for a client with an API key.
func (c *Client) Username() string {
	if c.session == nil {
		return ""
	}
	return c.session.user
}

// LogsInAs tells whether the client logs in as user with password.
func (c *Client) LogsInAs(user, password string) bool {
	return c.session != nil && c.session.user == user && c.session.password == password
}

// WithLogin returns a client of the same server, with the same settings, that logs in as
// user with password: its own session, sharing the server's write lock.
func (c *Client) WithLogin(user, password string) (*Client, error) {
	cfg := c.cfg
	cfg.APIKey, cfg.Username, cfg.Password = "", user, password
	return New(cfg)
}

// Login logs in unless the client is logged in already (or uses an API key), and returns
// a *LoginError when OctoPrint refuses the login.
func (c *Client) Login(ctx context.Context) error {
	if c.session == nil {
		return nil
	}
	_, err := c.session.ready(ctx, c, false)
	return err
}

// authorized runs send as the client's user: with a password login, logged in (and
// recently, before a change), and once more after a new login when OctoPrint no longer
// knows the session or asks for the password again.
func (c *Client) authorized(ctx context.Context, method, path string, send func(context.Context) (reply, error)) (reply, error) {
	if c.session == nil {
		return send(ctx)
	}
	generation, err := c.session.ready(ctx, c, method != http.MethodGet)
	if err != nil {
		return reply{}, err
	}
	answer, err := send(ctx)
	if !sessionLost(path, answer, err) {
		return answer, err
	}
	if err := c.session.login(ctx, c, generation); err != nil {
		return reply{}, err
	}
	return send(ctx)
}

// sessionLost tells whether an answer says that OctoPrint no longer takes the session:
// a refusal (after a restart, or when it wants the password again), a failed CSRF check,
// or the caller read as anonymous.
func sessionLost(path string, answer reply, err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden ||
			apiErr.StatusCode == http.StatusBadRequest && strings.Contains(apiErr.Message, "CSRF")
	}
	if err != nil || path != currentUserPath {
		return false
	}
	var me struct {
		Name *string `json:"name"`
	}
	return json.Unmarshal(answer.data, &me) == nil && (me.Name == nil || *me.Name == "")
}

// ready logs in when the client has no session yet, or when a change needs a recent login
// and the last one is older than freshFor. It returns the session's generation.
func (s *session) ready(ctx context.Context, c *Client, change bool) (uint64, error) {
	s.mu.Lock()
	generation, seen, refused := s.generation, s.seen, s.refused
	s.mu.Unlock()
	switch {
	case refused != nil:
		return 0, refused
	case generation > 0 && (!change || now().Sub(seen) < freshFor):
		return generation, nil
	}
	if err := s.login(ctx, c, generation); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.generation, nil
}

// login logs in, unless another caller has done so since the session's generation was
// stale. A login that failed while this caller waited for its turn fails it too: with
// the server down, each waiter would otherwise wait out its own retries in turn.
func (s *session) login(ctx context.Context, c *Client, stale uint64) error {
	s.mu.Lock()
	tried := s.tries
	s.mu.Unlock()
	select {
	case s.turn <- struct{}{}:
		defer func() { <-s.turn }()
	case <-ctx.Done():
		return fmt.Errorf("waiting to log in to OctoPrint: %w", ctx.Err())
	}
	s.mu.Lock()
	generation, refused, tries, failed := s.generation, s.refused, s.tries, s.failed
	s.mu.Unlock()
	switch {
	case refused != nil:
		return refused
	case generation != stale:
		return nil
	case tries != tried && failed != nil:
		return failed
	}
	err := s.logIn(ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries++
	s.failed = nil
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusTooManyRequests):
		s.refused = &LoginError{User: s.user, Err: err}
		return s.refused
	case err != nil:
		err = fmt.Errorf("logging in to OctoPrint as %q: %w", s.user, err)
		if ctx.Err() == nil { // not its caller's giving up, which says nothing of the server
			s.failed = err
		}
		return err
	}
	s.generation++
	s.seen = now()
	return nil
}

// logIn fetches a CSRF cookie, then logs in. The login is serialized with the writes: on
// OctoPrint 1.10 and later it may rewrite the user's password hash in the users file.
func (s *session) logIn(ctx context.Context, c *Client) error {
	if err := c.fetchCSRFCookie(ctx); err != nil {
		return err
	}
	body := struct {
		User     string `json:"user"`
		Password string `json:"pass"`
	}{s.user, s.password}
	_, err := c.alone(ctx, http.MethodPost, loginPath, func(ctx context.Context) (reply, error) {
		return c.do(ctx, http.MethodPost, loginPath, body)
	})
	return err
}

// fetchCSRFCookie reads the small login page, which sets the CSRF cookie.
func (c *Client) fetchCSRFCookie(ctx context.Context) error {
	if _, err := c.do(ctx, http.MethodGet, loginPagePath, nil); err != nil {
		return fmt.Errorf("fetching OctoPrint's CSRF cookie: %w", err)
	}
	if c.session.csrfToken(c.baseURL) == "" {
		return fmt.Errorf("OctoPrint's page /%s set no %s cookie: is the URL pointing at OctoPrint?", loginPagePath, csrfCookie)
	}
	return nil
}

// csrfToken returns the value of the CSRF cookie for the server, "" when there is none
// (or the client uses an API key).
func (s *session) csrfToken(base *url.URL) string {
	if s == nil {
		return ""
	}
	for _, cookie := range s.jar.Cookies(base) {
		if strings.HasPrefix(cookie.Name, csrfCookie+"_P") {
			return cookie.Value
		}
	}
	return ""
}
