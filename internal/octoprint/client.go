// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// maxResponseBytes bounds what the client reads of one answer: OctoPrint's largest
// (the user list of a big farm) is far below it, a misdirected download is not.
const maxResponseBytes = 32 << 20

// MaxRequestBytes is the largest request body OctoPrint accepts by default
// (server.maxSize): a larger one it answers with a bare 400 and a reset connection.
const MaxRequestBytes = 100 << 10

// Config describes one OctoPrint server and how to reach it.
type Config struct {
	// URL is the server's base address, e.g. http://octopi.local or https://host/octoprint/.
	URL string
	// APIKey is sent as X-Api-Key: a user's own key or an application key. Leave it empty
	// to log in with Username and Password instead.
	APIKey string
	// Username and Password log in as that user, at the first request that needs it
	// (see session): the user may not exist yet when the client is made.
	Username, Password string
	// UserAgent is sent with every request.
	UserAgent string
	// Headers are extra headers for every request, e.g. for a reverse proxy.
	Headers map[string]string
	// Timeout bounds each request, connection to last byte. Zero means no limit.
	Timeout time.Duration
	// InsecureSkipVerify turns off TLS certificate verification.
	InsecureSkipVerify bool
	// CACertificatePEM, when set, is the only CA trusted for the server's certificate.
	CACertificatePEM string
	// Logger, when set, receives one debug record per request, secrets masked.
	Logger Logger
	// Retries is how often a request is tried again after a refused connection, a 502,
	// 503 or 504, or OctoPrint's start-up answer; the provider uses DefaultRetries.
	Retries int
	// RetryWaitMin and RetryWaitMax bound the waits between tries; zero means 1 s and 15 s.
	RetryWaitMin, RetryWaitMax time.Duration
	// Transport replaces the default HTTP transport (tests).
	Transport http.RoundTripper
}

// Client talks to one OctoPrint server. It is safe for concurrent use.
type Client struct {
	cfg       Config
	baseURL   *url.URL
	apiKey    string
	session   *session
	userAgent string
	headers   map[string]string
	http      *http.Client
	logger    Logger
	server    *server

	users       snapshot[[]User]
	groups      snapshot[[]Group]
	permissions snapshot[[]Permission]
	appKeys     snapshot[[]AppKey]
	// appKeysDisabled remembers that the server does not serve application keys.
	appKeysDisabled atomic.Bool
	caller          snapshot[*CurrentUser]
	version         snapshot[*Version]
}

// server is what every client of one OctoPrint server in this process shares (a
// configuration may hold several provider blocks for one server).
type server struct {
	// writes lets one write at a time through: OctoPrint >= 1.10 loses users when two
	// writes to its user file overlap. A channel, so that waiting honours the context.
	writes chan struct{}
	// machine does the same across the processes of this machine.
	machine *machineLock
	// generation counts the writes, so that every client knows when its snapshot of
	// the user list is out of date.
	generation atomic.Uint64
	// accessGeneration counts the writes to groups, for the snapshots of groups and
	// permissions (which change only with groups, or with plugins at a restart).
	accessGeneration atomic.Uint64
	// appKeysGeneration counts the writes to application keys, for their snapshot. They
	// are the only writes that change application keys, and change nothing else.
	appKeysGeneration atomic.Uint64
}

var servers sync.Map

// serverFor returns what the clients of the server at base share, keyed by the server
// itself rather than the spelling of its URL.
func serverFor(base *url.URL) *server {
	key := serverKey(base)
	if s, ok := servers.Load(key); ok {
		return s.(*server) //nolint:forcetypeassert // only *server is stored
	}
	s, _ := servers.LoadOrStore(key, newServer(key))
	return s.(*server) //nolint:forcetypeassert // only *server is stored
}

// serverKey names the server a base URL points at: scheme and host in lower case (both
// are case-insensitive), no default port, and no user information. Two provider blocks
// that spell one server's URL differently then share its write lock.
func serverKey(base *url.URL) string {
	scheme, host, port := strings.ToLower(base.Scheme), strings.ToLower(base.Hostname()), base.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host + base.EscapedPath()
}

func newServer(url string) *server {
	return &server{writes: make(chan struct{}, 1), machine: newMachineLock(url)}
}

// New checks cfg and returns a client for it.
func New(cfg Config) (*Client, error) {
	base, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(cfg); err != nil {
		return nil, err
	}
	for name, value := range cfg.Headers {
		if err := CheckHeader(name, value); err != nil {
			return nil, err
		}
	}
	transport := cfg.Transport
	if transport == nil {
		tlsConfig, err := newTLSConfig(cfg.InsecureSkipVerify, cfg.CACertificatePEM)
		if err != nil {
			return nil, err
		}
		defaultTransport, ok := http.DefaultTransport.(*http.Transport)
		if !ok {
			return nil, fmt.Errorf("http.DefaultTransport is a %T, not an *http.Transport", http.DefaultTransport)
		}
		t := defaultTransport.Clone()
		t.TLSClientConfig = tlsConfig
		transport = t
	}
	c := &Client{
		cfg:       cfg,
		baseURL:   base,
		apiKey:    cfg.APIKey,
		userAgent: cfg.UserAgent,
		headers:   cfg.Headers,
		logger:    cfg.Logger,
		server:    serverFor(base),
	}
	var jar http.CookieJar
	if cfg.APIKey == "" {
		c.session = newSession(cfg.Username, cfg.Password)
		jar = c.session.jar
	}
	c.http = newRetryingClient(transport, jar, cfg)
	return c, nil
}

// checkCredentials demands exactly one way to authenticate: an API key, or a username
// and password.
func checkCredentials(cfg Config) error {
	switch {
	case cfg.APIKey != "" && (cfg.Username != "" || cfg.Password != ""):
		return errors.New("give either an API key or a username and password, not both")
	case cfg.APIKey != "":
		return CheckAPIKey(cfg.APIKey)
	case cfg.Username == "" && cfg.Password == "":
		return CheckAPIKey(cfg.APIKey)
	}
	return CheckLogin(cfg.Username, cfg.Password)
}

// ParseURL checks that raw is an absolute http(s) URL and returns it with a trailing slash.
// Its errors never repeat a password given in the URL.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("the URL is not valid: " + strings.ReplaceAll(err.Error(), raw, "<url>"))
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("the URL %q must start with http:// or https://", shown)
	case u.Hostname() == "":
		return nil, fmt.Errorf("the URL %q has no host (Go would send its requests to this machine)", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.RawFragment != "":
		return nil, fmt.Errorf("the URL %q must not have a query or fragment", shown)
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/api"):
		return nil, fmt.Errorf("the URL %q ends in /api: give the server's base URL, as the browser shows it (%s), and the client adds the API's paths itself",
			shown, strings.TrimSuffix(strings.TrimSuffix(shown, "/"), "/api")+"/")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

func newTLSConfig(insecure bool, caPEM string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // opt-in by the user
	if strings.TrimSpace(caPEM) != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(caPEM)) {
			return nil, errors.New("the CA certificate holds no PEM-encoded certificate")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// CheckAPIKey says what is wrong with an API key, nil when nothing is. OctoPrint's keys
// are printable ASCII without spaces; white space around one is a copy-and-paste slip
// that OctoPrint would answer with 403 on every call.
func CheckAPIKey(key string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return errors.New("the API key is empty")
	case strings.TrimSpace(key) != key:
		return errors.New("the API key starts or ends with white space (a line break copied with it?)")
	case !httpguts.ValidHeaderFieldValue(key):
		return errors.New("the API key holds a control character, which no HTTP header may carry")
	}
	return nil
}

// CheckHeader says what is wrong with an extra header, nil when nothing is: a name that
// is not an HTTP token, or a value with a line break or another control character.
func CheckHeader(name, value string) error {
	switch {
	case !httpguts.ValidHeaderFieldName(name):
		return fmt.Errorf("%q is not a valid HTTP header name: use letters, digits and !#$%%&'*+-.^_`|~ only", name)
	case !httpguts.ValidHeaderFieldValue(value):
		return fmt.Errorf("the value of header %q holds a line break or another control character, which no HTTP header may carry", name)
	}
	return nil
}

// UsesAPIKey tells whether key is the one this client authenticates with.
func (c *Client) UsesAPIKey(key string) bool {
	return key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(c.apiKey)) == 1
}

// get reads path into out.
func (c *Client) get(ctx context.Context, path string, out any) error {
	answer, err := c.send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	return answer.decode(out)
}

// write sends a changing request, one at a time per server, and reads the answer into
// out. It returns the server's write counts that include it, for the writes that OpenTofu
// answers with a whole list (writeUsers, writeGroups).
func (c *Client) write(ctx context.Context, method, path string, body, out any) (writeCounts, error) {
	answer, counts, err := c.sendAlone(ctx, method, path, body)
	if err != nil {
		return counts, err
	}
	// Decoded after the next write may go: a large user list takes a while.
	return counts, answer.decode(out)
}

// writeUsers sends a write that OctoPrint answers with the whole user list (adding,
// updating or deleting a user), and keeps that list as the client's snapshot: the next
// read needs no request.
func (c *Client) writeUsers(ctx context.Context, method, path string, body any) ([]User, error) {
	var list userList
	counts, err := c.write(ctx, method, path, body, &list)
	if err != nil {
		return nil, err
	}
	c.users.store(list.Users, counts.all)
	return list.Users, nil
}

// writeGroups is writeUsers for the writes that OctoPrint answers with the group list.
func (c *Client) writeGroups(ctx context.Context, method, path string, body any) ([]Group, error) {
	var list groupList
	counts, err := c.write(ctx, method, path, body, &list)
	if err != nil {
		return nil, err
	}
	c.groups.store(list.Groups, counts.access)
	return list.Groups, nil
}

// writeCounts are the server's write counts that include a write.
type writeCounts struct {
	all, access uint64
}

// sendAlone sends a write while no other write to the server is under way, and returns
// the server's write counts that include it.
func (c *Client) sendAlone(ctx context.Context, method, path string, body any) (reply, writeCounts, error) {
	var counts writeCounts
	answer, err := c.authorized(ctx, method, path, func(ctx context.Context) (reply, error) {
		return c.alone(ctx, method, path, func(ctx context.Context) (reply, error) {
			answer, err := c.do(ctx, method, path, body)
			counts = c.count(path)
			return answer, err
		})
	})
	return answer, counts, c.explain(ctx, path, err)
}

// count moves the server's write counts on for a write to path, and returns them.
func (c *Client) count(path string) writeCounts {
	if strings.HasPrefix(path, appKeysPath) {
		// The user and group lists do not show application keys: their snapshots stay.
		c.server.appKeysGeneration.Add(1)
		return writeCounts{all: c.server.generation.Load(), access: c.server.accessGeneration.Load()}
	}
	counts := writeCounts{access: c.server.accessGeneration.Load()}
	if strings.HasPrefix(path, groupsPath) {
		counts.access = c.server.accessGeneration.Add(1)
	}
	counts.all = c.server.generation.Add(1)
	return counts
}

// alone runs send while no other write to the server is under way: within the process,
// and across the processes of this machine.
func (c *Client) alone(ctx context.Context, method, path string, send func(context.Context) (reply, error)) (reply, error) {
	select {
	case c.server.writes <- struct{}{}:
		defer func() { <-c.server.writes }()
	case <-ctx.Done():
		return reply{}, fmt.Errorf("waiting to send %s %s: %w", method, path, ctx.Err())
	}
	if err := c.server.machine.lock(ctx); err != nil {
		return reply{}, fmt.Errorf("waiting for other processes writing to this OctoPrint to send %s %s: %w", method, path, err)
	}
	defer c.server.machine.unlock()
	if err := ctx.Err(); err != nil {
		return reply{}, fmt.Errorf("not sending %s %s: %w", method, path, err)
	}
	// Once sent, a write is seen through to its answer (each try bounded by the request
	// timeout), even if the caller's deadline passes meanwhile: abandoning it would leave
	// the caller not knowing whether the server made the change.
	return send(context.WithValue(context.WithoutCancel(ctx), callerKey{}, ctx))
}

// send makes a request that changes nothing on the server, as the client's user.
func (c *Client) send(ctx context.Context, method, path string, body any) (reply, error) {
	answer, err := c.authorized(ctx, method, path, func(ctx context.Context) (reply, error) {
		return c.do(ctx, method, path, body)
	})
	return answer, c.explain(ctx, path, err)
}

// explain adds to a refusal (403) what OctoPrint says of the caller.
func (c *Client) explain(ctx context.Context, path string, err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && path != currentUserPath && apiErr.Hint == "" &&
		!errors.Is(err, ErrLoginRefused) {
		apiErr.Hint = c.forbiddenHint(ctx)
	}
	return err
}

// reply is a successful answer from OctoPrint, not yet decoded.
type reply struct {
	method, path, contentType string
	data                      []byte
}

// decode reads the answer into out; a nil out ignores it.
func (r reply) decode(out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(r.data, out); err != nil {
		return fmt.Errorf("the answer to %s %s is not the JSON OctoPrint sends (Content-Type %q, starts with %q): is the URL pointing at OctoPrint? %w",
			r.method, r.path, r.contentType, snippet(r.data), err)
	}
	return nil
}

// do makes one request, tried again as the retry policy says, and returns the answer, or
// an *APIError for a status of 400 and above. It sends the API key, or the cookies of a
// password login and the CSRF token that OctoPrint demands of a change made with them.
func (c *Client) do(ctx context.Context, method, path string, body any) (reply, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return reply{}, fmt.Errorf("encoding the request to %s %s: %w", method, path, err)
		}
		if len(payload) > MaxRequestBytes {
			return reply{}, fmt.Errorf("the request to %s /%s is %d bytes, more than the %d OctoPrint accepts (its server.maxSize): not sent",
				method, path, len(payload), MaxRequestBytes)
		}
	}
	// path is already escaped; appending it to the base keeps it as built (JoinPath would
	// clean "." and ".." out of user names).
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL.String()+path, bytes.NewReader(payload))
	if err != nil {
		return reply{}, fmt.Errorf("building the request to %s %s: %w", method, path, err)
	}
	for k, v := range c.headers {
		if http.CanonicalHeaderKey(k) == "Host" {
			req.Host = v // Go sends req.Host, not a Host header
			continue
		}
		req.Header.Set(k, v)
	}
	if c.apiKey != "" {
		req.Header.Set("X-Api-Key", c.apiKey)
	}
	if token := c.session.csrfToken(c.baseURL); token != "" && method != http.MethodGet {
		req.Header.Set(csrfHeader, token)
	}
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	reqCtx, st := withRetryState(req.Context(), req.URL)
	req = req.WithContext(reqCtx)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil && st.plainHTTP {
		err = fmt.Errorf("%w: the server speaks plain HTTP, not HTTPS; start the URL with http://", err)
	}
	if err != nil {
		c.log(ctx, req, payload, nil, nil, time.Since(start), err)
		return reply{}, fmt.Errorf("%s %s (%s): %w", method, req.URL.Redacted(), tries(st.attempts), err)
	}
	// The body is read below: an error closing it afterwards loses nothing.
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	c.log(ctx, req, payload, resp, data, time.Since(start), err)
	if err != nil {
		return reply{}, fmt.Errorf("reading the answer to %s /%s: %w", method, path, err)
	}
	if len(data) > maxResponseBytes {
		return reply{}, fmt.Errorf("the answer to %s /%s is larger than %d MiB: is the URL pointing at OctoPrint?", method, path, maxResponseBytes>>20)
	}

	if resp.StatusCode >= 400 {
		return reply{}, &APIError{Method: method, Path: "/" + path, StatusCode: resp.StatusCode, Message: errorMessage(data), Attempts: st.attempts}
	}
	return reply{method: method, path: "/" + path, contentType: resp.Header.Get("Content-Type"), data: data}, nil
}

func tries(n int) string {
	if n == 1 {
		return "1 try"
	}
	return fmt.Sprintf("%d tries", n)
}

// errorMessage returns OctoPrint's {"error": "..."} text, or the start of any other body.
func errorMessage(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return e.Error
	}
	return snippet(body)
}

func snippet(body []byte) string {
	const limit = 120
	s := strings.TrimSpace(string(body))
	if len(s) > limit {
		s = s[:limit] + "..."
	}
	return s
}

// forbiddenHint asks OctoPrint who the caller is, to explain a 403.
func (c *Client) forbiddenHint(ctx context.Context) string {
	me, err := c.CurrentUser(ctx)
	switch {
	case err != nil:
		return ""
	case me.Name == "" && c.session != nil:
		return "OctoPrint treats the request as anonymous although the client logged in"
	case me.Name == "":
		return "OctoPrint does not recognize the API key: it treats the request as anonymous"
	case !me.HasPermission(PermissionAdmin) && c.session != nil:
		return fmt.Sprintf("the client logs in as user %q, who lacks admin rights: add that user to the admins group or log in as an admin", me.Name)
	case !me.HasPermission(PermissionAdmin):
		return fmt.Sprintf("the API key belongs to user %q, who lacks admin rights: add that user to the admins group or use an admin's key", me.Name)
	case c.session != nil:
		return fmt.Sprintf("the client logs in as user %q", me.Name)
	}
	return fmt.Sprintf("the API key belongs to user %q", me.Name)
}

// userPath builds the path of a user, escaping its name (spaces, unicode).
func userPath(name string, rest ...string) string {
	p := "api/access/users/" + url.PathEscape(name)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}
