package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// userAttributes are what OctoPrint reports of a user; the resource and both data
// sources share them.
type userAttributes struct {
	Name        types.String `tfsdk:"name"`
	Active      types.Bool   `tfsdk:"active"`
	Admin       types.Bool   `tfsdk:"admin"`
	Groups      types.Set    `tfsdk:"groups"`
	Permissions types.Set    `tfsdk:"permissions"`
}

// newUserAttributes maps an OctoPrint user to its attributes: the one place that does.
func newUserAttributes(ctx context.Context, u *octoprint.User) (userAttributes, diag.Diagnostics) {
	var diags diag.Diagnostics
	groups, d := types.SetValueFrom(ctx, types.StringType, nonNil(u.Groups))
	diags.Append(d...)
	permissions, d := types.SetValueFrom(ctx, types.StringType, nonNil(u.Permissions))
	diags.Append(d...)
	return userAttributes{
		Name:        types.StringValue(u.Name),
		Active:      types.BoolValue(u.Active),
		Admin:       types.BoolValue(u.Admin),
		Groups:      groups,
		Permissions: permissions,
	}, diags
}

// nonNil turns a missing list into an empty one: OctoPrint reads `[]` and absent alike.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// setStrings returns a known set's elements, never nil: an empty set must reach
// OctoPrint as `[]` ("none"), not be left out ("unchanged").
func setStrings(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	out := []string{}
	diags := set.ElementsAs(ctx, &out, false)
	return out, diags
}
