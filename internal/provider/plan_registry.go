// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"maps"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/octoprint-terraform/terraform-provider-octoprint/internal/octoprint"
)

// planRegistry is what one command (a plan, or the plan an apply makes again) learns
// of the configuration as it plans each resource, in one provider process per provider
// configuration. Every resource calls it from ModifyPlan:
//
//   - A resource that creates an object (or replaces it) registers it with planCreate. A
//     resource that names an object accepts it when plansToCreate says so, instead of
//     demanding that it exist on the server. OpenTofu plans a resource after the
//     resources it references, so this holds when the name is a reference; a literal name
//     may be checked before its creator registers, which is why the errors ask for one.
//
//   - Every resource claims what it manages with manage: two resources of one
//     configuration for one object would undo each other at every apply. The second to
//     be planned is refused.
//
//   - A group registers its planned permissions and subgroups with planGroup, and a user
//     the groups it names with nameGroups; a destroyed group says so with destroyGroup.
//     Whichever of a group's destroy and a resource still naming it is planned second
//     sees the other and refuses. The checks of cycles and of the provider's own rights
//     see the server's groups with every planned group laid over them (groupsWithPlan).
//
//   - An octoprint_setup that claims a new server registers the admin it creates with
//     planClaim, and says with claimMade that the admin exists. The provider, when it logs
//     in as that admin, cannot log in before: the checks of the resources planned after it
//     (which depend on it) wait for apply, where they run once the admin is made
//     (deferChecks).
//
// Resources are planned concurrently and in an order only references fix, so each check
// registers before it looks: of two resources that conflict, the later sees the earlier.
// A nil registry (an unconfigured provider) registers nothing and knows nothing.
type planRegistry struct {
	// nonce tells this command's claims from those of earlier commands (see manage).
	nonce     []byte
	mu        sync.Mutex
	created   map[objectRef]bool
	managed   map[objectRef]bool
	groups    map[string]plannedGroup
	namedBy   map[string][]string // group key -> who names it, e.g. `user "alice"`
	destroyed map[string]bool     // group keys
	// claimed is the admin that this command's octoprint_setup creates, "" if none; made
	// is set once it exists.
	claimed string
	made    bool
	// loginReported is set once a failed login of the provider was reported.
	loginReported bool
}

// objectKind names what the registry holds.
type objectKind string

const (
	kindUser        objectKind = "user"
	kindGroup       objectKind = "group"
	kindAPIKey      objectKind = "API key of user" //nolint:gosec // G101: a kind of object, not a key
	kindSettingsKey objectKind = "settings key"
	kindSetup       objectKind = "setup"
	kindAppKey      objectKind = "application key" //nolint:gosec // G101: a kind of object, not a key
)

type objectRef struct {
	kind objectKind
	id   string
}

// plannedGroup is what a group's plan says of its rights.
type plannedGroup struct {
	permissions, subgroups []string
}

func newPlanRegistry() *planRegistry {
	nonce, _ := json.Marshal(rand.Text())
	return &planRegistry{
		nonce:     nonce,
		created:   map[objectRef]bool{},
		managed:   map[objectRef]bool{},
		groups:    map[string]plannedGroup{},
		namedBy:   map[string][]string{},
		destroyed: map[string]bool{},
	}
}

// planClaim records that this command claims a new server, creating its first admin.
func (r *planRegistry) planClaim(admin string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.claimed = admin
}

// claims tells whether this command creates the admin of that name on a new server.
func (r *planRegistry) claims(admin string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.claimed != "" && r.claimed == admin
}

// claimMade records that the admin of the claim exists: checks wait for it no longer.
func (r *planRegistry) claimMade() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.made = true
}

// awaitsClaim tells whether the admin of that name is still to be created by this
// command's claim: the provider cannot log in as it yet.
func (r *planRegistry) awaitsClaim(admin string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.claimed != "" && r.claimed == admin && !r.made
}

// firstLoginError tells whether the caller is the first to report the provider's failed
// login in this command: one error says it, not one per resource.
func (r *planRegistry) firstLoginError() bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	first := !r.loginReported
	r.loginReported = true
	return first
}

// planCreate records that this command creates (or replaces) the object.
func (r *planRegistry) planCreate(kind objectKind, id string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.created[objectRef{kind, id}] = true
}

// plansToCreate tells whether a resource planned before has registered the object.
func (r *planRegistry) plansToCreate(kind objectKind, id string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.created[objectRef{kind, id}]
}

// claimedKey marks, in a resource's private state, the command whose registry holds its
// claims.
const claimedKey = "claimed"

// privateState is the private state of a plan request or response.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// manage claims the objects for the resource being planned, and returns those that
// another resource of this configuration claimed first. OpenTofu plans a replacement
// twice, the second time as a create that carries the private state of the first: the
// mark manage leaves there tells the second call that the claims are its own.
func (r *planRegistry) manage(ctx context.Context, prior, planned privateState, kind objectKind, ids ...string) ([]string, diag.Diagnostics) {
	if r == nil {
		return nil, nil
	}
	mark, diags := prior.GetKey(ctx, claimedKey)
	if bytes.Equal(mark, r.nonce) {
		return nil, diags
	}
	r.mu.Lock()
	var taken []string
	for _, id := range ids {
		ref := objectRef{kind, id}
		if r.managed[ref] {
			taken = append(taken, id)
		}
		r.managed[ref] = true
	}
	r.mu.Unlock()
	return taken, append(diags, planned.SetKey(ctx, claimedKey, r.nonce)...)
}

// replacing tells whether the resource being planned is the new object of a replacement
// this command planned: OpenTofu plans it as a create, with the private state of the plan
// of the old object, where manage left this command's mark.
func (r *planRegistry) replacing(ctx context.Context, prior privateState) bool {
	if r == nil {
		return false
	}
	mark, _ := prior.GetKey(ctx, claimedKey)
	return bytes.Equal(mark, r.nonce)
}

// planGroup records a group's planned permissions and subgroups.
func (r *planRegistry) planGroup(key string, permissions, subgroups []string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.groups[key] = plannedGroup{permissions: slices.Clone(permissions), subgroups: slices.Clone(subgroups)}
}

// nameGroups records that who (e.g. `user "alice"`) names the groups, and returns
// those of them that this command destroys.
func (r *planRegistry) nameGroups(who string, keys []string) []string {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var destroyed []string
	for _, key := range keys {
		if !slices.Contains(r.namedBy[key], who) {
			r.namedBy[key] = append(r.namedBy[key], who)
		}
		if r.destroyed[key] {
			destroyed = append(destroyed, key)
		}
	}
	return destroyed
}

// destroyGroup records that this command destroys the group, and returns who names it.
func (r *planRegistry) destroyGroup(key string) []string {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.destroyed[key] = true
	return slices.Clone(r.namedBy[key])
}

// groupsWithPlan returns the server's groups as this command leaves them, as far as it
// is planned so far: planned permissions and subgroups laid over the server's, planned
// new groups added and destroyed ones left out.
func (r *planRegistry) groupsWithPlan(server []octoprint.Group) []octoprint.Group {
	if r == nil {
		return server
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]octoprint.Group, 0, len(server)+len(r.groups))
	seen := map[string]bool{}
	for _, g := range server {
		seen[g.Key] = true
		if r.destroyed[g.Key] {
			continue
		}
		if p, ok := r.groups[g.Key]; ok {
			g.Permissions, g.Subgroups = p.permissions, p.subgroups
		}
		out = append(out, g)
	}
	for _, key := range slices.Sorted(maps.Keys(r.groups)) {
		if !seen[key] && !r.destroyed[key] {
			p := r.groups[key]
			out = append(out, octoprint.Group{Key: key, Permissions: p.permissions, Subgroups: p.subgroups, Toggleable: true})
		}
	}
	return out
}
