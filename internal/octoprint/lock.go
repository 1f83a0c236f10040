// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// machineLock serializes the writes to one OctoPrint server across the processes of
// this machine. OpenTofu runs each provider block in a process of its own, so two
// blocks for one server, or two runs at once, would otherwise write at the same time.
//
// Its files live in the user's cache directory: a shared temporary directory would let
// another user block the writes, or point the lock file elsewhere with a symbolic link.
// Processes of different users are therefore not serialized with each other. When no
// lock file can be had, writes are serialized within the process only.
//
// lock and unlock are called only by the holder of the server's in-process lock.
type machineLock struct {
	file *flock.Flock
	// streak counts the writes of this process that took the lock at once, one after
	// the other: other processes poll, and would not get a turn while this process has
	// writes queued, so after a streak this process leaves them one.
	streak int
}

const (
	// lockPollInterval is how often a waiting process tries the lock again.
	lockPollInterval = 5 * time.Millisecond
	// lockStreak is how many writes in a row a process sends before it leaves other
	// processes a turn.
	lockStreak = 8
)

// lockDir is where the lock files are; tests point it elsewhere.
var lockDir = func() string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "terraform-provider-octoprint", "locks")
}

func newMachineLock(serverKey string) *machineLock {
	dir := lockDir()
	if dir == "" || os.MkdirAll(dir, 0o700) != nil {
		return nil
	}
	if info, err := os.Lstat(dir); err != nil || !info.IsDir() {
		return nil
	}
	sum := sha256.Sum256([]byte(serverKey))
	return &machineLock{file: flock.New(filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock"))}
}

// lock waits for the lock until ctx ends. Only ctx's end is an error: a lock file that
// cannot be locked leaves the writes serialized within the process.
func (l *machineLock) lock(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if l.streak >= lockStreak {
		l.streak = 0
		select {
		case <-time.After(2 * lockPollInterval):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if l.tryLock() {
		l.streak++
		return nil
	}
	l.streak = 0
	if _, err := l.file.TryLockContext(ctx, lockPollInterval); err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// tryLock reports whether the writes may go ahead at once: the lock file is locked, or it
// cannot be locked at all, and then the in-process lock alone serializes them.
func (l *machineLock) tryLock() bool {
	locked, err := l.file.TryLock()
	return locked || err != nil
}

func (l *machineLock) unlock() {
	if l != nil && l.file.Locked() {
		_ = l.file.Unlock()
	}
}
