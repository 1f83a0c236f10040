// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ resource.ResourceWithConfigure   = (*setupResource)(nil)
	_ resource.ResourceWithImportState = (*setupResource)(nil)
	_ resource.ResourceWithIdentity    = (*setupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*setupResource)(nil)
)

// NewSetupResource returns the octoprint_setup resource.
func NewSetupResource() resource.Resource {
	return &setupResource{resourceBase{name: "setup"}}
}

// setupResource claims a server out of the box, as its setup wizard would: the first
// admin, the wizard's questions about going online, and the wizard finished.
type setupResource struct {
	resourceBase
}

type setupResourceModel struct {
	ID                     types.String   `tfsdk:"id"`
	AdminName              types.String   `tfsdk:"admin_name"`
	AdminPasswordWO        types.String   `tfsdk:"admin_password_wo"`
	AdminPasswordWOVersion types.Int64    `tfsdk:"admin_password_wo_version"`
	OnlineCheck            types.Bool     `tfsdk:"online_check"`
	PluginBlacklist        types.Bool     `tfsdk:"plugin_blacklist"`
	ServerVersion          types.String   `tfsdk:"server_version"`
	Claimed                types.Bool     `tfsdk:"claimed"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// IdentitySchema is the resource identity: setupIdentity (identity.go).
func (r *setupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = setupIdentity.schema()
}

func (r *setupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true}),
		},
		MarkdownDescription: "Claims an OctoPrint server out of the box, as its setup wizard would: creates the first admin, answers the " +
			"wizard's questions about going online, and finishes the wizard, so that the web interface does not ask again. On a server " +
			"that is set up already, it adopts the server when the admin can log in, and changes nothing of the admin. Destroying it " +
			"only removes it from state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The admin's name.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"admin_name": schema.StringAttribute{
				MarkdownDescription: "The name of the first admin (groups `admins` and `users`). The provider block may log in as this user " +
					"(`username`): it logs in once the admin exists. A new name claims again, which needs that admin to exist and log in.",
				Required:      true,
				Validators:    []validator.String{userNameValidator},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"admin_password_wo": schema.StringAttribute{
				MarkdownDescription: "The admin's password, write-only: sent when the server is claimed, and used to log in as the admin. " +
					"Needs Terraform or OpenTofu 1.11 or newer. The resource never changes it afterwards: manage the admin's password as an " +
					"`octoprint_user` (imported).",
				Required:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{passwordLength},
			},
			"admin_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number after the admin's password was changed (for example by an `octoprint_user`): " +
					"the apply checks that the admin logs in with `admin_password_wo`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("admin_password_wo"))},
			},
			"online_check": schema.BoolAttribute{
				MarkdownDescription: "Whether OctoPrint regularly checks that it is online (the wizard's *Online Connectivity Check*). " +
					"Defaults to `false`, for a printer on a network without internet access.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"plugin_blacklist": schema.BoolAttribute{
				MarkdownDescription: "Whether OctoPrint fetches the list of plugins known to break it from the internet, and disables them " +
					"(the wizard's *Plugin Blacklist*, the blocklist in 2.0). Defaults to `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"server_version": schema.StringAttribute{
				MarkdownDescription: "The OctoPrint version the server runs, such as `1.11.8`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"claimed": schema.BoolAttribute{
				MarkdownDescription: "Whether this resource created the admin (`true`), or adopted a server that was set up already, or was imported (`false`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ModifyPlan looks at the server, without a login, when the resource is to be created: a
// new server is claimed, and the admin it gets is registered, so that the checks of the
// resources planned after this one wait for it when the provider logs in as that admin.
// On a server set up already, the admin must log in, or the plan fails.
func (r *setupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if taken, diags := r.plan.manage(ctx, req.Private, resp.Private, kindSetup, "server"); len(taken) > 0 || diags.HasError() {
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.AddError("OctoPrint server claimed twice",
			"Another octoprint_setup of this provider configuration claims the same server. A server has one first admin: keep one of them.")
		return
	}
	var plan, config setupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || r.client == nil || !req.State.Raw.IsNull() ||
		plan.AdminName.IsUnknown() || config.AdminPasswordWO.IsUnknown() || config.AdminPasswordWO.IsNull() {
		r.deferChecks(ctx, &resp.Diagnostics)
		resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...)
		return
	}
	name, password := plan.AdminName.ValueString(), config.AdminPasswordWO.ValueString()
	admin, err := r.client.WithLogin(name, password)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("admin_name"), "Invalid OctoPrint admin", capitalize(err.Error())+".")
		return
	}
	state, err := admin.SetupState(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint's setup", "Could not ask the server whether it is set up: "+err.Error())
		return
	}
	if state.NeedsAdmin {
		r.plan.planClaim(name)
		if r.client.Username() == name && !r.client.LogsInAs(name, password) {
			resp.Diagnostics.AddAttributeError(path.Root("admin_password_wo"), "Provider password differs from the admin's",
				fmt.Sprintf("The provider logs in as %q, the admin this resource creates, but with another password than `admin_password_wo`: "+
					"its login would fail once the admin exists. Give both the same password.", name))
		}
	} else if err := r.sameLogin(admin, name, password).Login(ctx); err != nil {
		resp.Diagnostics.Append(alreadySetUp(name, err))
		return
	}
	r.deferChecks(ctx, &resp.Diagnostics)
	resp.Diagnostics.Append(checkServerSupported(ctx, r.client, resp.Plan, req.State)...)
}

// sameLogin returns the provider's client when it logs in as name with password, else
// admin: the password is then checked once a command, since a refused login counts
// against OctoPrint's limit of 3 a minute, and a client never sends a refused one again.
func (r *setupResource) sameLogin(admin *octoprint.Client, name, password string) *octoprint.Client {
	if r.client.LogsInAs(name, password) {
		return r.client
	}
	return admin
}

// alreadySetUp refuses to adopt a server whose admin cannot log in.
func alreadySetUp(name string, err error) diag.Diagnostic {
	detail := fmt.Sprintf("The server is set up already (it has users), and user %q cannot log in with `admin_password_wo`: %s. "+
		"Nothing was changed. To adopt the server, set `admin_name` and `admin_password_wo` to an admin it has; to claim it anew, reset it "+
		"to a fresh install first.", name, err)
	if !errors.Is(err, octoprint.ErrLoginRefused) {
		detail = fmt.Sprintf("Could not log in to the server as %q to adopt it: %s", name, err)
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("admin_name"), "OctoPrint server already set up", detail)
}

// Create claims a new server: the first admin, the online questions, the wizard finished.
// A server set up already is adopted when the admin logs in: the admin and its password
// stay as they are.
func (r *setupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config setupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(setupIdentity.set(ctx, resp.Identity, plan.AdminName)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Create)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	name := plan.AdminName.ValueString()
	admin, err := r.client.WithLogin(name, config.AdminPasswordWO.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("admin_name"), "Invalid OctoPrint admin", capitalize(err.Error())+".")
		return
	}
	state, err := admin.SetupState(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error claiming OctoPrint server", "Could not ask the server whether it is set up: "+err.Error())
		return
	}
	plan.Claimed = types.BoolValue(state.NeedsAdmin)
	if state.NeedsAdmin {
		// The new admin logs in on a session of its own: the provider's client may have had a
		// login refused before the admin existed.
		if err := admin.CreateFirstAdmin(ctx, name, config.AdminPasswordWO.ValueString()); err != nil {
			resp.Diagnostics.AddError("Error claiming OctoPrint server", fmt.Sprintf("Could not create the first admin %q: %s", name, err))
			return
		}
		r.plan.claimMade()
		tflog.Info(ctx, "created the first OctoPrint admin", map[string]any{"name": name})
	} else {
		admin = r.sameLogin(admin, name, config.AdminPasswordWO.ValueString())
	}
	if err := r.checkAdmin(ctx, admin, name); err != nil {
		if state.NeedsAdmin {
			resp.Diagnostics.AddError("Error claiming OctoPrint server", fmt.Sprintf("OctoPrint accepted the first admin %q, but: %s", name, err))
		} else {
			resp.Diagnostics.Append(alreadySetUp(name, err))
		}
		return
	}
	if !r.answerWizard(ctx, admin, plan, state.Open, &resp.Diagnostics) {
		return
	}
	plan.ID = plan.AdminName
	resp.Diagnostics.Append(r.setState(ctx, admin, &resp.State, plan)...)
}

// checkAdmin logs in as the admin and demands that it holds ADMIN.
func (r *setupResource) checkAdmin(ctx context.Context, admin *octoprint.Client, name string) error {
	me, err := admin.Caller(ctx)
	switch {
	case err != nil:
		return err
	case me.Name != name:
		return fmt.Errorf("logged in, OctoPrint reads the caller as %q", me.Name)
	case !me.HasPermission(octoprint.PermissionAdmin):
		return fmt.Errorf("user %q logs in, but lacks admin rights (it is in groups %v)", name, me.Groups)
	}
	return nil
}

// answerWizard answers the wizard's online questions as planned, and finishes the wizard
// of a server in its first run.
func (r *setupResource) answerWizard(ctx context.Context, client *octoprint.Client, plan setupResourceModel, firstRun bool, diags *diag.Diagnostics) bool {
	online, err := client.GetOnlineSettings(ctx)
	if err == nil && (!equalBool(online.OnlineCheck, plan.OnlineCheck) || !equalBool(online.PluginBlacklist, plan.PluginBlacklist)) {
		err = client.SaveOnlineSettings(ctx, octoprint.OnlineSettings{
			OnlineCheck: plan.OnlineCheck.ValueBoolPointer(), PluginBlacklist: plan.PluginBlacklist.ValueBoolPointer(),
		})
	}
	if err != nil {
		diags.AddError("Error setting up OctoPrint", "Could not answer the setup wizard's questions about going online: "+err.Error())
		return false
	}
	if !firstRun {
		return true
	}
	wizards, err := client.RequiredWizards(ctx)
	if err == nil {
		err = client.FinishWizard(ctx, wizards)
	}
	if err != nil {
		diags.AddError("Error setting up OctoPrint", "Could not finish the setup wizard: "+err.Error())
		return false
	}
	tflog.Debug(ctx, "finished OctoPrint's setup wizard", map[string]any{"handled": wizards})
	return true
}

func equalBool(server *bool, planned types.Bool) bool {
	return server != nil && *server == planned.ValueBool()
}

// setState stores what the server reports: its version and its answers to the online
// questions.
func (r *setupResource) setState(ctx context.Context, client *octoprint.Client, state stateSetter, m setupResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	v, err := client.ServerVersion(ctx)
	if err == nil {
		err = v.CheckSupported()
	}
	online, onlineErr := client.GetOnlineSettings(ctx)
	if err = errors.Join(err, onlineErr); err != nil {
		diags.AddError("Error reading OctoPrint's setup", fmt.Sprintf("Could not read the server's version and online settings: %s", err))
		return diags
	}
	m.ServerVersion = types.StringValue(v.Server)
	m.OnlineCheck = types.BoolValue(online.OnlineCheck != nil && *online.OnlineCheck)
	m.PluginBlacklist = types.BoolValue(online.PluginBlacklist != nil && *online.PluginBlacklist)
	m.AdminPasswordWO = types.StringNull()
	return state.Set(ctx, &m)
}

// Read forgets a server that has no users any more (installed anew): the next plan claims it
// again.
func (r *setupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state setupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(setupIdentity.set(ctx, resp.Identity, state.AdminName)...)
	if resp.Diagnostics.HasError() || r.client == nil {
		return
	}
	setup, err := r.client.SetupState(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint's setup", "Could not ask the server whether it is set up: "+err.Error())
		return
	}
	if setup.NeedsAdmin {
		tflog.Warn(ctx, "OctoPrint has no users any more (installed anew?): removing octoprint_setup from state, to claim it again")
		resp.State.RemoveResource(ctx)
		return
	}
	if state.Claimed.IsNull() {
		state.Claimed = types.BoolValue(false) // imported
	}
	resp.Diagnostics.Append(r.setState(ctx, r.client, &resp.State, state)...)
}

// Update answers the online questions as configured, and after a new password version
// checks that the admin logs in with it.
func (r *setupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config setupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(setupIdentity.set(ctx, resp.Identity, plan.AdminName)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, diags := withTimeout(ctx, plan.Timeouts.Update)
	resp.Diagnostics.Append(diags...)
	defer cancel()
	if !plan.AdminPasswordWOVersion.Equal(state.AdminPasswordWOVersion) {
		name, password := plan.AdminName.ValueString(), config.AdminPasswordWO.ValueString()
		admin, err := r.client.WithLogin(name, password)
		if err == nil {
			err = r.checkAdmin(ctx, r.sameLogin(admin, name, password), name)
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("admin_password_wo_version"), "OctoPrint admin cannot log in",
				fmt.Sprintf("After the new password version, user %q cannot log in with `admin_password_wo`: %s", plan.AdminName.ValueString(), err))
			return
		}
	}
	if !r.answerWizard(ctx, r.client, plan, false, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(r.setState(ctx, r.client, &resp.State, plan)...)
}

// Delete only forgets the server: its admin stays, and the server stays claimed.
func (r *setupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state setupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("OctoPrint setup removed from state only",
		fmt.Sprintf("The server stays set up, and its admin %q stays as it is: OctoPrint has no way back to its first run. To manage the "+
			"admin further, import it as an octoprint_user (`import { to = octoprint_user.admin, id = %q }`).",
			state.AdminName.ValueString(), state.AdminName.ValueString()))
}

// ImportState adopts a server that is set up, by its admin's name (ID or identity).
func (r *setupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := setupIdentity.importName(ctx, req, &resp.Diagnostics)
	if name == "" {
		return
	}
	user, err := r.client.GetUser(ctx, name)
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		resp.Diagnostics.AddError("OctoPrint admin not found", fmt.Sprintf("The server has no user named %q to import as its admin.", name))
		return
	case err != nil:
		resp.Diagnostics.AddError("Error importing OctoPrint setup", fmt.Sprintf("Could not read user %q: %s", name, err))
		return
	case !user.IsAdmin():
		resp.Diagnostics.AddError("Not an OctoPrint admin", fmt.Sprintf("User %q lacks admin rights: import the setup by an admin's name.", name))
		return
	}
	setupIdentity.importState(ctx, resp, name, false)
}
