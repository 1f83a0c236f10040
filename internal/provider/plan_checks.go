// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// checkGroups refuses group keys that OctoPrint would silently drop from a user: keys
// it does not know, and groups whose membership cannot be changed (guests). A group
// this command plans to create is accepted.
func checkGroups(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, groups types.Set) diag.Diagnostics {
	return checkGroupKeys(ctx, client, plan, attr, groups, groupUse{
		fixedTitle:  "OctoPrint group cannot be assigned",
		fixedDetail: "OctoPrint does not let users join or leave group %s.",
	})
}

// checkSubgroups refuses subgroup keys that OctoPrint would silently drop from a group:
// keys it does not know (unless this command plans to create them), groups whose
// membership cannot change, and the group itself.
func checkSubgroups(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, self string, subgroups types.Set) diag.Diagnostics {
	return checkGroupKeys(ctx, client, plan, attr, subgroups, groupUse{
		self:        self,
		asWhat:      " as a subgroup",
		fixedTitle:  "OctoPrint group cannot be a subgroup",
		fixedDetail: "OctoPrint drops group %s, whose membership cannot change, from the subgroups of a group it updates; the provider refuses it on create too, so that a later update does not lose it.",
	})
}

// groupUse is what differs between naming groups as a user's groups and as a group's
// subgroups.
type groupUse struct {
	// self is the group whose subgroups are checked; "" for a user's groups.
	self string
	// asWhat completes "would silently ignore it".
	asWhat string
	// fixedTitle and fixedDetail (with the keys for %s) refuse a group that is not toggleable.
	fixedTitle, fixedDetail string
}

func checkGroupKeys(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, set types.Set, use groupUse) diag.Diagnostics {
	want, diags := knownStrings(ctx, set)
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
		if g.Toggleable && g.Key != use.self {
			valid = append(valid, g.Key)
		}
	}
	for _, key := range want {
		switch g := octoprint.FindGroup(all, key); {
		case use.self != "" && key == use.self:
			diags.AddAttributeError(attr, "OctoPrint group cannot contain itself",
				fmt.Sprintf("Group %q lists itself as a subgroup.", key))
		case g == nil && !plan.plansToCreate(kindGroup, key):
			unknown = append(unknown, key)
		case g != nil && !g.Toggleable:
			fixed = append(fixed, key)
		}
	}
	if len(unknown) > 0 {
		diags.AddAttributeError(attr, "Unknown OctoPrint group",
			fmt.Sprintf("OctoPrint has no group %s and would silently ignore it%s.%s Groups that can be named here: %s. "+
				"A group managed in this configuration must be referenced (e.g. `octoprint_group.operators.key`), so that it is created first.",
				quoteAll(unknown), use.asWhat, groupKeyHint(unknown, all), quoteAll(valid)))
	}
	if len(fixed) > 0 {
		diags.AddAttributeError(attr, use.fixedTitle,
			fmt.Sprintf(use.fixedDetail+" Groups that can be named here: %s.", quoteAll(fixed), quoteAll(valid)))
	}
	return diags
}

// checkUserExists refuses a user name that the server does not know and this command
// does not plan to create: settings and keys of such a user would fail at apply.
func checkUserExists(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, name types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if name.IsUnknown() || name.IsNull() || plan.plansToCreate(kindUser, name.ValueString()) {
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

// checkNoSubgroupCycle refuses subgroups through which the group would reach itself,
// over any number of groups, planned or on the server.
func checkNoSubgroupCycle(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, key string) diag.Diagnostics {
	var diags diag.Diagnostics
	all, err := client.ListGroups(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Error reading OctoPrint groups", "Could not check the subgroups: "+err.Error())
		return diags
	}
	if cycle := octoprint.SubgroupCycle(plan.groupsWithPlan(all), key); cycle != nil {
		diags.AddAttributeError(attr, "Cycle of OctoPrint subgroups",
			fmt.Sprintf("Group %q would reach itself through subgroups: %s. OctoPrint 1.11 saves such a cycle and then fails every "+
				"listing of its groups until its groups file is edited by hand; OctoPrint 2.0 refuses it. Remove one of these subgroups.",
				key, strings.Join(cycle, " → ")))
	}
	return diags
}

// checkCallerKeepsAdmin refuses to leave the user the provider acts as without the
// ADMIN permission: every later request would be refused, and no plan could repair it.
// groups and permissions are what the user would have; the server's groups are taken
// with this plan's changes laid over them.
func checkCallerKeepsAdmin(ctx context.Context, client *octoprint.Client, plan *planRegistry, attr path.Path, name string, groups, permissions []string, why string) diag.Diagnostics {
	var diags diag.Diagnostics
	all, err := client.ListGroups(ctx)
	if err != nil {
		diags.AddAttributeError(attr, "Error reading OctoPrint groups", "Could not check the provider's own rights: "+err.Error())
		return diags
	}
	if !slices.Contains(octoprint.EffectivePermissions(plan.groupsWithPlan(all), groups, permissions), octoprint.PermissionAdmin) {
		diags.AddAttributeError(attr, "The provider would lock itself out",
			fmt.Sprintf("The provider acts as user %q, whose key it uses. %s, that user would lose the ADMIN permission: OctoPrint "+
				"would refuse every later request of the provider, and no plan could repair it. Keep the user in `admins` (or another group "+
				"with ADMIN), or configure the provider with another admin's key first.", name, why))
	}
	return diags
}

// callerName returns the name of the user the provider acts as, "" when it cannot tell.
func callerName(ctx context.Context, client *octoprint.Client) string {
	me, err := client.Caller(ctx)
	if err != nil {
		return ""
	}
	return me.Name
}

// warnIfUserGone warns, when the named user is neither on the server nor planned, that
// applying will fail. Only a warning: the plan that precedes a destroy must not fail for
// a user that is already gone.
func warnIfUserGone(ctx context.Context, client *octoprint.Client, plan *planRegistry, name types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if client == nil || name.IsUnknown() || plan.plansToCreate(kindUser, name.ValueString()) {
		return diags
	}
	if _, err := client.GetUser(ctx, name.ValueString()); errors.Is(err, octoprint.ErrNotFound) {
		diags.AddAttributeWarning(path.Root("user"), "OctoPrint user is gone",
			fmt.Sprintf("User %q was deleted outside Terraform, and no resource of this configuration creates it again: applying "+
				"this change will fail. Create the user again (for example with an octoprint_user that this resource refers to), "+
				"or remove this resource from the configuration.", name.ValueString()))
	}
	return diags
}

// checkServerSupported refuses, when a plan changes something, a server whose version
// the provider does not support. The version is read once per provider configuration,
// so a plan without changes costs no request for it.
func checkServerSupported(ctx context.Context, client *octoprint.Client, plan tfsdk.Plan, state tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	if client == nil || plan.Raw.Equal(state.Raw) {
		return diags
	}
	v, err := client.ServerVersion(ctx)
	if err == nil {
		err = v.CheckSupported()
	}
	if err != nil {
		diags.AddError("Unsupported OctoPrint server", capitalize(err.Error())+".")
	}
	return diags
}

// requireRelease refuses what the server's release cannot do, naming its version.
func requireRelease(ctx context.Context, client *octoprint.Client, attr path.Path, major, minor int, what string) diag.Diagnostics {
	var diags diag.Diagnostics
	v, err := client.ServerVersion(ctx)
	switch {
	case err != nil:
		diags.AddAttributeError(attr, "Error reading OctoPrint's version", "Could not read the server's version: "+err.Error())
	case !v.AtLeast(major, minor):
		diags.AddAttributeError(attr, "Not supported by this OctoPrint",
			fmt.Sprintf("%s needs OctoPrint %d.%d or newer; this server runs OctoPrint %s.", what, major, minor, v.Server))
	}
	return diags
}
