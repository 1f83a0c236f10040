// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ resource.ResourceWithConfigure   = (*userSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*userSettingsResource)(nil)
	_ resource.ResourceWithIdentity    = (*userSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userSettingsResource)(nil)
)

// NewUserSettingsResource returns the octoprint_user_settings resource.
func NewUserSettingsResource() resource.Resource {
	return &userSettingsResource{resourceBase{name: "user_settings"}}
}

type userSettingsResource struct {
	resourceBase
}

type userSettingsResourceModel struct {
	ID          types.String   `tfsdk:"id"`
	User        types.String   `tfsdk:"user"`
	Settings    settingsValue  `tfsdk:"settings"`
	AllSettings settingsValue  `tfsdk:"all_settings"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// IdentitySchema is the resource identity: userSettingsIdentity (identity.go).
func (r *userSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = userSettingsIdentity.schema()
}

func (r *userSettingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		MarkdownDescription: "Some top-level keys of an OctoPrint user's personal settings (interface language, plugin " +
			"preferences, ...), as a JSON object. The user's other settings are left alone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user": schema.StringAttribute{
				MarkdownDescription: "The name of the user whose settings these are: case-sensitive and exact, for example " +
					"`octoprint_user.alice.name`. The user must exist, or be named by a reference to an `octoprint_user` of this " +
					"configuration. A new name manages another user's settings (a replacement).",
				Required:      true,
				Validators:    []validator.String{userNameValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"settings": schema.StringAttribute{
				MarkdownDescription: "The managed settings: a JSON object, usually written with `jsonencode({...})`, whose top-level " +
					"keys are the settings this resource manages. Each key's value replaces the user's whole value of that key " +
					"(OctoPrint's merge is shallow); other keys are left as they are. After a refresh it holds the server's values " +
					"of these keys, so a change made outside Terraform shows in the plan.",
				Required:   true,
				CustomType: settingsType{},
				Validators: []validator.String{settingsObjectValidator{}},
			},
			"all_settings": schema.StringAttribute{
				MarkdownDescription: "All of the user's settings as OctoPrint reports them, managed by this resource or not: a JSON " +
					"object, for reading with `jsondecode`.",
				Computed:   true,
				CustomType: settingsType{},
			},
		},
	}
}

// ModifyPlan refuses, on create, a user that neither exists nor is planned. It keeps
// settings and all_settings from state when the configured settings are semantically
// equal to them: a new key order, layout or number spelling is no change, and other
// keys changing on the server are no reason for a plan. (Terraform accepts the prior
// value planned for a configured attribute: it means "equivalent to the configuration".)
func (r *userSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.deferChecks(ctx, &resp.Diagnostics)
	defer func() { resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...) }()
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	resp.Diagnostics.Append(r.claimKeys(ctx, req, resp)...)
	if req.State.Raw.IsNull() {
		if r.client != nil {
			var user types.String
			resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user"), &user)...)
			resp.Diagnostics.Append(checkUserExists(ctx, r.client, r.plan, path.Root("user"), user)...)
		}
		return
	}
	var plan, state userSettingsResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(warnIfUserGone(ctx, r.client, r.plan, plan.User)...)
	if plan.Settings.IsUnknown() {
		return
	}
	same, diags := plan.Settings.StringSemanticEquals(ctx, state.Settings)
	resp.Diagnostics.Append(diags...)
	if same {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("settings"), state.Settings)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("all_settings"), state.AllSettings)...)
	}
}

// claimKeys refuses a settings key of a user that another octoprint_user_settings of this
// configuration manages too: the two would set it in turn at every apply.
func (r *userSettingsResource) claimKeys(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) diag.Diagnostics {
	var model userSettingsResourceModel
	diags := req.Plan.Get(ctx, &model)
	if diags.HasError() || model.User.IsUnknown() || model.Settings.IsUnknown() {
		return diags
	}
	keys, err := settingsObject([]byte(model.Settings.ValueString()))
	if err != nil {
		return diags // the validators say what is wrong
	}
	var ids []string
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		ids = append(ids, model.User.ValueString()+"\x00"+key)
	}
	taken, d := r.plan.manage(ctx, req.Private, resp.Private, kindSettingsKey, ids...)
	diags.Append(d...)
	var twice []string
	for _, id := range taken {
		twice = append(twice, id[strings.IndexByte(id, 0)+1:])
	}
	if len(twice) > 0 {
		diags.AddAttributeError(path.Root("settings"), "OctoPrint user settings managed twice",
			fmt.Sprintf("Another octoprint_user_settings of this configuration manages the settings key %s of user %q too: the two would "+
				"set it in turn at every apply. Manage each key of a user in one resource.", quoteAll(twice), model.User.ValueString()))
	}
	return diags
}

func (r *userSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userSettingsResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(userSettingsIdentity.set(ctx, resp.Identity, plan.User)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	if !resp.Diagnostics.HasError() {
		r.save(ctx, &resp.State, &resp.Diagnostics, settingsNull(), plan)
	}
}

func (r *userSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userSettingsResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The identity before any return: the framework demands one after every read.
	resp.Diagnostics.Append(userSettingsIdentity.set(ctx, resp.Identity, state.User)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return // no client: the provider is not configured yet (unknown at plan time); keep the state
	}
	name := state.User.ValueString()
	// From the shared user list: one request refreshes the settings of a whole farm.
	user, err := r.client.GetUser(ctx, name)
	var serverSettings json.RawMessage
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		// Kept in state with every managed key missing: the plan sets them again once the
		// user is back, and a destroy has nothing left to do. (Planned as new instead, the
		// settings would be checked for a user that is gone, and that would stop even a destroy.)
		tflog.Debug(ctx, "OctoPrint user is gone, and its settings with it", map[string]any{"name": name})
		err = nil
	case err == nil:
		serverSettings = user.Settings
	}
	var model userSettingsResourceModel
	if err == nil {
		model, err = newUserSettingsModel(state, serverSettings)
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint user settings", fmt.Sprintf("Could not read the settings of user %q: %s", name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

func (r *userSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userSettingsResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(userSettingsIdentity.set(ctx, resp.Identity, plan.User)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	if !resp.Diagnostics.HasError() {
		r.save(ctx, &resp.State, &resp.Diagnostics, state.Settings, plan)
	}
}

// save sends the one PATCH that turns the managed settings had (null on create: none)
// into those of plan, then stores what OctoPrint holds. It reads back this one user's
// settings: the write made the shared user list out of date, and reloading the whole
// list after each of a farm's writes would cost far more.
func (r *userSettingsResource) save(ctx context.Context, state stateSetter, diags *diag.Diagnostics, had settingsValue, plan userSettingsResourceModel) {
	name := plan.User.ValueString()
	title, verb := "Error updating OctoPrint user settings", "update"
	if had.IsNull() {
		title, verb = "Error creating OctoPrint user settings", "set"
	}
	fail := func(err error) {
		diags.AddError(title, fmt.Sprintf("Could not %s the settings of user %q: %s", verb, name, err))
	}
	want, err := settingsObject([]byte(plan.Settings.ValueString()))
	if err != nil {
		fail(err)
		return
	}
	old, err := settingsObject([]byte(had.ValueString()))
	if err != nil {
		fail(err)
		return
	}
	changes := settingsChanges(old, want)
	if len(changes) == 0 && !had.IsNull() {
		// Nothing for OctoPrint (only the timeouts changed): the plan is the new state.
		diags.Append(state.Set(ctx, &plan)...)
		return
	}
	// Sent on create even when empty: OctoPrint then says whether the user exists.
	err = r.client.SaveUserSettings(ctx, name, changes)
	if errors.Is(err, octoprint.ErrNotFound) {
		diags.AddAttributeError(path.Root("user"), "OctoPrint user not found",
			fmt.Sprintf("Could not %s the settings of user %q: the server has no user of that name (names are case-sensitive). "+
				"Create the user first, for example with an octoprint_user resource whose name this resource's `user` refers to.", verb, name))
		return
	}
	if err != nil {
		fail(err)
		return
	}
	tflog.Debug(ctx, "saved OctoPrint user settings", map[string]any{"name": name, "keys": slices.Sorted(maps.Keys(changes))})

	settings, err := r.client.GetUserSettings(ctx, name)
	var raw []byte
	if err == nil {
		raw, err = json.Marshal(settings)
	}
	var model userSettingsResourceModel
	if err == nil {
		model, err = newUserSettingsModel(plan, raw)
	}
	if err != nil {
		diags.AddError(title, fmt.Sprintf("The settings of user %q were saved, but could not be read back: %s", name, err))
		// The server holds the planned values, so state records them: else the next plan
		// would null a removed key again. (A new resource is tainted, and set again by the
		// next apply.) all_settings is learnt at the next refresh.
		plan.AllSettings = settingsNull()
		diags.Append(state.Set(ctx, &plan)...)
		return
	}
	diags.Append(state.Set(ctx, &model)...)
}

// settingsChanges is the one PATCH body that turns the managed keys had into want: the
// keys added or changed, and null for the keys no longer managed.
func settingsChanges(had, want map[string]json.RawMessage) map[string]json.RawMessage {
	changes := map[string]json.RawMessage{}
	for key, value := range want {
		if old, ok := had[key]; !ok || !sameJSON(old, value) {
			changes[key] = value
		}
	}
	for key := range had {
		if _, ok := want[key]; !ok {
			changes[key] = json.RawMessage("null")
		}
	}
	return changes
}

func (r *userSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userSettingsResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.User.ValueString()
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	managed, err := settingsObject([]byte(state.Settings.ValueString()))
	if err != nil {
		resp.Diagnostics.AddError("Error deleting OctoPrint user settings", fmt.Sprintf("Could not reset the settings of user %q: %s", name, err))
		return
	}
	// OctoPrint cannot remove a key: null is as close as it gets.
	changes := settingsChanges(managed, map[string]json.RawMessage{})
	if len(changes) == 0 {
		return
	}
	err = r.client.SaveUserSettings(ctx, name, changes)
	switch {
	case err == nil:
		tflog.Debug(ctx, "set OctoPrint user settings to null", map[string]any{"name": name, "keys": slices.Sorted(maps.Keys(changes))})
	case errors.Is(err, octoprint.ErrNotFound):
		tflog.Debug(ctx, "OctoPrint user is gone, and its settings with it", map[string]any{"name": name})
	default:
		resp.Diagnostics.AddError("Error deleting OctoPrint user settings", fmt.Sprintf("Could not reset the settings of user %q: %s", name, err))
	}
}

// ImportState takes the user's name, as the import ID or as the identity. The settings
// are left null, which tells Read to manage every top-level key the user has.
func (r *userSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if name := userSettingsIdentity.importName(ctx, req, &resp.Diagnostics); name != "" {
		userSettingsIdentity.importState(ctx, resp, name, false)
	}
}

// newUserSettingsModel maps a user's settings, as OctoPrint reports them, to the model:
// the one place that does. The managed keys are those of prior's settings, or every key
// when prior has none (an import). Where the server holds what prior says, the framework
// keeps prior's text (settingsValue's semantic equality), so that its layout, key order
// and number spelling stay as configured.
func newUserSettingsModel(prior userSettingsResourceModel, serverSettings json.RawMessage) (userSettingsResourceModel, error) {
	all, err := settingsObject(serverSettings)
	if err != nil {
		return prior, fmt.Errorf("OctoPrint reports unexpected settings: %w", err)
	}
	managed := all
	if !prior.Settings.IsNull() {
		keys, err := settingsObject([]byte(prior.Settings.ValueString()))
		if err != nil {
			return prior, fmt.Errorf("the settings in state: %w", err)
		}
		managed = map[string]json.RawMessage{}
		for key := range keys {
			managed[key] = all[key]
			if managed[key] == nil {
				managed[key] = json.RawMessage("null") // missing on the server
			}
		}
	}
	model := userSettingsResourceModel{ID: prior.User, User: prior.User, Timeouts: prior.Timeouts}
	if model.AllSettings, err = canonicalJSON(all); err != nil {
		return prior, err
	}
	if model.Settings, err = canonicalJSON(managed); err != nil {
		return prior, err
	}
	return model, nil
}
