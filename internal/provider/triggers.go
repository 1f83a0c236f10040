// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// triggersAttribute is the `triggers` of a key resource: values whose change rotates
// the key, except the first change after an import.
func triggersAttribute() schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: "Arbitrary values that rotate the key when any of them changes, e.g. `{ rotation = \"2026-11\" }`. " +
			"When set, it needs at least one entry. After an import, the first apply adopts the configured triggers without rotating the key.",
		Optional:    true,
		ElementType: types.StringType,
		// An empty map would hide a first change after an import (see replaceUnlessImported).
		Validators: []validator.Map{mapvalidator.SizeAtLeast(1)},
		PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplaceIf(replaceUnlessImported,
			"A change rotates the key, except the first one after an import, which adopts the configuration's triggers.",
			"A change rotates the key, except the first one after an import, which adopts the configuration's triggers.")},
	}
}

// replaceUnlessImported rotates the key when its triggers change, but not when an
// imported key first gets the configuration's triggers, nor between no triggers and an
// empty map.
func replaceUnlessImported(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	bothEmpty := len(req.StateValue.Elements()) == 0 && len(req.PlanValue.Elements()) == 0 && !req.PlanValue.IsUnknown()
	resp.RequiresReplace = imported == nil && !bothEmpty
}

// emptyTriggers is what an import stores: an empty map, not null, so that the first plan
// always updates the state (taking the configuration's triggers without a rotation) and
// clears the import mark.
var emptyTriggers = types.MapValueMust(types.StringType, nil)
