// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// userAttributes are what OctoPrint reports of a user; the resource and both data
// sources share them.
type userAttributes struct {
	Name        types.String `tfsdk:"name"`
	Active      types.Bool   `tfsdk:"active"`
	Admin       types.Bool   `tfsdk:"admin"`
	HasPassword types.Bool   `tfsdk:"has_password"`
	Groups      types.Set    `tfsdk:"groups"`
	Permissions types.Set    `tfsdk:"permissions"`
}

// newUserAttributes maps an OctoPrint user to its attributes: the one place that does.
func newUserAttributes(u *octoprint.User) userAttributes {
	return userAttributes{
		Name:        types.StringValue(u.Name),
		Active:      types.BoolValue(u.Active),
		Admin:       types.BoolValue(u.IsAdmin()),
		HasPassword: types.BoolValue(u.PasswordLogin()),
		Groups:      setOf(u.Groups),
		Permissions: setOf(u.Permissions),
	}
}

// userAttributesSchema describes userAttributes, read-only, for the data sources.
func userAttributesSchema() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":   schema.StringAttribute{MarkdownDescription: "The user's name.", Computed: true},
		"active": schema.BoolAttribute{MarkdownDescription: "Whether the user may log in.", Computed: true},
		"admin": schema.BoolAttribute{
			MarkdownDescription: "Whether the user has the `ADMIN` permission, through its groups, their subgroups or its own permissions.",
			Computed:            true,
		},
		"has_password": schema.BoolAttribute{
			MarkdownDescription: "Whether the user can log in with a password: `false` only for a user made without one on OctoPrint 2.0 or newer.",
			Computed:            true,
		},
		"groups": schema.SetAttribute{
			MarkdownDescription: "Keys of the groups the user is a member of.",
			Computed:            true,
			ElementType:         types.StringType,
		},
		"permissions": schema.SetAttribute{
			MarkdownDescription: "Keys of the permissions the user holds beyond those of its groups.",
			Computed:            true,
			ElementType:         types.StringType,
		},
	}
}
