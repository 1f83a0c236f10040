package octoprint

import (
	"os"
	"testing"
)

// TestMain keeps the lock files of the fake servers (a new URL each) out of the user's
// cache directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "octoprint-locks-")
	if err != nil {
		panic(err)
	}
	lockDir = func() string { return dir }
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
