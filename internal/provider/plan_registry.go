package provider

import (
	"slices"
	"sync"
)

// planRegistry is what one command (a plan, or the plan an apply makes again) learns
// of the configuration as it plans each resource. OpenTofu plans a resource after the
// resources it references, in one provider process per provider configuration, so:
//
//   - a resource that creates an object (or replaces it) registers it in ModifyPlan, with
//     planCreate;
//   - a resource that names an object checks through plansToCreate before it demands
//     that the object exist on the server. That works when the name is a reference to
//     the creating resource, which is planned first; a literal name may be checked
//     before the creator registers, which is why the errors ask for a reference.
//
// A nil registry (an unconfigured provider) registers nothing and knows nothing.
type planRegistry struct {
	mu      sync.Mutex
	created map[objectKind][]string
}

// objectKind names what the registry holds.
type objectKind string

const (
	kindUser  objectKind = "user"
	kindGroup objectKind = "group"
)

func newPlanRegistry() *planRegistry {
	return &planRegistry{created: map[objectKind][]string{}}
}

// planCreate records that this command creates (or replaces) the object.
func (r *planRegistry) planCreate(kind objectKind, id string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.created[kind], id) {
		r.created[kind] = append(r.created[kind], id)
	}
}

// plansToCreate tells whether a resource planned before has registered the object.
func (r *planRegistry) plansToCreate(kind objectKind, id string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.created[kind], id)
}
