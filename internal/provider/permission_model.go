// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// permissionAttributes are what OctoPrint reports of a permission.
type permissionAttributes struct {
	Key           types.String `tfsdk:"key"`
	Name          types.String `tfsdk:"name"`
	Description   types.String `tfsdk:"description"`
	Dangerous     types.Bool   `tfsdk:"dangerous"`
	DefaultGroups types.Set    `tfsdk:"default_groups"`
}

// newPermissionAttributes maps an OctoPrint permission to its attributes: the one place that does.
func newPermissionAttributes(p *octoprint.Permission) permissionAttributes {
	return permissionAttributes{
		Key:           types.StringValue(p.Key),
		Name:          types.StringValue(p.Name),
		Description:   types.StringValue(p.Description),
		Dangerous:     types.BoolValue(p.Dangerous),
		DefaultGroups: setOf(p.DefaultGroups),
	}
}

// permissionAttributesSchema describes permissionAttributes, read-only, for the data source.
func permissionAttributesSchema() map[string]schema.Attribute {
	return map[string]schema.Attribute{
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
	}
}
