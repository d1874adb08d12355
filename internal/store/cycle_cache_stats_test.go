package store_test

import (
	"context"
	"testing"

	"traguardo/internal/store"
)

// TestStore_CycleCacheStats: the first read of a cycle is a miss and a
// load, the next ones hits; after a write to the cycle, one miss and one
// load again; PlanCycle after a write to the data only is a hit.
func TestStore_CycleCacheStats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	check := func(when string, want store.CycleCacheStats) {
		t.Helper()
		if got := st.CycleCacheStats(); got != want {
			t.Errorf("%s: %+v, want %+v", when, got, want)
		}
	}
	load := func() {
		t.Helper()
		if _, err := st.LoadCycle(ctx, 2024); err != nil {
			t.Fatal(err)
		}
	}
	start := st.CycleCacheStats()
	load()
	check("first read", store.CycleCacheStats{Hits: start.Hits, Misses: start.Misses + 1, Loads: start.Loads + 1})
	load()
	load()
	check("two more reads", store.CycleCacheStats{Hits: start.Hits + 2, Misses: start.Misses + 1, Loads: start.Loads + 1})
	// A report saved: the cycle's data moves, not its plan.
	if _, err := st.Pool().Exec(ctx, `
		INSERT INTO progress_reports (objective_id, period_id, status, text_html)
		SELECT o.id, p.id, 'critico', '<p>nuovo</p>' FROM objectives o JOIN cycles c ON c.id = o.cycle_id
		JOIN periods p ON p.cycle_id = c.id WHERE c.year = 2024 ORDER BY o.id, p.ends_on DESC LIMIT 1
		ON CONFLICT (objective_id, period_id) DO UPDATE SET status = 'critico', text_html = '<p>nuovo</p>'`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PlanCycle(ctx, 2024); err != nil {
		t.Fatal(err)
	}
	check("PlanCycle after a save", store.CycleCacheStats{Hits: start.Hits + 3, Misses: start.Misses + 1, Loads: start.Loads + 1})
	load()
	check("LoadCycle after a save", store.CycleCacheStats{Hits: start.Hits + 3, Misses: start.Misses + 2, Loads: start.Loads + 2})
}
