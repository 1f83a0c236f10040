// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// defaultTimeout bounds a create, update or delete, retries included, unless the
// configuration's timeouts block says otherwise.
const defaultTimeout = 5 * time.Minute

// withTimeout bounds ctx by the timeouts block's value for the operation, such as
// plan.Timeouts.Create.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)) (context.Context, context.CancelFunc, diag.Diagnostics) {
	timeout, diags := get(ctx, defaultTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, diags
}
