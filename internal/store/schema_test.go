package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/richtext"
	"traguardo/internal/store"
)

// TestSchema_Promises: what the schema promises holds in the database
// itself, whatever the application does: a value, a progress and a report
// use a period of their own cycle; a si/no value is 0 or 1; the
// constraints the store names exist under those names; the indexes of the
// joins exist; the columns nothing used are gone.
func TestSchema_Promises(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.NewDB(t)
	if _, err := demo.Load(ctx, store.New(pool), richtext.NewPolicy()); err != nil {
		t.Fatal(err)
	}
	var own, other, indicator, yesNo, activity, objective int64
	if err := pool.QueryRow(ctx, `
		SELECT (SELECT min(p.id) FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2023),
		       (SELECT min(p.id) FROM periods p JOIN cycles c ON c.id = p.cycle_id WHERE c.year = 2024),
		       (SELECT min(i.id) FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023 AND i.unit <> 'si/no'),
		       (SELECT min(i.id) FROM indicators i JOIN objectives o ON o.id = i.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023 AND i.unit = 'si/no'),
		       (SELECT min(a.id) FROM activities a JOIN objectives o ON o.id = a.objective_id JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023),
		       (SELECT min(o.id) FROM objectives o JOIN cycles c ON c.id = o.cycle_id WHERE c.year = 2023)`).Scan(
		&own, &other, &indicator, &yesNo, &activity, &objective); err != nil {
		t.Fatal(err)
	}
	refused := func(what, constraint, sql string, args ...any) {
		t.Helper()
		_, err := pool.Exec(ctx, sql, args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.ConstraintName != constraint {
			t.Errorf("%s: %v, want a refusal by %s", what, err, constraint)
		}
	}
	refused("a value at another cycle's period", "indicator_values_period_of_cycle",
		`INSERT INTO indicator_values (indicator_id, period_id, value) VALUES ($1, $2, 1)`, indicator, other)
	refused("progress at another cycle's period", "activity_progress_period_of_cycle",
		`INSERT INTO activity_progress (activity_id, period_id) VALUES ($1, $2)`, activity, other)
	refused("a report at another cycle's period", "progress_reports_period_of_cycle",
		`INSERT INTO progress_reports (objective_id, period_id) VALUES ($1, $2)`, objective, other)
	refused("a value moved to another cycle's period", "indicator_values_period_of_cycle",
		`UPDATE indicator_values SET period_id = $2 WHERE indicator_id = $1`, indicator, other)
	upsert := `INSERT INTO indicator_values (indicator_id, period_id, value) VALUES ($1, $2, $3)
		ON CONFLICT (indicator_id, period_id) DO UPDATE SET value = EXCLUDED.value`
	refused("a si/no value of 2", "indicator_values_yes_no", upsert, yesNo, own, 2)
	refused("a si/no value of 0.5", "indicator_values_yes_no", upsert, yesNo, own, 0.5)
	for _, v := range []float64{0, 1} {
		if _, err := pool.Exec(ctx, upsert, yesNo, own, v); err != nil {
			t.Errorf("si/no value %v: %v", v, err)
		}
	}
	if _, err := pool.Exec(ctx, upsert, indicator, own, 2.5); err != nil {
		t.Errorf("a number at its own cycle's period: %v", err)
	}
	// A conflict the store turns into a message, by the constraint's name.
	if err := store.ConflictFrom(func() error {
		_, err := pool.Exec(ctx, upsert, yesNo, own, 7)
		return err
	}()); err == nil || !strings.Contains(err.Error(), "si/no") {
		t.Errorf("the store's message for a si/no value of 7: %v", err)
	}

	var source string
	if err := pool.QueryRow(ctx, `SELECT prosrc FROM pg_proc WHERE proname = 'check_period_of_cycle'`).Scan(&source); err != nil {
		t.Fatal(err)
	}
	for name := range store.ConstraintMessages {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE conname = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 && !strings.Contains(source, "'"+name+"'") {
			t.Errorf("the store names constraint %s, which the schema does not have", name)
		}
	}
	for _, index := range []string{"objectives_cycle_idx", "objectives_group_idx", "indicator_values_period_idx",
		"activity_progress_period_idx", "progress_reports_period_idx", "user_centres_centre_idx"} {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname = $1`, index).Scan(&n); err != nil || n != 1 {
			t.Errorf("index %s: %d, %v", index, n, err)
		}
	}
	var dropped int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND
		(table_name, column_name) IN (('organisations', 'tax_code'), ('organisations', 'logo'), ('cycles', 'validation_act'),
		('progress_reports', 'submitted_at'))`).Scan(&dropped); err != nil || dropped != 0 {
		t.Errorf("%d unused columns still there (%v)", dropped, err)
	}
}
