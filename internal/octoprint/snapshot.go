// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// snapshot is a client's copy of a list OctoPrint serves (users, groups, permissions).
// Refreshing a farm of N users then costs one request instead of N: concurrent readers
// share one request, and later readers reuse its answer until a write to the server
// makes it out of date.
//
// A client lives for one provider configuration, that is one OpenTofu command, so a new
// command (plan, apply) always starts from what the server holds.
type snapshot[T any] struct {
	mu         sync.Mutex
	value      T
	generation uint64 // the server's write count when value was read
	valid      bool
	loads      singleflight.Group
}

// store keeps value as the list at the given generation, unless a newer one is kept.
func (s *snapshot[T]) store(value T, generation uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.valid && s.generation > generation {
		return
	}
	s.value, s.generation, s.valid = value, generation, true
}

// get returns the list as of the given generation: the snapshot when it is of that
// generation, otherwise what load returns, one call shared by every concurrent caller.
// load runs without the first caller's cancellation, which must not fail the others
// (each request is still bounded by the client's timeout); every caller stops waiting
// at its own deadline.
func (s *snapshot[T]) get(ctx context.Context, generation uint64, load func(context.Context) (T, error)) (T, error) {
	s.mu.Lock()
	value, ok := s.value, s.valid && s.generation == generation
	s.mu.Unlock()
	if ok {
		return value, nil
	}
	// Keyed by generation: a caller that starts after a write never joins a request
	// that started before it.
	result := s.loads.DoChan(strconv.FormatUint(generation, 10), func() (any, error) {
		value, err := load(context.WithoutCancel(ctx))
		if err == nil {
			s.store(value, generation)
		}
		return value, err
	})
	select {
	case r := <-result:
		if r.Err != nil {
			var zero T
			return zero, r.Err
		}
		return r.Val.(T), nil //nolint:forcetypeassert // load returns T
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("waiting for OctoPrint's answer: %w", ctx.Err())
	}
}

// userList returns the user list as of now.
func (c *Client) userList(ctx context.Context) ([]User, error) {
	return c.users.get(ctx, c.server.generation.Load(), func(ctx context.Context) ([]User, error) {
		var list userList
		err := c.get(ctx, "api/access/users", &list)
		return list.Users, err
	})
}
