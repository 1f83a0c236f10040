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

var _ datasource.DataSourceWithConfigure = (*userSettingsDataSource)(nil)

// NewUserSettingsDataSource returns the octoprint_user_settings data source.
func NewUserSettingsDataSource() datasource.DataSource {
	return &userSettingsDataSource{dataSourceBase{name: "user_settings"}}
}

type userSettingsDataSource struct {
	dataSourceBase
}

type userSettingsDataSourceModel struct {
	ID       types.String  `tfsdk:"id"`
	User     types.String  `tfsdk:"user"`
	Settings settingsValue `tfsdk:"settings"`
}

func (d *userSettingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads all of an OctoPrint user's personal settings, however they were set: in OctoPrint's interface, " +
			"by plugins or with `octoprint_user_settings`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The user's name.", Computed: true},
			"user": schema.StringAttribute{
				MarkdownDescription: "The user's name: case-sensitive and exact.",
				Required:            true,
				Validators:          []validator.String{userNameValidator},
			},
			"settings": schema.StringAttribute{
				MarkdownDescription: "All of the user's settings: a JSON object (`{}` when the user has none), for reading with " +
					"`jsondecode`. A key set to `null` is one that was reset: OctoPrint cannot remove a key.",
				Computed:   true,
				CustomType: settingsType{},
			},
		},
	}
}

func (d *userSettingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.configured(&resp.Diagnostics) {
		return
	}
	var config userSettingsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := config.User.ValueString()
	user, err := d.client.GetUser(ctx, name)
	if errors.Is(err, octoprint.ErrNotFound) {
		resp.Diagnostics.AddAttributeError(path.Root("user"), "OctoPrint user not found",
			fmt.Sprintf("Could not read the settings of user %q: the server has no user of that name (names are case-sensitive).", name))
		return
	}
	var settings settingsValue
	if err == nil {
		settings, err = settingsValueOf(user.Settings)
	}
	if err != nil {
		resp.Diagnostics.AddError("Error reading OctoPrint user settings", fmt.Sprintf("Could not read the settings of user %q: %s", name, err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &userSettingsDataSourceModel{ID: config.User, User: config.User, Settings: settings})...)
}
