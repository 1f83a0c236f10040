// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMaskJSON: whatever OctoPrint or a proxy sends, masking never panics, stays within
// the log's bound, stays valid UTF-8, never shows a secret field's string value, and keeps
// a complete answer valid JSON.
func FuzzMaskJSON(f *testing.F) {
	for _, seed := range []string{
		`{"users":[{"name":"bob","apikey":"k","settings":{"password":"p"}}]}`,
		`{"password":null,"current":{"a":[1,2]},"x":"y"}`,
		`[1,"two",{"three":3.5e10}]`, `"text"`, `<html>`, `{"a":`, ``, `{"password":"\u00fc"}`,
	} {
		f.Add([]byte(seed), "s3cr3t-value")
	}
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		out := MaskJSON(body)
		if !utf8.ValidString(out) && utf8.Valid(body) {
			t.Fatalf("output is not valid UTF-8: %q", out)
		}
		if len(out) > maxLoggedBody+len("...(truncated)") {
			t.Fatalf("output of %d bytes is over the bound", len(out))
		}
		if json.Valid(body) && !strings.HasSuffix(out, "...(truncated)") && !strings.HasPrefix(out, "(not JSON") && !json.Valid([]byte(out)) {
			t.Fatalf("masking valid JSON %q gave invalid JSON %q", body, out)
		}
		// The same body with a secret placed in it: the secret never shows.
		if len(secret) < 4 || strings.ContainsAny(secret, `"\`) || !utf8.ValidString(secret) {
			return
		}
		wrapped, _ := json.Marshal(map[string]any{"apikey": secret, "nested": []any{map[string]any{"password": secret}}})
		if masked := MaskJSON(wrapped); strings.Contains(masked, secret) {
			t.Fatalf("the secret %q shows in %q", secret, masked)
		}
	})
}

// FuzzDecodeAnswer: decoding any answer into the client's types never panics, and an
// error says what was expected.
func FuzzDecodeAnswer(f *testing.F) {
	for _, seed := range []string{
		`{"users":[{"name":"bob","active":true,"groups":["users"],"permissions":[],"apikey":null,"settings":{}}]}`,
		`{"groups":[{"key":"users","permissions":["PRINT"]}]}`, `{"users":null}`, `{"users":[null]}`,
		`{"users":{"name":1}}`, `[]`, `null`, `<html>`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a := reply{method: "GET", path: "/api/access/users", contentType: "application/json", data: body}
		for _, out := range []any{&userList{}, &User{}, &struct{ Groups []Group }{}, &struct{ Permissions []Permission }{}, &map[string]json.RawMessage{}} {
			if err := a.decode(out); err != nil && !strings.Contains(err.Error(), "not the JSON OctoPrint sends") {
				t.Fatalf("decode error without the explanation: %v", err)
			}
		}
	})
}
