// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// nameIdentity is the resource identity of every resource of the provider but
// octoprint_application_key (appKeyIdentity, below): one string,
// the name the object is known by on the server (a user's name, a group's key), stored
// under the same attribute name in state and in the identity. It is also the import ID,
// and the `id` attribute holds it too. It never changes: a new name replaces the resource.
type nameIdentity struct {
	// attr names the attribute, in the identity and in the resource's schema.
	attr string
	// what says what the value is, for the import errors: "the user's name".
	what string
	// problem says what is wrong with a value, "" when nothing is (userNameProblem, groupKeyProblem).
	problem func(string) string
}

var (
	userIdentity         = nameIdentity{attr: "name", what: "the user's name", problem: userNameProblem}
	groupIdentity        = nameIdentity{attr: "key", what: "the group's key", problem: groupKeyProblem}
	userSettingsIdentity = nameIdentity{attr: "user", what: "the user's name", problem: userNameProblem}
	userAPIKeyIdentity   = nameIdentity{attr: "user", what: "the user's name", problem: userNameProblem}
	setupIdentity        = nameIdentity{attr: "admin_name", what: "the admin's name", problem: userNameProblem}
)

// schema is the identity schema: the one attribute, required to import.
func (i nameIdentity) schema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			i.attr: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       fmt.Sprintf("The identity of the resource: %s, as the `%s` attribute and the import ID hold it.", i.what, i.attr),
			},
		},
	}
}

// set records the identity, in Create, Read and Update. identity is nil only when the
// framework has none to offer.
func (i nameIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, value types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.SetAttribute(ctx, path.Root(i.attr), value)
}

// importName returns the name an import gives, by ID (an import command, an import
// block's `id`) or by identity (an import block's `identity`), checked; "" after an
// error in diags.
func (i nameIdentity) importName(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		if problem := i.problem(req.ID); problem != "" {
			diags.AddError("Invalid import ID", fmt.Sprintf("The import ID is %s. %s", i.what, problem))
			return ""
		}
		return req.ID
	}
	var name types.String
	if diags.Append(req.Identity.GetAttribute(ctx, path.Root(i.attr), &name)...); diags.HasError() {
		return ""
	}
	if problem := i.problem(name.ValueString()); problem != "" {
		diags.AddAttributeError(path.Root(i.attr), "Invalid import identity",
			fmt.Sprintf("The identity's `%s` is %s. %s", i.attr, i.what, problem))
		return ""
	}
	return name.ValueString()
}

// importState stores what an import knows: the name as `id`, as the named attribute and
// as the identity. With imported, it marks the resource in private state (importedKey)
// so that its first update adopts the configuration instead of acting on it.
func (i nameIdentity) importState(ctx context.Context, resp *resource.ImportStateResponse, name string, imported bool) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(i.attr), name)...)
	resp.Diagnostics.Append(i.set(ctx, resp.Identity, types.StringValue(name))...)
	if imported {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte("true"))...)
	}
}

// appKeyIdentity is the resource identity of octoprint_application_key, whose object
// has two names: the user's, and the application's. Its import ID, and its `id`, is
// USER/APP: a user's name holds no "/", so the first "/" ends it; an application's name
// may hold more ("alice/a/b" is user alice's key for "a/b").
var appKeyIdentity pairIdentity

type pairIdentity struct{}

// appKeyID is the `id` and import ID of the key of user for app.
func appKeyID(user, app string) string { return user + "/" + app }

func (pairIdentity) schema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"user": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The identity of the resource, with `app`: the name of the user the key belongs to.",
			},
			"app": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The identity of the resource, with `user`: the name of the application.",
			},
		},
	}
}

// set records the identity, in Create, Read and Update.
func (pairIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, user, app types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	diags := identity.SetAttribute(ctx, path.Root("user"), user)
	return append(diags, identity.SetAttribute(ctx, path.Root("app"), app)...)
}

// importPair returns the user and the application an import gives, by ID (USER/APP) or
// by identity, checked; empty strings after an error in diags.
func (pairIdentity) importPair(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) (user, app string) {
	if req.ID != "" || req.Identity == nil {
		user, app, found := strings.Cut(req.ID, "/")
		problem := userNameProblem(user)
		if problem == "" {
			problem = appNameProblem(app)
		}
		if !found || problem != "" {
			diags.AddError("Invalid import ID", strings.TrimSpace(fmt.Sprintf("The import ID is the user's name and the application's, "+
				"as USER/APP (e.g. `fdm-monster/FDM Monster`); got %q. %s", req.ID, problem)))
			return "", ""
		}
		return user, app
	}
	var u, a types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root("user"), &u)...)
	diags.Append(req.Identity.GetAttribute(ctx, path.Root("app"), &a)...)
	if diags.HasError() {
		return "", ""
	}
	for _, check := range []struct {
		attr, problem string
	}{{"user", userNameProblem(u.ValueString())}, {"app", appNameProblem(a.ValueString())}} {
		if check.problem != "" {
			diags.AddAttributeError(path.Root(check.attr), "Invalid import identity", fmt.Sprintf("The identity's `%s`: %s", check.attr, check.problem))
		}
	}
	if diags.HasError() {
		return "", ""
	}
	return u.ValueString(), a.ValueString()
}
