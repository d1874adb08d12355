package store_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/demo"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/pgtest"
	"traguardo/internal/plan"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// TestImport_Refusals: what the database refuses in a cycle imported in
// bulk (one COPY a table) is refused with the message a row written on its
// own would get, and leaves nothing behind.
func TestImport_Refusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	read := func(t *testing.T) *plan.Cycle {
		c, err := interchange.Read(bytes.NewReader(demo.Cycle2023()), richtext.NewPolicy())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// lastOf is the last indicator of unit u in c.
	lastOf := func(t *testing.T, c *plan.Cycle, u domain.Unit) *plan.Indicator {
		var found *plan.Indicator
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				for _, in := range o.Indicators {
					if in.Unit == u {
						found = in
					}
				}
			}
		}
		if found == nil {
			t.Fatalf("no indicator of unit %q", u)
		}
		return found
	}
	cases := []struct {
		name, message string
		spoil         func(t *testing.T, c *plan.Cycle)
	}{
		{"YesNoValue", "per un indicatore si/no il valore è si o no", func(t *testing.T, c *plan.Cycle) {
			in := lastOf(t, c, domain.UnitYesNo)
			in.Values = append(in.Values[:0:0], plan.Value{Period: c.Periods[0].EndsOn, Value: 2})
		}},
		{"YesNoTarget", "valore non ammesso", func(t *testing.T, c *plan.Cycle) {
			in := lastOf(t, c, domain.UnitYesNo)
			in.Targets = []plan.Target{{Period: c.Periods[1].EndsOn, Value: 0.5}}
		}},
		{"ValueTwiceAtAPeriod", "esiste già un elemento con questi dati", func(t *testing.T, c *plan.Cycle) {
			in := lastOf(t, c, domain.UnitPercent)
			in.Values = []plan.Value{{Period: c.Periods[0].EndsOn, Value: 1}, {Period: c.Periods[0].EndsOn, Value: 2}}
		}},
		{"OverrideOutOfRange", "valore non ammesso", func(t *testing.T, c *plan.Cycle) {
			in := lastOf(t, c, domain.UnitPercent)
			in.Overrides = []plan.PeriodOverride{{Period: c.Periods[0].EndsOn, Pct: 250, Reason: "Troppo."}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := store.New(pgtest.NewDB(t))
			c := read(t)
			tc.spoil(t, c)
			_, err := st.ImportCycle(ctx, store.CLI, c)
			var conflict *store.Conflict
			if !errors.As(err, &conflict) || conflict.Message != tc.message {
				t.Fatalf("import: %v, want the conflict %q", err, tc.message)
			}
			var n int
			if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM cycles) + (SELECT count(*) FROM objectives) +
				(SELECT count(*) FROM indicator_values) + (SELECT count(*) FROM audit_log)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows left after the refused import", n)
			}
		})
	}

	// A plan with an objective's number twice in a centre: the message of
	// a number taken, and the error names the objective.
	t.Run("NumberTwice", func(t *testing.T) {
		t.Parallel()
		st := MustImportDemo(t)
		if _, err := st.CreateCycle(ctx, store.CLI, store.NewCycle{Year: 2025}); err != nil {
			t.Fatal(err)
		}
		p := planOf(mustLoad(t, st, 2023))
		last := p.Centres[len(p.Centres)-1]
		dup := *last.Objectives[0]
		dup.Activities, dup.Indicators = nil, nil
		last.Objectives = append(last.Objectives, &dup)
		err := st.ImportPlan(ctx, store.CLI, 2025, p)
		var conflict *store.Conflict
		if !errors.As(err, &conflict) || conflict.Message != plan.MsgNumberTaken {
			t.Fatalf("import: %v, want the conflict %q", err, plan.MsgNumberTaken)
		}
	})

	// A row of the COPY that the database refuses on its own is named in
	// the error (for the command line), by its centre, objective and item.
	t.Run("RowNamed", func(t *testing.T) {
		t.Parallel()
		st := store.New(pgtest.NewDB(t))
		c := read(t)
		ce := c.Centres[2]
		o := ce.Objectives[len(ce.Objectives)-1]
		o.Activities[len(o.Activities)-1].Description = " " // refused by activities_description_check
		_, err := st.ImportCycle(ctx, store.CLI, c)
		want := `centre "` + ce.Name + `": objective ` + strconv.Itoa(o.Number) + `: activity ` + strconv.Itoa(len(o.Activities)) + ": "
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("import: %v, want an error naming %q", err, want)
		}

		// A value the check of its period's cycle refuses, likewise.
		c = read(t)
		for _, ce := range c.Centres {
			for _, o := range ce.Objectives {
				for i, in := range o.Indicators {
					if in.Unit != domain.UnitYesNo {
						continue
					}
					in.Values = []plan.Value{{Period: c.Periods[0].EndsOn, Value: 3}}
					_, err := store.New(pgtest.NewDB(t)).ImportCycle(ctx, store.CLI, c)
					want := `centre "` + ce.Name + `" objective ` + strconv.Itoa(o.Number) + `: indicator ` + strconv.Itoa(i+1) + " value: "
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Fatalf("import: %v, want an error naming %q", err, want)
					}
					return
				}
			}
		}
		t.Fatal("no si/no indicator in the demo")
	})
}

// TestSchema_PeriodOfCycle_Bulk: an INSERT or a COPY of many rows, one of
// them at a period of another cycle (or a si/no target of 2), is refused
// whole by the check of the period's cycle, under its constraint name, for
// every table that has the check.
func TestSchema_PeriodOfCycle_Bulk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	if _, err := demo.Load(ctx, store.New(pool), richtext.NewPolicy()); err != nil {
		t.Fatal(err)
	}
	var own, other, yesNo int64
	var indicators, activities, objectives []int64
	if err := pool.QueryRow(ctx, `
		SELECT (SELECT max(p.id) FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2023),
		       (SELECT min(p.id) FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024),
		       (SELECT min(i.id) FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023 AND i.unit = 'si/no'),
		       ARRAY(SELECT i.id FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id
		             WHERE c.year = 2023 AND i.unit <> 'si/no' ORDER BY i.id LIMIT 20),
		       ARRAY(SELECT a.id FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN cycles c ON c.id = o.cycle_id
		             WHERE c.year = 2023 ORDER BY a.id LIMIT 20),
		       ARRAY(SELECT o.id FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023 ORDER BY o.id LIMIT 10)`).Scan(
		&own, &other, &yesNo, &indicators, &activities, &objectives); err != nil {
		t.Fatal(err)
	}
	// rowsWith are the rows of ids at period own, the last at period at.
	rowsWith := func(ids []int64, at int64, rest ...any) [][]any {
		var rows [][]any
		for i, id := range ids {
			p := own
			if i == len(ids)-1 {
				p = at
			}
			rows = append(rows, append([]any{id, p}, rest...))
		}
		return rows
	}
	cases := []struct {
		table      string
		columns    []string
		rows       [][]any
		constraint string
	}{
		{"indicator_targets", []string{"indicator_id", "period_id", "target"}, rowsWith(indicators, other, 3), "indicator_targets_period_of_cycle"},
		{"indicator_targets", []string{"indicator_id", "period_id", "target"}, append(rowsWith(indicators, own, 3), []any{yesNo, own, 2}), "indicator_targets_yes_no"},
		{"indicator_overrides", []string{"indicator_id", "period_id", "pct", "reason"}, rowsWith(indicators, other, 50, "Motivo."), "indicator_overrides_period_of_cycle"},
		{"activity_progress", []string{"activity_id", "period_id", "actual_annual"}, rowsWith(activities, other, true), "activity_progress_period_of_cycle"},
		{"progress_reports", []string{"objective_id", "period_id", "text_html"}, rowsWith(objectives, other, ""), "progress_reports_period_of_cycle"},
	}
	for _, tc := range cases {
		// As one COPY, then as one INSERT of many rows.
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM `+tc.table); err != nil {
				return err
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{tc.table}, tc.columns, pgx.CopyFromRows(tc.rows))
			return err
		})
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.ConstraintName != tc.constraint {
			t.Errorf("COPY into %s: %v, want a refusal by %s", tc.table, err, tc.constraint)
		}
		insert, args := insertOf(tc.table, tc.columns, tc.rows)
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM `+tc.table); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, insert, args...)
			return err
		})
		if !errors.As(err, &pgErr) || pgErr.ConstraintName != tc.constraint {
			t.Errorf("INSERTs into %s: %v, want a refusal by %s", tc.table, err, tc.constraint)
		}
	}
	// The rows of their own cycle's period pass, as a COPY.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM indicator_targets`); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"indicator_targets"}, []string{"indicator_id", "period_id", "target"},
			pgx.CopyFromRows(rowsWith(indicators, own, 3)))
		return err
	}); err != nil {
		t.Errorf("targets at their own cycle's period: %v", err)
	}
}

// insertOf is one INSERT of rows into table.
func insertOf(table string, columns []string, rows [][]any) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for j, v := range r {
			if j > 0 {
				b.WriteString(", ")
			}
			args = append(args, v)
			b.WriteString("$" + strconv.Itoa(len(args)))
		}
		b.WriteString(")")
	}
	return b.String(), args
}
