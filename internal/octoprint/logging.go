// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Logger receives one debug record per request. Its signature matches tflog.Debug.
type Logger func(ctx context.Context, msg string, fields ...map[string]any)

// Masked stands in for every secret in a log record.
const Masked = "***"

// secretHeaders and secretFields never reach a log with their values.
var (
	secretHeaders = []string{"X-Api-Key", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", csrfHeader}
	// pass, pass1 and pass2 are the passwords of a login and of the first admin; session
	// is the session's own key, which a login answers with.
	secretFields = map[string]bool{"password": true, "current": true, "apikey": true, "api_key": true,
		"pass": true, "pass1": true, "pass2": true, "session": true}
	// appKeySecretFields adds `key`: an application key sent to be revoked (OctoPrint 1.9),
	// or looked up with its value. Elsewhere `key` names a group, and stays readable.
	appKeySecretFields = withKey(secretFields)
)

// withKey is fields and `key`.
func withKey(fields map[string]bool) map[string]bool {
	all := map[string]bool{"key": true}
	for name := range fields {
		all[name] = true
	}
	return all
}

// maxLoggedBody keeps a large user list from flooding the log.
const maxLoggedBody = 4096

func (c *Client) log(ctx context.Context, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, took time.Duration, err error) {
	if c.logger == nil {
		return
	}
	fields := map[string]any{
		"method":          req.Method,
		"url":             req.URL.Redacted(),
		"request_headers": maskHeaders(req.Header, c.headers),
		"duration_ms":     took.Milliseconds(),
	}
	secrets := secretFields
	if strings.HasSuffix(req.URL.Path, "/"+appKeysPath) {
		secrets = appKeySecretFields
	}
	if len(reqBody) > 0 {
		fields["request_body"] = maskJSON(reqBody, secrets)
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
		fields["response_body"] = maskJSON(respBody, secrets)
		if req.URL.Path == c.baseURL.Path+settingsPath && resp.StatusCode < 400 {
			// The server's settings hold secrets under names of every kind (the global
			// API key is api.key): none of it is logged.
			fields["response_body"] = "(the server's settings, not logged)"
		}
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	c.logger(ctx, "OctoPrint API request", fields)
}

// maskHeaders returns the headers with the values of the secret ones masked, and of
// every header the configuration adds: those are often a proxy's credentials.
func maskHeaders(h http.Header, configured map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	mask := func(k string) {
		if _, ok := out[http.CanonicalHeaderKey(k)]; ok {
			out[http.CanonicalHeaderKey(k)] = Masked
		}
	}
	for _, k := range secretHeaders {
		mask(k)
	}
	for k := range configured {
		mask(k)
	}
	return out
}

// MaskJSON returns body with the values of secret fields (password, current, apikey, ...)
// replaced at any depth, cut to maxLoggedBody bytes for the log. It reads the body as a
// stream and stops at the cut, so that logging a large user list costs little. A body
// that is not JSON is left out, since there is no telling what secrets it holds.
func MaskJSON(body []byte) string {
	return maskJSON(body, secretFields)
}

// maskJSON is MaskJSON with the given secret fields (lower case).
func maskJSON(body []byte, secrets map[string]bool) string {
	if len(body) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	m := masker{dec: dec, secrets: secrets}
	for m.out.Len() <= maxLoggedBody {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) && m.started && len(m.stack) == 0 {
			return m.out.String()
		}
		if err != nil {
			return "(not JSON, " + http.DetectContentType(body) + ")"
		}
		if err := m.emit(tok); err != nil {
			return "(not JSON, " + http.DetectContentType(body) + ")"
		}
	}
	out := m.out.Bytes()
	n := maxLoggedBody
	for n > 0 && !utf8.RuneStart(out[n]) {
		n-- // never cut a character in two
	}
	return string(out[:n]) + "...(truncated)"
}

// masker writes JSON tokens back out compactly, masking the values of secret fields.
type masker struct {
	dec     *json.Decoder
	secrets map[string]bool
	out     bytes.Buffer
	stack   []container
	started bool
}

type container struct {
	object  bool
	count   int  // values written so far
	wantKey bool // in an object: the next token is a key
}

func (m *masker) emit(tok json.Token) error {
	m.started = true
	if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
		m.stack = m.stack[:len(m.stack)-1]
		m.out.WriteString(d.String())
		m.valueDone()
		return nil
	}
	if n := len(m.stack); n > 0 {
		top := &m.stack[n-1]
		if top.count > 0 && (!top.object || top.wantKey) {
			m.out.WriteByte(',')
		}
		if top.object && top.wantKey {
			key, _ := tok.(string)
			writeJSON(&m.out, key)
			m.out.WriteByte(':')
			top.wantKey = false
			if m.secrets[strings.ToLower(key)] {
				return m.maskValue()
			}
			return nil
		}
	}
	if d, ok := tok.(json.Delim); ok {
		m.out.WriteString(d.String())
		m.stack = append(m.stack, container{object: d == '{', wantKey: d == '{'})
		return nil
	}
	writeJSON(&m.out, tok)
	m.valueDone()
	return nil
}

// maskValue reads the value of a secret field and writes the mask in its place (a null
// stays null: it tells that there is no secret).
func (m *masker) maskValue() error {
	tok, err := m.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case nil:
		m.out.WriteString("null")
	case json.Delim('{'), json.Delim('['):
		for depth := 1; depth > 0; {
			if tok, err = m.dec.Token(); err != nil {
				return err
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
		}
		writeJSON(&m.out, Masked)
	default:
		writeJSON(&m.out, Masked)
	}
	m.valueDone()
	return nil
}

// valueDone counts a finished value in the enclosing container.
func (m *masker) valueDone() {
	if n := len(m.stack); n > 0 {
		top := &m.stack[n-1]
		top.count++
		top.wantKey = top.object
	}
}

func writeJSON(buf *bytes.Buffer, v any) {
	data, _ := json.Marshal(v)
	buf.Write(data)
}
