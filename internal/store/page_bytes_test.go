package store_test

import (
	"context"
	"testing"

	"traguardo/internal/store"
)

// TestStore_CycleVersions_ReportInputs: what the Relazione and the
// dashboard's calendar read besides the cycle (the director's texts, the
// plan's variations, the report's versions, the Nucleo's comments) moves the cycle's data
// counter, not its plan's, and not another cycle's (migration 000021): the
// pages kept for a data version follow them on every server.
func TestStore_CycleVersions_ReportInputs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := MustImportDemo(t)
	pool := st.Pool()
	versions := func(year int) (data, plan int64) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT v.data, v.plan FROM cycle_versions v JOIN cycles c ON c.id = v.cycle_id WHERE c.year = $1`,
			year).Scan(&data, &plan); err != nil {
			t.Fatal(err)
		}
		return data, plan
	}
	for _, w := range []struct {
		what  string
		write func() error
	}{
		{"texts saved", func() error {
			return st.SaveReportTexts(ctx, store.Change{Actor: store.Actor{Name: "direttore@test"}}, 2024, store.ReportTexts{Introduction: "<p>Nuova</p>"})
		}},
		{"a variation", func() error {
			_, err := pool.Exec(ctx, `INSERT INTO variations (cycle_id, decided_on, reason, action, entity, actor)
				SELECT id, '2024-07-01', 'Delibera n. 5', 'update', 'objective', 'direttore' FROM cycles WHERE year = 2024`)
			return err
		}},
		{"a version sent", func() error {
			_, err := pool.Exec(ctx, `INSERT INTO report_versions (cycle_id, number, sent_by_name) SELECT id, 1, 'direttore' FROM cycles WHERE year = 2024`)
			return err
		}},
		{"a comment of the Nucleo", func() error {
			_, err := pool.Exec(ctx, `INSERT INTO report_comments (report_id, objective_label, body, by_name)
				SELECT v.id, 'Obiettivo 1', 'Da rivedere', 'nucleo' FROM report_versions v JOIN cycles c ON c.id = v.cycle_id WHERE c.year = 2024`)
			return err
		}},
		{"a version withdrawn", func() error {
			_, err := pool.Exec(ctx, `DELETE FROM report_versions WHERE cycle_id = (SELECT id FROM cycles WHERE year = 2024)`)
			return err
		}},
	} {
		d23, p23 := versions(2023)
		d24, p24 := versions(2024)
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.what, err)
		}
		if d, p := versions(2024); d != d24+1 || p != p24 {
			t.Errorf("%s: 2024 data %d plan %d, want data %d plan %d", w.what, d, p, d24+1, p24)
		}
		if d, p := versions(2023); d != d23 || p != p23 {
			t.Errorf("%s in 2024: 2023 data %d plan %d, want %d %d unchanged", w.what, d, p, d23, p23)
		}
	}
}
