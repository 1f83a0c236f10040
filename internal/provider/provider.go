// SPDX-License-Identifier: MPL-2.0

// Package provider maps OctoPrint's users, groups and permissions onto Terraform
// resources and data sources.
package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var (
	_ provider.Provider                       = (*octoprintProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*octoprintProvider)(nil)
)

// New returns a constructor of the provider, for providerserver and tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &octoprintProvider{version: version} }
}

type octoprintProvider struct {
	version string
}

func (p *octoprintProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "octoprint"
	resp.Version = p.version
}

func (p *octoprintProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the users of OctoPrint servers as code: accounts, access groups and permissions, " +
			"personal settings, API keys and application keys. One provider block configures the client of one server; a farm of " +
			"servers has one block per server.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the OctoPrint server, e.g. `http://octopi.local` or `https://farm.example/printer1/` " +
					"behind a reverse proxy. May also be set with the `" + EnvURL + "` environment variable.",
				Optional: true,
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key of a user in the `admins` group: that user's own key (*User Settings > Access*) or an " +
					"application key generated for that user (*Settings > Application Keys*). May also be set with the `" + EnvAPIKey + "` environment variable. " +
					"Conflicts with `username` and `password`: the provider authenticates one way.",
				Optional:  true,
				Sensitive: true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Name of a user in the `admins` group to log in as, with `password`, instead of an API key: the provider logs in " +
					"as OctoPrint's web interface does, at its first request, so the user may be the admin that an `octoprint_setup` of the same " +
					"configuration creates. May also be set with the `" + EnvUsername + "` environment variable.",
				Optional: true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "The password of `username`. May also be set with the `" + EnvPassword + "` environment variable. " +
					"The password, the session cookie and the CSRF token never reach the log.",
				Optional:  true,
				Sensitive: true,
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the server's TLS certificate. Defaults to `false`. " +
					"May also be set with the `" + EnvInsecureSkipVerify + "` environment variable.",
				Optional: true,
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM text of the CA certificate that signed the server's TLS certificate (e.g. `file(\"ca.pem\")`), " +
					"for a server with a certificate from a private CA; it is trusted instead of the system's CAs. May also be set with the `" + EnvCACertificate + "` environment variable.",
				Optional: true,
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of each HTTP request to OctoPrint, as a Go duration such as `30s` or `2m`. Defaults to `30s`.",
				Optional:            true,
				CustomType:          timetypes.GoDurationType{},
				Validators:          []validator.String{positiveDuration{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How often a request is tried again when the server cannot be reached, answers 502, 503 or 504 "+
					"through a proxy, or is still starting. Waits double from 1 s up to 15 s, with jitter: the default of %d covers a "+
					"restart of OctoPrint (or of the printer's computer) of over a minute. `0` fails at once.", octoprint.DefaultRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every request, for example the credentials of a reverse proxy in front of OctoPrint. " +
					"Their values are masked in the debug log. A `Host` entry sets the request's host.",
				Optional:    true,
				ElementType: types.StringType,
			},
		},
	}
}

// Configure reads the configuration and the environment into the client's settings,
// then builds the client. Values checkable without the environment are checked earlier,
// at validate time, by the schema's validators.
func (p *octoprintProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value that comes from a resource not yet created is unknown during plan: leave the
	// client unconfigured then; resources skip their server checks, and apply configures again.
	if !cfg.known() {
		tflog.Debug(ctx, "OctoPrint provider configuration holds unknown values; the client is configured at apply")
		return
	}
	clientCfg, diags := cfg.clientConfig(ctx, p.version, path.Empty(), os.Getenv)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	client, err := octoprint.New(clientCfg)
	if err != nil {
		attr := path.Root("url")
		if clientCfg.CACertificatePEM != "" {
			attr = path.Root("ca_certificate")
		}
		resp.Diagnostics.AddAttributeError(attr, "Invalid OctoPrint provider configuration", err.Error())
		return
	}
	data := &providerData{client: client, plan: newPlanRegistry()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *octoprintProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewUserResource,
		NewGroupResource,
		NewUserAPIKeyResource,
		NewUserSettingsResource,
		NewApplicationKeyResource,
		NewSetupResource,
	}
}

func (p *octoprintProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewUserDataSource,
		NewUsersDataSource,
		NewGroupsDataSource,
		NewPermissionsDataSource,
		NewUserSettingsDataSource,
		NewApplicationKeysDataSource,
	}
}

func (p *octoprintProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewApplicationKeyEphemeralResource,
	}
}
