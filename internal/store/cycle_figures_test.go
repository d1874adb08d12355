package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// TestStore_CycleFigures: the figures computed from a kept cycle are
// computed once per data version, day and key, shared by the callers that
// ask at once, computed again after a write or on another day; an error is
// not kept; build gets its own copy of the cycle, which it may change
// without changing what LoadCycle hands out.
func TestStore_CycleFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	day := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	var builds atomic.Int32
	// build returns the name of the first centre, and renames it in its
	// copy of the cycle.
	build := func(c *plan.Cycle) (any, error) {
		builds.Add(1)
		name := c.Centres[0].Name
		c.Centres[0].Name = "CAMBIATO NELLA COPIA"
		return &name, nil
	}
	figures := func(day time.Time, key string) *string {
		t.Helper()
		v, err := st.CycleFigures(ctx, 2024, day, key, build)
		if err != nil {
			t.Fatal(err)
		}
		return v.(*string)
	}

	// Callers at once share one computation and one value.
	var wg sync.WaitGroup
	got := make([]*string, 8)
	for i := range got {
		wg.Go(func() {
			v, err := st.CycleFigures(ctx, 2024, day, "a", build)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = v.(*string)
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if n := builds.Load(); n != 1 {
		t.Fatalf("%d builds for 8 callers at once, want 1", n)
	}
	for _, v := range got {
		if v != got[0] {
			t.Fatal("callers at once got different values")
		}
	}
	if *got[0] == "CAMBIATO NELLA COPIA" {
		t.Fatal("build ran on a cycle already changed")
	}
	if c := mustLoad(t, st, 2024); c.Centres[0].Name != *got[0] {
		t.Fatalf("LoadCycle after build: centre %q, want %q (build's copy leaked)", c.Centres[0].Name, *got[0])
	}
	if v := figures(day, "a"); v != got[0] || builds.Load() != 1 {
		t.Fatalf("asked again: %d builds, same value %v; want 1, true", builds.Load(), v == got[0])
	}
	if figures(day, "b"); builds.Load() != 2 {
		t.Fatalf("another key: %d builds, want 2", builds.Load())
	}
	if figures(day.AddDate(0, 0, 1), "a"); builds.Load() != 3 {
		t.Fatalf("another day: %d builds, want 3", builds.Load())
	}

	// An error is returned, not kept.
	failed := errors.New("no")
	if _, err := st.CycleFigures(ctx, 2024, day, "c", func(*plan.Cycle) (any, error) { return nil, failed }); !errors.Is(err, failed) {
		t.Fatalf("build failing: %v, want %v", err, failed)
	}
	if v := figures(day, "c"); builds.Load() != 4 || *v != *got[0] {
		t.Fatalf("after an error: %d builds, value %q; want 4, %q", builds.Load(), *v, *got[0])
	}

	// A write (by this store or any other) makes the figures computed again,
	// from the cycle as written.
	ce := mustLoad(t, st, 2024).Centres[0]
	if err := st.UpdateCentre(ctx, store.Change{Actor: store.CLI, Version: ce.Version}, ce.ID, "AREA RINOMINATA", ce.Manager); err != nil {
		t.Fatal(err)
	}
	before := builds.Load()
	if v := figures(day.AddDate(0, 0, 1), "a"); builds.Load() != before+1 || *v != "AREA RINOMINATA" {
		t.Fatalf("after a write: %d builds, value %q; want %d, %q", builds.Load(), *v, before+1, "AREA RINOMINATA")
	}
}

// TestStore_SnapshotKept: a value kept on a snapshot is computed once per
// key and dep; asked with another dep (the year before written since) it
// is computed again and replaces the one kept; the year before's word
// (SnapshotAndBefore) changes with a write to that cycle alone, and is ""
// when there is no cycle before.
func TestStore_SnapshotKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	day := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	snap, before, err := st.SnapshotAndBefore(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if before == "" {
		t.Fatal("2024 has a cycle before it, its word is empty")
	}
	if _, none, err := st.SnapshotAndBefore(ctx, 2023); err != nil || none != "" {
		t.Fatalf("2023: word of the year before %q, %v; want none", none, err)
	}
	if _, _, err := st.SnapshotAndBefore(ctx, 2031); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no cycle 2031: %v", err)
	}
	var builds atomic.Int32
	kept := func(dep string) int32 {
		t.Helper()
		v, err := snap.Kept(day, "k", dep, func() (any, error) { return builds.Add(1), nil })
		if err != nil {
			t.Fatal(err)
		}
		return v.(int32)
	}
	for _, c := range []struct {
		dep        string
		value, all int32
	}{{"a", 1, 1}, {"a", 1, 1}, {"b", 2, 2}, {"b", 2, 2}, {"a", 3, 3}} {
		if v := kept(c.dep); v != c.value || builds.Load() != c.all {
			t.Fatalf("dep %q: value %d after %d builds, want %d after %d", c.dep, v, builds.Load(), c.value, c.all)
		}
	}

	// Past MaxFigures keys, those kept are dropped: "k" is computed again,
	// once, then kept again.
	for i := range store.MaxFigures {
		if _, err := snap.Kept(day, fmt.Sprint("fill ", i), "", func() (any, error) { return int32(0), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if v := kept("a"); v != 4 || builds.Load() != 4 {
		t.Fatalf("past the bound: value %d after %d builds, want 4 after 4", v, builds.Load())
	}
	if v := kept("a"); v != 4 || builds.Load() != 4 {
		t.Fatalf("kept again: value %d after %d builds, want 4 after 4", v, builds.Load())
	}

	// A write to 2023 changes the word of 2024's year before, not 2024's
	// snapshot.
	ce := mustLoad(t, st, 2023).Centres[0]
	if err := st.UpdateCentre(ctx, store.Change{Actor: store.CLI, Version: ce.Version}, ce.ID, "AREA RINOMINATA", ce.Manager); err != nil {
		t.Fatal(err)
	}
	again, after, err := st.SnapshotAndBefore(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Errorf("the year before written: its word %q did not change", after)
	}
	if v, err := again.Kept(day, "k", "a", func() (any, error) { return builds.Add(1), nil }); err != nil || v.(int32) != 4 {
		t.Errorf("2024's snapshot after a write to 2023: value %v (%v), want the one kept, 4", v, err)
	}
}
