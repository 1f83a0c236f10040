// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*userDataSource)(nil)

// NewUserDataSource returns the octoprint_user data source.
func NewUserDataSource() datasource.DataSource {
	return &userDataSource{dataSourceBase{name: "user"}}
}

type userDataSource struct {
	dataSourceBase
}

type userDataSourceModel struct {
	ID types.String `tfsdk:"id"`
	userAttributes
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one OctoPrint user by name, including users made outside Terraform.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The user's name.", Computed: true},
			"name": schema.StringAttribute{
				MarkdownDescription: "The user's name: case-sensitive and exact.",
				Required:            true,
				Validators:          []validator.String{userNameValidator},
			},
		},
	}
	for name, attr := range userAttributesSchema() {
		if name != "name" {
			resp.Schema.Attributes[name] = attr
		}
	}
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	var config userDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := config.Name.ValueString()
	user, err := d.client.GetUser(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "OctoPrint user not found",
			fmt.Sprintf("The server has no user named %q (names are case-sensitive).", name))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint user", fmt.Sprintf("Could not read user %q: %s", name, err))
		return
	}
	attrs := newUserAttributes(user)
	resp.Diagnostics.Append(resp.State.Set(ctx, &userDataSourceModel{ID: attrs.Name, userAttributes: attrs})...)
}
