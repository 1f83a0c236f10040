package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// providerData is what a configured provider hands to its resources and data sources.
type providerData struct {
	client *octoprint.Client
	// plannedGroups are the keys of the groups this command plans to create, so that a
	// user or group planned after them may name them before they exist on the server.
	plannedGroups *keySet
	// plannedUsers are the names of the users this command plans to create, for the
	// settings and API keys planned after them.
	plannedUsers *keySet
}

// resourceBase is embedded by every resource: it receives the configured client.
type resourceBase struct {
	client        *octoprint.Client
	plannedGroups *keySet
	plannedUsers  *keySet
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		b.client, b.plannedGroups, b.plannedUsers = data.client, data.plannedGroups, data.plannedUsers
	}
}

// dataSourceBase is embedded by every data source: it receives the configured client.
type dataSourceBase struct {
	client *octoprint.Client
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		b.client = data.client
	}
}

// configured tells whether the provider is configured. It is not while its
// configuration is unknown at plan time: a data source then cannot be read.
func (b *dataSourceBase) configured(diags *diag.Diagnostics) bool {
	if b.client == nil {
		diags.AddError("OctoPrint provider not configured",
			"The provider's configuration (url, api_key) is not known yet, so OctoPrint cannot be read. "+
				"Give the provider values known at plan time, or apply the resources they depend on first (-target).")
	}
	return b.client != nil
}

// providerDataFrom returns the provider's data, nil while the provider is not
// configured (early in plan, or when its configuration is unknown).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", data))
		return nil
	}
	return pd
}

// keySet is a set of keys safe for concurrent use.
type keySet struct {
	mu   sync.Mutex
	keys []string
}

// add puts key in the set; a nil set (an unconfigured provider) ignores it.
func (s *keySet) add(key string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.keys, key) {
		s.keys = append(s.keys, key)
	}
}

// contains tells whether key is in the set; a nil set is empty.
func (s *keySet) contains(key string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.keys, key)
}

// sortedAttributes maps items to their attributes, sorted by key: the lists of the data
// sources do not change order between plans.
func sortedAttributes[T, A any](ctx context.Context, items []T, key func(T) string,
	attributes func(context.Context, *T) (A, diag.Diagnostics),
) ([]A, diag.Diagnostics) {
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	var diags diag.Diagnostics
	out := make([]A, 0, len(items))
	for i := range items {
		attrs, d := attributes(ctx, &items[i])
		diags.Append(d...)
		out = append(out, attrs)
	}
	return out, diags
}

// importedKey marks, in private state, a resource adopted by import whose configured
// triggers or password version are not known yet: its first update adopts them instead
// of acting on them (a key is not rotated, a password is not sent).
const importedKey = "imported"
