package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// userNameValidator refuses the names OctoPrint refuses, and those it accepts but cannot
// address afterwards.
type userNameValidator struct{}

var _ validator.String = userNameValidator{}

func (userNameValidator) Description(context.Context) string {
	return "must be non-empty, without leading or trailing white space, without \"/\", and not \".\" or \"..\""
}

func (v userNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (userNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := userNameProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OctoPrint user name", problem)
	}
}

// userNameProblem says what is wrong with a user name, or "" when nothing is.
func userNameProblem(name string) string {
	switch {
	case name == "":
		return "The user name must not be empty."
	case strings.TrimFunc(name, unicode.IsSpace) != name:
		return fmt.Sprintf("The user name %q starts or ends with white space, which OctoPrint refuses.", name)
	case strings.Contains(name, "/"):
		return fmt.Sprintf("The user name %q contains \"/\": OctoPrint would create the user but could not address it afterwards.", name)
	case name == "." || name == "..":
		return fmt.Sprintf("The user name %q cannot be addressed in OctoPrint's API.", name)
	}
	return ""
}
