package octoprint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// machineLock serializes the writes to one OctoPrint server across the processes of
// this machine. OpenTofu runs each provider block in a process of its own, so two
// blocks for one server, or two runs at once, would otherwise write at the same time.
// It is nil when its file cannot be made (a read-only temporary directory): writes are
// then serialized within the process only.
type machineLock struct {
	file *flock.Flock
}

// lockPollInterval is how often a waiting write tries the lock again.
const lockPollInterval = 10 * time.Millisecond

func newMachineLock(serverURL string) *machineLock {
	dir := filepath.Join(os.TempDir(), "terraform-provider-octoprint")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(serverURL))
	return &machineLock{file: flock.New(filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock"))}
}

// lock waits for the lock until ctx ends.
func (l *machineLock) lock(ctx context.Context) error {
	if l == nil {
		return nil
	}
	locked, err := l.file.TryLockContext(ctx, lockPollInterval)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return fmt.Errorf("locking %s: %w", l.file.Path(), err)
	case !locked:
		return fmt.Errorf("locking %s: not acquired", l.file.Path())
	}
	return nil
}

func (l *machineLock) unlock() {
	if l != nil {
		_ = l.file.Unlock()
	}
}
