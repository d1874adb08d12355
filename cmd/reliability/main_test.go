package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReliability_Short is make reliability in small: 10 managers for 9
// seconds, PostgreSQL restarted and the application killed once each.
// Nothing acknowledged may be lost, no 5xx may come outside the faults,
// and the application must answer again within 5 seconds of each.
func TestReliability_Short(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL and the application")
	}
	bin := filepath.Join(t.TempDir(), "traguardo")
	if out, err := exec.Command("go", "build", "-o", bin, "../traguardo").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ok, err := run(ctx, options{duration: 9 * time.Second, clients: 10, bin: bin}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !ok {
		t.Fatalf("the reliability run failed:\n%s", out.String())
	}
	for _, want := range []string{"LOST acknowledged writes:              0", "5xx outside the fault windows:          0", "PASS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())
}
