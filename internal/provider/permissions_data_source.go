package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*permissionsDataSource)(nil)

// NewPermissionsDataSource returns the octoprint_permissions data source.
func NewPermissionsDataSource() datasource.DataSource {
	return &permissionsDataSource{}
}

type permissionsDataSource struct {
	dataSourceBase
}

type permissionsDataSourceModel struct {
	ID          types.String           `tfsdk:"id"`
	Permissions []permissionAttributes `tfsdk:"permissions"`
}

type permissionAttributes struct {
	Key           types.String `tfsdk:"key"`
	Name          types.String `tfsdk:"name"`
	Description   types.String `tfsdk:"description"`
	Dangerous     types.Bool   `tfsdk:"dangerous"`
	DefaultGroups types.Set    `tfsdk:"default_groups"`
}

// newPermissionAttributes maps an OctoPrint permission to its attributes.
func newPermissionAttributes(ctx context.Context, p *octoprint.Permission) (permissionAttributes, diag.Diagnostics) {
	defaultGroups, diags := types.SetValueFrom(ctx, types.StringType, nonNil(p.DefaultGroups))
	return permissionAttributes{
		Key:           types.StringValue(p.Key),
		Name:          types.StringValue(p.Name),
		Description:   types.StringValue(p.Description),
		Dangerous:     types.BoolValue(p.Dangerous),
		DefaultGroups: defaultGroups,
	}, diags
}

func (d *permissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permissions"
}

func (d *permissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every permission the OctoPrint server knows, those of its plugins included, sorted by key. " +
			"These keys are what `octoprint_group.permissions` and `octoprint_user.permissions` accept.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "Always `permissions`.", Computed: true},
			"permissions": schema.ListNestedAttribute{
				MarkdownDescription: "Every permission, sorted by key.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":         schema.StringAttribute{MarkdownDescription: "The permission's key, e.g. `PRINT` or `PLUGIN_BACKUP_CREATE`.", Computed: true},
					"name":        schema.StringAttribute{MarkdownDescription: "The permission's display name.", Computed: true},
					"description": schema.StringAttribute{MarkdownDescription: "What the permission allows.", Computed: true},
					"dangerous": schema.BoolAttribute{
						MarkdownDescription: "Whether OctoPrint marks the permission as dangerous: it gives control over the server itself.",
						Computed:            true,
					},
					"default_groups": schema.SetAttribute{
						MarkdownDescription: "Keys of the built-in groups that hold the permission on a new server.",
						Computed:            true,
						ElementType:         types.StringType,
					},
				}},
			},
		},
	}
}

func (d *permissionsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	permissions, err := d.client.ListPermissions(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint permissions", "Could not list the permissions: "+err.Error())
		return
	}
	model := permissionsDataSourceModel{ID: types.StringValue("permissions")}
	var diags diag.Diagnostics
	model.Permissions, diags = sortedAttributes(ctx, permissions, func(p octoprint.Permission) string { return p.Key }, newPermissionAttributes)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
