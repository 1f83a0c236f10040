package octoprint

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Another process writing to the same server (here: another lock on the same file, as
// a second provider process holds) makes a write wait, and lets it go once done.
func TestWriteWaitsForOtherProcesses(t *testing.T) {
	f := newFake(t, answer(200, `{}`))
	c := newClient(t, f.URL)
	other := newMachineLock(c.baseURL.String())
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
