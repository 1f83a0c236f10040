// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// stateSetter is what Create, Read and Update write their state to (resp.State), so
// that one function per resource can store the object whichever of them calls it.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}

// importedKey marks, in private state, a resource adopted by import whose configured
// triggers or password version are not known yet: its first update adopts them instead
// of acting on them (a key is not rotated, a password is not sent).
const importedKey = "imported"
