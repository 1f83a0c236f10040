package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// checkGroups refuses group keys that OctoPrint would silently drop from a user: keys
// it does not know, and groups whose membership cannot be changed (guests).
func checkGroups(ctx context.Context, client *octoprint.Client, attr path.Path, groups types.Set) diag.Diagnostics {
	want, diags := knownStrings(ctx, groups)
	if len(want) == 0 || diags.HasError() {
		return diags
	}
	all, err := client.ListGroups(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Error reading OctoPrint groups", "Could not check the groups: "+err.Error())
		return diags
	}
	var unknown, fixed, valid []string
	for _, g := range all {
		if g.Toggleable {
			valid = append(valid, g.Key)
		}
	}
	for _, key := range want {
		i := slices.IndexFunc(all, func(g octoprint.Group) bool { return g.Key == key })
		switch {
		case i < 0:
			unknown = append(unknown, key)
		case !all[i].Toggleable:
			fixed = append(fixed, key)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(attr, "Unknown OctoPrint group",
			fmt.Sprintf("OctoPrint has no group %s and would silently ignore it. Groups users can be members of: %s.", quoteAll(unknown), quoteAll(valid)))
	}
	if len(fixed) > 0 {
		diags.AddAttributeError(attr, "OctoPrint group cannot be assigned",
			fmt.Sprintf("OctoPrint does not let users join or leave group %s. Groups users can be members of: %s.", quoteAll(fixed), quoteAll(valid)))
	}
	return diags
}

// checkPermissions refuses permission keys that OctoPrint does not know and would
// silently drop from a user.
func checkPermissions(ctx context.Context, client *octoprint.Client, attr path.Path, permissions types.Set) diag.Diagnostics {
	want, diags := knownStrings(ctx, permissions)
	if len(want) == 0 || diags.HasError() {
		return diags
	}
	all, err := client.ListPermissions(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Error reading OctoPrint permissions", "Could not check the permissions: "+err.Error())
		return diags
	}
	keys := make([]string, 0, len(all))
	for _, p := range all {
		keys = append(keys, p.Key)
	}
	var unknown []string
	for _, key := range want {
		if !slices.Contains(keys, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(keys)
		diags.AddAttributeError(attr, "Unknown OctoPrint permission",
			fmt.Sprintf("OctoPrint has no permission %s and would silently ignore it. Permission keys are upper case; this server knows: %s.", quoteAll(unknown), quoteAll(keys)))
	}
	return diags
}

// knownStrings returns the elements of a set that is known and not null, else nothing.
func knownStrings(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var out []string
	for _, e := range set.Elements() {
		if e.IsUnknown() {
			return nil, nil
		}
	}
	diags := set.ElementsAs(ctx, &out, false)
	return out, diags
}

func quoteAll(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return strings.Join(quoted, ", ")
}
