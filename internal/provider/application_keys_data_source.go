// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"cmp"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

var _ datasource.DataSourceWithConfigure = (*applicationKeysDataSource)(nil)

// NewApplicationKeysDataSource returns the octoprint_application_keys data source.
func NewApplicationKeysDataSource() datasource.DataSource {
	return &applicationKeysDataSource{dataSourceBase{name: "application_keys"}}
}

type applicationKeysDataSource struct {
	dataSourceBase
}

type applicationKeysDataSourceModel struct {
	ID   types.String        `tfsdk:"id"`
	User types.String        `tfsdk:"user"`
	Keys []applicationKeyRef `tfsdk:"keys"`
}

// applicationKeyRef names an application key, never its value.
type applicationKeyRef struct {
	User types.String `tfsdk:"user"`
	App  types.String `tfsdk:"app"`
}

func (d *applicationKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the application keys of the OctoPrint server, those made outside Terraform included: whose key for " +
			"which application, never the keys themselves. Keys of deleted users are listed too: OctoPrint keeps them, and would hand them " +
			"to the next user of that name. Needs OctoPrint's bundled Application Keys plugin.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`application_keys`, or the user's name when `user` is set.",
				Computed:            true,
			},
			"user": schema.StringAttribute{
				MarkdownDescription: "List only the keys of this user (names are case-sensitive); a user without keys, or without an " +
					"account, has none. Leave it out to list every key.",
				Optional:   true,
				Validators: []validator.String{userNameValidator},
			},
			"keys": schema.ListNestedAttribute{
				MarkdownDescription: "The keys, sorted by user, then by application.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"user": schema.StringAttribute{MarkdownDescription: "The user the key acts as.", Computed: true},
					"app":  schema.StringAttribute{MarkdownDescription: "The application's name, as OctoPrint stored it.", Computed: true},
				}},
			},
		},
	}
}

func (d *applicationKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model applicationKeysDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !d.configured(&resp.Diagnostics) {
		return
	}
	keys, err := d.client.ListAppKeys(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint application keys", "Could not list the application keys: "+err.Error())
		return
	}
	keys = slices.DeleteFunc(keys, func(k octoprint.AppKey) bool { return !model.User.IsNull() && k.User != model.User.ValueString() })
	slices.SortFunc(keys, func(a, b octoprint.AppKey) int { return cmp.Or(cmp.Compare(a.User, b.User), cmp.Compare(a.App, b.App)) })
	model.ID = types.StringValue(d.name)
	if !model.User.IsNull() {
		model.ID = model.User
	}
	model.Keys = make([]applicationKeyRef, len(keys))
	for i, k := range keys {
		model.Keys[i] = applicationKeyRef{User: types.StringValue(k.User), App: types.StringValue(k.App)}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
