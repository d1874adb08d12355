package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"traguardo/internal/auth"
)

// TestChangeCache_Races: a read keeps what it found only if no notice
// about it arrived since it started, and nothing while the notices are not
// listened to; a notice forgets what it names and nothing else; an
// expired session is not served.
func TestChangeCache_Races(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c := changeCache{sessions: map[string]*keptSession{}, counters: map[int]keptCounters{}, userSeq: map[int64]uint64{}}
	sess := func(id int64) *keptSession {
		return &keptSession{data: []byte("d"), expiry: now.Add(time.Hour), user: auth.User{ID: id}}
	}
	k := keptCounters{versions: [2]cycleVersion{{cycle: 1, data: 7, plan: 3}}, found: [2]bool{true, false}}

	// Not listening: nothing kept.
	c.keep(c.start(), "a", sess(1), 2024, k)
	if _, _, ok := c.session("a", 0, now); ok {
		t.Fatal("kept while not listening")
	}
	c.listening(true)

	seq := c.start()
	c.keep(seq, "a", sess(1), 2024, k)
	if s, got, ok := c.session("a", 2024, now); !ok || s.user.ID != 1 || got != k {
		t.Fatalf("session a, 2024 = %v, %v, %v; want kept", s, got, ok)
	}
	if _, _, ok := c.session("a", 2023, now); ok {
		t.Error("served with the counters of a year not kept")
	}
	if _, _, ok := c.session("a", 0, now.Add(2*time.Hour)); ok {
		t.Error("an expired session served")
	}

	// A notice about account 2 during a read of its session: not kept;
	// account 1's session stays.
	seq = c.start()
	c.notice("u2")
	c.keep(seq, "b", sess(2), 0, k)
	if _, _, ok := c.session("b", 0, now); ok {
		t.Error("kept a session read while a notice about its account arrived")
	}
	if _, _, ok := c.session("a", 2024, now); !ok {
		t.Error("a notice about account 2 forgot account 1's session")
	}
	// After that notice, a read that starts later keeps.
	c.keep(c.start(), "b", sess(2), 0, k)
	if _, _, ok := c.session("b", 0, now); !ok {
		t.Error("a read started after the notice kept nothing")
	}

	// A notice about the cycles during a read: the session kept, not the
	// counters; the counters already kept are forgotten.
	seq = c.start()
	c.notice("c")
	c.keep(seq, "c", sess(3), 2025, k)
	if _, _, ok := c.session("c", 0, now); !ok {
		t.Error("a notice about the cycles kept a session from being kept")
	}
	if _, _, ok := c.session("c", 2025, now); ok {
		t.Error("counters read while a notice about the cycles arrived were kept")
	}
	if _, _, ok := c.session("a", 2024, now); ok {
		t.Error("a notice about the cycles left their counters kept")
	}

	// This server's write of a session forgets every session of its
	// account, and a read that raced with it keeps nothing.
	c.keep(c.start(), "a", sess(1), 0, k)
	c.keep(c.start(), "a2", sess(1), 0, k)
	seq = c.start()
	c.forgetSession("a", 1)
	c.keep(seq, "a2", sess(1), 0, k)
	if _, _, ok := c.session("a2", 0, now); ok {
		t.Error("account 1's other session kept after the write of one of its sessions")
	}

	// Forgetting everything (a write of this server), during a read.
	c.keep(c.start(), "b", sess(2), 0, k)
	seq = c.start()
	c.forgetAll()
	c.keep(seq, "d", sess(4), 2024, k)
	if _, _, ok := c.session("b", 0, now); ok {
		t.Error("forgetAll left a session")
	}
	if _, _, ok := c.session("d", 0, now); ok {
		t.Error("a read that raced with forgetAll kept its session")
	}

	// A notice not understood forgets everything.
	c.keep(c.start(), "b", sess(2), 0, k)
	c.notice("?")
	if _, _, ok := c.session("b", 0, now); ok {
		t.Error("an unknown notice left a session")
	}

	// The listening lost: nothing served, nothing kept until it resumes.
	c.keep(c.start(), "b", sess(2), 0, k)
	c.listening(false)
	if _, _, ok := c.session("b", 0, now); ok {
		t.Error("served after the listening was lost")
	}
}

// TestStore_EveryWriteForgets: the store's writes go through write or exec
// (store.go), which forget what the server keeps: no statement that
// writes goes straight to the pool outside them.
func TestStore_EveryWriteForgets(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	direct := regexp.MustCompile(`pgx\.BeginFunc\(ctx, s\.pool|s\.pool\.(Exec|Begin)\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			// The listener's probe writes nothing kept (changes.go).
			if strings.Contains(line, "pg_notify") {
				continue
			}
			if direct.MatchString(line) && !(f == "store.go" && (strings.Contains(line, "return pgx.BeginFunc(ctx, s.pool, f)") || strings.Contains(line, "return s.pool.Exec(ctx, sql, args...)"))) {
				t.Errorf("%s:%d writes around Store.write/exec: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
