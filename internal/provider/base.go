package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// resourceBase is embedded by every resource: it receives the configured client.
type resourceBase struct {
	client *octoprint.Client
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// dataSourceBase is embedded by every data source: it receives the configured client.
type dataSourceBase struct {
	client *octoprint.Client
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

// clientFrom returns the provider's client, nil while the provider is not configured
// (early in plan, or when its configuration is unknown).
func clientFrom(data any, diags *diag.Diagnostics) *octoprint.Client {
	if data == nil {
		return nil
	}
	client, ok := data.(*octoprint.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *octoprint.Client, got %T. This is a bug in the provider.", data))
		return nil
	}
	return client
}
