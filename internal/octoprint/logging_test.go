// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

type logRecord struct {
	msg    string
	fields map[string]any
}

// logRecorder is a Logger that keeps every record.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
}

func (l *logRecorder) log(_ context.Context, msg string, fields ...map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rec := logRecord{msg: msg, fields: map[string]any{}}
	for _, f := range fields {
		for k, v := range f {
			rec.fields[k] = v
		}
	}
	l.records = append(l.records, rec)
}

func (l *logRecorder) all() []logRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logRecord(nil), l.records...)
}

func withLogger(l *logRecorder) func(*Config) { return func(c *Config) { c.Logger = l.log } }

// stringField returns a field of a log record, which must be a string.
func stringField(t *testing.T, fields map[string]any, name string) string {
	t.Helper()
	s, ok := fields[name].(string)
	if !ok {
		t.Fatalf("field %s = %#v, want a string", name, fields[name])
	}
	return s
}

func TestLogMasksSecrets(t *testing.T) {
	secrets := []string{"key-secret-123", "pw-secret-456", "current-secret-789", "resp-key-abc", "proxy-secret-def", "cookie-secret-ghi",
		"nested-secret-jkl", "gateway-secret-mno", "proxy-auth-secret-pqr"}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			answer(200, `{"apikey":"resp-key-abc","users":[{"name":"x","password":"nested-secret-jkl"}]}`)(w, r)
			return
		}
		answer(200, `{}`)(w, r)
	})
	var rec logRecorder
	c := newClient(t, f.URL, withLogger(&rec), func(c *Config) {
		c.APIKey = "key-secret-123"
		c.Headers = map[string]string{"Authorization": "Bearer proxy-secret-def", "cookie": "session=cookie-secret-ghi",
			"X-Gateway-Token": "gateway-secret-mno", "Proxy-Authorization": "Basic proxy-auth-secret-pqr"}
	})
	ctx := context.Background()
	if err := c.ChangePassword(ctx, "bob", "pw-secret-456", "current-secret-789"); err != nil {
		t.Fatal(err)
	}
	if key, err := c.GenerateAPIKey(ctx, "bob"); err != nil || key != "resp-key-abc" {
		t.Fatalf("GenerateAPIKey = %q, %v", key, err)
	}

	records := rec.all()
	if len(records) != 2 {
		t.Fatalf("logged %d records, want 2", len(records))
	}
	all, err := json.Marshal(records[0].fields)
	if err != nil {
		t.Fatal(err)
	}
	more, _ := json.Marshal(records[1].fields)
	all = append(all, more...)
	for _, s := range secrets {
		if strings.Contains(string(all), s) {
			t.Errorf("the log holds the secret %q: %s", s, all)
		}
	}
	if n := strings.Count(string(all), Masked); n < 14 {
		t.Errorf("the log holds %q %d times, want at least 14 (5 headers x 2, password, current, apikey, nested password): %s", Masked, n, all)
	}

	pw := records[0].fields
	headers, _ := pw["request_headers"].(map[string]string)
	for _, h := range []string{"X-Api-Key", "Authorization", "Cookie", "X-Gateway-Token", "Proxy-Authorization"} {
		if headers[h] != Masked {
			t.Errorf("request header %s logged as %q, want %q", h, headers[h], Masked)
		}
	}
	if headers["Accept"] != "application/json" {
		t.Errorf("request header Accept logged as %q, want it unmasked", headers["Accept"])
	}
	assertJSON(t, []byte(stringField(t, pw, "request_body")), `{"password":"***","current":"***"}`)
	assertJSON(t, []byte(stringField(t, records[1].fields, "response_body")), `{"apikey":"***","users":[{"name":"x","password":"***"}]}`)
}

func TestLogFields(t *testing.T) {
	t.Run("answered request", func(t *testing.T) {
		f := newFake(t, answer(404, `{"error":"Unknown user"}`))
		var rec logRecorder
		_, _ = newClient(t, f.URL, withLogger(&rec)).GetUserSettings(context.Background(), "a b")
		records := rec.all()
		if len(records) != 1 {
			t.Fatalf("logged %d records, want 1", len(records))
		}
		r := records[0]
		if r.msg != "OctoPrint API request" {
			t.Errorf("msg = %q", r.msg)
		}
		want := map[string]any{
			"method":        "GET",
			"url":           f.URL + "/api/access/users/a%20b/settings",
			"status":        404,
			"response_body": `{"error":"Unknown user"}`,
		}
		for k, v := range want {
			if r.fields[k] != v {
				t.Errorf("field %s = %#v, want %#v", k, r.fields[k], v)
			}
		}
		if _, ok := r.fields["duration_ms"].(int64); !ok {
			t.Errorf("duration_ms = %#v, want an int64", r.fields["duration_ms"])
		}
		for _, k := range []string{"request_body", "error"} {
			if v, ok := r.fields[k]; ok {
				t.Errorf("field %s = %#v, want it absent", k, v)
			}
		}
	})
	t.Run("failed request", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		var rec logRecorder
		c := newClient(t, srv.URL, withLogger(&rec))
		srv.Close()
		_ = c.ResetAPIKey(context.Background(), "bob")
		records := rec.all()
		if len(records) != 1 {
			t.Fatalf("logged %d records, want 1", len(records))
		}
		if e, _ := records[0].fields["error"].(string); e == "" {
			t.Errorf("error field = %#v, want the error", records[0].fields["error"])
		}
		for _, k := range []string{"status", "response_body"} {
			if v, ok := records[0].fields[k]; ok {
				t.Errorf("field %s = %#v, want it absent", k, v)
			}
		}
	})
	t.Run("URL password redacted", func(t *testing.T) {
		f := newFake(t, answer(200, `{}`))
		var rec logRecorder
		c := newClient(t, strings.Replace(f.URL, "http://", "http://user:url-secret@", 1), withLogger(&rec))
		if _, err := c.Version(context.Background()); err != nil {
			t.Fatal(err)
		}
		all, _ := json.Marshal(rec.all()[0].fields)
		if strings.Contains(string(all), "url-secret") || !strings.Contains(string(all), "user:xxxxx@") {
			t.Errorf("the URL is not redacted: %s", all)
		}
	})
	t.Run("HTML answer", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>apikey=html-secret</body></html>"))
		})
		var rec logRecorder
		_, _ = newClient(t, f.URL, withLogger(&rec)).Version(context.Background())
		if got := rec.all()[0].fields["response_body"]; got != "(not JSON, text/html; charset=utf-8)" {
			t.Errorf("response_body = %#v", got)
		}
	})
}

func TestMaskJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", ``, ``},
		{"no secrets", `{"name":"bob","active":true}`, `{"name":"bob","active":true}`},
		{"white space dropped", "{ \"a\" : [ 1 , 2.50 ] ,\n \"b\" : { } }", `{"a":[1,2.50],"b":{}}`},
		{"password", `{"name":"bob","password":"p"}`, `{"name":"bob","password":"***"}`},
		{"every secret field", `{"password":"a","current":"b","apikey":"c","api_key":"d","key":"e"}`,
			`{"password":"***","current":"***","apikey":"***","api_key":"***","key":"e"}`},
		{"case-insensitive", `{"ApiKey":"k","PASSWORD":"p"}`, `{"ApiKey":"***","PASSWORD":"***"}`},
		{"nested object", `{"user":{"name":"n","apikey":"k","settings":{"password":"p"}}}`,
			`{"user":{"name":"n","apikey":"***","settings":{"password":"***"}}}`},
		{"secret container skipped whole", `{"apikey":{"a":[1,{"b":2}]},"name":"x","password":["p",["q"]],"n":1}`,
			`{"apikey":"***","name":"x","password":"***","n":1}`},
		{"trailing garbage", `{"a":1} x`, `(not JSON, text/plain; charset=utf-8)`},
		{"array of objects", `{"users":[{"apikey":"k1"},{"apikey":"k2","name":"b"}]}`,
			`{"users":[{"apikey":"***"},{"apikey":"***","name":"b"}]}`},
		{"top-level array", `[{"password":"p"},1,"s",null,[{"current":"c"}]]`, `[{"password":"***"},1,"s",null,[{"current":"***"}]]`},
		{"secret object replaced whole", `{"apikey":{"value":"k"}}`, `{"apikey":"***"}`},
		{"secret number", `{"password":1234}`, `{"password":"***"}`},
		{"null secret kept", `{"apikey":null}`, `{"apikey":null}`},
		{"scalar", `"password"`, `"password"`},
		{"HTML", `<html><body>password=p</body></html>`, `(not JSON, text/html; charset=utf-8)`},
		{"text", `password=hunter2`, `(not JSON, text/plain; charset=utf-8)`},
		{"truncated JSON", `{"password":"p"`, `(not JSON, text/plain; charset=utf-8)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskJSON([]byte(tt.in)); got != tt.want {
				t.Errorf("MaskJSON(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskJSONTruncates(t *testing.T) {
	// {"a":"xxx…"} of exactly maxLoggedBody bytes is kept whole.
	exact := `{"a":"` + strings.Repeat("x", maxLoggedBody-8) + `"}`
	if got := MaskJSON([]byte(exact)); got != exact {
		t.Errorf("a body of %d bytes was changed to %d bytes", len(exact), len(got))
	}

	big := `{"password":"big-secret","users":["` + strings.Repeat("y", 3*maxLoggedBody) + `"]}`
	got := MaskJSON([]byte(big))
	const suffix = "...(truncated)"
	if len(got) != maxLoggedBody+len(suffix) || !strings.HasSuffix(got, suffix) {
		t.Errorf("MaskJSON of %d bytes gave %d bytes ending %q", len(big), len(got), got[len(got)-20:])
	}
	if strings.Contains(got, "big-secret") || !strings.HasPrefix(got, `{"password":"***"`) {
		t.Errorf("the truncated body is not masked: %.60s", got)
	}
}

func TestNoLogger(t *testing.T) {
	f := newFake(t, answer(200, `{"server":"1"}`))
	// A client without Logger must not fail on any path that would log.
	c := newClient(t, f.URL)
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestMaskJSONTruncatesOnCharacterBoundary(t *testing.T) {
	body := `{"a":"` + strings.Repeat("ü", maxLoggedBody) + `"}`
	got := MaskJSON([]byte(body))
	if !strings.HasSuffix(got, "...(truncated)") {
		t.Fatalf("not truncated: %d bytes", len(got))
	}
	if !utf8.ValidString(got) {
		t.Error("the truncated body is not valid UTF-8")
	}
}
