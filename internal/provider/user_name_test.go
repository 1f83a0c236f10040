// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"
)

func TestUserNameProblem(t *testing.T) {
	tests := []struct {
		name, problem string
	}{
		{"alice", ""},
		{"print operator", ""},
		{"Jürgen Groß ✓", ""},
		{"50% + more&more?", ""},
		{"", "must not be empty"},
		{" alice", "white space"},
		{"alice\t", "white space"},
		{"alice\n", "white space"},
		{"\u00a0alice", "white space"},
		{"a/b", `contains "/"`},
		{"/", `contains "/"`},
		{".", "cannot be addressed"},
		{"..", "cannot be addressed"},
	}
	for _, tt := range tests {
		got := userNameProblem(tt.name)
		switch {
		case tt.problem == "" && got != "":
			t.Errorf("userNameProblem(%q) = %q, want none", tt.name, got)
		case tt.problem != "" && !strings.Contains(got, tt.problem):
			t.Errorf("userNameProblem(%q) = %q, want it to say %q", tt.name, got, tt.problem)
		}
	}
}
