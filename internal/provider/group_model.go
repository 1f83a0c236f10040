// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// groupAttributes are what OctoPrint reports of a group; the resource and the data
// source share them.
type groupAttributes struct {
	Key         types.String `tfsdk:"key"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Permissions types.Set    `tfsdk:"permissions"`
	Subgroups   types.Set    `tfsdk:"subgroups"`
	Default     types.Bool   `tfsdk:"default"`
	Dangerous   types.Bool   `tfsdk:"dangerous"`
	Changeable  types.Bool   `tfsdk:"changeable"`
	Removable   types.Bool   `tfsdk:"removable"`
	Toggleable  types.Bool   `tfsdk:"toggleable"`
}

// newGroupAttributes maps an OctoPrint group to its attributes: the one place that does.
func newGroupAttributes(g *octoprint.Group) groupAttributes {
	return groupAttributes{
		Key:         types.StringValue(g.Key),
		Name:        types.StringValue(g.Name),
		Description: types.StringValue(g.Description),
		Permissions: setOf(g.Permissions),
		Subgroups:   setOf(g.Subgroups),
		Default:     types.BoolValue(g.Default),
		Dangerous:   types.BoolValue(g.Dangerous),
		Changeable:  types.BoolValue(g.Changeable),
		Removable:   types.BoolValue(g.Removable),
		Toggleable:  types.BoolValue(g.Toggleable),
	}
}

// Descriptions shared by the resource's and the data source's schemas.
const (
	groupDangerousDescription  = "Whether OctoPrint considers the group's permissions dangerous (e.g. `ADMIN`, `SETTINGS`, `SYSTEM`)."
	groupChangeableDescription = "Whether OctoPrint lets the group's permissions, subgroups, description and default flag be changed: " +
		"false for the built-in `admins` and `readonly`."
	groupRemovableDescription  = "Whether OctoPrint lets the group be deleted: false for the built-in groups (`admins`, `users`, `guests`, `readonly`)."
	groupToggleableDescription = "Whether users can be made members of the group: false for `guests`, which holds every anonymous visitor."
)

// groupAttributesSchema describes groupAttributes, read-only, for the data source.
func groupAttributesSchema() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"key":         schema.StringAttribute{MarkdownDescription: "The group's key, which users' `groups` refer to.", Computed: true},
		"name":        schema.StringAttribute{MarkdownDescription: "The group's display name.", Computed: true},
		"description": schema.StringAttribute{MarkdownDescription: "The group's description.", Computed: true},
		"permissions": schema.SetAttribute{
			MarkdownDescription: "Keys of the permissions the group grants its members.",
			Computed:            true,
			ElementType:         types.StringType,
		},
		"subgroups": schema.SetAttribute{
			MarkdownDescription: "Keys of the groups whose permissions members of this group also get.",
			Computed:            true,
			ElementType:         types.StringType,
		},
		"default": schema.BoolAttribute{
			MarkdownDescription: "Whether a user created without groups joins this group.",
			Computed:            true,
		},
		"dangerous":  schema.BoolAttribute{MarkdownDescription: groupDangerousDescription, Computed: true},
		"changeable": schema.BoolAttribute{MarkdownDescription: groupChangeableDescription, Computed: true},
		"removable":  schema.BoolAttribute{MarkdownDescription: groupRemovableDescription, Computed: true},
		"toggleable": schema.BoolAttribute{MarkdownDescription: groupToggleableDescription, Computed: true},
	}
}
