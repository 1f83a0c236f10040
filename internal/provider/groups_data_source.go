package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*groupsDataSource)(nil)

// NewGroupsDataSource returns the octoprint_groups data source.
func NewGroupsDataSource() datasource.DataSource {
	return &groupsDataSource{}
}

type groupsDataSource struct {
	dataSourceBase
}

type groupsDataSourceModel struct {
	ID     types.String      `tfsdk:"id"`
	Groups []groupAttributes `tfsdk:"groups"`
}

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every access group of the OctoPrint server, built-in and custom, sorted by key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "Always `groups`.", Computed: true},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "Every group, sorted by key.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: groupAttributesSchema()},
			},
		},
	}
}

func (d *groupsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	groups, err := d.client.ListGroups(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint groups", "Could not list the groups: "+err.Error())
		return
	}
	model := groupsDataSourceModel{ID: types.StringValue("groups")}
	var diags diag.Diagnostics
	model.Groups, diags = sortedAttributes(ctx, groups, func(g octoprint.Group) string { return g.Key }, newGroupAttributes)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
