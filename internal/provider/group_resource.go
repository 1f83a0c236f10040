// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ resource.ResourceWithConfigure   = (*groupResource)(nil)
	_ resource.ResourceWithImportState = (*groupResource)(nil)
	_ resource.ResourceWithIdentity    = (*groupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*groupResource)(nil)
)

// NewGroupResource returns the octoprint_group resource.
func NewGroupResource() resource.Resource {
	return &groupResource{resourceBase{name: "group"}}
}

type groupResource struct {
	resourceBase
}

type groupResourceModel struct {
	ID types.String `tfsdk:"id"`
	groupAttributes
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// IdentitySchema is the resource identity: groupIdentity (identity.go).
func (r *groupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = groupIdentity.schema()
}

func (r *groupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedBool := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{
			MarkdownDescription: description,
			Computed:            true,
			PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
		}
	}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		MarkdownDescription: "An OctoPrint access group: a named set of permissions that its members hold, such as " +
			"operators who may connect, upload and print but not change the server's settings. The built-in `users` and " +
			"`guests` groups can be imported and managed as far as OctoPrint allows.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The group's key.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "The group's identifier, which users' `groups` refer to, e.g. `operators`: case-sensitive and exact, " +
					"not empty, `.` or `..`, without white space at either end and without `/`. A new key replaces the group.",
				Required:      true,
				Validators:    []validator.String{groupKeyValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The display name shown in OctoPrint's interface. OctoPrint cannot rename a group: a new name replaces it.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A description shown in OctoPrint's interface. Defaults to empty; when omitted on an imported built-in group, " +
					"OctoPrint's own description is kept (it cannot be changed).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{keptOnBuiltIn{}},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Keys of the permissions members get, e.g. `CONNECTION`, `FILES_UPLOAD`, `PRINT`. " +
					"The `octoprint_permissions` data source lists what a server knows, plugins' permissions included. May be empty.",
				Required:    true,
				ElementType: types.StringType,
			},
			"subgroups": schema.SetAttribute{
				MarkdownDescription: "Keys of groups whose permissions members also get, e.g. `readonly`. Defaults to none.",
				Optional:            true,
				Computed:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(groupKeyValidator)},
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			},
			"default": schema.BoolAttribute{
				MarkdownDescription: "Whether a user created without `groups` joins this group. Defaults to `false`; when omitted on an " +
					"imported built-in group, OctoPrint's value is kept (`true` for `users`).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{keptOnBuiltIn{}},
			},
			"dangerous":  computedBool(groupDangerousDescription),
			"changeable": computedBool(groupChangeableDescription),
			"removable":  computedBool(groupRemovableDescription),
			"toggleable": computedBool(groupToggleableDescription),
		},
	}
}

// ModifyPlan refuses to create a built-in group or change one OctoPrint does not let
// change, checks permission and subgroup keys against the server, and records the key
// so that users and groups planned after it may name it.
func (r *groupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.deferChecks(ctx, &resp.Diagnostics)
	defer func() { resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...) }()
	var state groupResourceModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.checkDestroy(ctx, state)...)
		return
	}
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.Key.ValueString()
	builtIn := !req.State.Raw.IsNull() && !state.Removable.ValueBool()
	if builtIn && plan.Key.Equal(state.Key) && !plan.Name.Equal(state.Name) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "OctoPrint group cannot be renamed",
			fmt.Sprintf("OctoPrint cannot rename its built-in group %q: set `name` to %q.", key, state.Name.ValueString()))
		return
	}
	creating := req.State.Raw.IsNull() || !plan.Key.Equal(state.Key) || !plan.Name.Equal(state.Name)
	if !plan.Key.IsUnknown() && creating {
		r.plan.planCreate(kindGroup, key)
	}
	resp.Diagnostics.Append(r.register(ctx, plan, req.Private, resp.Private)...)

	switch {
	case creating:
	case !state.Changeable.ValueBool() && !plan.sameSettings(state) && req.Plan.Raw.IsFullyKnown():
		resp.Diagnostics.AddError("OctoPrint group cannot be changed",
			fmt.Sprintf("OctoPrint does not let anyone change its built-in group %q: keep its permissions, subgroups, description and default "+
				"as the server has them (see the plan), or stop managing it.", key))
	case builtIn && !plan.Description.Equal(state.Description) && !plan.Description.IsUnknown():
		resp.Diagnostics.AddAttributeError(path.Root("description"), "OctoPrint group description cannot be changed",
			fmt.Sprintf("OctoPrint keeps the description of its built-in group %q as it is: set it to %q or leave it out.", key, state.Description.ValueString()))
	}
	permissionsChange := creating || !plan.Permissions.Equal(state.Permissions) || !plan.Subgroups.Equal(state.Subgroups)
	// OctoPrint computes dangerous from the subgroups too, whose permissions may change
	// in the same apply: an update of a group with subgroups reads it anew. (A subgroup
	// changing alone shows in this group's dangerous at the next refresh.)
	updatingWithSubgroups := !req.Plan.Raw.Equal(req.State.Raw) && len(plan.Subgroups.Elements()) > 0
	if permissionsChange || updatingWithSubgroups {
		plan.Dangerous = types.BoolUnknown()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("dangerous"), plan.Dangerous)...)
	}

	if r.client == nil {
		return // provider not configured yet: apply checks again before writing
	}
	if creating && !plan.Key.IsUnknown() {
		resp.Diagnostics.Append(r.checkNotBuiltIn(ctx, key)...)
	}
	if permissionsChange {
		resp.Diagnostics.Append(checkPermissions(ctx, r.client, path.Root("permissions"), plan.Permissions)...)
		resp.Diagnostics.Append(checkSubgroups(ctx, r.client, r.plan, path.Root("subgroups"), key, plan.Subgroups)...)
		resp.Diagnostics.Append(checkAdminAlone(ctx, r.client, plan.Permissions)...)
		if key == guestsGroup {
			resp.Diagnostics.Append(checkGuestsRights(ctx, r.client, plan)...)
		}
		if !plan.Key.IsUnknown() && !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(checkNoSubgroupCycle(ctx, r.client, r.plan, path.Root("subgroups"), key)...)
		}
		if !creating && !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(r.checkKeepsCaller(ctx, path.Root("permissions"), fmt.Sprintf("Once group %q has these permissions and subgroups", key))...)
		}
	}
}

// register claims the group for this resource, and records its planned rights and the
// subgroups it names.
func (r *groupResource) register(ctx context.Context, plan groupResourceModel, prior, planned privateState) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.Key.IsUnknown() {
		return diags
	}
	key := plan.Key.ValueString()
	taken, diags := r.plan.manage(ctx, prior, planned, kindGroup, key)
	if len(taken) > 0 {
		diags.AddAttributeError(path.Root("key"), "OctoPrint group managed twice",
			fmt.Sprintf("Another octoprint_group of this configuration manages group %q too. Two resources for one group would undo "+
				"each other's changes at every apply: keep one of them.", key))
	}
	permissions, d := knownStrings(ctx, plan.Permissions)
	diags.Append(d...)
	subgroups, d := knownStrings(ctx, plan.Subgroups)
	diags.Append(d...)
	if !plan.Permissions.IsUnknown() && !plan.Subgroups.IsUnknown() {
		r.plan.planGroup(key, permissions, subgroups)
	}
	if gone := r.plan.nameGroups(fmt.Sprintf("group %q", key), subgroups); len(gone) > 0 {
		diags.AddAttributeError(path.Root("subgroups"), "OctoPrint group destroyed while still named",
			fmt.Sprintf("This plan destroys group %s (its octoprint_group left the configuration), which group %q still names as a "+
				"subgroup: OctoPrint would silently drop it, and the next plan would fail. Remove it from `subgroups` too, or keep the group.",
				quoteAll(gone), key))
	}
	return diags
}

// checkDestroy refuses to destroy a group that a resource of this configuration still
// names, or that the provider's own user needs for its ADMIN permission. A built-in
// group is only forgotten, with a warning.
func (r *groupResource) checkDestroy(ctx context.Context, state groupResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	key := state.Key.ValueString()
	if !state.Removable.ValueBool() {
		diags.AddWarning("OctoPrint built-in group is not deleted",
			fmt.Sprintf("OctoPrint cannot delete its built-in group %q: destroying it only removes it from state and leaves it on the server as it is.", key))
		return diags
	}
	if namedBy := r.plan.destroyGroup(key); len(namedBy) > 0 {
		diags.AddError("OctoPrint group destroyed while still named",
			fmt.Sprintf("This plan destroys group %q, which %s of this configuration still name: OctoPrint would silently take them out "+
				"of it, and the next plan would fail. Remove the group from their `groups` or `subgroups` in the same change, or keep it.",
				key, strings.Join(namedBy, ", ")))
		return diags
	}
	if r.client != nil {
		diags.Append(r.checkKeepsCaller(ctx, path.Root("key"), fmt.Sprintf("Once group %q is destroyed", key))...)
	}
	return diags
}

// checkKeepsCaller refuses a change of groups after which the user the provider acts as
// would lose the ADMIN permission.
func (r *groupResource) checkKeepsCaller(ctx context.Context, attr path.Path, why string) diag.Diagnostics {
	name := callerName(ctx, r.client)
	if name == "" {
		return nil
	}
	me, err := r.client.GetUser(ctx, name)
	if err != nil {
		return nil // not a user of the list (the global API key): groups do not make its rights
	}
	return checkCallerKeepsAdmin(ctx, r.client, r.plan, attr, name, me.Groups, me.Permissions, why)
}

// checkAdminAlone refuses, on OctoPrint 2.0 and newer, other permissions beside ADMIN in
// a group: ADMIN holds every permission there, and OctoPrint silently keeps no other one
// added beside it.
func checkAdminAlone(ctx context.Context, client *octoprint.Client, permissions types.Set) diag.Diagnostics {
	var diags diag.Diagnostics
	keys, d := knownStrings(ctx, permissions)
	if diags.Append(d...); len(keys) < 2 || !slices.Contains(keys, octoprint.PermissionAdmin) {
		return diags
	}
	v, err := client.ServerVersion(ctx)
	if err != nil || !v.AtLeast(2, 0) {
		return diags
	}
	diags.AddAttributeError(path.Root("permissions"), "ADMIN holds every permission",
		fmt.Sprintf("On OctoPrint %s a group with ADMIN holds every permission, and OctoPrint keeps no other one beside it: "+
			"list ADMIN alone.", v.Server))
	return diags
}

// guestsGroup holds every anonymous visitor.
const guestsGroup = "guests"

// checkGuestsRights refuses what OctoPrint silently drops from the guests group:
// dangerous permissions, and subgroups with dangerous permissions.
func checkGuestsRights(ctx context.Context, client *octoprint.Client, plan groupResourceModel) diag.Diagnostics {
	permissions, diags := knownStrings(ctx, plan.Permissions)
	subgroups, d := knownStrings(ctx, plan.Subgroups)
	diags.Append(d...)
	allPermissions, err := client.ListPermissions(ctx)
	if err != nil {
		diags.AddError("Error reading OctoPrint permissions", "Could not check the rights of the guests group: "+err.Error())
		return diags
	}
	allGroups, err := client.ListGroups(ctx)
	if err != nil {
		diags.AddError("Error reading OctoPrint groups", "Could not check the rights of the guests group: "+err.Error())
		return diags
	}
	var dangerousPermissions, dangerousSubgroups []string
	for _, p := range allPermissions {
		if p.Dangerous && slices.Contains(permissions, p.Key) {
			dangerousPermissions = append(dangerousPermissions, p.Key)
		}
	}
	for _, g := range allGroups {
		if g.Dangerous && slices.Contains(subgroups, g.Key) {
			dangerousSubgroups = append(dangerousSubgroups, g.Key)
		}
	}
	if len(dangerousPermissions) > 0 {
		diags.AddAttributeError(path.Root("permissions"), "Dangerous permission for anonymous visitors",
			fmt.Sprintf("OctoPrint does not give the guests group dangerous permissions, and would silently drop %s.", quoteAll(dangerousPermissions)))
	}
	if len(dangerousSubgroups) > 0 {
		diags.AddAttributeError(path.Root("subgroups"), "Dangerous subgroup for anonymous visitors",
			fmt.Sprintf("OctoPrint does not give the guests group dangerous subgroups, and would silently drop %s.", quoteAll(dangerousSubgroups)))
	}
	return diags
}

// sameSettings tells whether the attributes an update sends are unchanged.
func (m groupResourceModel) sameSettings(o groupResourceModel) bool {
	return m.Description.Equal(o.Description) && m.Permissions.Equal(o.Permissions) &&
		m.Subgroups.Equal(o.Subgroups) && m.Default.Equal(o.Default)
}

// checkNotBuiltIn refuses to create a group that exists on the server and can never be
// deleted: OctoPrint's own groups.
func (r *groupResource) checkNotBuiltIn(ctx context.Context, key string) diag.Diagnostics {
	var diags diag.Diagnostics
	g, err := r.client.GetGroup(ctx, key)
	if err != nil && !errors.Is(err, octoprint.ErrNotFound) {
		diags.AddAttributeError(path.Root("key"), "Error reading OctoPrint groups", "Could not check the group key: "+err.Error())
	}
	if err == nil && !g.Removable {
		diags.AddAttributeError(path.Root("key"), "OctoPrint built-in group cannot be created",
			fmt.Sprintf("%q is one of OctoPrint's built-in groups: it always exists and cannot be created, renamed or deleted. "+
				"To manage what OctoPrint lets you change on it, import it: an `import` block with `id = %q`.", key, key))
	}
	return diags
}

func (r *groupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, plan.Key)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.Key.ValueString()
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()

	update, diags := r.checkedUpdate(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	group, err := r.client.AddGroup(ctx, octoprint.NewGroup{Key: key, Name: plan.Name.ValueString(), GroupUpdate: update})
	if errors.Is(err, octoprint.ErrConflict) {
		resp.Diagnostics.AddAttributeError(path.Root("key"), "OctoPrint group already exists",
			fmt.Sprintf("A group with key %q already exists on the server. If another resource manages it (under another provider "+
				"block for this server, or in another configuration), keep only one of them. Otherwise, to manage it with Terraform, import it: "+
				"`terraform import <address> %q`, or an `import` block with `id = %q`. (Group keys are unique: a replacement "+
				"with `create_before_destroy` cannot work, as the new group would need the key the old one still has.)", key, key, key))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error creating OctoPrint group", fmt.Sprintf("Could not create group %q: %s", key, err))
		return
	}
	tflog.Debug(ctx, "created OctoPrint group", map[string]any{"key": key})
	resp.Diagnostics.Append(setGroupState(ctx, &resp.State, plan.Timeouts, group)...)
}

// checkedUpdate checks the planned permission and subgroup keys once more (at plan time
// they may have been unknown) and returns the body that makes the server's group what
// the plan says.
func (r *groupResource) checkedUpdate(ctx context.Context, m groupResourceModel) (octoprint.GroupUpdate, diag.Diagnostics) {
	diags := checkPermissions(ctx, r.client, path.Root("permissions"), m.Permissions)
	diags.Append(checkSubgroups(ctx, r.client, nil, path.Root("subgroups"), m.Key.ValueString(), m.Subgroups)...)
	if !diags.HasError() {
		diags.Append(checkNoSubgroupCycle(ctx, r.client, r.plan, path.Root("subgroups"), m.Key.ValueString())...)
	}
	permissions, d := setStrings(ctx, m.Permissions)
	diags.Append(d...)
	subgroups, d := setStrings(ctx, m.Subgroups)
	diags.Append(d...)
	return octoprint.GroupUpdate{
		Description: m.Description.ValueString(),
		Permissions: permissions,
		Subgroups:   subgroups,
		Default:     m.Default.ValueBool(),
	}, diags
}

func (r *groupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The identity before any return: the framework demands one after every read.
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, state.Key)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return // no client: the provider is not configured yet (unknown at plan time); keep the state
	}
	key := state.Key.ValueString()
	group, err := r.client.GetGroup(ctx, key)
	if errors.Is(err, octoprint.ErrNotFound) {
		tflog.Debug(ctx, "OctoPrint group is gone, removing it from state", map[string]any{"key": key})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint group", fmt.Sprintf("Could not read group %q: %s", key, err))
		return
	}
	resp.Diagnostics.Append(setGroupState(ctx, &resp.State, state.Timeouts, group)...)
}

func (r *groupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan groupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(groupIdentity.set(ctx, resp.Identity, plan.Key)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.Key.ValueString()
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update)
	resp.Diagnostics.Append(diags...)
	defer cancel()

	update, diags := r.checkedUpdate(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	group, err := r.client.UpdateGroup(ctx, key, update)
	if err != nil {
		resp.Diagnostics.AddError("Error updating OctoPrint group", fmt.Sprintf("Could not update group %q: %s", key, err))
		return
	}
	resp.Diagnostics.Append(setGroupState(ctx, &resp.State, plan.Timeouts, group)...)
}

func (r *groupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state groupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.Key.ValueString()
	if !state.Removable.ValueBool() {
		tflog.Info(ctx, "leaving OctoPrint's built-in group on the server", map[string]any{"key": key})
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	err := r.client.DeleteGroup(ctx, key)
	if err != nil && !errors.Is(err, octoprint.ErrNotFound) {
		resp.Diagnostics.AddError("Error deleting OctoPrint group", fmt.Sprintf("Could not delete group %q: %s", key, err))
	}
}

// ImportState takes the group's key, as the import ID or as the identity.
func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if key := groupIdentity.importName(ctx, req, &resp.Diagnostics); key != "" {
		groupIdentity.importState(ctx, resp, key, false)
	}
}

// keptOnBuiltIn plans an omitted description or default flag as empty or false, except
// on a built-in group (brought in by an import), where OctoPrint's value is kept: it
// cannot change the description, and a changed default flag would be a surprise.
type keptOnBuiltIn struct{}

func (keptOnBuiltIn) Description(context.Context) string {
	return "when omitted: empty or false, or a built-in group's own value"
}

func (m keptOnBuiltIn) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keptOnBuiltIn) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = types.StringValue("")
		if isBuiltInGroup(ctx, req.State, &resp.Diagnostics) {
			resp.PlanValue = req.StateValue
		}
	}
}

func (keptOnBuiltIn) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.ConfigValue.IsNull() {
		resp.PlanValue = types.BoolValue(false)
		if isBuiltInGroup(ctx, req.State, &resp.Diagnostics) {
			resp.PlanValue = req.StateValue
		}
	}
}

// isBuiltInGroup tells whether the group in state is one OctoPrint cannot delete.
func isBuiltInGroup(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) bool {
	if state.Raw.IsNull() {
		return false
	}
	var removable types.Bool
	diags.Append(state.GetAttribute(ctx, path.Root("removable"), &removable)...)
	return !removable.IsNull() && !removable.IsUnknown() && !removable.ValueBool()
}

// setGroupState stores the group as OctoPrint reports it.
func setGroupState(ctx context.Context, state stateSetter, t timeouts.Value, group *octoprint.Group) diag.Diagnostics {
	attrs := newGroupAttributes(group)
	return state.Set(ctx, &groupResourceModel{ID: attrs.Key, groupAttributes: attrs, Timeouts: t})
}
