// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// setOf maps a list of keys that OctoPrint reports to a set. A missing list is an
// empty set: OctoPrint reads `[]` and absent alike.
func setOf(values []string) types.Set {
	elements := make([]attr.Value, len(values))
	for i, v := range values {
		elements[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elements)
}

// setStrings returns a known set's elements, never nil: an empty set must reach
// OctoPrint as `[]` ("none"), not be left out ("unchanged").
func setStrings(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	out := []string{}
	diags := set.ElementsAs(ctx, &out, false)
	return out, diags
}

// knownStrings returns the elements of a set that is known and not null, else nothing.
func knownStrings(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	for _, e := range set.Elements() {
		if e.IsUnknown() {
			return nil, nil
		}
	}
	var out []string
	diags := set.ElementsAs(ctx, &out, false)
	return out, diags
}

// quoteAll quotes keys for an error message: "a", "b".
func quoteAll(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(quoted, ", ")
}
