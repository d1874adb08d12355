package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"traguardo/internal/plan"
)

// TestStore_CycleVersions: a write to a cycle makes the servers read that
// cycle again, not the others (migration 000018: a data version per
// cycle); a save of progress moves the cycle's data but not its plan, so
// PlanCycle keeps serving the cycle as kept (its plan current, its data
// older) while LoadCycle reads the save; a change of the plan moves both.
func TestStore_CycleVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	pool := st.Pool()
	day := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	var builds [2]atomic.Int32
	figure := func(i, year int) {
		t.Helper()
		if _, err := st.CycleFigures(ctx, year, day, "k", func(*plan.Cycle) (any, error) { builds[i].Add(1); return nil, nil }); err != nil {
			t.Fatal(err)
		}
	}
	figure(0, 2023)
	figure(1, 2024)
	versions := func(year int) (data, plan int64) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT v.data, v.plan FROM cycle_versions v JOIN cycles c ON c.id = v.cycle_id WHERE c.year = $1`,
			year).Scan(&data, &plan); err != nil {
			t.Fatal(err)
		}
		return data, plan
	}
	d23, p23 := versions(2023)
	d24, p24 := versions(2024)

	// A report of 2024 saved (progress, not plan): 2024 moves in data only,
	// 2023 not at all.
	if _, err := pool.Exec(ctx, `
		INSERT INTO progress_reports (objective_id, period_id, status, text_html)
		SELECT o.id, p.id, 'critico', '<p>nuovo</p>' FROM objectives o JOIN cycles c ON c.id = o.cycle_id
		JOIN periods p ON p.cycle_id = c.id WHERE c.year = 2024 ORDER BY o.id, p.ends_on DESC LIMIT 1
		ON CONFLICT (objective_id, period_id) DO UPDATE SET status = 'critico', text_html = '<p>nuovo</p>'`); err != nil {
		t.Fatal(err)
	}
	if d, p := versions(2024); d != d24+1 || p != p24 {
		t.Errorf("2024 after a save of progress: data %d plan %d, want data %d plan %d", d, p, d24+1, p24)
	}
	if d, p := versions(2023); d != d23 || p != p23 {
		t.Errorf("2023 after a write to 2024: data %d plan %d, want %d %d unchanged", d, p, d23, p23)
	}
	// PlanCycle serves the kept 2024 (its data older), LoadCycle the save.
	status := func(c *plan.Cycle) string {
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				for _, r := range o.Reports {
					if r.TextHTML == "<p>nuovo</p>" {
						return string(r.Status)
					}
				}
			}
		}
		return ""
	}
	kept, err := st.PlanCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if got := status(kept); got != "" {
		t.Errorf("PlanCycle read the cycle again after a save of progress (it holds the report saved, %q)", got)
	}
	fresh, err := st.LoadCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if got := status(fresh); got != "critico" {
		t.Errorf("LoadCycle after the save: report %q, want critico", got)
	}

	figure(0, 2023)
	figure(1, 2024)
	if n := builds[0].Load(); n != 1 {
		t.Errorf("the figures of 2023 were computed %d times: a write to 2024 made 2023 stale", n)
	}
	if n := builds[1].Load(); n != 2 {
		t.Errorf("the figures of 2024 were computed %d times after a write to it, want 2", n)
	}

	// A change of the plan moves both, and PlanCycle reads it.
	if _, err := pool.Exec(ctx, `UPDATE objectives SET title = title || ' (rivisto)' WHERE id = (
		SELECT min(o.id) FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2024)`); err != nil {
		t.Fatal(err)
	}
	if d, p := versions(2024); d != d24+2 || p != d {
		t.Errorf("2024 after a change of its plan: data %d plan %d, want both %d", d, p, d24+2)
	}
	if _, err := st.LoadCycle(ctx, 2023); err != nil { // another cycle kept meanwhile
		t.Fatal(err)
	}
	kept, err = st.PlanCycle(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if got := status(kept); got != "critico" {
		t.Errorf("PlanCycle after a change of the plan did not read the cycle again (report %q)", got)
	}
}
