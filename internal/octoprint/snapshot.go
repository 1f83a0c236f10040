package octoprint

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// userSnapshot is a client's copy of OctoPrint's user list. Refreshing a farm of N users
// then costs one request instead of N: concurrent readers share one request, and later
// readers reuse its answer until a write to the server makes it out of date.
//
// A client lives for one provider configuration, that is one OpenTofu command, so a new
// command (plan, apply) always starts from what the server holds.
type userSnapshot struct {
	mu         sync.Mutex
	users      []User
	generation uint64 // the server's write count when users was read
	valid      bool
	loads      singleflight.Group
}

// store keeps users as the list at the given generation, unless a newer one is kept.
func (s *userSnapshot) store(users []User, generation uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid && s.generation > generation {
		return
	}
	s.users, s.generation, s.valid = users, generation, true
}

// current returns the list when it is still that of the given generation.
func (s *userSnapshot) current(generation uint64) ([]User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users, s.valid && s.generation == generation
}

// userList returns the user list as of now: the snapshot when no write has happened
// since it was taken, otherwise one request shared by every concurrent caller.
func (c *Client) userList(ctx context.Context) ([]User, error) {
	generation := c.server.generation.Load()
	if users, ok := c.users.current(generation); ok {
		return users, nil
	}
	// Keyed by generation: a caller that starts after a write never joins a request
	// that started before it.
	result := c.users.loads.DoChan(strconv.FormatUint(generation, 10), func() (any, error) {
		var list userList
		if err := c.get(ctx, "api/access/users", &list); err != nil {
			return nil, err
		}
		c.users.store(list.Users, generation)
		return list.Users, nil
	})
	select {
	case r := <-result:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]User), nil //nolint:forcetypeassert // the function above returns []User
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the user list: %w", ctx.Err())
	}
}
