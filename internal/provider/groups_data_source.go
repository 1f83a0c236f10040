package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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
	groups, err := d.client.ListGroups(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint groups", "Could not list the groups: "+err.Error())
		return
	}
	slices.SortFunc(groups, func(a, b octoprint.Group) int { return strings.Compare(a.Key, b.Key) })
	model := groupsDataSourceModel{ID: types.StringValue("groups"), Groups: make([]groupAttributes, 0, len(groups))}
	for i := range groups {
		attrs, diags := newGroupAttributes(ctx, &groups[i])
		resp.Diagnostics.Append(diags...)
		model.Groups = append(model.Groups, attrs)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
