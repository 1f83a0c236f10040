package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)

// NewUsersDataSource returns the octoprint_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

type usersDataSource struct {
	dataSourceBase
}

type usersDataSourceModel struct {
	ID    types.String     `tfsdk:"id"`
	Users []userAttributes `tfsdk:"users"`
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every user of the OctoPrint server, including users made outside Terraform, sorted by name.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "Always `users`.", Computed: true},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "Every user, sorted by name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: userAttributesSchema()},
			},
		},
	}
}

func (d *usersDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	users, err := d.client.ListUsers(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint users", "Could not list the users: "+err.Error())
		return
	}
	model := usersDataSourceModel{ID: types.StringValue("users")}
	var diags diag.Diagnostics
	model.Users, diags = sortedAttributes(ctx, users, func(u octoprint.User) string { return u.Name }, newUserAttributes)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
