// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// settingsType is the type of a user's settings: JSON text (jsontypes.Normalized, which
// also refuses invalid JSON) whose values are equal when OctoPrint stores the same thing
// for them. The framework keeps the configured text whenever the server's answer is
// semantically equal to it, on create, read and update; ModifyPlan does the same at plan
// time, which the framework does not cover.
type settingsType struct {
	jsontypes.NormalizedType
}

var (
	_ basetypes.StringTypable                    = settingsType{}
	_ basetypes.StringValuableWithSemanticEquals = settingsValue{}
)

func (t settingsType) String() string { return "provider.settingsType" }

func (t settingsType) ValueType(context.Context) attr.Value { return settingsValue{} }

func (t settingsType) Equal(o attr.Type) bool {
	_, ok := o.(settingsType)
	return ok
}

func (t settingsType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return settingsValue{Normalized: jsontypes.Normalized{StringValue: in}}, nil
}

func (t settingsType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	value, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := value.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", value)
	}
	v, diags := t.ValueFromString(ctx, s)
	if diags.HasError() {
		return nil, fmt.Errorf("unexpected error converting to settings: %v", diags)
	}
	return v, nil
}

// settingsValue is a value of settingsType.
type settingsValue struct {
	jsontypes.Normalized
}

func settingsNull() settingsValue { return settingsValue{Normalized: jsontypes.NewNormalizedNull()} }

func newSettingsValue(text string) settingsValue {
	return settingsValue{Normalized: jsontypes.NewNormalizedValue(text)}
}

func (v settingsValue) Type(context.Context) attr.Type { return settingsType{} }

func (v settingsValue) Equal(o attr.Value) bool {
	other, ok := o.(settingsValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals tells whether OctoPrint stores the same for both: layout, key
// order and number spelling do not count, nor a missing key against null (see sameJSON).
func (v settingsValue) StringSemanticEquals(_ context.Context, other basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	o, ok := other.(settingsValue)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("Expected settings, got %T. This is a bug in the provider.", other))
		return false, diags
	}
	return sameJSON([]byte(v.ValueString()), []byte(o.ValueString())), diags
}

// settingsValueOf renders settings as OctoPrint reports them (a JSON object) in the
// canonical form of canonicalJSON.
func settingsValueOf(raw json.RawMessage) (settingsValue, error) {
	all, err := settingsObject(raw)
	if err != nil {
		return settingsNull(), fmt.Errorf("OctoPrint reports unexpected settings: %w", err)
	}
	return canonicalJSON(all)
}
