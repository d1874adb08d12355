package main

import (
	"io"
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTesting: the private PostgreSQL lives in a package of its
// own, so the binary does not carry the testing package.
func TestBinaryLinksNoTesting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "testing" || strings.HasSuffix(p, "/pgtest") {
			t.Errorf("the binary links %s", p)
		}
	}
}

// TestRun_DatabaseURLs: the two URLs are not interchangeable; a wrong
// combination is refused before any connection.
func TestRun_DatabaseURLs(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1:1/x"}, []string{"migrate"}, "migrate needs MIGRATION_DATABASE_URL"},
		{map[string]string{"MIGRATION_DATABASE_URL": "postgres://owner@127.0.0.1:1/x"}, []string{"serve"}, "DATABASE_URL is not"},
		{map[string]string{"MIGRATION_DATABASE_URL": "postgres://owner@127.0.0.1:1/x"}, []string{"export", "--year", "2023"}, "DATABASE_URL is not"},
	} {
		getenv := func(k string) string { return tc.env[k] }
		err := run(tc.args, io.Discard, io.Discard, getenv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v with %v: err = %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
}
