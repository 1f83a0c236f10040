package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// checkGroups refuses group keys that OctoPrint would silently drop from a user: keys
// it does not know, and groups whose membership cannot be changed (guests). A group
// this command plans to create is accepted.
func checkGroups(ctx context.Context, client *octoprint.Client, planned *keySet, attr path.Path, groups types.Set) diag.Diagnostics {
	want, all, diags := readGroups(ctx, client, attr, groups)
	if len(want) == 0 || diags.HasError() {
		return diags
	}
	var unknown, fixed, valid []string
	for _, g := range all {
		if g.Toggleable {
			valid = append(valid, g.Key)
		}
	}
	for _, key := range want {
		switch g := findGroup(all, key); {
		case g == nil && !planned.contains(key):
			unknown = append(unknown, key)
		case g != nil && !g.Toggleable:
			fixed = append(fixed, key)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(attr, "Unknown OctoPrint group",
			fmt.Sprintf("OctoPrint has no group %s and would silently ignore it.%s Groups users can be members of: %s. "+
				"A group managed in this configuration must be referenced (e.g. `octoprint_group.operators.key`), so that it is created first.",
				quoteAll(unknown), groupKeyHint(unknown, all), quoteAll(valid)))
	}
	if len(fixed) > 0 {
		diags.AddAttributeError(attr, "OctoPrint group cannot be assigned",
			fmt.Sprintf("OctoPrint does not let users join or leave group %s. Groups users can be members of: %s.", quoteAll(fixed), quoteAll(valid)))
	}
	return diags
}

// checkSubgroups refuses subgroup keys that OctoPrint would silently drop from a group:
// keys it does not know (unless this command plans to create them), and the group itself.
func checkSubgroups(ctx context.Context, client *octoprint.Client, planned *keySet, attr path.Path, self string, subgroups types.Set) diag.Diagnostics {
	want, all, diags := readGroups(ctx, client, attr, subgroups)
	if len(want) == 0 || diags.HasError() {
		return diags
	}
	if slices.Contains(want, self) {
		diags.AddAttributeError(attr, "OctoPrint group cannot contain itself",
			fmt.Sprintf("Group %q lists itself as a subgroup.", self))
	}
	var unknown, fixed []string
	for _, key := range want {
		switch g := findGroup(all, key); {
		case key == self:
		case g == nil && !planned.contains(key):
			unknown = append(unknown, key)
		case g != nil && !g.Toggleable:
			fixed = append(fixed, key)
		}
	}
	if len(fixed) > 0 {
		diags.AddAttributeError(attr, "OctoPrint group cannot be a subgroup",
			fmt.Sprintf("OctoPrint drops group %s, whose membership cannot change, from the subgroups of a group it updates; "+
				"the provider refuses it on create too, so that a later update does not lose it.", quoteAll(fixed)))
	}
	if len(unknown) > 0 {
		keys := make([]string, len(all))
		for i, g := range all {
			keys[i] = g.Key
		}
		diags.AddAttributeError(attr, "Unknown OctoPrint group",
			fmt.Sprintf("OctoPrint has no group %s and would silently ignore it as a subgroup.%s This server has: %s. "+
				"A group managed in this configuration must be referenced (e.g. `octoprint_group.operators.key`), so that it is created first.",
				quoteAll(unknown), groupKeyHint(unknown, all), quoteAll(keys)))
	}
	return diags
}

// checkUserExists refuses a user name that the server does not know and this command
// does not plan to create: settings and keys of such a user would fail at apply.
func checkUserExists(ctx context.Context, client *octoprint.Client, planned *keySet, attr path.Path, name types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if name.IsUnknown() || name.IsNull() || planned.contains(name.ValueString()) {
		return diags
	}
	_, err := client.GetUser(ctx, name.ValueString())
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		diags.AddAttributeError(attr, "OctoPrint user not found",
			fmt.Sprintf("The server has no user named %q (names are case-sensitive), and no user of that name is planned before this resource. "+
				"A user managed in this configuration must be referenced (e.g. `octoprint_user.alice.name`), so that it is created first.",
				name.ValueString()))
	case err != nil:
		diags.AddAttributeError(attr, "Error reading OctoPrint user", fmt.Sprintf("Could not check user %q: %s", name.ValueString(), err))
	}
	return diags
}

// groupKeyHint suggests the server's keys that differ from unknown ones only in case
// (keys are case-sensitive; OctoPrint's own are lower case).
func groupKeyHint(unknown []string, all []octoprint.Group) string {
	var meant []string
	for _, key := range unknown {
		for _, g := range all {
			if strings.EqualFold(g.Key, key) {
				meant = append(meant, g.Key)
			}
		}
	}
	if len(meant) == 0 {
		return ""
	}
	return fmt.Sprintf(" Did you mean %s?", quoteAll(meant))
}

// readGroups returns the keys of a known set and the server's groups; nothing when the
// set is empty or not known yet.
func readGroups(ctx context.Context, client *octoprint.Client, attr path.Path, set types.Set) ([]string, []octoprint.Group, diag.Diagnostics) {
	want, diags := knownStrings(ctx, set)
	if len(want) == 0 || diags.HasError() {
		return nil, nil, diags
	}
	all, err := client.ListGroups(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Error reading OctoPrint groups", "Could not check the groups: "+err.Error())
	}
	return want, all, diags
}

func findGroup(groups []octoprint.Group, key string) *octoprint.Group {
	i := slices.IndexFunc(groups, func(g octoprint.Group) bool { return g.Key == key })
	if i < 0 {
		return nil
	}
	return &groups[i]
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
	var unknown, meant []string
	for _, key := range want {
		if !slices.Contains(keys, key) {
			unknown = append(unknown, key)
			if upper := strings.ToUpper(key); slices.Contains(keys, upper) {
				meant = append(meant, upper)
			}
		}
	}
	if len(unknown) > 0 {
		hint := ""
		if len(meant) > 0 {
			hint = fmt.Sprintf(" Did you mean %s?", quoteAll(meant))
		}
		slices.Sort(keys)
		diags.AddAttributeError(attr, "Unknown OctoPrint permission",
			fmt.Sprintf("OctoPrint has no permission %s and would silently ignore it.%s Permission keys are upper case; this server knows: %s.",
				quoteAll(unknown), hint, quoteAll(keys)))
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
