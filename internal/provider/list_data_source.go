// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*listDataSource[octoprint.User, userAttributes])(nil)

// listDataSource reads one of OctoPrint's lists whole (users, groups, permissions), as a
// list attribute named like the data source, sorted by key so that it does not change
// order between plans. Its id is that name too.
type listDataSource[T, A any] struct {
	// dataSourceBase's name is the list attribute's too: "users".
	dataSourceBase
	description string
	// itemDescription describes the list attribute; itemSchema, one element.
	itemDescription string
	itemSchema      map[string]schema.Attribute
	// list reads the items from the client's snapshot; key sorts them; attributes maps
	// one item (the resource's or the data source's one mapping function).
	list       func(*octoprint.Client, context.Context) ([]T, error)
	key        func(T) string
	attributes func(*T) A
}

func (d *listDataSource[T, A]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.description,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "Always `" + d.name + "`.", Computed: true},
			d.name: schema.ListNestedAttribute{
				MarkdownDescription: d.itemDescription,
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: d.itemSchema},
			},
		},
	}
}

func (d *listDataSource[T, A]) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	items, err := d.list(d.client, ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint "+d.name, "Could not list the "+d.name+": "+err.Error())
		return
	}
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(d.key(a), d.key(b)) })
	out := make([]A, len(items))
	for i := range items {
		out[i] = d.attributes(&items[i])
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(d.name))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.name), out)...)
}

// NewUsersDataSource returns the octoprint_users data source.
func NewUsersDataSource() datasource.DataSource {
	return &listDataSource[octoprint.User, userAttributes]{
		dataSourceBase:  dataSourceBase{name: "users"},
		description:     "Reads every user of the OctoPrint server, including users made outside Terraform, sorted by name.",
		itemDescription: "Every user, sorted by name.",
		itemSchema:      userAttributesSchema(),
		list:            (*octoprint.Client).ListUsers,
		key:             func(u octoprint.User) string { return u.Name },
		attributes:      newUserAttributes,
	}
}

// NewGroupsDataSource returns the octoprint_groups data source.
func NewGroupsDataSource() datasource.DataSource {
	return &listDataSource[octoprint.Group, groupAttributes]{
		dataSourceBase:  dataSourceBase{name: "groups"},
		description:     "Reads every access group of the OctoPrint server, built-in and custom, sorted by key.",
		itemDescription: "Every group, sorted by key.",
		itemSchema:      groupAttributesSchema(),
		list:            (*octoprint.Client).ListGroups,
		key:             func(g octoprint.Group) string { return g.Key },
		attributes:      newGroupAttributes,
	}
}

// NewPermissionsDataSource returns the octoprint_permissions data source.
func NewPermissionsDataSource() datasource.DataSource {
	return &listDataSource[octoprint.Permission, permissionAttributes]{
		dataSourceBase: dataSourceBase{name: "permissions"},
		description: "Reads every permission the OctoPrint server knows, those of its plugins included, sorted by key. " +
			"These keys are what `octoprint_group.permissions` and `octoprint_user.permissions` accept.",
		itemDescription: "Every permission, sorted by key.",
		itemSchema:      permissionAttributesSchema(),
		list:            (*octoprint.Client).ListPermissions,
		key:             func(p octoprint.Permission) string { return p.Key },
		attributes:      newPermissionAttributes,
	}
}
