// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSameJSON(t *testing.T) {
	cases := []struct {
		a, b string
		same bool
	}{
		{`{"a":1,"b":[1,2]}`, ` { "b" : [1, 2], "a" : 1.0 } `, true},
		{`1e3`, `1000.0`, true},
		{``, `null`, true}, // a key missing on the server reads as null
		{`{"a":{"b":1}}`, `{"a":{"b":1,"c":2}}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`"1"`, `1`, false},
		{`{`, `{`, false},
		{`1 2`, `1`, false},
		// Numbers as OctoPrint (Python) stores them: integers exactly, however large...
		{`1`, `1.0`, true},
		{`1`, `1e0`, true},
		{`9007199254740993`, `9007199254740992`, false},
		{`{"id":[123456789012345678901234567890]}`, `{"id":[123456789012345678901234567891]}`, false},
		{`9007199254740993`, `9007199254740992.0`, false},
		// ...anything with a fraction or exponent as the nearest float64.
		{`9007199254740993.0`, `9007199254740992.0`, true},
		{`0.33333333333333333333333333333333333333`, `0.3333333333333333`, true},
		{`0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001`, `0.0`, true},
		{`0.1`, `0.2`, false},
		{`-0`, `0.0`, true},
	}
	for _, tc := range cases {
		if got := sameJSON([]byte(tc.a), []byte(tc.b)); got != tc.same {
			t.Errorf("sameJSON(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestSettingsChanges(t *testing.T) {
	had := map[string]json.RawMessage{"kept": json.RawMessage(`{"a":1}`), "changed": json.RawMessage(`"x"`), "removed": json.RawMessage(`true`)}
	want := map[string]json.RawMessage{"kept": json.RawMessage(` { "a" : 1.0 } `), "changed": json.RawMessage(`"y"`), "added": json.RawMessage(`[]`)}
	got, err := json.Marshal(settingsChanges(had, want))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"added":[],"changed":"y","removed":null}` {
		t.Errorf("changes %s", got)
	}
}

func TestCanonicalJSON(t *testing.T) {
	// As OctoPrint answers: its own layout, escaped non-ASCII, 1000.0.
	settings, err := settingsObject([]byte(`{"z": {"name": "J\u00fcrgen \u2713"}, "a": 1000.0, "h": "<&>"}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := canonicalJSON(settings)
	if err != nil {
		t.Fatal(err)
	}
	// As jsonencode writes it, numbers excepted (kept as OctoPrint spells them).
	if want := `{"a":1000.0,"h":"\u003c\u0026\u003e","z":{"name":"Jürgen ✓"}}`; got.ValueString() != want {
		t.Errorf("canonicalJSON = %s, want %s", got.ValueString(), want)
	}
}

// A number Python would store as Infinity is refused at plan time, naming where it is.
func TestSettingsObjectValidator(t *testing.T) {
	cases := []struct {
		settings string
		errs     []string // each in its own error, in order
	}{
		{`{"a":1e308,"b":[1e-400],"c":` + strings.Repeat("9", 400) + `}`, nil},
		{`{"a":{"b":[0,1e400]}}`, []string{`settings["a"]["b"][1] (1e400)`}},
		{`{"z":-1.8e308,"y":{"x":2e308}}`, []string{`settings["y"]["x"] (2e308)`, `settings["z"] (-1.8e308)`}},
		{`[1e400]`, []string{"not an array"}},
		{`{"theme":"dark","theme":"light"}`, []string{`"theme" appears twice`}},
	}
	for _, tc := range cases {
		req := validator.StringRequest{Path: path.Root("settings"), ConfigValue: types.StringValue(tc.settings)}
		var resp validator.StringResponse
		settingsObjectValidator{}.ValidateString(context.Background(), req, &resp)
		errs := resp.Diagnostics.Errors()
		if len(errs) != len(tc.errs) {
			t.Errorf("%s: %d errors, want %d: %v", tc.settings, len(errs), len(tc.errs), errs)
			continue
		}
		for i, want := range tc.errs {
			if !strings.Contains(errs[i].Detail(), want) {
				t.Errorf("%s: error %q does not name %s", tc.settings, errs[i].Detail(), want)
			}
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	cases := map[string]string{
		`{"a":1,"a":2}`:                   `"a"`,
		`{"a":{"b":1,"b":2}}`:             `"b"`,
		`{"a":{"b":{"c":1}},"a":2}`:       `"a"`,
		`{"a":[{"x":1},{"x":2}],"b":"a"}`: ``,
		`{"a":"a","b":["a","a"]}`:         ``,
		`{"a":{"a":{"a":1}}}`:             ``,
		`{}`:                              ``,
		`[1,2]`:                           ``,
	}
	for raw, want := range cases {
		if got := duplicateKey([]byte(raw)); got != want {
			t.Errorf("duplicateKey(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for raw, want := range map[string]string{
		`{"k":"x\ud800y"}`:                     `\ud800`,
		`{"k":"x\uDC00"}`:                      `\uDC00`,
		`{"k":"\ud83d\ude00 fine"}`:            "",
		`{"k":"\ud83d\u0041"}`:                 `\ud83d`,
		`{"k":"\\ud800 is text"}`:              "",
		`{"k":["ok","\u00e9",{"n":"\ud800"}]}`: `\ud800`,
		`{"k":"end\ud800"}`:                    `\ud800`,
		`{"😀":"plain UTF-8"}`:                  "",
	} {
		if got := loneSurrogate([]byte(raw)); got != want {
			t.Errorf("loneSurrogate(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestJSONDepth(t *testing.T) {
	for raw, want := range map[string]int{
		`1`:                     0,
		`{}`:                    1,
		`{"a":1}`:               1,
		`{"a":{"b":[1,[2]]}}`:   4,
		`{"a":[],"b":{"c":{}}}`: 3,
	} {
		v, err := decodeJSON([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonDepth(v); got != want {
			t.Errorf("jsonDepth(%s) = %d, want %d", raw, got, want)
		}
	}
}
