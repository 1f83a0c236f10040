// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// Another process writing to the same server (here: another lock on the same file, as
// a second provider process holds) makes a write wait, and lets it go once done.
func TestWriteWaitsForOtherProcesses(t *testing.T) {
	f := newFake(t, answer(200, `{}`))
	c := newClient(t, f.URL)
	other := newMachineLock(serverKey(c.baseURL))
	if other == nil {
		t.Fatal("no lock file could be made")
	}
	if err := other.lock(context.Background()); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := c.ResetAPIKey(ctx, "bob")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a deadline error while another process writes", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("the server received %d requests while another process held the lock", n)
	}

	other.unlock()
	if err := c.ResetAPIKey(context.Background(), "bob"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("the server received %d requests, want 1", n)
	}
}

// Servers have locks of their own.
func TestMachineLocksPerServer(t *testing.T) {
	a, b := newMachineLock("http://printer1.local/"), newMachineLock("http://printer2.local/")
	if err := a.lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := b.lock(ctx); err != nil {
		t.Fatalf("the lock of another server waited: %v", err)
	}
	b.unlock()
}

// A process with writes queued leaves other processes a turn: another process waiting
// for the lock gets it within a streak, not after the whole queue.
func TestMachineLockLeavesOthersATurn(t *testing.T) {
	busy, other := newMachineLock("http://printer.local/"), newMachineLock("http://printer.local/")
	var writes atomic.Int32
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := busy.lock(context.Background()); err != nil {
				t.Error(err)
			}
			time.Sleep(time.Millisecond) // a write
			busy.unlock()
			writes.Add(1)
		}
	}()
	for writes.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	before := writes.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := other.lock(ctx); err != nil {
		t.Fatalf("the other process never got the lock: %v", err)
	}
	waited := writes.Load() - before
	other.unlock()
	close(stop)
	<-stopped
	if waited > 4*lockStreak {
		t.Errorf("the other process waited for %d writes, want at most about %d", waited, lockStreak)
	}
}
