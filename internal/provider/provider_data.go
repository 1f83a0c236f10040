// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// providerData is what a configured provider hands to its resources, data sources and
// ephemeral resources.
type providerData struct {
	client *octoprint.Client
	// plan is what this command plans, shared by every resource of the configuration.
	plan *planRegistry
}

// resourceBase is embedded by every resource: its type name, and the configured client
// and plan-time registry.
type resourceBase struct {
	// name is the type name without the provider's: "user" for octoprint_user.
	name   string
	client *octoprint.Client
	plan   *planRegistry
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		b.client, b.plan = data.client, data.plan
	}
}

// deferChecks starts a ModifyPlan: it leaves the client out of the rest of the call (the
// framework makes a resource instance per call) when the plan's checks against the server
// must wait for apply, as they do while the provider is not configured: when the provider
// logs in as the admin that this command's octoprint_setup creates, and who does not exist
// yet (at apply, the plan made again after the claim runs them); or when OctoPrint refuses
// the provider's login, which is then an error of this plan (reported by the first
// resource planned).
func (b *resourceBase) deferChecks(ctx context.Context, diags *diag.Diagnostics) {
	if b.client == nil {
		return
	}
	if user := b.client.Username(); user != "" && b.plan.awaitsClaim(user) {
		b.client = nil
		return
	}
	if err := b.client.Login(ctx); err != nil {
		if b.plan.firstLoginError() {
			diags.AddError("OctoPrint login failed", loginHelp(ctx, b.client, err))
		}
		b.client = nil
	}
}

// loginHelp explains a login that failed, and what to do about it.
func loginHelp(ctx context.Context, client *octoprint.Client, err error) string {
	if !errors.Is(err, octoprint.ErrLoginRefused) {
		return fmt.Sprintf("Could not log in to OctoPrint as %q: %s", client.Username(), err)
	}
	help := capitalize(err.Error()) + ". Check the provider's `username` and `password` (or the " + EnvUsername + " and " + EnvPassword +
		" environment variables)."
	if state, stateErr := client.SetupState(ctx); stateErr == nil && state.NeedsAdmin {
		help += fmt.Sprintf(" The server has no users yet: it is new, and an octoprint_setup resource claims it by creating its first admin. "+
			"With `admin_name = %q`, the provider logs in as that admin once it exists: make every other resource of this configuration "+
			"depend on the octoprint_setup (`depends_on`), so that none is planned before it.", client.Username())
	}
	return help
}

// dataSourceBase is embedded by every data source: its type name, and the configured
// client.
type dataSourceBase struct {
	// name is the type name without the provider's: "users" for octoprint_users.
	name   string
	client *octoprint.Client
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		b.client = data.client
	}
}

// configured tells whether the provider is configured. It is not while its
// configuration is unknown at plan time: a data source then cannot be read.
func (b *dataSourceBase) configured(diags *diag.Diagnostics) bool {
	return haveClient(b.client, diags)
}

// ephemeralResourceBase is embedded by every ephemeral resource: its type name, and the
// configured client and plan-time registry.
type ephemeralResourceBase struct {
	// name is the type name without the provider's: "application_key".
	name   string
	client *octoprint.Client
	plan   *planRegistry
}

func (b *ephemeralResourceBase) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *ephemeralResourceBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		b.client, b.plan = data.client, data.plan
	}
}

// configured tells whether the provider is configured, as dataSourceBase's does.
func (b *ephemeralResourceBase) configured(diags *diag.Diagnostics) bool {
	return haveClient(b.client, diags)
}

// haveClient tells whether there is a client, and says why not when there is none.
func haveClient(client *octoprint.Client, diags *diag.Diagnostics) bool {
	if client == nil {
		diags.AddError("OctoPrint provider not configured",
			"The provider's configuration (url, api_key) is not known yet, so OctoPrint cannot be read. "+
				"Give the provider values known at plan time, or apply the resources they depend on first (-target).")
	}
	return client != nil
}

// providerDataFrom returns the provider's data, nil while the provider is not
// configured (early in plan, or when its configuration is unknown).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", data))
		return nil
	}
	return pd
}
