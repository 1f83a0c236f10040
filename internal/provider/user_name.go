// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// keyValidator refuses user names and group keys that OctoPrint refuses, and those it
// accepts but cannot address afterwards: one rule for every attribute that names a user
// or a group, so that what one resource accepts another can name.
type keyValidator struct {
	// what is "user name" or "group key".
	what string
}

var (
	_ validator.String = keyValidator{}

	userNameValidator = keyValidator{what: "user name"}
	groupKeyValidator = keyValidator{what: "group key"}
)

func (v keyValidator) Description(context.Context) string {
	return "must be non-empty, without white space at either end, without \"/\", and not \".\" or \"..\""
}

func (v keyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v keyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := keyProblem(v.what, req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OctoPrint "+v.what, problem)
	}
}

// maxKeyPathBytes bounds a name in a URL: OctoPrint closes the connection, without an
// answer, when a request's first line and headers pass 64 KiB.
const maxKeyPathBytes = 60000

// keyProblem says what is wrong with a user name or a group key, or "" when nothing is.
// OctoPrint refuses user names with white space at either end (as Python's strip() sees
// it) and takes any other string, also as a group key; one holding "/", or "." and ".."
// (which URL libraries and proxies resolve as path segments), it stores but cannot address.
func keyProblem(what, key string) string {
	switch {
	case key == "":
		return fmt.Sprintf("The %s must not be empty.", what)
	case strings.TrimFunc(key, isPythonSpace) != key:
		return fmt.Sprintf("The %s %q starts or ends with white space, which OctoPrint refuses in names, or would keep as a different, invisible key.", what, key)
	case strings.Contains(key, "/"):
		return fmt.Sprintf("The %s %q contains \"/\": OctoPrint would store it but could not address it afterwards.", what, key)
	case key == "." || key == "..":
		return fmt.Sprintf("The %s %q cannot be addressed in OctoPrint's API.", what, key)
	case len(url.PathEscape(key)) > maxKeyPathBytes:
		return fmt.Sprintf("The %s is %d bytes long: OctoPrint would store it but could not address it afterwards (its requests are limited to 64 KiB).", what, len(key))
	}
	return ""
}

// userNameProblem says what is wrong with a user name, or "" when nothing is.
func userNameProblem(name string) string { return keyProblem("user name", name) }

// groupKeyProblem says what is wrong with a group key, or "" when nothing is.
func groupKeyProblem(key string) string { return keyProblem("group key", key) }

// isPythonSpace tells the characters Python's str.strip() removes, which OctoPrint uses
// to refuse names: Unicode white space and the separators U+001C to U+001F.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// appNameValidator refuses application names that OctoPrint cannot keep as given.
var appNameValidator validator.String = appNameCheck{}

type appNameCheck struct{}

func (appNameCheck) Description(context.Context) string {
	return "must be non-empty and without white space at either end"
}

func (v appNameCheck) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (appNameCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := appNameProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OctoPrint application name", problem)
	}
}

// appNameProblem says what is wrong with the name of an application, or "" when nothing
// is. OctoPrint refuses an empty name; it strips white space at the ends when it stores
// a key, but not when it looks one up, so that such a key could not be found again.
// Any other string it takes, "/" included.
func appNameProblem(app string) string {
	switch {
	case app == "":
		return "The application name must not be empty."
	case strings.TrimFunc(app, isPythonSpace) != app:
		return fmt.Sprintf("The application name %q starts or ends with white space: OctoPrint would store the key under the name "+
			"without it, and could not find the key again by the name given.", app)
	case len(url.QueryEscape(app)) > maxKeyPathBytes:
		return fmt.Sprintf("The application name is %d bytes long: OctoPrint could not look its key up (its requests are limited to 64 KiB).", len(app))
	}
	return ""
}
