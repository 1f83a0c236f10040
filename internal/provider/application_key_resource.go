// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
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
	_ resource.ResourceWithConfigure   = (*applicationKeyResource)(nil)
	_ resource.ResourceWithImportState = (*applicationKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*applicationKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*applicationKeyResource)(nil)
)

// NewApplicationKeyResource returns the octoprint_application_key resource.
func NewApplicationKeyResource() resource.Resource {
	return &applicationKeyResource{resourceBase{name: "application_key"}}
}

type applicationKeyResource struct {
	resourceBase
}

// applicationKeyResourceModel holds the key in `api_key`; an empty `api_key` in state
// means that the pair holds a key made outside Terraform since (seen where OctoPrint
// lists the keys' values), which the next apply replaces.
type applicationKeyResourceModel struct {
	ID       types.String   `tfsdk:"id"`
	User     types.String   `tfsdk:"user"`
	App      types.String   `tfsdk:"app"`
	Triggers types.Map      `tfsdk:"triggers"`
	APIKey   types.String   `tfsdk:"api_key"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// IdentitySchema is the resource identity: appKeyIdentity (identity.go).
func (r *applicationKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = appKeyIdentity.schema()
}

func (r *applicationKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
		MarkdownDescription: "An application key of an OctoPrint user: a key of its own for one application, such as a farm " +
			"manager or a slicer, that acts with the user's rights and is revoked alone. A user may have many, one per application. " +
			"Change `triggers` to rotate it; destroying the resource, or replacing or deleting its user, revokes it. " +
			"Needs OctoPrint's bundled Application Keys plugin.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's name and the application's, as `USER/APP`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user": schema.StringAttribute{
				MarkdownDescription: "The name of the user the key acts as, with exactly that user's rights, e.g. `octoprint_user.farm_manager.name`. " +
					"Another user, or this user replaced, replaces the key.",
				Required:      true,
				Validators:    []validator.String{userNameValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"app": schema.StringAttribute{
				MarkdownDescription: "The name of the application, as *Settings > Application Keys* lists it, e.g. `FDM Monster`. " +
					"OctoPrint matches application names regardless of case: `Cura` and `cura` name one key. Another name replaces the key.",
				Required:      true,
				Validators:    []validator.String{appNameValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"triggers": triggersAttribute(),
			"api_key": schema.StringAttribute{
				MarkdownDescription: "The key: the application sends it as the `X-Api-Key` header (or `Authorization: Bearer`).",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan claims the pair, plans a new key where the old one must go (its user
// replaced, created again or gone; the key replaced outside Terraform), and checks a
// new key against the server: the plugin enabled, the user there or planned, and no
// key of the pair already.
func (r *applicationKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.deferChecks(ctx, &resp.Diagnostics)
	defer func() { resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...) }()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan applicationKeyResourceModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	known := !plan.User.IsUnknown() && !plan.App.IsUnknown()
	replacing := req.State.Raw.IsNull() && r.plan.replacing(ctx, req.Private)
	if known {
		if req.State.Raw.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), appKeyID(plan.User.ValueString(), plan.App.ValueString()))...)
		}
		taken, diags := r.plan.manage(ctx, req.Private, resp.Private, kindAppKey, plan.User.ValueString()+"\x00"+strings.ToLower(plan.App.ValueString()))
		resp.Diagnostics.Append(diags...)
		if len(taken) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("app"), "OctoPrint application key managed twice",
				fmt.Sprintf("Another octoprint_application_key of this configuration manages the key of user %q for %q too (OctoPrint "+
					"matches application names regardless of case). A user has one key per application: the two resources would "+
					"revoke each other's key. Keep one of them, or give the other application another name.", plan.User.ValueString(), plan.App.ValueString()))
		}
	}
	if r.client == nil {
		return
	}
	if !req.State.Raw.IsNull() {
		var state applicationKeyResourceModel
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); !resp.Diagnostics.HasError() {
			r.planReplacement(ctx, state, resp)
		}
		return
	}
	if known {
		resp.Diagnostics.Append(r.checkNew(ctx, plan.User, plan.App.ValueString(), replacing)...)
	}
}

// planReplacement replaces a key whose user this plan creates (replaced, or created
// again after a deletion outside Terraform) or that is gone: OctoPrint keeps a deleted
// user's keys and hands them to the next user of that name. It also replaces a key that
// the pair no longer holds (see applicationKeyResourceModel).
func (r *applicationKeyResource) planReplacement(ctx context.Context, state applicationKeyResourceModel, resp *resource.ModifyPlanResponse) {
	// OpenTofu and Terraform replace only for a value that changes: the key does.
	replace := func() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("api_key"), types.StringUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("api_key"))
	}
	user := state.User.ValueString()
	switch {
	case state.APIKey.ValueString() == "":
		replace()
		return
	case r.plan.plansToCreate(kindUser, user):
		tflog.Debug(ctx, "this plan creates the key's user again: replacing the key", map[string]any{"user": user})
		replace()
		return
	}
	_, err := r.client.GetUser(ctx, user)
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		replace()
		resp.Diagnostics.AddAttributeWarning(path.Root("user"), "OctoPrint user is gone",
			fmt.Sprintf("User %q was deleted outside Terraform, but OctoPrint keeps its application keys and would hand them to the next "+
				"user of that name. Applying revokes this key, then fails to generate a new one unless the user exists again by then: "+
				"create it (for example with an octoprint_user that this resource refers to), or remove this resource.", user))
	case err != nil:
		resp.Diagnostics.AddAttributeError(path.Root("user"), "Error reading OctoPrint user", fmt.Sprintf("Could not check user %q: %s", user, err))
	}
}

// checkNew refuses, at plan time, a key that could not be generated: the plugin
// disabled, the user neither on the server nor planned, a key of the pair already there
// (OctoPrint would hand that key out again). The new half of a replacement finds the old
// key, which goes first. A user the plan creates finds none: creating a user revokes the
// keys a former user of that name left behind.
func (r *applicationKeyResource) checkNew(ctx context.Context, user types.String, app string, replacing bool) diag.Diagnostics {
	keys, err := r.client.ListAppKeys(ctx)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddAttributeError(path.Root("app"), "Error reading OctoPrint application keys", capitalize(err.Error())+".")
		return diags
	}
	diags := checkUserExists(ctx, r.client, r.plan, path.Root("user"), user)
	if diags.HasError() || replacing || r.plan.plansToCreate(kindUser, user.ValueString()) {
		return diags
	}
	if k := octoprint.FindAppKey(keys, user.ValueString(), app); k != nil {
		diags.Append(keyExists(*k, importRemedy(k.User, app)))
	}
	return diags
}

// keyExists refuses a new key for a pair that holds one: OctoPrint would hand that key
// out again, and a destroy would then revoke a key that Terraform did not make. remedy
// says what to do.
func keyExists(k octoprint.AppKey, remedy string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("app"), "OctoPrint application key already exists",
		fmt.Sprintf("User %q already has an application key for %q (OctoPrint matches application names regardless of case), and "+
			"OctoPrint would hand out that key rather than make a new one. %s", k.User, k.App, remedy))
}

// importRemedy is what to do about an existing key that a resource was to generate.
func importRemedy(user, app string) string {
	return fmt.Sprintf("Import it to manage it (`terraform import <address> %q`), revoke it under Settings > Application Keys, "+
		"or name the application differently.", appKeyID(user, app))
}

func (r *applicationKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan applicationKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(appKeyIdentity.set(ctx, resp.Identity, plan.User, plan.App)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	user, app := plan.User.ValueString(), plan.App.ValueString()
	key, diags := generateAppKey(ctx, r.client, user, app, importRemedy(user, app))
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.APIKey = types.StringValue(appKeyID(user, app)), types.StringValue(key)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// generateAppKey generates the key of user for app, after checking, again, what the plan
// checked: the names may have been unknown then. The user must exist, since OctoPrint
// would make a key for any name, and the pair must hold no key, since OctoPrint would
// hand that key out again (remedy says what to do then).
func generateAppKey(ctx context.Context, client *octoprint.Client, user, app, remedy string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if _, err := client.GetUser(ctx, user); errors.Is(err, octoprint.ErrNotFound) {
		diags.AddAttributeError(path.Root("user"), "OctoPrint user not found",
			fmt.Sprintf("Could not generate an application key: the server has no user named %q (names are case-sensitive). OctoPrint would "+
				"make the key all the same, and hand it to the next user of that name.", user))
		return "", diags
	} else if err != nil {
		diags.AddError("Error creating OctoPrint application key", fmt.Sprintf("Could not read user %q: %s", user, err))
		return "", diags
	}
	existing, err := client.AppKey(ctx, user, app)
	switch {
	case err == nil:
		diags.Append(keyExists(*existing, remedy))
		return "", diags
	case !errors.Is(err, octoprint.ErrNotFound):
		diags.AddError("Error creating OctoPrint application key", fmt.Sprintf("Could not read the application key of user %q for %q: %s", user, app, err))
		return "", diags
	}
	key, err := client.GenerateAppKey(ctx, user, app)
	if err != nil {
		diags.AddError("Error creating OctoPrint application key", fmt.Sprintf("Could not generate the application key of user %q for %q: %s", user, app, err))
		return "", diags
	}
	tflog.Debug(ctx, "generated OctoPrint application key", map[string]any{"user": user, "app": app})
	return key, diags
}

// Read drops the key from state when its pair holds no key (revoked outside Terraform):
// the plan then shows a new one. Where OctoPrint lists the keys' values (1.9), a pair
// that holds another key is kept with an empty key, which ModifyPlan replaces. All from
// one list of every key, shared by every resource of the provider.
func (r *applicationKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state applicationKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The identity before any return: the framework demands one after every read.
	resp.Diagnostics.Append(appKeyIdentity.set(ctx, resp.Identity, state.User, state.App)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return // no client: the provider is not configured yet (unknown at plan time); keep the state
	}
	user, app := state.User.ValueString(), state.App.ValueString()
	keys, err := r.client.ListAppKeys(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint application key",
			fmt.Sprintf("Could not read the application key of user %q for %q: %s", user, app, err))
		return
	}
	k := octoprint.FindAppKey(keys, user, app)
	if k == nil {
		tflog.Debug(ctx, "OctoPrint holds no application key of the pair, removing it from state", map[string]any{"user": user, "app": app})
		resp.State.RemoveResource(ctx)
		return
	}
	if k.APIKey != "" && k.APIKey != state.APIKey.ValueString() {
		tflog.Debug(ctx, "the pair holds another application key, made outside Terraform", map[string]any{"user": user, "app": app})
		state.APIKey = types.StringValue("")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update records new timeouts, or the triggers of an imported key: every other change
// replaces the key.
func (r *applicationKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan applicationKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(appKeyIdentity.set(ctx, resp.Identity, plan.User, plan.App)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// Delete revokes the key, unless the pair holds another one by now; an empty key in
// state (see applicationKeyResourceModel) revokes the key made outside Terraform. The
// key the provider itself authenticates with is never revoked.
func (r *applicationKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state applicationKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	user, app := state.User.ValueString(), state.App.ValueString()
	if r.client.UsesAPIKey(state.APIKey.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Application key of the provider itself",
			fmt.Sprintf("The provider authenticates with the application key of user %q for %q: revoking it would cut the provider off. "+
				"Configure the provider with another admin's key first, or stop managing this key with a `removed` block with "+
				"`lifecycle { destroy = false }`.", user, app))
		return
	}
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	revoked, err := r.client.RevokeAppKey(ctx, octoprint.AppKey{User: user, App: app, APIKey: state.APIKey.ValueString()})
	if err != nil {
		resp.Diagnostics.AddError("Error deleting OctoPrint application key",
			fmt.Sprintf("Could not revoke the application key of user %q for %q: %s", user, app, err))
		return
	}
	tflog.Debug(ctx, "OctoPrint application key revoked, or held by the pair no longer", map[string]any{"user": user, "app": app, "revoked": revoked})
}

// ImportState adopts the key a user has now for an application. It takes USER/APP as
// the import ID, or the identity's user and app.
func (r *applicationKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	user, app := appKeyIdentity.importPair(ctx, req, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	k, err := r.client.AppKey(ctx, user, app)
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		resp.Diagnostics.AddError("No OctoPrint application key to import",
			fmt.Sprintf("User %q has no application key for %q. Declare the resource without importing it to generate one.", user, app))
		return
	case err != nil:
		resp.Diagnostics.AddError("Error importing OctoPrint application key",
			fmt.Sprintf("Could not read the application key of user %q for %q: %s", user, app, err))
		return
	case r.client.UsesAPIKey(k.APIKey):
		resp.Diagnostics.AddError("Application key of the provider itself",
			fmt.Sprintf("The provider authenticates with the application key of user %q for %q: managing it would let a rotation or a "+
				"destroy revoke it, and cut the provider off. Configure the provider with another admin's key, or leave this key unmanaged.", user, app))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), appKeyID(user, app))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user"), user)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app"), app)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("api_key"), k.APIKey)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("triggers"), emptyTriggers)...)
	resp.Diagnostics.Append(appKeyIdentity.set(ctx, resp.Identity, types.StringValue(user), types.StringValue(app))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
}
