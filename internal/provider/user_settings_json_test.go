package provider

import (
	"encoding/json"
	"testing"
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
