// SPDX-License-Identifier: MPL-2.0

// Package testserver runs a real OctoPrint server for acceptance tests and the demo:
// a fresh base directory, no setup wizard, an admin with an API key, a free port; or,
// with Options.Unclaimed, a server as it comes out of the box (first run, no users, no key).
// It starts every version the project tests, 1.9 to 2.0: the command line below is the
// one they share.
package testserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// EnvBinary names the octoprint executable; the project's scripts install it and set it.
const EnvBinary = "OCTOPRINT_BIN"

// EnvVersion names the OctoPrint version the project's scripts installed at EnvBinary.
// When it is set, Start fails unless the server reports that version.
const EnvVersion = "OCTOPRINT_VERSION"

const (
	adminName    = "admin"
	startTimeout = 120 * time.Second
)

// config keeps the server quiet and offline: no wizard, no online checks, no rate limit
// on logins (tests log in often). CSRF protection stays on, as in production. Every
// version from 1.9 to 2.0 bundles the plugins disabled here.
const config = `server:
  firstRun: false
  onlineCheck: {enabled: false}
  pluginBlacklist: {enabled: false}
plugins:
  _disabled: [announcements, discovery, softwareupdate, tracking%s]
devel:
  enableRateLimiter: false
`

// unclaimedConfig is a server out of the box, in its first run, with its setup wizard
// (the online questions unanswered, the login rate limit on), less the plugins that go
// online or have wizards of their own.
const unclaimedConfig = `plugins:
  _disabled: [announcements, discovery, softwareupdate, tracking%s]
`

// Options tune Start. The zero value starts a throw-away server on a free port.
type Options struct {
	// Binary is the octoprint executable; default $OCTOPRINT_BIN.
	Binary string
	// Dir is the base directory; default a new temporary one, removed by Stop.
	Dir string
	// Port to listen on, on 127.0.0.1; default a free one.
	Port int
	// Version the server must report; default $OCTOPRINT_VERSION, and any when that is
	// not set either. An unclaimed server is not asked (only an admin may).
	Version string
	// Unclaimed starts a server out of the box: first run, no users, no API key; the
	// setup wizard (or octoprint_setup) claims it.
	Unclaimed bool
	// DisabledPlugins are bundled plugins to disable beside those config disables, such
	// as "appkeys".
	DisabledPlugins []string
}

// Server is a running OctoPrint.
type Server struct {
	URL           string
	APIKey        string
	AdminName     string
	AdminPassword string
	Dir           string
	PID           int
	// Version is the OctoPrint version the server reports (GET /api/version), as "1.11.8".
	Version string

	binary  string
	port    int
	cmd     *exec.Cmd
	tempDir bool
	done    chan struct{}
}

// Start sets up a base directory with an admin and starts OctoPrint on it. It returns
// when the server answers, or with an error that holds the end of its log.
func Start(ctx context.Context, opts Options) (*Server, error) {
	binary := opts.Binary
	if binary == "" {
		binary = os.Getenv(EnvBinary)
	}
	if binary == "" {
		return nil, fmt.Errorf("no octoprint executable: set %s (the project's Makefile installs OctoPrint and sets it)", EnvBinary)
	}
	s := &Server{AdminName: adminName, AdminPassword: randomHex(12), APIKey: randomHex(16), Dir: opts.Dir}
	if opts.Unclaimed {
		s.AdminName, s.AdminPassword, s.APIKey = "", "", ""
	}
	if s.Dir == "" {
		dir, err := os.MkdirTemp("", "octoprint-")
		if err != nil {
			return nil, err
		}
		s.Dir, s.tempDir = dir, true
	}
	var disabled string
	for _, p := range opts.DisabledPlugins {
		disabled += ", " + p
	}
	cfg := fmt.Sprintf(config, disabled)
	if opts.Unclaimed {
		cfg = fmt.Sprintf(unclaimedConfig, disabled)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	if !opts.Unclaimed {
		if err := s.addAdmin(ctx, binary); err != nil {
			return nil, err
		}
	}

	s.binary, s.port = binary, opts.Port
	if s.port == 0 {
		var err error
		if s.port, err = freePort(ctx); err != nil {
			return nil, err
		}
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", s.port)
	if err := s.serve(ctx); err != nil {
		return nil, err
	}
	if opts.Unclaimed {
		if err := s.checkUnclaimed(ctx); err != nil {
			_ = s.Stop()
			return nil, err
		}
		return s, nil
	}
	// The version check also proves that the admin's key works.
	if err := s.readVersion(ctx, opts.Version); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// readVersion asks the server its version with the admin's key, and demands want (or
// $OCTOPRINT_VERSION) when that is set.
func (s *Server) readVersion(ctx context.Context, want string) error {
	if want == "" {
		want = os.Getenv(EnvVersion)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/version", nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Api-Key", s.APIKey)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("asking OctoPrint its version: %w", err)
	}
	defer func() { _ = resp.Body.Close() }() // read below; nothing to flush
	var version struct {
		Server string `json:"server"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/version with the admin's key: %s:\n%s", resp.Status, s.LogTail())
	}
	if err := json.NewDecoder(resp.Body).Decode(&version); err != nil {
		return fmt.Errorf("reading the answer to GET /api/version: %w", err)
	}
	if version.Server == "" {
		return errors.New("GET /api/version answered no server version")
	}
	if want != "" && version.Server != want {
		return fmt.Errorf("%s runs OctoPrint %s, not %s", s.binary, version.Server, want)
	}
	s.Version = version.Server
	return nil
}

// checkUnclaimed demands that the server answers, without a login, that it needs its
// first admin.
func (s *Server) checkUnclaimed(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/setup/wizard", nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("asking OctoPrint about its setup: %w", err)
	}
	defer func() { _ = resp.Body.Close() }() // read below; nothing to flush
	var wizards struct {
		Core struct {
			Details struct {
				ACL struct {
					Required bool `json:"required"`
				} `json:"acl"`
			} `json:"details"`
		} `json:"corewizard"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/setup/wizard without a login: %s, want 200 from a server in its first run:\n%s", resp.Status, s.LogTail())
	}
	if err := json.NewDecoder(resp.Body).Decode(&wizards); err != nil {
		return fmt.Errorf("reading the answer to GET /api/setup/wizard: %w", err)
	}
	if !wizards.Core.Details.ACL.Required {
		return errors.New("the new server does not ask for its first admin")
	}
	return nil
}

// serve starts OctoPrint on the server's directory and port, and waits until it answers.
func (s *Server) serve(ctx context.Context) error {
	logFile, err := os.OpenFile(filepath.Join(s.Dir, "serve.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	// OctoPrint writes through its own descriptor; ours has nothing to flush.
	defer func() { _ = logFile.Close() }()
	// --basedir after serve: 1.9 and 1.10 ignore it before (and serve ~/.octoprint).
	// --iknowwhatimdoing: OctoPrint refuses to run as root without it, and CI runs as root.
	// Not tied to ctx, which bounds the start-up only: the server runs until Stop or Kill.
	s.cmd = exec.Command(s.binary, "serve", "--basedir", s.Dir, "--host", "127.0.0.1", "--port", strconv.Itoa(s.port), "--iknowwhatimdoing") //nolint:noctx // see above
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Its own process group, so that Stop ends OctoPrint's children too, and a detached
	// demo server outlives the command that started it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.binary, err)
	}
	s.PID = s.cmd.Process.Pid
	done := make(chan struct{})
	s.done = done
	go func(cmd *exec.Cmd) { _ = cmd.Wait(); close(done) }(s.cmd)

	if err := s.waitReady(ctx); err != nil {
		_ = s.Stop()
		return err
	}
	return nil
}

// Kill ends the server at once, as a power cut would, keeping its directory.
func (s *Server) Kill() {
	_ = syscall.Kill(-s.PID, syscall.SIGKILL)
	<-s.done
}

// Restart starts the server again on the same directory and port, after Kill.
func (s *Server) Restart(ctx context.Context) error {
	return s.serve(ctx)
}

// addAdmin creates the admin with OctoPrint's own command line, then gives it an API key
// in users.yaml, which the server reads when it starts. `user add` takes --basedir only
// before `user` (the opposite of serve), in every version; each writes `apikey: null`.
func (s *Server) addAdmin(ctx context.Context, binary string) error {
	out, err := exec.CommandContext(ctx, binary, "--basedir", s.Dir, "user", "add", s.AdminName,
		"--password", s.AdminPassword, "--group", "admins", "--group", "users").CombinedOutput()
	if err != nil {
		return fmt.Errorf("octoprint user add: %w: %s", err, out)
	}
	usersFile := filepath.Join(s.Dir, "users.yaml")
	users, err := os.ReadFile(usersFile) //nolint:gosec // G304: users.yaml in the server's own base directory
	if err != nil {
		return err
	}
	withKey := bytes.Replace(users, []byte("apikey: null"), []byte("apikey: "+s.APIKey), 1)
	if bytes.Equal(withKey, users) {
		return fmt.Errorf("%s has no `apikey: null` line to give the admin a key:\n%s", usersFile, users)
	}
	return os.WriteFile(usersFile, withKey, 0o600) //nolint:gosec // G703: users.yaml in the server's own base directory
}

func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		// /online.txt is served by the real server only, not by its start-up stand-in.
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/online.txt", nil)
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close() // only the status matters
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("OctoPrint exited during start-up:\n%s", s.LogTail())
		case <-ctx.Done():
			return fmt.Errorf("OctoPrint did not answer at %s within %s:\n%s", s.URL, startTimeout, s.LogTail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// LogTail returns the end of the server's log.
func (s *Server) LogTail() string {
	data, _ := os.ReadFile(filepath.Join(s.Dir, "serve.log"))
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// Stop ends the server and removes a temporary base directory.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = syscall.Kill(-s.PID, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-s.PID, syscall.SIGKILL)
		<-s.done
	}
	if s.tempDir {
		return os.RemoveAll(s.Dir)
	}
	return nil
}

// Login logs in as a user with a password, as OctoPrint's web interface does (session
// login, with the CSRF cookie). It returns nil when OctoPrint accepts the password.
func Login(ctx context.Context, baseURL, user, password string) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	base := strings.TrimSuffix(baseURL, "/")

	// Any page sets the CSRF cookie that the login must echo in a header.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close() // only the cookie matters
	var token string
	for _, c := range jar.Cookies(req.URL) {
		if strings.HasPrefix(c.Name, "csrf_token") {
			token = c.Value
		}
	}
	if token == "" {
		return errors.New("OctoPrint set no CSRF cookie")
	}

	body, _ := json.Marshal(map[string]string{"user": user, "pass": password})
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", token)
	resp, err = client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close() // only the status matters
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login of %q refused: %s", user, resp.Status)
	}
	return nil
}

func freePort(ctx context.Context) (int, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if err := l.Close(); err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("listening on %s, not a TCP address", l.Addr())
	}
	return addr.Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
