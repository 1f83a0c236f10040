// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

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
	_ resource.ResourceWithConfigure   = (*userAPIKeyResource)(nil)
	_ resource.ResourceWithImportState = (*userAPIKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*userAPIKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userAPIKeyResource)(nil)
)

// NewUserAPIKeyResource returns the octoprint_user_api_key resource.
func NewUserAPIKeyResource() resource.Resource {
	return &userAPIKeyResource{resourceBase{name: "user_api_key"}}
}

type userAPIKeyResource struct {
	resourceBase
}

type userAPIKeyResourceModel struct {
	ID       types.String   `tfsdk:"id"`
	User     types.String   `tfsdk:"user"`
	Triggers types.Map      `tfsdk:"triggers"`
	APIKey   types.String   `tfsdk:"api_key"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// IdentitySchema is the resource identity: userAPIKeyIdentity (identity.go).
func (r *userAPIKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = userAPIKeyIdentity.schema()
}

func (r *userAPIKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
		MarkdownDescription: "The API key of an OctoPrint user, for a bot such as a slicer, a dashboard or a farm manager: " +
			"it acts with exactly that user's rights. Change `triggers` to rotate it; destroying the resource revokes it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user": schema.StringAttribute{
				MarkdownDescription: "The name of the user the key belongs to, e.g. `octoprint_user.slicer.name`. A new user replaces the key.",
				Required:            true,
				Validators:          []validator.String{userNameValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"triggers": triggersAttribute(),
			"api_key": schema.StringAttribute{
				MarkdownDescription: "The key: send it as the `X-Api-Key` header (or `Authorization: Bearer`).",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan refuses a key for the user whose key the provider uses: generating it
// would replace the provider's own key, and every later request would fail.
func (r *userAPIKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.deferChecks(ctx, &resp.Diagnostics)
	defer func() { resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...) }()
	if req.Plan.Raw.IsNull() {
		return
	}
	var planned types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user"), &planned)...)
	if !planned.IsUnknown() {
		taken, diags := r.plan.manage(ctx, req.Private, resp.Private, kindAPIKey, planned.ValueString())
		resp.Diagnostics.Append(diags...)
		if len(taken) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("user"), "OctoPrint API key managed twice",
				fmt.Sprintf("Another octoprint_user_api_key of this configuration manages the API key of user %q too. A user has one API "+
					"key: each resource would replace the other's at every apply, and one key would always be dead. Keep one of them, "+
					"and give a second bot a user of its own.", planned.ValueString()))
		}
	}
	if r.client == nil {
		return
	}
	if !req.State.Raw.IsNull() {
		var state, plan userAPIKeyResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if state.APIKey.ValueString() == "" {
			// Its user was gone at the refresh: the update generates a new key. (An update,
			// not a replacement: if the user is still missing then, the key stays in state,
			// and a destroy has nothing to do.)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("api_key"), types.StringUnknown())...)
			resp.Diagnostics.Append(warnIfUserGone(ctx, r.client, r.plan, plan.User)...)
		}
		// A rotation of a key that the provider uses by now would revoke it.
		if !plan.Triggers.Equal(state.Triggers) {
			resp.Diagnostics.Append(r.checkNotProviderKey(state.User.ValueString(), state.APIKey.ValueString(), "Rotating it would revoke it")...)
		}
		return
	}
	var user types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user"), &user)...)
	if user.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(checkUserExists(ctx, r.client, r.plan, path.Root("user"), user)...); resp.Diagnostics.HasError() {
		return
	}
	current, err := r.currentKey(ctx, user.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("user"), "Error reading OctoPrint API key",
			fmt.Sprintf("Could not read the API key of user %q: %s", user.ValueString(), err))
		return
	}
	resp.Diagnostics.Append(r.checkNotProviderKey(user.ValueString(), current, "Generating a key for that user would replace it")...)
}

// checkNotProviderKey refuses to touch the key the provider itself authenticates with.
// An application key of the same user is another key, and is not in the way.
func (r *userAPIKeyResource) checkNotProviderKey(name, key, consequence string) diag.Diagnostics {
	var diags diag.Diagnostics
	if r.client.UsesAPIKey(key) {
		diags.AddAttributeError(path.Root("user"), "API key of the provider itself",
			fmt.Sprintf("The provider authenticates with the API key of user %q. %s, and every later request of the provider would fail. "+
				"Configure the provider with another admin's key (or an application key), or manage keys of other users, e.g. a dedicated bot user.",
				name, consequence))
	}
	return diags
}

func (r *userAPIKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userAPIKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(userAPIKeyIdentity.set(ctx, resp.Identity, plan.User)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	r.generate(ctx, plan, &resp.State, &resp.Diagnostics)
}

// generate gives the planned user a new key and stores it.
func (r *userAPIKeyResource) generate(ctx context.Context, plan userAPIKeyResourceModel, state stateSetter, diags *diag.Diagnostics) {
	name := plan.User.ValueString()
	// Checked again here: at plan time the name may have been unknown.
	current, err := r.currentKey(ctx, name)
	if err != nil {
		diags.AddError("Error creating OctoPrint API key", fmt.Sprintf("Could not read the API key of user %q: %s", name, err))
		return
	}
	if diags.Append(r.checkNotProviderKey(name, current, "Generating a key for that user would replace it")...); diags.HasError() {
		return
	}
	key, err := r.client.GenerateAPIKey(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		diags.AddAttributeError(path.Root("user"), "OctoPrint user not found",
			fmt.Sprintf("Could not generate an API key: the server has no user named %q (names are case-sensitive).", name))
		return
	}
	if err != nil {
		diags.AddError("Error creating OctoPrint API key", fmt.Sprintf("Could not generate an API key for user %q: %s", name, err))
		return
	}
	tflog.Debug(ctx, "generated OctoPrint API key", map[string]any{"user": name})
	plan.ID, plan.APIKey = plan.User, types.StringValue(key)
	diags.Append(state.Set(ctx, &plan)...)
}

// Read drops the key from state when the user no longer has it: deleted, or its key
// regenerated or removed outside Terraform. The plan then shows a new key.
func (r *userAPIKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userAPIKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The identity before any return: the framework demands one after every read.
	resp.Diagnostics.Append(userAPIKeyIdentity.set(ctx, resp.Identity, state.User)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return // no client: the provider is not configured yet (unknown at plan time); keep the state
	}
	name := state.User.ValueString()
	user, err := r.client.GetUser(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		// Kept in state without a key: ModifyPlan plans a new one, for the user once it is
		// back, and a destroy has nothing left to do. (Planned as new instead, the key
		// would be checked for a user that is gone, and that would stop even a destroy.)
		tflog.Debug(ctx, "OctoPrint user is gone, and its API key with it", map[string]any{"user": name})
		state.APIKey = types.StringValue("")
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint API key", fmt.Sprintf("Could not read the API key of user %q: %s", name, err))
		return
	}
	if current := user.APIKey; current != state.APIKey.ValueString() {
		tflog.Debug(ctx, "OctoPrint user no longer has the key in state, removing it from state", map[string]any{"user": name})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// currentKey returns the user's key, "" when it has none or does not exist.
func (r *userAPIKeyResource) currentKey(ctx context.Context, name string) (string, error) {
	user, err := r.client.GetUser(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return user.APIKey, nil
}

// Update records new timeouts, or the triggers of an imported key, or generates a key
// for a user that was gone: every other change replaces the key.
func (r *userAPIKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state userAPIKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(userAPIKeyIdentity.set(ctx, resp.Identity, plan.User)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.APIKey.ValueString() == "" { // the user was gone: a new key for it
		ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
		resp.Diagnostics.Append(diags...)
		defer cancel()
		r.generate(ctx, plan, &resp.State, &resp.Diagnostics)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// Delete removes the key, unless the user holds another one by now (generated outside
// Terraform, or by this resource's replacement under create_before_destroy).
func (r *userAPIKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userAPIKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.User.ValueString()
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	current, err := r.currentKey(ctx, name)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Error deleting OctoPrint API key", fmt.Sprintf("Could not read the API key of user %q: %s", name, err))
		return
	case current != state.APIKey.ValueString():
		tflog.Debug(ctx, "OctoPrint user holds another key, leaving it", map[string]any{"user": name})
		return
	}
	resp.Diagnostics.Append(r.checkNotProviderKey(name, current, "Removing it would revoke the provider's access: stop managing it "+
		"with a `removed` block with `lifecycle { destroy = false }` instead")...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.client.ResetAPIKey(ctx, name); err != nil && !errors.Is(err, octoprint.ErrNotFound) {
		resp.Diagnostics.AddError("Error deleting OctoPrint API key", fmt.Sprintf("Could not remove the API key of user %q: %s", name, err))
	}
}

// ImportState adopts the key the user has now. It takes the user's name, as the import
// ID or as the identity.
func (r *userAPIKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := userAPIKeyIdentity.importName(ctx, req, &resp.Diagnostics)
	if name == "" {
		return
	}
	current, err := r.currentKey(ctx, name)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Error importing OctoPrint API key", fmt.Sprintf("Could not read the API key of user %q: %s", name, err))
		return
	case current == "":
		resp.Diagnostics.AddError("No OctoPrint API key to import",
			fmt.Sprintf("User %q does not exist or has no API key. Declare the resource without importing it to generate one.", name))
		return
	}
	resp.Diagnostics.Append(r.checkNotProviderKey(name, current, "Managing it would let a rotation or a destroy revoke it")...)
	if resp.Diagnostics.HasError() {
		return
	}
	userAPIKeyIdentity.importState(ctx, resp, name, true)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_key"), current)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("triggers"), emptyTriggers)...)
}
