package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"traguardo/internal/db"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/store"
)

// exportAll is the v1 JSON export of every cycle and the audit log's rows
// (every column, as JSON), read as the runtime role.
func exportAll(t *testing.T, runtimeURL string) (map[int][]byte, []string) {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := store.New(pool)
	years := column[int](t, pool, `SELECT year FROM cycles ORDER BY year`)
	exports := map[int][]byte{}
	for _, y := range years {
		c, err := st.LoadCycle(ctx, y)
		if err != nil {
			t.Fatalf("cycle %d: %v", y, err)
		}
		var b bytes.Buffer
		if err := interchange.Encode(&b, c, domain.Today(time.Now())); err != nil {
			t.Fatal(err)
		}
		exports[y] = b.Bytes()
	}
	return exports, column[string](t, pool, `SELECT to_jsonb(a)::text FROM audit_log a ORDER BY id`)
}

func column[T any](t *testing.T, pool *pgxpool.Pool, sql string) []T {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBackupRestore: the demo, with a manager's saved progress and an
// audited change of an entry window, backed up with `traguardo backup`,
// restored with `traguardo restore` into a new empty database, gives the
// same JSON export of every cycle and the same audit log, and serves: the
// runtime role reads it (its privileges came back) and the schema is
// current. A restore into a database that holds tables is refused.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	runtimeURL, ownerURL := testDatabase(t)
	env := func(rt, owner string) func(string) string {
		return func(k string) string {
			return map[string]string{"DATABASE_URL": rt, "MIGRATION_DATABASE_URL": owner}[k]
		}
	}
	if err := run([]string{"demo"}, io.Discard, io.Discard, env(runtimeURL, ownerURL)); err != nil {
		t.Fatalf("demo: %v", err)
	}
	pool, err := db.Open(ctx, runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	var objective, indicator, period int64
	if err := pool.QueryRow(ctx, `
		SELECT o.id, i.id, p.id FROM objectives o JOIN cycles cy ON cy.id = o.cycle_id
		JOIN indicators i ON i.objective_id = o.id JOIN periods p ON p.cycle_id = cy.id
		WHERE cy.year = 2024 AND i.unit NOT IN ('%', 'si/no') ORDER BY p.ends_on, o.id, i.position LIMIT 1`).Scan(&objective, &indicator, &period); err != nil {
		t.Fatal(err)
	}
	actor := store.Actor{Name: "responsabile.finanziaria@traguardo.test"}
	for i, v := range []float64{1, 2} { // two saves: the second at version 1
		x := v
		p := plan.ObjectiveProgress{Values: []plan.ValueEntry{{IndicatorID: indicator, Value: &x}}, Status: domain.OnTrack,
			TextHTML: "<p>Salvataggio " + strconv.Itoa(i+1) + "</p>"}
		if err := st.SaveProgress(ctx, store.Change{Actor: actor, Version: i}, objective, period, p); err != nil {
			t.Fatalf("save %d: %v", i+1, err)
		}
	}
	today := domain.Today(time.Now())
	if _, err := st.SetWindow(ctx, store.Actor{Name: "direttore@traguardo.test"}, period, today.AddDate(0, 0, -10), today.AddDate(0, 0, 40), nil); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	wantExports, wantAudit := exportAll(t, runtimeURL)
	if len(wantExports) != 2 || len(wantAudit) < 3 {
		t.Fatalf("before the backup: %d cycles, %d audit rows", len(wantExports), len(wantAudit))
	}
	if !slices.ContainsFunc(wantAudit, func(s string) bool { return strings.Contains(s, `"save-progress"`) }) {
		t.Fatal("no audit row of the progress saves")
	}

	file := filepath.Join(t.TempDir(), "traguardo.backup")
	var out bytes.Buffer
	if err := run([]string{"backup", "--out", file}, &out, io.Discard, env(runtimeURL, ownerURL)); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out.String(), file) {
		t.Errorf("backup says %q", out.String())
	}

	// Into the database it came from (not empty): refused, nothing changed.
	err = run([]string{"restore", "--in", file}, io.Discard, io.Discard, env(runtimeURL, ownerURL))
	if !errors.Is(err, db.ErrNotEmpty) {
		t.Fatalf("restore into a database with tables: %v, want ErrNotEmpty", err)
	}

	// Into a new empty database of the cluster.
	c := pgtest.Cluster(t)
	name := fmt.Sprintf("restored_%d", time.Now().UnixNano())
	if err := c.CreateDatabase(ctx, name, ""); err != nil {
		t.Fatal(err)
	}
	newRuntime, newOwner := c.URL(name), c.OwnerURL(name)
	if err := run([]string{"restore", "--in", file}, io.Discard, io.Discard, env(newRuntime, newOwner)); err != nil {
		t.Fatalf("restore: %v", err)
	}
	gotExports, gotAudit := exportAll(t, newRuntime)
	for y, want := range wantExports {
		if !bytes.Equal(gotExports[y], want) {
			t.Errorf("the export of cycle %d differs after the restore (%d bytes, want %d)", y, len(gotExports[y]), len(want))
		}
	}
	if len(gotExports) != len(wantExports) {
		t.Errorf("%d cycles restored, want %d", len(gotExports), len(wantExports))
	}
	if !slices.Equal(gotAudit, wantAudit) {
		t.Errorf("the audit log differs after the restore: %d rows, want %d", len(gotAudit), len(wantAudit))
	}
	// It serves: current schema, the runtime role as it should be, and the
	// audit log still append-only.
	rp, err := db.Open(ctx, newRuntime)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	if err := db.CheckSchema(ctx, rp); err != nil {
		t.Errorf("restored schema: %v", err)
	}
	if problems, err := db.CheckRuntimeRole(ctx, rp); err != nil || len(problems) > 0 {
		t.Errorf("runtime role on the restored database: %v %v", problems, err)
	}
	if _, err := rp.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Error("the runtime role deleted the restored audit log")
	}
	op, err := db.Open(ctx, newOwner)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, err := op.Exec(ctx, `UPDATE audit_log SET action = 'x'`); err == nil {
		t.Error("the restored audit log accepts an UPDATE (its trigger is missing)")
	}
}
