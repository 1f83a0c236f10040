package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
func canonicalJSON(settings map[string]json.RawMessage) (jsontypes.Normalized, error) {
	raw, err := json.Marshal(settings)
	if err != nil {
		return jsontypes.NewNormalizedNull(), err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return jsontypes.NewNormalizedNull(), err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return jsontypes.NewNormalizedNull(), err
	}
	return jsontypes.NewNormalizedValue(string(out)), nil
}

// sameJSON tells whether two JSON texts hold the same value, whatever their layout, key
// order or number spelling (OctoPrint answers `1000.0` where `1e3` was sent). Missing
// (nil) and `null` are the same: OctoPrint cannot remove a key, only set it to null.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if len(a) > 0 && json.Unmarshal(a, &va) != nil {
		return false
	}
	if len(b) > 0 && json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
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
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil || object == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OctoPrint user settings",
			fmt.Sprintf("The settings must be a JSON object whose keys are the top-level settings, such as "+
				"jsonencode({ interface = { language = \"de\" } }), not %s.", jsonKind(raw)))
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
