// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ resource.ResourceWithConfigure        = (*userResource)(nil)
	_ resource.ResourceWithImportState      = (*userResource)(nil)
	_ resource.ResourceWithIdentity         = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*userResource)(nil)
	_ resource.ResourceWithConfigValidators = (*userResource)(nil)
)

// NewUserResource returns the octoprint_user resource.
func NewUserResource() resource.Resource {
	return &userResource{resourceBase{name: "user"}}
}

type userResource struct {
	resourceBase
}

type userResourceModel struct {
	ID types.String `tfsdk:"id"`
	userAttributes
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// passwordLength refuses an empty password, which OctoPrint would take, and one longer
// than its hashing library's limit of 4096 characters, which it answers with a 500.
var passwordLength = stringvalidator.UTF8LengthBetween(1, 4096)

// IdentitySchema is the resource identity: userIdentity (identity.go).
func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = userIdentity.schema()
}

func (r *userResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
		MarkdownDescription: "An OctoPrint user account: whether it may log in, its groups, its own permissions and its " +
			"password, kept in state (`password`) or write-only (`password_wo`). Group and permission keys are checked " +
			"against the server at plan time.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The user's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The login name: case-sensitive and exact. OctoPrint cannot rename users, so a new name replaces the user. " +
					"It must not be empty, `.` or `..`, start or end with white space, or contain `/`.",
				Required:      true,
				Validators:    []validator.String{userNameValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The password, kept in state (sensitive). Conflicts with `password_wo`; one of them is required to create a user.",
				Optional:            true,
				Sensitive:           true,
				Validators:          []validator.String{passwordLength},
			},
			"password_wo": schema.StringAttribute{
				MarkdownDescription: "The password, write-only: sent to OctoPrint on create and whenever `password_wo_version` changes, never stored in state. " +
					"Needs Terraform or OpenTofu 1.11 or newer. Conflicts with `password`.",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{passwordLength},
			},
			"password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number to send `password_wo` to OctoPrint again, for example to rotate the password.",
				Optional:            true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("password_wo")),
				},
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the user may log in. Defaults to `true`; set `false` to keep a former operator's account without access.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"groups": schema.SetAttribute{
				MarkdownDescription: "Keys of the groups the user is a member of, e.g. `admins`, `users` or `readonly`. " +
					"When omitted, OctoPrint gives a new user its default groups (usually `users`) and the provider keeps what the server reports. " +
					"An empty set means no groups. Membership of `guests` cannot be assigned. Name a group managed in the same configuration " +
					"by a reference (`octoprint_group.operators.key`): the group is then created first, and the user joins it again in the same " +
					"apply when the group is replaced.",
				Optional:      true,
				Computed:      true,
				ElementType:   types.StringType,
				Validators:    []validator.Set{setvalidator.ValueStringsAre(groupKeyValidator)},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Keys of permissions the user holds in addition to those of its groups, e.g. `PRINT` or `WEBCAM`. " +
					"Defaults to none, so that a permission granted by hand shows in the plan and is taken away. The `octoprint_permissions` " +
					"data source lists what a server knows, plugins' permissions included.",
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			},
			"has_password": schema.BoolAttribute{
				MarkdownDescription: "Whether the user can log in with a password. Defaults to `true`. `false` makes a user without a password " +
					"login, for example one whom a trusted reverse proxy authenticates, or a bot that only uses API keys: OctoPrint 2.0 or " +
					"newer, and without `password` or `password_wo`. OctoPrint cannot take a password login away: `true` to `false` needs " +
					"the user replaced.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"admin": schema.BoolAttribute{
				MarkdownDescription: "Whether the user ends up with the `ADMIN` permission, through its groups, their subgroups or its own permissions. " +
					"OctoPrint computes it; make a user an admin by adding it to the `admins` group.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *userResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.Conflicting(path.MatchRoot("password"), path.MatchRoot("password_wo")),
	}
}

// ModifyPlan demands a password on create, marks `admin` unknown when the rights that
// make it change, and checks group and permission keys against the server.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.deferChecks(ctx, &resp.Diagnostics)
	defer func() { resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...) }()
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(r.checkDestroy(ctx, req.State)...)
		return
	}
	var config, plan userResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	creating := req.State.Raw.IsNull()
	var state userResourceModel
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	name := plan.Name.ValueString()
	if !plan.Name.IsUnknown() && (creating || !plan.Name.Equal(state.Name)) {
		r.plan.planCreate(kindUser, name)
	}
	if !plan.Name.IsUnknown() && creating && r.plan.claims(name) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "OctoPrint user created by octoprint_setup",
			fmt.Sprintf("The octoprint_setup of this configuration creates user %q as the server's first admin. Manage that user as an "+
				"octoprint_user after the first apply, with an `import` block (`id = %q`).", name, name))
	}
	if !plan.Name.IsUnknown() {
		taken, diags := r.plan.manage(ctx, req.Private, resp.Private, kindUser, name)
		resp.Diagnostics.Append(diags...)
		if len(taken) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "OctoPrint user managed twice",
				fmt.Sprintf("Another octoprint_user of this configuration manages user %q too. Two resources for one account would undo "+
					"each other's changes at every apply: keep one of them.", name))
		}
	}
	if groups, _ := knownStrings(ctx, plan.Groups); !plan.Name.IsUnknown() {
		if gone := r.plan.nameGroups(fmt.Sprintf("user %q", name), groups); len(gone) > 0 {
			resp.Diagnostics.AddAttributeError(path.Root("groups"), "OctoPrint group destroyed while still named",
				fmt.Sprintf("This plan destroys group %s (its octoprint_group left the configuration), which user %q still names: OctoPrint "+
					"would silently take the user out of it, and the next plan would fail. Remove it from `groups` too, or keep the group.",
					quoteAll(gone), name))
		}
	}

	resp.Diagnostics.Append(r.checkPasswordLogin(ctx, creating, config, plan, state)...)

	groupsChange := creating || !plan.Groups.Equal(state.Groups)
	permissionsChange := creating || !plan.Permissions.Equal(state.Permissions)
	// A group created or replaced in this run: a replaced group has lost its members on
	// the server, so the user is updated to join it again.
	rejoin := !creating && r.joinsPlannedGroup(ctx, plan.Groups)
	// An update answers with what the server computes of admin, which may have changed
	// through the groups' own permissions too.
	if !creating && (rejoin || !req.Plan.Raw.Equal(req.State.Raw)) {
		plan.Admin = types.BoolUnknown()
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("admin"), plan.Admin)...)
	}

	if r.client == nil {
		return // provider not configured yet: apply checks again before writing
	}
	if groupsChange {
		resp.Diagnostics.Append(checkGroups(ctx, r.client, r.plan, path.Root("groups"), plan.Groups)...)
	}
	if permissionsChange {
		resp.Diagnostics.Append(checkPermissions(ctx, r.client, path.Root("permissions"), plan.Permissions)...)
	}
	if !creating && (groupsChange || permissionsChange || !plan.Active.Equal(state.Active)) && !plan.Name.IsUnknown() && name == callerName(ctx, r.client) {
		resp.Diagnostics.Append(r.checkKeepsCaller(ctx, plan, state)...)
	}
}

// checkDestroy refuses, at plan time, to delete the user the provider acts as, which
// OctoPrint would refuse at apply, after other changes were made.
func (r *userResource) checkDestroy(ctx context.Context, state tfsdk.State) diag.Diagnostics {
	var name types.String
	diags := state.GetAttribute(ctx, path.Root("name"), &name)
	if r.client != nil && !diags.HasError() && name.ValueString() == callerName(ctx, r.client) {
		diags.AddAttributeError(path.Root("name"), "OctoPrint user cannot be deleted", ownUserNotDeleted(name.ValueString()))
	}
	return diags
}

// ownUserNotDeleted explains why the user the provider acts as is not deleted.
func ownUserNotDeleted(name string) string {
	return fmt.Sprintf("Could not delete user %q: OctoPrint refuses to delete the user whose API key the provider uses: "+
		"configure the provider with another admin's key, or stop managing this user without deleting it: "+
		"a `removed` block with `lifecycle { destroy = false }`, or `terraform state rm`.", name)
}

// checkKeepsCaller refuses to deactivate or demote the user the provider acts as.
func (r *userResource) checkKeepsCaller(ctx context.Context, plan, state userResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	name := plan.Name.ValueString()
	if !plan.Active.IsUnknown() && !plan.Active.ValueBool() {
		diags.AddAttributeError(path.Root("active"), "The provider would lock itself out",
			fmt.Sprintf("The provider acts as user %q, whose key it uses: deactivated, that user's key is refused, and so would be every "+
				"later request of the provider. Configure the provider with another admin's key before deactivating this user.", name))
		return diags
	}
	groups, known := plan.Groups, !plan.Groups.IsUnknown()
	if !known { // omitted: the server's groups stay
		groups, known = state.Groups, !state.Groups.IsNull() && !state.Groups.IsUnknown()
	}
	groupKeys, d := knownStrings(ctx, groups)
	diags.Append(d...)
	permissions, d := knownStrings(ctx, plan.Permissions)
	diags.Append(d...)
	if !known || plan.Permissions.IsUnknown() || diags.HasError() {
		return diags
	}
	return append(diags, checkCallerKeepsAdmin(ctx, r.client, r.plan, path.Root("groups"), name, groupKeys, permissions,
		"With these groups and permissions")...)
}

// checkPasswordLogin demands a password exactly when the user has a password login,
// and refuses what OctoPrint cannot do with one.
func (r *userResource) checkPasswordLogin(ctx context.Context, creating bool, config, plan, state userResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.HasPassword.IsUnknown() {
		return diags
	}
	hasPassword := plan.HasPassword.ValueBool()
	password := !config.Password.IsNull() || !config.PasswordWO.IsNull()
	switch {
	case hasPassword && !password && (creating || !state.HasPassword.ValueBool()):
		diags.AddAttributeError(path.Root("password"), "Missing password",
			"A user with a password login needs a password: set `password`, or the write-only `password_wo`; or, on OctoPrint 2.0 "+
				"and newer, `has_password = false` for a user without one.")
	case !hasPassword && password:
		diags.AddAttributeError(path.Root("has_password"), "Password for a user without a password login",
			"With `has_password = false` the user has no password: remove `password` and `password_wo`.")
	case !hasPassword && !creating && state.HasPassword.ValueBool():
		diags.AddAttributeError(path.Root("has_password"), "OctoPrint cannot remove a password login",
			fmt.Sprintf("User %q can log in with a password, and OctoPrint has no way to take that away. Replace the user to make it "+
				"one without a password login (`tofu apply -replace=<address>`, which deletes it and creates it again).", plan.Name.ValueString()))
	case !hasPassword && creating && r.client != nil:
		diags.Append(requireRelease(ctx, r.client, path.Root("has_password"), 2, 0, "A user without a password login (`has_password = false`)")...)
	}
	return diags
}

// joinsPlannedGroup tells whether any of the groups is created or replaced in this run.
func (r *userResource) joinsPlannedGroup(ctx context.Context, groups types.Set) bool {
	keys, _ := knownStrings(ctx, groups)
	return slices.ContainsFunc(keys, func(key string) bool { return r.plan.plansToCreate(kindGroup, key) })
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(userIdentity.set(ctx, resp.Identity, plan.Name)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()

	// Checked again here: at plan time the keys may have been unknown.
	resp.Diagnostics.Append(checkGroups(ctx, r.client, nil, path.Root("groups"), plan.Groups)...)
	resp.Diagnostics.Append(checkPermissions(ctx, r.client, path.Root("permissions"), plan.Permissions)...)
	newUser := octoprint.NewUser{
		Name:            name,
		Password:        plan.Password.ValueString(),
		Active:          plan.Active.ValueBool(),
		WithoutPassword: !plan.HasPassword.ValueBool(),
	}
	if !config.PasswordWO.IsNull() {
		newUser.Password = config.PasswordWO.ValueString()
	}
	// Unknown here means omitted from the configuration: OctoPrint then picks the defaults.
	if !plan.Groups.IsUnknown() {
		groups, diags := setStrings(ctx, plan.Groups)
		resp.Diagnostics.Append(diags...)
		newUser.Groups = groups
	}
	permissions, diags := setStrings(ctx, plan.Permissions)
	resp.Diagnostics.Append(diags...)
	newUser.Permissions = permissions
	if resp.Diagnostics.HasError() {
		return
	}

	// Keys a former user of this name left behind would be the new user's.
	if resp.Diagnostics.Append(revokeLeftKeys(ctx, r.client, name, "creating")...); resp.Diagnostics.HasError() {
		return
	}
	user, err := r.client.AddUser(ctx, newUser)
	if errors.Is(err, octoprint.ErrConflict) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "OctoPrint user already exists",
			fmt.Sprintf("A user named %q already exists on the server. If another resource manages it (under another provider block "+
				"for this server, or in another configuration), keep only one of them. Otherwise, to manage it with Terraform, import it: "+
				"`terraform import <address> %q`, or an `import` block with `id = %q`.", name, name, name))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error creating OctoPrint user", fmt.Sprintf("Could not create user %q: %s", name, err))
		r.keepIfCreated(ctx, &resp.State, plan, name, err)
		return
	}
	tflog.Debug(ctx, "created OctoPrint user", map[string]any{"name": name})
	resp.Diagnostics.Append(r.setState(ctx, &resp.State, plan, user)...)
}

// keepIfCreated records a user that exists although its creation failed: the server may
// have made it before the error (an answer lost to a restart). In state, with the error,
// Terraform marks it tainted and replaces it on the next apply, instead of leaving an
// unmanaged user behind. A refusal from OctoPrint (4xx) made nothing and is not checked.
func (r *userResource) keepIfCreated(ctx context.Context, state stateSetter, plan userResourceModel, name string, createErr error) {
	if code := octoprint.StatusCode(createErr); code >= 400 && code < 500 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultRequestTimeout)
	defer cancel()
	user, err := r.client.GetUser(ctx, name)
	if err != nil {
		return
	}
	tflog.Warn(ctx, "OctoPrint user exists although its creation failed; keeping it in state, tainted", map[string]any{"name": name})
	_ = r.setState(ctx, state, plan, user)
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// The identity before any return: the framework demands one after every read.
	resp.Diagnostics.Append(userIdentity.set(ctx, resp.Identity, state.Name)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return // no client: the provider is not configured yet (unknown at plan time); keep the state
	}
	name := state.Name.ValueString()
	user, err := r.client.GetUser(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		tflog.Debug(ctx, "OctoPrint user is gone, removing it from state", map[string]any{"name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint user", fmt.Sprintf("Could not read user %q: %s", name, err))
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, &resp.State, state, user)...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(userIdentity.set(ctx, resp.Identity, plan.Name)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update)
	resp.Diagnostics.Append(diags...)
	defer cancel()

	// The whole of what the plan says is sent, changed or not: the server may have lost
	// a group membership since the refresh (a replaced group).
	resp.Diagnostics.Append(checkGroups(ctx, r.client, nil, path.Root("groups"), plan.Groups)...)
	resp.Diagnostics.Append(checkPermissions(ctx, r.client, path.Root("permissions"), plan.Permissions)...)
	groups, diags := setStrings(ctx, plan.Groups)
	resp.Diagnostics.Append(diags...)
	permissions, diags := setStrings(ctx, plan.Permissions)
	resp.Diagnostics.Append(diags...)
	update := octoprint.UserUpdate{Active: plan.Active.ValueBoolPointer(), Groups: groups, Permissions: permissions}
	if resp.Diagnostics.HasError() {
		return
	}

	// After an import the state holds no password version: the first update adopts the
	// configured one rather than reset the password the user has.
	imported, diags := req.Private.GetKey(ctx, importedKey)
	resp.Diagnostics.Append(diags...)
	var password string
	gainsPassword := plan.HasPassword.ValueBool() && !state.HasPassword.ValueBool()
	switch {
	case !plan.Password.IsNull() && (gainsPassword || !plan.Password.Equal(state.Password)):
		password = plan.Password.ValueString()
	case !config.PasswordWO.IsNull() && (gainsPassword || !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) && imported == nil):
		password = config.PasswordWO.ValueString()
	}
	if password != "" {
		// OctoPrint demands the current password when the key's own user changes its
		// password, and ignores it for other users: send the one in state when there is one.
		err := r.client.ChangePassword(ctx, name, password, state.Password.ValueString())
		if errors.Is(err, octoprint.ErrBadRequest) || errors.Is(err, octoprint.ErrForbidden) {
			err = fmt.Errorf("%w. When the provider's API key belongs to this very user, OctoPrint asks for its current password: "+
				"manage its password with `password` (its value in state is sent as the current one) or use another admin's key", err)
		}
		if err != nil {
			resp.Diagnostics.AddError("Error updating OctoPrint user", fmt.Sprintf("Could not change the password of user %q: %s", name, err))
			return
		}
	}

	user, err := r.client.UpdateUser(ctx, name, update)
	if err != nil {
		resp.Diagnostics.AddError("Error updating OctoPrint user", fmt.Sprintf("Could not update user %q: %s", name, err))
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, &resp.State, plan, user)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	ctx, cancel, diags := withTimeout(ctx, state.Timeouts.Delete)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	err := r.client.DeleteUser(ctx, name)
	switch {
	case err == nil, errors.Is(err, octoprint.ErrNotFound):
		resp.Diagnostics.Append(revokeLeftKeys(ctx, r.client, name, "deleting")...)
	case errors.Is(err, octoprint.ErrBadRequest):
		resp.Diagnostics.AddError("Error deleting OctoPrint user", fmt.Sprintf("%s (%s)", ownUserNotDeleted(name), err))
	default:
		resp.Diagnostics.AddError("Error deleting OctoPrint user", fmt.Sprintf("Could not delete user %q: %s", name, err))
	}
}

// revokeLeftKeys revokes the application keys of a user that is gone, or about to be:
// OctoPrint keeps them when it deletes a user, and they would work again for the next
// user of that name. doing is what the user resource does, for the error.
func revokeLeftKeys(ctx context.Context, client *octoprint.Client, name, doing string) diag.Diagnostics {
	var diags diag.Diagnostics
	revoked, err := client.RevokeUserAppKeys(ctx, name)
	if err != nil {
		diags.AddError("Error "+doing+" OctoPrint user", fmt.Sprintf("Could not revoke the application keys left under the name %q: %s", name, err))
	} else if revoked > 0 {
		tflog.Info(ctx, "revoked the application keys left under a user's name", map[string]any{"name": name, "revoked": revoked})
	}
	return diags
}

// ImportState takes the user's name, as the import ID or as the identity.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if name := userIdentity.importName(ctx, req, &resp.Diagnostics); name != "" {
		userIdentity.importState(ctx, resp, name, true)
	}
}

// setState stores the user as OctoPrint reports it, keeping the password attributes
// (which OctoPrint never reports) from prior.
func (r *userResource) setState(ctx context.Context, state stateSetter, prior userResourceModel, user *octoprint.User) diag.Diagnostics {
	model := userResourceModel{
		ID:                types.StringValue(user.Name),
		userAttributes:    newUserAttributes(user),
		Password:          prior.Password,
		PasswordWO:        types.StringNull(),
		PasswordWOVersion: prior.PasswordWOVersion,
		Timeouts:          prior.Timeouts,
	}
	return state.Set(ctx, &model)
}
