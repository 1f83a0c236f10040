// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = (*applicationKeyEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose     = (*applicationKeyEphemeralResource)(nil)
)

// NewApplicationKeyEphemeralResource returns the octoprint_application_key ephemeral
// resource.
func NewApplicationKeyEphemeralResource() ephemeral.EphemeralResource {
	return &applicationKeyEphemeralResource{ephemeralResourceBase{name: "application_key"}}
}

type applicationKeyEphemeralResource struct {
	ephemeralResourceBase
}

type applicationKeyEphemeralModel struct {
	User   types.String `tfsdk:"user"`
	App    types.String `tfsdk:"app"`
	APIKey types.String `tfsdk:"api_key"`
}

// openedKeyPrivate is the private data Open leaves for Close: the pair, and a digest of
// the key it generated, to tell it from a key made since (never the key itself).
const openedKeyPrivate = "opened"

type openedKey struct {
	User   string `json:"user"`
	App    string `json:"app"`
	Digest []byte `json:"digest"`
}

func (r *applicationKeyEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An application key that lives for one run: generated for `user` and `app` when OpenTofu or Terraform opens " +
			"it, revoked when the run closes it, and never stored in state or plan. Hand it to another provider block or a provisioner. " +
			"When the user already has a key for the application, it is refused: revoking it would take someone else's key. " +
			"Needs OpenTofu 1.11 or Terraform 1.10, and OctoPrint's bundled Application Keys plugin.",
		Attributes: map[string]schema.Attribute{
			"user": schema.StringAttribute{
				MarkdownDescription: "The name of the user the key acts as, with exactly that user's rights. It must exist when the key " +
					"is opened: for a user of the same configuration, give its `id` (e.g. `octoprint_user.bot.id`), which is unknown until " +
					"the user exists, so that the key is opened after the user is created.",
				Required:   true,
				Validators: []validator.String{userNameValidator},
			},
			"app": schema.StringAttribute{
				MarkdownDescription: "The name of the application, e.g. `terraform-run`. OctoPrint matches application names " +
					"regardless of case. The user must hold no key for it yet.",
				Required:   true,
				Validators: []validator.String{appNameValidator},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "The key, valid until the end of the run: send it as the `X-Api-Key` header (or `Authorization: Bearer`).",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

// Open generates the key, after checking that the user exists and holds no key for the
// application yet.
func (r *applicationKeyEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var model applicationKeyEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !r.configured(&resp.Diagnostics) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	user, app := model.User.ValueString(), model.App.ValueString()
	if r.plan.plansToCreate(kindUser, user) {
		if _, err := r.client.GetUser(ctx, user); errors.Is(err, octoprint.ErrNotFound) {
			// Terraform opens an ephemeral resource at plan time once its arguments are
			// known, even when a resource it refers to is still to be created.
			resp.Diagnostics.AddAttributeError(path.Root("user"), "OctoPrint user not created yet",
				fmt.Sprintf("User %q does not exist yet: this run creates it, and the key can only be made afterwards. Refer to the "+
					"user's `id` (e.g. `octoprint_user.bot.id`, the same name), which is unknown until the user is created, so that the "+
					"key is opened after it.", user))
			return
		}
	}
	key, diags := generateAppKey(ctx, r.client, user, app,
		"An ephemeral key never takes a key it did not make. Revoke that key under Settings > Application Keys (a run that ended "+
			"without closing its keys leaves them behind), or name the application differently.")
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	digest := sha256.Sum256([]byte(key))
	opened, err := json.Marshal(openedKey{User: user, App: app, Digest: digest[:]})
	if err != nil {
		resp.Diagnostics.AddError("Error opening OctoPrint application key", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, openedKeyPrivate, opened)...)
	model.APIKey = types.StringValue(key)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &model)...)
}

// Close revokes the key Open generated, unless the pair holds another one by now.
func (r *applicationKeyEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	data, diags := req.Private.GetKey(ctx, openedKeyPrivate)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() || data == nil {
		return
	}
	var opened openedKey
	if err := json.Unmarshal(data, &opened); err != nil {
		resp.Diagnostics.AddError("Error closing OctoPrint application key", "Could not read what Open recorded: "+err.Error())
		return
	}
	if !r.configured(&resp.Diagnostics) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()
	current, err := r.client.AppKey(ctx, opened.User, opened.App)
	switch {
	case errors.Is(err, octoprint.ErrNotFound):
		tflog.Debug(ctx, "the application key is revoked already", map[string]any{"user": opened.User, "app": opened.App})
		return
	case err != nil:
		resp.Diagnostics.AddError("Error closing OctoPrint application key", revokeFailed(opened, err))
		return
	}
	digest := sha256.Sum256([]byte(current.APIKey))
	if subtle.ConstantTimeCompare(digest[:], opened.Digest) != 1 {
		tflog.Debug(ctx, "the pair holds another application key by now; leaving it", map[string]any{"user": opened.User, "app": opened.App})
		return
	}
	if _, err := r.client.RevokeAppKey(ctx, *current); err != nil {
		resp.Diagnostics.AddError("Error closing OctoPrint application key", revokeFailed(opened, err))
	}
}

// revokeFailed says that the key outlives the run, and what to do about it.
func revokeFailed(k openedKey, err error) string {
	return fmt.Sprintf("Could not revoke the application key of user %q for %q, which outlives the run: revoke it under Settings > "+
		"Application Keys (the next run refuses to open a key for that application until then). %s", k.User, k.App, err)
}
