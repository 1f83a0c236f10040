// SPDX-License-Identifier: MPL-2.0

package octoprint

import (
	"fmt"
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
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, "removing the lock directory:", err)
	}
	os.Exit(code)
}
