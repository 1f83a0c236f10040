// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"unicode/utf16"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// settingsObject decodes a user's settings: a JSON object, keyed by top-level setting.
// OctoPrint reports a user without settings as `{}`; absent or null reads the same.
func settingsObject(raw []byte) (map[string]json.RawMessage, error) {
	settings := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return settings, nil
	}
	if err := json.Unmarshal(raw, &settings); err != nil {
		return nil, fmt.Errorf("the settings are not a JSON object: %w", err)
	}
	if settings == nil { // `null`
		settings = map[string]json.RawMessage{}
	}
	return settings, nil
}

// canonicalJSON renders settings as Terraform's jsonencode does: compact, keys sorted,
// numbers as written, non-ASCII characters unescaped. OctoPrint answers with its own
// layout and escapes; rendered this way an import matches the configuration byte for byte.
func canonicalJSON(settings map[string]json.RawMessage) (settingsValue, error) {
	raw, err := json.Marshal(settings)
	if err != nil {
		return settingsNull(), err
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return settingsNull(), err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return settingsNull(), err
	}
	return newSettingsValue(string(out)), nil
}

// decodeJSON decodes one JSON value, its numbers kept as written (json.Number).
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: more after the value")
	}
	return v, nil
}

// sameJSON tells whether two JSON texts hold the same value, whatever their layout, key
// order or number spelling (OctoPrint answers `1000.0` where `1e3` was sent). Missing
// (nil) and `null` are the same: OctoPrint cannot remove a key, only set it to null.
func sameJSON(a, b []byte) bool {
	var va, vb any
	var err error
	if len(a) > 0 {
		if va, err = decodeJSON(a); err != nil {
			return false
		}
	}
	if len(b) > 0 {
		if vb, err = decodeJSON(b); err != nil {
			return false
		}
	}
	return sameValue(va, vb)
}

// sameValue compares decoded JSON values, numbers by the value OctoPrint stores for them.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for key, value := range a {
			other, ok := b[key]
			if !ok || !sameValue(value, other) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], b[i]) {
				return false
			}
		}
		return true
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		x, _ := storedNumber(a)
		y, _ := storedNumber(b)
		return x.Cmp(y) == 0
	default: // string, bool, nil
		return a == b
	}
}

// storedNumber is the value OctoPrint (Python) stores for a JSON number: an integer
// exactly, however large; anything with a fraction or exponent as the nearest float64,
// so that jsonencode(1/3)'s many digits equal the 0.3333333333333333 it answers. The
// error tells a number that overflows float64: Python stores it as Infinity.
func storedNumber(n json.Number) (*big.Float, error) {
	if i, ok := new(big.Int).SetString(string(n), 10); ok {
		return new(big.Float).SetInt(i), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return new(big.Float).SetFloat64(f), err
}

// overflowingNumbers lists where v holds a number that storedNumber refuses, as key
// paths from at (sorted keys, so the list is stable).
func overflowingNumbers(v any, at string) []string {
	var found []string
	switch v := v.(type) {
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(v)) {
			found = append(found, overflowingNumbers(v[key], fmt.Sprintf("%s[%q]", at, key))...)
		}
	case []any:
		for i, item := range v {
			found = append(found, overflowingNumbers(item, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case json.Number:
		if _, err := storedNumber(v); err != nil {
			found = append(found, fmt.Sprintf("%s (%s)", at, v))
		}
	}
	return found
}

// settingsObjectValidator refuses JSON that is not an object: OctoPrint keys a user's
// settings by name and answers anything else with a 500. Invalid JSON is reported by
// the attribute's type (jsontypes), so it is left alone here.
type settingsObjectValidator struct{}

var _ validator.String = settingsObjectValidator{}

func (settingsObjectValidator) Description(context.Context) string {
	return "must be a JSON object, such as `jsonencode({ interface = { language = \"de\" } })`"
}

func (v settingsObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (settingsObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := []byte(req.ConfigValue.ValueString())
	if !json.Valid(raw) {
		return
	}
	object, err := decodeJSON(raw)
	if _, ok := object.(map[string]any); err != nil || !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OctoPrint user settings",
			fmt.Sprintf("The settings must be a JSON object whose keys are the top-level settings, such as "+
				"jsonencode({ interface = { language = \"de\" } }), not %s.", jsonKind(raw)))
		return
	}
	if escape := loneSurrogate(raw); escape != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Unicode in OctoPrint user settings",
			fmt.Sprintf("The settings hold the escape %s, half of a UTF-16 surrogate pair without its other half: no Unicode character. "+
				"OctoPrint would keep it in memory but fail to write its users file, and then answer every later change of any user "+
				"with an error until it is restarted, losing what was changed meanwhile.", escape))
	}
	if depth := jsonDepth(object); depth > maxSettingsDepth {
		resp.Diagnostics.AddAttributeError(req.Path, "OctoPrint user settings nested too deeply",
			fmt.Sprintf("The settings are nested %d levels deep; the provider accepts %d. OctoPrint cannot save settings nested deeper "+
				"than about 320 levels (Python's recursion limit): it keeps them in memory, fails to write its users file, and then "+
				"answers every later change of any user with an error until it is restarted.", depth, maxSettingsDepth))
	}
	if settings, err := settingsObject(raw); err == nil {
		if body, err := json.Marshal(settings); err == nil && len(body) > octoprint.MaxRequestBytes {
			resp.Diagnostics.AddAttributeError(req.Path, "OctoPrint user settings too large",
				fmt.Sprintf("The settings take %d bytes as JSON, more than the %d bytes (100 KiB) OctoPrint accepts in one request "+
					"(its server.maxSize): it would refuse them without a reason.", len(body), octoprint.MaxRequestBytes))
		}
	}
	// Only the last of duplicate keys would reach OctoPrint: a mistake, not a setting.
	if key := duplicateKey(raw); key != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Duplicate key in OctoPrint user settings",
			fmt.Sprintf("The key %s appears twice in one object: only its last value would be kept.", key))
	}
	// Stored as Infinity, such a number would never read back as written: a permanent diff.
	for _, at := range overflowingNumbers(object, "settings") {
		resp.Diagnostics.AddAttributeError(req.Path, "Number too large for OctoPrint",
			fmt.Sprintf("The number at %s is beyond the range of a floating-point number (about 1.8e308): "+
				"OctoPrint would store it as Infinity. Write it as an integer without a fraction or exponent "+
				"if it must be this large.", at))
	}
}

// duplicateKey returns the first key found twice in one object of valid JSON, quoted,
// or "" when there is none.
func duplicateKey(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	// One entry per open object or array: the keys seen (nil for an array), and whether
	// an object expects a key next.
	type level struct {
		keys      map[string]bool
		expectKey bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		top := (*level)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if key, ok := tok.(string); ok && top != nil && top.keys != nil && top.expectKey {
			if top.keys[key] {
				return strconv.Quote(key)
			}
			top.keys[key], top.expectKey = true, false
			continue
		}
		if top != nil && top.keys != nil {
			top.expectKey = true // a value ends here, or a nested value begins and then ends
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{keys: map[string]bool{}, expectKey: true})
		case json.Delim('['):
			stack = append(stack, &level{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// jsonKind names the kind of a valid JSON value, for error messages.
func jsonKind(raw []byte) string {
	switch trimmed := bytes.TrimSpace(raw); {
	case len(trimmed) == 0:
		return "nothing"
	case trimmed[0] == '[':
		return "an array"
	case trimmed[0] == '"':
		return "a string"
	case trimmed[0] == 'n':
		return "null"
	case trimmed[0] == 't', trimmed[0] == 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// loneSurrogate returns the first \uXXXX escape of valid JSON text that is half of a
// UTF-16 surrogate pair without its other half, or "". (Go's decoder turns one into
// U+FFFD without a word; OctoPrint's keeps it, and cannot write it to YAML.)
func loneSurrogate(raw []byte) string {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' { // outside a string, valid JSON holds no backslash
			continue
		}
		if i+1 < len(raw) && raw[i+1] != 'u' {
			i++ // a one-letter escape, such as \\ or \"
			continue
		}
		r, ok := hexRune(raw, i)
		switch {
		case !ok:
			return ""
		case utf16.IsSurrogate(r) && r < 0xdc00: // high: a low one must follow
			if low, ok := hexRune(raw, i+6); ok && low >= 0xdc00 && low <= 0xdfff {
				i += 11
				continue
			}
			return string(raw[i : i+6])
		case utf16.IsSurrogate(r): // low, without a high one before it
			return string(raw[i : i+6])
		}
		i += 5
	}
	return ""
}

// hexRune decodes the \uXXXX escape at raw[i:].
func hexRune(raw []byte, i int) (rune, bool) {
	if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
	return rune(v), err == nil
}

// maxSettingsDepth bounds how deeply settings nest, the object itself counting as one
// level: far below where OctoPrint fails (about 320), far above what settings need.
const maxSettingsDepth = 100

// jsonDepth is how deeply a decoded JSON value nests objects and arrays.
func jsonDepth(v any) int {
	deepest := 0
	switch v := v.(type) {
	case map[string]any:
		for _, item := range v {
			deepest = max(deepest, jsonDepth(item))
		}
	case []any:
		for _, item := range v {
			deepest = max(deepest, jsonDepth(item))
		}
	default:
		return 0
	}
	return deepest + 1
}
